using System.Globalization;

namespace Medley.Torch.Optim;

public enum PlateauMode
{
    /// <summary>The monitored metric should decrease (a loss).</summary>
    Min,
    /// <summary>The monitored metric should increase (an accuracy, an AUC).</summary>
    Max,
}

public enum ThresholdMode
{
    /// <summary>Improvement means beating best·(1 ∓ threshold).</summary>
    Rel,
    /// <summary>Improvement means beating best ∓ threshold.</summary>
    Abs,
}

/// <summary>
/// Multiplies each group's learning rate by <see cref="Factor"/> once the metric has not improved for more than
/// <see cref="Patience"/> steps, then waits <see cref="Cooldown"/> steps (torch ReduceLROnPlateau semantics,
/// including threshold modes, per-group minimum rates and eps).
/// </summary>
public sealed class ReduceLROnPlateau
{
    private readonly double[] _minLrs;
    private double[] _lastLrs;

    public Optimizer Optimizer { get; }
    public PlateauMode Mode { get; }
    public double Factor { get; }
    public int Patience { get; }
    public double Threshold { get; }
    public ThresholdMode ThresholdMode { get; }
    public int Cooldown { get; }
    public double Eps { get; }
    public IReadOnlyList<double> MinLearningRates => _minLrs;

    /// <summary>Best metric so far (±∞ before the first step).</summary>
    public double Best { get; private set; }
    public int NumBadEpochs { get; private set; }
    public int CooldownCounter { get; private set; }
    public int LastEpoch { get; private set; }
    public bool InCooldown => CooldownCounter > 0;
    public IReadOnlyList<double> LastLearningRates => _lastLrs;

    public ReduceLROnPlateau(Optimizer optimizer, PlateauMode mode = PlateauMode.Min, double factor = 0.1, int patience = 10,
        double threshold = 1e-4, ThresholdMode thresholdMode = ThresholdMode.Rel, int cooldown = 0, double minLearningRate = 0,
        double eps = 1e-8, IReadOnlyList<double>? minLearningRates = null)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (!(factor < 1.0)) throw new ArgumentOutOfRangeException(nameof(factor), factor, "Factor should be < 1.0.");
        if (patience < 0) throw new ArgumentOutOfRangeException(nameof(patience), patience, "patience must be non-negative");
        if (cooldown < 0) throw new ArgumentOutOfRangeException(nameof(cooldown), cooldown, "cooldown must be non-negative");
        if (!Enum.IsDefined(mode)) throw new ArgumentException($"mode {mode} is unknown!", nameof(mode));
        if (!Enum.IsDefined(thresholdMode)) throw new ArgumentException($"threshold mode {thresholdMode} is unknown!", nameof(thresholdMode));
        var groups = optimizer.ParamGroups.Count;
        if (minLearningRates != null)
        {
            if (minLearningRates.Count != groups)
                throw new ArgumentException($"expected {groups} min_lrs, got {minLearningRates.Count}", nameof(minLearningRates));
            _minLrs = minLearningRates.ToArray();
        }
        else
        {
            _minLrs = new double[groups];
            Array.Fill(_minLrs, minLearningRate);
        }
        Optimizer = optimizer;
        Mode = mode;
        Factor = factor;
        Patience = patience;
        Threshold = threshold;
        ThresholdMode = thresholdMode;
        Cooldown = cooldown;
        Eps = eps;
        Reset();
        _lastLrs = CurrentLearningRates();
    }

    private void Reset()
    {
        Best = Mode == PlateauMode.Min ? double.PositiveInfinity : double.NegativeInfinity;
        CooldownCounter = 0;
        NumBadEpochs = 0;
    }

    /// <summary>Reports the metric for the epoch just finished; may reduce the learning rates.</summary>
    public void Step(double metric)
    {
        LastEpoch++;
        if (IsBetter(metric, Best))
        {
            Best = metric;
            NumBadEpochs = 0;
        }
        else NumBadEpochs++;

        if (InCooldown)
        {
            CooldownCounter--;
            NumBadEpochs = 0; // bad epochs during cooldown don't count
        }
        if (NumBadEpochs > Patience)
        {
            ReduceLearningRates();
            CooldownCounter = Cooldown;
            NumBadEpochs = 0;
        }
        _lastLrs = CurrentLearningRates();
    }

    /// <summary>Reads a one-element metric tensor (e.g. a validation loss) and steps.</summary>
    public void Step(Tensor metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        if (metric.NumEl != 1) throw new ArgumentException($"ReduceLROnPlateau needs a one-element metric, got {metric.Describe()}", nameof(metric));
        Step(metric.Item());
    }

    private bool IsBetter(double a, double best) => (Mode, ThresholdMode) switch
    {
        (PlateauMode.Min, ThresholdMode.Rel) => a < best * (1.0 - Threshold),
        (PlateauMode.Min, ThresholdMode.Abs) => a < best - Threshold,
        (PlateauMode.Max, ThresholdMode.Rel) => a > best * (Threshold + 1.0),
        _ => a > best + Threshold,
    };

    private void ReduceLearningRates()
    {
        var groups = Optimizer.ParamGroups;
        for (var i = 0; i < groups.Count; i++)
        {
            var old = groups[i].LearningRate;
            var reduced = Math.Max(old * Factor, _minLrs[i]);
            if (old - reduced > Eps) groups[i].LearningRate = reduced;
        }
    }

    private double[] CurrentLearningRates()
    {
        var groups = Optimizer.ParamGroups;
        var lrs = new double[groups.Count];
        for (var i = 0; i < lrs.Length; i++) lrs[i] = groups[i].LearningRate;
        return lrs;
    }

    public override string ToString() =>
        string.Format(CultureInfo.InvariantCulture, "ReduceLROnPlateau(mode={0}, factor={1}, patience={2}, best={3}, bad epochs={4})", Mode, Factor, Patience, Best, NumBadEpochs);
}
