namespace Medley.Torch.Optim;

/// <summary>
/// Cosine annealing from the base learning rate to <see cref="EtaMin"/> over <see cref="TMax"/> epochs, continuing
/// as a cosine wave past it (torch CosineAnnealingLR, computed recursively as torch does).
/// </summary>
public sealed class CosineAnnealingLR : LRScheduler
{
    public int TMax { get; }
    public double EtaMin { get; }

    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin = 0, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        if (tMax < 1) throw new ArgumentOutOfRangeException(nameof(tMax), tMax, "T_max must be at least 1");
        TMax = tMax;
        EtaMin = etaMin;
        InitialStep();
    }

    protected override double[] ComputeLearningRates()
    {
        var lrs = CurrentLearningRates();
        if (LastEpoch == 0) return lrs;
        if (StepCount == 1 && LastEpoch > 0) return ClosedFormLearningRates();
        if (PythonMod(LastEpoch - 1 - TMax, 2 * TMax) == 0)
        {
            for (var i = 0; i < lrs.Length; i++)
                lrs[i] += (BaseLearningRates[i] - EtaMin) * (1 - Math.Cos(Math.PI / TMax)) / 2;
            return lrs;
        }
        var ratio = (1 + Math.Cos(Math.PI * LastEpoch / TMax)) / (1 + Math.Cos(Math.PI * (LastEpoch - 1) / TMax));
        for (var i = 0; i < lrs.Length; i++) lrs[i] = ratio * (lrs[i] - EtaMin) + EtaMin;
        return lrs;
    }

    protected override double[] ClosedFormLearningRates()
    {
        var lrs = new double[BaseLearningRates.Length];
        for (var i = 0; i < lrs.Length; i++)
            lrs[i] = EtaMin + (BaseLearningRates[i] - EtaMin) * (1 + Math.Cos(Math.PI * LastEpoch / TMax)) / 2;
        return lrs;
    }

    private static int PythonMod(int a, int m) => ((a % m) + m) % m;
}
