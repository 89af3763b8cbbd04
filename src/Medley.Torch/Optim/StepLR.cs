namespace Medley.Torch.Optim;

/// <summary>Multiplies the learning rate by <see cref="Gamma"/> every <see cref="StepSize"/> epochs (torch StepLR).</summary>
public sealed class StepLR : LRScheduler
{
    public int StepSize { get; }
    public double Gamma { get; }

    public StepLR(Optimizer optimizer, int stepSize, double gamma = 0.1, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        if (stepSize < 1) throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, "step size must be at least 1");
        StepSize = stepSize;
        Gamma = gamma;
        InitialStep();
    }

    protected override double[] ComputeLearningRates()
    {
        var lrs = CurrentLearningRates();
        if (LastEpoch == 0 || LastEpoch % StepSize != 0) return lrs;
        for (var i = 0; i < lrs.Length; i++) lrs[i] *= Gamma;
        return lrs;
    }

    protected override double[] ClosedFormLearningRates()
    {
        var lrs = new double[BaseLearningRates.Length];
        for (var i = 0; i < lrs.Length; i++) lrs[i] = BaseLearningRates[i] * Math.Pow(Gamma, LastEpoch / StepSize);
        return lrs;
    }
}

/// <summary>Multiplies the learning rate by <see cref="Gamma"/> at each milestone epoch (torch MultiStepLR).</summary>
public sealed class MultiStepLR : LRScheduler
{
    private readonly int[] _milestones;

    public double Gamma { get; }
    public IReadOnlyList<int> Milestones => _milestones;

    public MultiStepLR(Optimizer optimizer, IEnumerable<int> milestones, double gamma = 0.1, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        _milestones = milestones.OrderBy(m => m).ToArray();
        Gamma = gamma;
        InitialStep();
    }

    protected override double[] ComputeLearningRates()
    {
        var lrs = CurrentLearningRates();
        var hits = 0;
        foreach (var m in _milestones)
            if (m == LastEpoch) hits++;
        if (hits == 0) return lrs;
        var factor = Math.Pow(Gamma, hits);
        for (var i = 0; i < lrs.Length; i++) lrs[i] *= factor;
        return lrs;
    }

    protected override double[] ClosedFormLearningRates()
    {
        var passed = 0;
        foreach (var m in _milestones)
            if (m <= LastEpoch) passed++;
        var lrs = new double[BaseLearningRates.Length];
        for (var i = 0; i < lrs.Length; i++) lrs[i] = BaseLearningRates[i] * Math.Pow(Gamma, passed);
        return lrs;
    }
}
