using System.Diagnostics;
using Medley.Torch;
using Medley.Torch.NN;
using Medley.Torch.Optim;

namespace Medley.Bench;

/// <summary>
/// One training step of a 3-layer MLP (1024 wide, ReLU, batch 32, MSE loss, AdamW), the same as
/// bench/python/bench_torch.py's mlp_step: zero_grad(set_to_none) → forward → loss → backward → step.
/// </summary>
public static class MlpStep
{
    private const int Width = 1024;
    private const int Batch = 32;
    private const int Steps = 30;

    private sealed class Mlp : Module<Tensor, Tensor>
    {
        private readonly Linear fc1 = new(Width, Width);
        private readonly Linear fc2 = new(Width, Width);
        private readonly Linear fc3 = new(Width, Width);

        public override Tensor Forward(Tensor x) =>
            fc3.Forward(Functional.Relu(fc2.Forward(Functional.Relu(fc1.Forward(x)))));
    }

    public static double Run()
    {
        Engine.ManualSeed(0);
        using var model = new Mlp();
        using var optimizer = new AdamW(model.Parameters(), learningRate: 1e-3, weightDecay: 0.01);
        using var x = Tensor.Randn(Batch, Width).DetachFromScope();
        using var y = Tensor.Randn(Batch, Width).DetachFromScope();

        void Step()
        {
            using var scope = DisposeScope.Enter();
            optimizer.ZeroGrad();
            var loss = Functional.MseLoss(model.Forward(x), y);
            loss.Backward();
            optimizer.Step();
        }

        for (var i = 0; i < 5; i++) Step();
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < Steps; i++) Step();
        var perStep = sw.Elapsed.TotalMicroseconds / Steps;
        return perStep;
    }
}
