namespace Medley.Torch.Optim;

/// <summary>
/// Scales the learning rate linearly from startFactor·lr to endFactor·lr over <see cref="TotalIters"/> epochs,
/// then holds it (torch LinearLR; the usual warm-up).
/// </summary>
public sealed class LinearLR : LRScheduler
{
    public double StartFactor { get; }
    public double EndFactor { get; }
    public int TotalIters { get; }

    public LinearLR(Optimizer optimizer, double startFactor = 1.0 / 3, double endFactor = 1.0, int totalIters = 5, int lastEpoch = -1)
        : base(optimizer, lastEpoch)
    {
        // torch rejects 0 only implicitly (division by zero on the first step); say so up front.
        if (!(startFactor > 0 && startFactor <= 1)) throw new ArgumentOutOfRangeException(nameof(startFactor), startFactor, "Starting multiplicative factor expected to be in (0, 1].");
        if (!(endFactor >= 0 && endFactor <= 1)) throw new ArgumentOutOfRangeException(nameof(endFactor), endFactor, "Ending multiplicative factor expected to be between 0 and 1.");
        if (totalIters < 1) throw new ArgumentOutOfRangeException(nameof(totalIters), totalIters, "totalIters must be at least 1");
        StartFactor = startFactor;
        EndFactor = endFactor;
        TotalIters = totalIters;
        InitialStep();
    }

    protected override double[] ComputeLearningRates()
    {
        var lrs = CurrentLearningRates();
        if (LastEpoch == 0)
        {
            for (var i = 0; i < lrs.Length; i++) lrs[i] *= StartFactor;
            return lrs;
        }
        if (LastEpoch > TotalIters) return lrs;
        var factor = 1.0 + (EndFactor - StartFactor) / (TotalIters * StartFactor + (LastEpoch - 1) * (EndFactor - StartFactor));
        for (var i = 0; i < lrs.Length; i++) lrs[i] *= factor;
        return lrs;
    }

    protected override double[] ClosedFormLearningRates()
    {
        var lrs = new double[BaseLearningRates.Length];
        var progress = (EndFactor - StartFactor) * Math.Min(TotalIters, LastEpoch) / TotalIters;
        for (var i = 0; i < lrs.Length; i++) lrs[i] = BaseLearningRates[i] * (StartFactor + progress);
        return lrs;
    }
}
