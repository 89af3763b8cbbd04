using Medley.Torch.NN;
using Medley.Torch.Optim;

namespace Medley.Torch.Tests;

/// <summary>Learning-rate sequences against torch.optim.lr_scheduler for 30 steps (fixture optim_schedules).</summary>
public class ScheduleTests
{
    private const int Steps = 30;

    /// <summary>The same harness as the fixture script: SGD with one group per lr, one Step per epoch.</summary>
    private static double[,] Run(double[] lrs, Func<Optimizer, Action<int>> attach)
    {
        var ps = lrs.Select(_ => new Parameter(Tensor.Zeros(1))).ToArray();
        try
        {
            using var sgd = new SGD(ps.Select((p, i) => new ParamGroup(new Tensor[] { p }, learningRate: lrs[i])), learningRate: lrs[0]);
            var step = attach(sgd);
            var values = new double[Steps + 1, lrs.Length];
            void Record(int row)
            {
                for (var g = 0; g < lrs.Length; g++) values[row, g] = sgd.ParamGroups[g].LearningRate;
            }
            Record(0);
            for (var t = 0; t < Steps; t++)
            {
                sgd.Step();
                step(t);
                Record(t + 1);
            }
            return values;
        }
        finally
        {
            foreach (var p in ps) p.Dispose();
        }
    }

    private static void AssertSequence(string name, double[,] actual)
    {
        using var scope = DisposeScope.Enter();
        using var f = Fixture.Load("optim_schedules");
        var flat = new double[actual.Length];
        Buffer.BlockCopy(actual, 0, flat, 0, flat.Length * sizeof(double));
        var tensor = Tensor.From(flat, new long[] { actual.GetLength(0), actual.GetLength(1) });
        AssertClose.Equal(f[name], tensor, rtol: 1e-12, atol: 1e-15, what: name);
    }

    private static Action<int> Stepper(LRScheduler s) => _ => s.Step();

    [Fact]
    public void StepLRMatchesTorch() =>
        AssertSequence("step", Run(new[] { 0.1 }, o => Stepper(new StepLR(o, stepSize: 7, gamma: 0.5))));

    [Fact]
    public void MultiStepLRMatchesTorch() =>
        AssertSequence("multistep", Run(new[] { 0.1 }, o => Stepper(new MultiStepLR(o, new[] { 3, 10, 10, 22 }, gamma: 0.3))));

    [Fact]
    public void LinearLRMatchesTorch() =>
        AssertSequence("linear", Run(new[] { 0.1 }, o => Stepper(new LinearLR(o, startFactor: 0.1, endFactor: 0.9, totalIters: 8))));

    [Fact]
    public void CosineAnnealingPastTMaxMatchesTorch() =>
        AssertSequence("cosine", Run(new[] { 0.1, 0.02 }, o => Stepper(new CosineAnnealingLR(o, tMax: 10, etaMin: 1e-3))));

    [Fact]
    public void WarmupCosineMatchesSequentialLinearThenCosine() =>
        AssertSequence("warmup_cosine", Run(new[] { 0.1, 0.02 },
            o => Stepper(new WarmupCosine(o, warmupSteps: 5, totalSteps: 30, startFactor: 0.01, finalLearningRate: 1e-4))));

    [Fact]
    public void ExplicitSequentialLRMatchesTorch() =>
        AssertSequence("warmup_cosine", Run(new[] { 0.1, 0.02 }, o => Stepper(new SequentialLR(o,
            new LRScheduler[] { new LinearLR(o, 0.01, 1.0, 5), new CosineAnnealingLR(o, 25, 1e-4) }, new[] { 5 }))));

    [Fact]
    public void ReduceLROnPlateauMinModeMatchesTorch()
    {
        using var scope = DisposeScope.Enter();
        using var f = Fixture.Load("optim_schedules");
        var loss = f["plateau.loss"].ToArray<double>();
        AssertSequence("plateau_min", Run(new[] { 0.1, 0.01 }, o =>
        {
            var s = new ReduceLROnPlateau(o, PlateauMode.Min, factor: 0.5, patience: 2);
            return t => s.Step(loss[t]);
        }));
    }

    [Fact]
    public void ReduceLROnPlateauMaxAbsCooldownMinLrMatchesTorch()
    {
        using var scope = DisposeScope.Enter();
        using var f = Fixture.Load("optim_schedules");
        var acc = f["plateau.acc"].ToArray<double>();
        AssertSequence("plateau_max_abs", Run(new[] { 0.1, 0.01 }, o =>
        {
            var s = new ReduceLROnPlateau(o, PlateauMode.Max, factor: 0.2, patience: 1, threshold: 0.005,
                thresholdMode: ThresholdMode.Abs, cooldown: 2, minLearningRates: new[] { 1e-3, 1e-4 });
            return t => s.Step(Tensor.Scalar(acc[t]));
        }));
    }

    [Fact]
    public void SchedulersRecordInitialLearningRateAndLastRates()
    {
        using var scope = DisposeScope.Enter();
        using var p = new Parameter(Tensor.Zeros(1));
        using var sgd = new SGD(new Tensor[] { p }, learningRate: 0.4);
        var s = new StepLR(sgd, stepSize: 1, gamma: 0.5);
        Assert.Equal(0.4, sgd.ParamGroups[0].InitialLearningRate);
        s.Step();
        s.Step();
        Assert.Equal(2, s.LastEpoch);
        Assert.Equal(new[] { 0.1 }, s.LastLearningRates);
        Assert.Equal(0.4, sgd.ParamGroups[0].InitialLearningRate);
    }

    [Fact]
    public void InvalidScheduleArgumentsThrow()
    {
        using var scope = DisposeScope.Enter();
        using var p = new Parameter(Tensor.Zeros(1));
        using var sgd = new SGD(new Tensor[] { p }, learningRate: 0.1);
        using var other = new SGD(new Tensor[] { p }, learningRate: 0.1);
        Assert.Throws<ArgumentOutOfRangeException>(() => new StepLR(sgd, stepSize: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealingLR(sgd, tMax: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinearLR(sgd, startFactor: 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WarmupCosine(sgd, warmupSteps: 10, totalSteps: 10));
        Assert.Contains("Factor should be < 1.0", Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(sgd, factor: 1.0)).Message);
        Assert.Contains("expected 1 min_lrs", Assert.Throws<ArgumentException>(() => new ReduceLROnPlateau(sgd, minLearningRates: new[] { 0.1, 0.2 })).Message);
        Assert.Contains("same optimizer", Assert.Throws<ArgumentException>(() =>
            new SequentialLR(sgd, new LRScheduler[] { new StepLR(sgd, 2), new StepLR(other, 2) }, new[] { 3 })).Message);
        Assert.Contains("one more than the number of milestone", Assert.Throws<ArgumentException>(() =>
            new SequentialLR(sgd, new LRScheduler[] { new StepLR(sgd, 2) }, new[] { 3 })).Message);
        using var fresh = new SGD(new Tensor[] { p }, learningRate: 0.1);
        Assert.Contains("initial learning rate", Assert.Throws<ArgumentException>(() => new StepLR(fresh, 2, lastEpoch: 4)).Message);
    }
}
