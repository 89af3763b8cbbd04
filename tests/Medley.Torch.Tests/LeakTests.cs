using Medley.Torch.NN;
using Medley.Torch.Optim;

namespace Medley.Torch.Tests;

/// <summary>
/// Acceptance: 2,000 training steps (each inside a DisposeScope) leave the live-tensor count exactly unchanged after
/// every step, and the process RSS at the end has grown by at most 10% over its value after step 100.
/// </summary>
[Collection(SerialCollection.Name)]
public class LeakTests
{
    private sealed class TwoLayer : Module<Tensor, Tensor>
    {
        private readonly Linear fc1 = new(32, 64);
        private readonly Linear fc2 = new(64, 8);

        public override Tensor Forward(Tensor input) => fc2.Forward(Functional.Relu(fc1.Forward(input)));
    }

    private static long ResidentBytes()
    {
        var fields = File.ReadAllText("/proc/self/statm").Split(' ');
        return long.Parse(fields[1]) * Environment.SystemPageSize;
    }

    [Fact]
    public void TwoThousandTrainingStepsKeepLiveTensorsAndMemoryFlat()
    {
        const int steps = 2000;
        LiveTensorCount.Settled();
        Engine.ManualSeed(5);
        using var model = new TwoLayer();
        using var data = DisposeScope.Enter();
        var x = Tensor.Randn(64, 32);
        var target = Tensor.Randn(64, 8);
        using var optimizer = new AdamW(model.Parameters(), learningRate: 1e-3);
        var schedule = new WarmupCosine(optimizer, warmupSteps: 100, totalSteps: steps, startFactor: 0.1);

        long liveAfterFirst = 0, rssAtHundred = 0;
        double firstLoss = 0, lastLoss = 0;
        for (var step = 1; step <= steps; step++)
        {
            using (var scope = DisposeScope.Enter())
            {
                optimizer.ZeroGrad();
                var loss = Functional.MseLoss(model.Forward(x), target);
                loss.Backward();
                GradientClipping.ClipGradNorm(model.Parameters(), 5.0);
                optimizer.Step();
                schedule.Step();
                if (step == 1) firstLoss = loss.Item();
                if (step == steps) lastLoss = loss.Item();
            }
            var live = Engine.LiveTensors;
            if (step == 1) liveAfterFirst = live;
            else if (live != liveAfterFirst)
                Assert.Fail($"live tensors changed at step {step}: {live}, expected {liveAfterFirst}");
            if (step == 100)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                rssAtHundred = ResidentBytes();
            }
        }
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var rssAtEnd = ResidentBytes();

        Assert.True(lastLoss < firstLoss * 0.5, $"the model should learn: loss {firstLoss} → {lastLoss}");
        Assert.True(rssAtEnd <= rssAtHundred * 1.10,
            $"RSS grew from {rssAtHundred / 1048576.0:F1} MiB after step 100 to {rssAtEnd / 1048576.0:F1} MiB after step {steps} (over 10%)");
    }
}
