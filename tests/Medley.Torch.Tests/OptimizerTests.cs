using Medley.Torch.NN;
using Medley.Torch.Optim;
using Medley.Torch.Serialization;

namespace Medley.Torch.Tests;

/// <summary>Adam, AdamW and SGD against torch.optim 1.13 on a fixed gradient sequence (fixture optim_steps).</summary>
public class OptimizerTests
{
    private const int Steps = 10;

    private static readonly Dictionary<string, (Func<Parameter[], Optimizer> Make, int[] Skips)> Cases = new()
    {
        ["adam"] = (ps => new Adam(ps, learningRate: 1e-2), Array.Empty<int>()),
        ["adam_l2_amsgrad"] = (ps => new Adam(ps, learningRate: 2e-2, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.1, amsGrad: true), Array.Empty<int>()),
        ["adam_maximize"] = (ps => new Adam(ps, learningRate: 1e-2, maximize: true), Array.Empty<int>()),
        ["adam_skip"] = (ps => new Adam(ps, learningRate: 1e-2), new[] { 2, 5 }),
        ["adamw"] = (ps => new AdamW(ps, learningRate: 1e-2, weightDecay: 0.05), Array.Empty<int>()),
        ["adamw_amsgrad"] = (ps => new AdamW(ps, learningRate: 1e-2, amsGrad: true), Array.Empty<int>()),
        ["adam_groups"] = (ps => new Adam(new[]
        {
            new ParamGroup(new Tensor[] { ps[0] }),
            new ParamGroup(new Tensor[] { ps[1] }, learningRate: 5e-3, weightDecay: 0.1),
        }, learningRate: 1e-2), Array.Empty<int>()),
        ["sgd"] = (ps => new SGD(ps, learningRate: 0.1), Array.Empty<int>()),
        ["sgd_momentum"] = (ps => new SGD(ps, learningRate: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 0.01), Array.Empty<int>()),
        ["sgd_nesterov"] = (ps => new SGD(ps, learningRate: 0.05, momentum: 0.9, weightDecay: 0.01, nesterov: true), Array.Empty<int>()),
        ["sgd_maximize_skip"] = (ps => new SGD(ps, learningRate: 0.05, momentum: 0.5, maximize: true), new[] { 0, 4 }),
    };

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var name in Cases.Keys) data.Add(name);
        return data;
    }

    internal static Parameter[] InitialParameters(Fixture f) =>
        new[] { new Parameter(f["init.p0"].Clone()), new Parameter(f["init.p1"].Clone()) };

    internal static void SetGradients(Fixture f, Parameter[] ps, int t, int[] skips)
    {
        ps[0].Grad = f[$"grad.{t}.p0"].Clone();
        ps[1].Grad = Array.IndexOf(skips, t) >= 0 ? null : f[$"grad.{t}.p1"].Clone();
    }

    private static void Dispose(Parameter[] ps)
    {
        foreach (var p in ps) p.Dispose();
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void MatchesTorchStepByStep(string name)
    {
        using var scope = DisposeScope.Enter();
        using var f = Fixture.Load("optim_steps");
        var (make, skips) = Cases[name];
        var ps = InitialParameters(f);
        try
        {
            using var optimizer = make(ps);
            for (var t = 0; t < Steps; t++)
            {
                SetGradients(f, ps, t, skips);
                optimizer.Step();
                AssertClose.Equal(f[$"{name}.{t}.p0"], ps[0], rtol: 1e-5, what: $"{name} step {t} p0");
                AssertClose.Equal(f[$"{name}.{t}.p1"], ps[1], rtol: 1e-5, what: $"{name} step {t} p1");
            }

            // The state dict carries the same moments and step counts as torch's optimizer.state.
            var state = optimizer.StateDict();
            var expectedKeys = f.Keys.Where(k => k.StartsWith(name + ".state.", StringComparison.Ordinal)).ToList();
            Assert.Equal(expectedKeys.Count, state.Keys.Count(k => k.StartsWith("state.", StringComparison.Ordinal)));
            foreach (var key in expectedKeys)
            {
                var mine = key.Substring(name.Length + 1);
                Assert.True(state.ContainsKey(mine), $"{name}: state dict lacks '{mine}'");
                if (mine.EndsWith(".step")) Assert.Equal(f[key].Item(), state[mine].Item());
                else AssertClose.Equal(f[key], state[mine], rtol: 1e-5, what: $"{name} {mine}");
            }
        }
        finally
        {
            Dispose(ps);
        }
    }

    [Fact]
    public void StateDictRoundTripResumesTrainingExactly()
    {
        using var scope = DisposeScope.Enter();
        using var f = Fixture.Load("optim_steps");
        var path = Path.Combine(Path.GetTempPath(), $"medley-optim-{Guid.NewGuid():N}.safetensors");
        var ps = InitialParameters(f);
        Parameter[]? resumed = null;
        try
        {
            using (var first = new AdamW(ps, learningRate: 1e-2, weightDecay: 0.05, amsGrad: false))
            {
                for (var t = 0; t < 4; t++)
                {
                    SetGradients(f, ps, t, Array.Empty<int>());
                    first.Step();
                }
                SafeTensors.Save(path, first.StateDict());
            }
            // A fresh optimiser over copies of the parameters, state loaded from the checkpoint.
            resumed = new[] { new Parameter(ps[0].Detach().Clone()), new Parameter(ps[1].Detach().Clone()) };
            using var second = new AdamW(resumed, learningRate: 0.5, weightDecay: 0.05);
            var loaded = SafeTensors.Load(path);
            second.LoadStateDict(loaded);
            Assert.Equal(1e-2, second.ParamGroups[0].LearningRate);
            Assert.Equal(4, second.StateOf(resumed[0]).Step);
            for (var t = 4; t < Steps; t++)
            {
                SetGradients(f, resumed, t, Array.Empty<int>());
                second.Step();
            }
            AssertClose.Equal(f[$"adamw.{Steps - 1}.p0"], resumed[0], what: "resumed p0");
            AssertClose.Equal(f[$"adamw.{Steps - 1}.p1"], resumed[1], what: "resumed p1");
        }
        finally
        {
            Dispose(ps);
            if (resumed != null) Dispose(resumed);
            File.Delete(path);
        }
    }

    [Fact]
    public void LoadStateDictRejectsMismatchesWithoutChangingState()
    {
        using var scope = DisposeScope.Enter();
        using var f = Fixture.Load("optim_steps");
        var ps = InitialParameters(f);
        try
        {
            using var adam = new Adam(ps, learningRate: 1e-2);
            SetGradients(f, ps, 0, Array.Empty<int>());
            adam.Step();
            var good = adam.StateDict();

            var wrongShape = new Dictionary<string, Tensor>(good) { ["state.0.exp_avg"] = Tensor.Zeros(4, 3) };
            var e = Assert.Throws<ArgumentException>(() => adam.LoadStateDict(wrongShape));
            Assert.Contains("state.0.exp_avg", e.Message);
            Assert.Contains("[3, 4]", e.Message);

            var outOfRange = new Dictionary<string, Tensor>(good) { ["state.7.exp_avg"] = Tensor.Zeros(3, 4) };
            Assert.Contains("parameter 7", Assert.Throws<ArgumentException>(() => adam.LoadStateDict(outOfRange)).Message);

            var unknown = new Dictionary<string, Tensor>(good) { ["bogus"] = Tensor.Zeros(1) };
            Assert.Contains("bogus", Assert.Throws<ArgumentException>(() => adam.LoadStateDict(unknown)).Message);

            var noLr = good.Where(kv => kv.Key != "param_groups.0.lr").ToDictionary(kv => kv.Key, kv => kv.Value);
            Assert.Contains("param_groups.0.lr", Assert.Throws<ArgumentException>(() => adam.LoadStateDict(noLr)).Message);

            // Nothing changed: the moments still equal torch's after one step.
            Assert.Equal(1, adam.StateOf(ps[0]).Step);
            AssertClose.Equal(good["state.0.exp_avg"], adam.StateOf(ps[0]).ExpAvg!);
        }
        finally
        {
            Dispose(ps);
        }
    }

    [Fact]
    public void AddParamGroupOptimisesNewParametersWithTheirOwnOptions()
    {
        using var scope = DisposeScope.Enter();
        using var a = new Parameter(Tensor.Ones(2));
        using var b = new Parameter(Tensor.Ones(2));
        using var sgd = new SGD(new Tensor[] { a }, learningRate: 0.1);
        sgd.AddParamGroup(new ParamGroup(new Tensor[] { b }, learningRate: 0.5));
        Assert.Equal(2, sgd.ParamGroups.Count);
        Assert.Equal(0.0, sgd.ParamGroups[1].WeightDecay);
        a.Grad = Tensor.Ones(2);
        b.Grad = Tensor.Ones(2);
        sgd.Step();
        Assert.Equal(new float[] { 0.9f, 0.9f }, a.ToArray<float>());
        Assert.Equal(new float[] { 0.5f, 0.5f }, b.ToArray<float>());
        Assert.Contains("more than one parameter group", Assert.Throws<ArgumentException>(() =>
            sgd.AddParamGroup(new ParamGroup(new Tensor[] { a }))).Message);
        Assert.Equal(2, sgd.ParamGroups.Count);
    }

    [Fact]
    public void ZeroGradClearsOrZeroesGradients()
    {
        using var scope = DisposeScope.Enter();
        using var p = new Parameter(Tensor.Ones(2, 2));
        using var sgd = new SGD(new Tensor[] { p }, learningRate: 0.1);
        p.Grad = Tensor.Ones(2, 2);
        sgd.ZeroGrad(setToNone: false);
        Assert.Equal(new float[] { 0, 0, 0, 0 }, p.Grad!.ToArray<float>());
        sgd.ZeroGrad();
        Assert.Null(p.Grad);
        sgd.Step(); // no gradient: nothing moves
        Assert.Equal(new float[] { 1, 1, 1, 1 }, p.ToArray<float>());
    }

    [Fact]
    public void StepWithClosureReturnsTheLoss()
    {
        using var scope = DisposeScope.Enter();
        using var p = new Parameter(Tensor.From(new float[] { 1, -2 }));
        using var sgd = new SGD(new Tensor[] { p }, learningRate: 0.25);
        var loss = sgd.Step(() =>
        {
            sgd.ZeroGrad();
            var l = (p * p).Sum();
            l.Backward();
            return l;
        });
        Assert.Equal(5.0, loss.Item(), 6);
        Assert.Equal(new float[] { 0.5f, -1f }, p.ToArray<float>());
    }

    [Fact]
    public void InvalidArgumentsAreRejectedWithClearMessages()
    {
        using var scope = DisposeScope.Enter();
        using var p = new Parameter(Tensor.Ones(2));
        var ps = new Tensor[] { p };
        Assert.Contains("learning rate", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(ps, learningRate: -1)).Message);
        Assert.Contains("beta parameter at index 1", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(ps, beta2: 1.0)).Message);
        Assert.Contains("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW(ps, eps: -1e-8)).Message);
        Assert.Contains("weight_decay", Assert.Throws<ArgumentOutOfRangeException>(() => new SGD(ps, 0.1, weightDecay: -0.1)).Message);
        Assert.Contains("momentum", Assert.Throws<ArgumentOutOfRangeException>(() => new SGD(ps, 0.1, momentum: -0.5)).Message);
        Assert.Contains("Nesterov", Assert.Throws<ArgumentException>(() => new SGD(ps, 0.1, momentum: 0.9, dampening: 0.1, nesterov: true)).Message);
        Assert.Contains("Nesterov", Assert.Throws<ArgumentException>(() => new SGD(ps, 0.1, nesterov: true)).Message);
        Assert.Contains("empty parameter list", Assert.Throws<ArgumentException>(() => new Adam(Array.Empty<Tensor>())).Message);
        Assert.Contains("more than one parameter group", Assert.Throws<ArgumentException>(() => new SGD(new Tensor[] { p, p }, 0.1)).Message);
        Assert.Contains("more than one parameter group", Assert.Throws<ArgumentException>(() =>
            new Adam(new[] { new ParamGroup(ps), new ParamGroup(ps) })).Message);
        var nonLeaf = p * 2.0;
        Assert.Contains("non-leaf", Assert.Throws<ArgumentException>(() => new Adam(new[] { nonLeaf })).Message);
        var ints = Tensor.Zeros(new long[] { 2 }, DType.Int64);
        Assert.Contains("floating-point", Assert.Throws<ArgumentException>(() => new Adam(new[] { ints })).Message);
        Assert.Contains("not one of the optimizer's parameters", Assert.Throws<ArgumentException>(() => new Adam(ps).StateOf(ints)).Message);
    }
}
