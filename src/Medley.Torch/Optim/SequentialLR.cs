namespace Medley.Torch.Optim;

/// <summary>
/// Runs schedules one after another, switching at the milestone epochs (torch SequentialLR): at a milestone the
/// next schedule restarts at its epoch 0 from the base learning rates.
/// </summary>
public class SequentialLR : LRScheduler
{
    private readonly LRScheduler[] _schedulers;
    private readonly int[] _milestones;

    public IReadOnlyList<LRScheduler> Schedulers => _schedulers;
    public IReadOnlyList<int> Milestones => _milestones;

    public SequentialLR(Optimizer optimizer, IReadOnlyList<LRScheduler> schedulers, IReadOnlyList<int> milestones, int lastEpoch = -1)
        : base(optimizer, lastEpoch)
    {
        ArgumentNullException.ThrowIfNull(schedulers);
        ArgumentNullException.ThrowIfNull(milestones);
        if (schedulers.Count == 0) throw new ArgumentException("SequentialLR needs at least one scheduler", nameof(schedulers));
        for (var i = 0; i < schedulers.Count; i++)
            if (!ReferenceEquals(schedulers[i].Optimizer, optimizer))
                throw new ArgumentException($"Sequential Schedulers expects all schedulers to belong to the same optimizer, but got scheduler at index {i} to be different than the optimizer passed in.");
        if (milestones.Count != schedulers.Count - 1)
            throw new ArgumentException($"Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers {schedulers.Count} and the number of milestones to be equal to {milestones.Count}");
        for (var i = 1; i < milestones.Count; i++)
            if (milestones[i] < milestones[i - 1]) throw new ArgumentException("SequentialLR milestones must be in increasing order", nameof(milestones));
        _schedulers = schedulers.ToArray();
        _milestones = milestones.ToArray();

        LastEpoch = lastEpoch + 1;
        foreach (var group in optimizer.ParamGroups) group.LearningRate = group.InitialLearningRate!.Value;
        foreach (var s in _schedulers) s.LastEpoch -= 1;
        _schedulers[0].InitialStep();
        SetLastLearningRates(_schedulers[0].LastLearningRates);
    }

    public override void Step()
    {
        LastEpoch++;
        var index = UpperBound(_milestones, LastEpoch);
        var scheduler = _schedulers[index];
        if (index > 0 && _milestones[index - 1] == LastEpoch) scheduler.StepTo(0);
        else scheduler.Step();
        SetLastLearningRates(scheduler.LastLearningRates);
    }

    // Python's bisect_right: how many milestones are ≤ value.
    private static int UpperBound(int[] sorted, int value)
    {
        var count = 0;
        while (count < sorted.Length && sorted[count] <= value) count++;
        return count;
    }

    protected override double[] ComputeLearningRates() => CurrentLearningRates();
}

/// <summary>
/// Linear warm-up from startFactor·lr to lr over <c>warmupSteps</c> steps, then cosine annealing down to
/// <c>finalLearningRate</c> at <c>totalSteps</c>: exactly torch's
/// SequentialLR([LinearLR(startFactor, 1, warmupSteps), CosineAnnealingLR(totalSteps − warmupSteps, finalLearningRate)], [warmupSteps]).
/// Steps may be optimiser steps or epochs, whichever the caller counts.
/// </summary>
public sealed class WarmupCosine : SequentialLR
{
    public WarmupCosine(Optimizer optimizer, int warmupSteps, int totalSteps, double startFactor = 1.0 / 3, double finalLearningRate = 0)
        : base(optimizer, Build(optimizer, warmupSteps, totalSteps, startFactor, finalLearningRate),
            warmupSteps > 0 ? new[] { warmupSteps } : Array.Empty<int>())
    {
    }

    private static LRScheduler[] Build(Optimizer optimizer, int warmupSteps, int totalSteps, double startFactor, double finalLearningRate)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (warmupSteps < 0) throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, "warm-up steps must be non-negative");
        if (totalSteps <= warmupSteps)
            throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, $"total steps ({totalSteps}) must exceed the warm-up steps ({warmupSteps})");
        if (warmupSteps == 0) return new LRScheduler[] { new CosineAnnealingLR(optimizer, totalSteps, finalLearningRate) };
        var warmup = new LinearLR(optimizer, startFactor, 1.0, warmupSteps);
        var cosine = new CosineAnnealingLR(optimizer, totalSteps - warmupSteps, finalLearningRate);
        return new LRScheduler[] { warmup, cosine };
    }
}
