namespace Medley.Evaluation.Statistics;

/// <summary>A percentile-bootstrap confidence interval.</summary>
/// <param name="Estimate">The statistic on the original sample.</param>
/// <param name="ValidResamples">Resamples where the statistic was defined (not NaN; e.g. AUROC needs both classes).</param>
public sealed record BootstrapInterval(double Estimate, double Low, double High, double Confidence, int ValidResamples);

/// <summary>Nonparametric bootstrap over samples of one test set (the single-split protocol: 1,000 resamples).</summary>
public static class Bootstrap
{
    /// <summary>
    /// Draws <paramref name="resamples"/> index sets of size n with replacement (seeded, so reproducible), evaluates
    /// <paramref name="statistic"/> on each, and returns the percentile interval of the defined values.
    /// </summary>
    /// <param name="statistic">Computes the metric from the chosen sample indices (they may repeat).</param>
    public static BootstrapInterval PercentileInterval(int n, Func<int[], double> statistic, int resamples = 1000,
        double confidence = 0.95, int seed = 0)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "the bootstrap needs at least one sample.");
        if (resamples < 1) throw new ArgumentOutOfRangeException(nameof(resamples), resamples, "resamples must be ≥ 1.");
        if (!(confidence > 0 && confidence < 1)) throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "confidence must be in (0, 1).");
        var estimate = statistic(Enumerable.Range(0, n).ToArray());
        var rng = new Random(seed);
        var values = new List<double>(resamples);
        var idx = new int[n];
        for (var r = 0; r < resamples; r++)
        {
            for (var i = 0; i < n; i++) idx[i] = rng.Next(n);
            var v = statistic(idx);
            if (!double.IsNaN(v)) values.Add(v);
        }
        if (values.Count == 0) return new BootstrapInterval(estimate, double.NaN, double.NaN, confidence, 0);
        var alpha = (1 - confidence) / 2;
        return new BootstrapInterval(estimate, Descriptive.Quantile(values, alpha), Descriptive.Quantile(values, 1 - alpha),
            confidence, values.Count);
    }
}
