namespace Medley.Torch.Optim;

/// <summary>
/// Base of the epoch/step learning-rate schedules, with torch.optim.lr_scheduler 1.13 semantics: construction sets
/// each group's initial learning rate and applies the value for epoch 0; each <see cref="Step"/> advances one epoch
/// (call it after optimizer.Step()). Schedules compute the new rate from the current one (torch's chainable form),
/// so values match PyTorch bit for bit.
/// </summary>
public abstract class LRScheduler
{
    private double[] _lastLrs = Array.Empty<double>();

    protected LRScheduler(Optimizer optimizer, int lastEpoch)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (lastEpoch < -1) throw new ArgumentOutOfRangeException(nameof(lastEpoch), lastEpoch, "lastEpoch must be -1 (a fresh start) or a finished epoch index");
        Optimizer = optimizer;
        var groups = optimizer.ParamGroups;
        BaseLearningRates = new double[groups.Count];
        for (var i = 0; i < groups.Count; i++)
        {
            if (lastEpoch == -1) groups[i].InitialLearningRate ??= groups[i].LearningRate;
            else if (groups[i].InitialLearningRate == null)
                throw new ArgumentException($"parameter group {i} has no initial learning rate, which resuming a schedule (lastEpoch {lastEpoch}) needs; load the optimizer's state dict first");
            BaseLearningRates[i] = groups[i].InitialLearningRate!.Value;
        }
        LastEpoch = lastEpoch;
    }

    public Optimizer Optimizer { get; }

    /// <summary>Index of the epoch (or step) whose learning rate is in effect.</summary>
    public int LastEpoch { get; protected internal set; }

    /// <summary>Each group's initial learning rate ('base_lrs').</summary>
    protected double[] BaseLearningRates { get; }

    /// <summary>Number of Step calls so far, including the one at construction ('_step_count').</summary>
    protected int StepCount { get; private set; }

    /// <summary>The learning rates the last step set, one per group (get_last_lr()).</summary>
    public IReadOnlyList<double> LastLearningRates => _lastLrs;

    /// <summary>torch's _initial_step: derived constructors call it once their fields are set.</summary>
    protected internal void InitialStep()
    {
        StepCount = 0;
        Step();
    }

    /// <summary>Advances one epoch and sets every group's learning rate.</summary>
    public virtual void Step()
    {
        StepCount++;
        LastEpoch++;
        Apply(ComputeLearningRates());
    }

    /// <summary>Jumps to an epoch using the closed form where there is one (torch's deprecated step(epoch); SequentialLR uses it).</summary>
    internal void StepTo(int epoch)
    {
        StepCount++;
        LastEpoch = epoch;
        Apply(ClosedFormLearningRates() ?? ComputeLearningRates());
    }

    /// <summary>The rates for <see cref="LastEpoch"/>, usually from the groups' current rates (torch's get_lr).</summary>
    protected abstract double[] ComputeLearningRates();

    /// <summary>The rates for <see cref="LastEpoch"/> from the base rates alone, or null when there is no closed form.</summary>
    protected virtual double[]? ClosedFormLearningRates() => null;

    protected double[] CurrentLearningRates()
    {
        var groups = Optimizer.ParamGroups;
        var lrs = new double[groups.Count];
        for (var i = 0; i < lrs.Length; i++) lrs[i] = groups[i].LearningRate;
        return lrs;
    }

    protected void Apply(double[] lrs)
    {
        var groups = Optimizer.ParamGroups;
        for (var i = 0; i < lrs.Length; i++) groups[i].LearningRate = lrs[i];
        _lastLrs = CurrentLearningRates();
    }

    internal void SetLastLearningRates(IReadOnlyList<double> lrs) => _lastLrs = lrs.ToArray();
}
