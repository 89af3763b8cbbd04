using Medley.Torch.NN;
using Medley.Torch.Optim;

namespace Medley.Torch.Tests;

/// <summary>
/// The fused native Adam step against the op-by-op path (which OptimizerTests pins to torch 1.13): the same
/// trajectory over many steps, for every option, on sizes that exercise both the 8-wide loop and its scalar tail.
/// </summary>
public class AdamFusedTests
{
    private static readonly Dictionary<string, Func<Parameter[], bool, Adam>> Cases = new()
    {
        ["adam"] = (ps, fused) => new Adam(ps, learningRate: 1e-2) { Fused = fused },
        ["adam_l2"] = (ps, fused) => new Adam(ps, learningRate: 2e-2, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.1) { Fused = fused },
        ["adam_amsgrad_maximize"] = (ps, fused) => new Adam(ps, learningRate: 1e-2, amsGrad: true, maximize: true) { Fused = fused },
        ["adamw"] = (ps, fused) => new AdamW(ps, learningRate: 1e-2, weightDecay: 0.05) { Fused = fused },
        ["adamw_amsgrad"] = (ps, fused) => new AdamW(ps, learningRate: 3e-3, amsGrad: true) { Fused = fused },
    };

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var name in Cases.Keys) data.Add(name);
        return data;
    }

    // 3 (tail only), 64 (vector only), 1003 (vector + tail) and 40 000 elements (several parallel chunks).
    private static readonly long[][] Shapes = { new long[] { 3 }, new long[] { 8, 8 }, new long[] { 17, 59 }, new long[] { 200, 200 } };

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void FusedFollowsTheOpByOpTrajectory(string name)
    {
        using var scope = DisposeScope.Enter();
        Engine.ManualSeed(11);
        var init = Shapes.Select(s => Tensor.Randn(s)).ToArray();
        var grads = Enumerable.Range(0, 30).Select(_ => Shapes.Select(s => Tensor.Randn(s)).ToArray()).ToArray();
        var fusedParams = init.Select(t => new Parameter(t.Clone())).ToArray();
        var plainParams = init.Select(t => new Parameter(t.Clone())).ToArray();
        try
        {
            using var fused = Cases[name](fusedParams, true);
            using var plain = Cases[name](plainParams, false);
            for (var step = 0; step < grads.Length; step++)
            {
                for (var i = 0; i < Shapes.Length; i++)
                {
                    fusedParams[i].Grad = grads[step][i].Clone();
                    plainParams[i].Grad = grads[step][i].Clone();
                }
                fused.Step();
                plain.Step();
            }
            for (var i = 0; i < Shapes.Length; i++)
            {
                AssertClose.Equal(plainParams[i], fusedParams[i], rtol: 1e-5, atol: 1e-6, what: $"{name} p{i}");
                var a = plain.StateOf(plainParams[i]);
                var b = fused.StateOf(fusedParams[i]);
                Assert.Equal(a.Step, b.Step);
                AssertClose.Equal(a.ExpAvg!, b.ExpAvg!, rtol: 1e-5, atol: 1e-7, what: $"{name} exp_avg {i}");
                AssertClose.Equal(a.ExpAvgSq!, b.ExpAvgSq!, rtol: 1e-5, atol: 1e-7, what: $"{name} exp_avg_sq {i}");
                if (a.MaxExpAvgSq != null) AssertClose.Equal(a.MaxExpAvgSq, b.MaxExpAvgSq!, rtol: 1e-5, atol: 1e-7, what: $"{name} max_exp_avg_sq {i}");
            }
        }
        finally
        {
            foreach (var p in fusedParams.Concat(plainParams)) p.Dispose();
        }
    }

    [Fact]
    public void Float64ParametersTakeTheOpByOpPathExactly()
    {
        using var scope = DisposeScope.Enter();
        Engine.ManualSeed(12);
        var init = Tensor.Randn(50).To(DType.Float64);
        var fusedParam = new Parameter(init.Clone());
        var plainParam = new Parameter(init.Clone());
        try
        {
            using var fused = new AdamW(new[] { fusedParam }, learningRate: 1e-2);
            using var plain = new AdamW(new[] { plainParam }, learningRate: 1e-2) { Fused = false };
            for (var step = 0; step < 5; step++)
            {
                var g = Tensor.Randn(50).To(DType.Float64);
                fusedParam.Grad = g.Clone();
                plainParam.Grad = g.Clone();
                fused.Step();
                plain.Step();
            }
            AssertClose.Equal(plainParam, fusedParam, rtol: 0, atol: 0, what: "float64 parameter");
        }
        finally
        {
            fusedParam.Dispose();
            plainParam.Dispose();
        }
    }
}
