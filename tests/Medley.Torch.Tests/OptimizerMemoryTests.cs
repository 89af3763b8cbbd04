using Medley.Torch.NN;
using Medley.Torch.Optim;

namespace Medley.Torch.Tests;

/// <summary>Optimiser state lives outside DisposeScopes, steps leave no handles behind, Dispose frees the state.</summary>
[Collection(SerialCollection.Name)]
public class OptimizerMemoryTests
{
    [Theory]
    [InlineData("adam")]
    [InlineData("adamw_amsgrad")]
    [InlineData("sgd_nesterov")]
    public void StepsLeakNoHandlesAndDisposeFreesState(string kind)
    {
        var before = LiveTensorCount.Settled();
        var ps = new[] { new Parameter(Tensor.Randn(4, 3)), new Parameter(Tensor.Randn(3)) };
        Optimizer optimizer = kind switch
        {
            "adam" => new Adam(ps, weightDecay: 0.1),
            "adamw_amsgrad" => new AdamW(ps, amsGrad: true),
            _ => new SGD(ps, 0.1, momentum: 0.9, weightDecay: 0.01, nesterov: true),
        };
        long afterFirst = 0;
        for (var step = 0; step < 5; step++)
        {
            using (var scope = DisposeScope.Enter())
            {
                optimizer.ZeroGrad();
                var loss = (ps[0].Sum() * ps[1].Sum()).Mul(ps[0].Mean());
                loss.Backward();
                optimizer.Step();
                GradientClipping.ClipGradNorm(ps, 1.0);
            }
            if (step == 0) afterFirst = Engine.LiveTensors;
            else Assert.Equal(afterFirst, Engine.LiveTensors);
        }
        var stateTensors = kind switch { "adam" => 4, "adamw_amsgrad" => 6, _ => 2 };
        Assert.Equal(before + ps.Length + stateTensors, Engine.LiveTensors);
        optimizer.Dispose();
        Assert.Equal(before + ps.Length, Engine.LiveTensors);
        Assert.Throws<ObjectDisposedException>(() => optimizer.Step());
        foreach (var p in ps) p.Dispose();
        Assert.Equal(before, Engine.LiveTensors);
    }
}
