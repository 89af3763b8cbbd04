namespace Medley.Evaluation.Statistics;

/// <summary>Result of a two-sided test: statistic, degrees of freedom (NaN where not applicable) and p-value.</summary>
public sealed record TestResult(double Statistic, double DegreesOfFreedom, double PValue);

/// <summary>Tests comparing two runs evaluated on the same folds (paired samples a[i], b[i]).</summary>
public static class PairedTests
{
    /// <summary>
    /// Paired t-test on d = a − b: t = mean(d) / (sd(d)/√n), df = n − 1, two-sided p (scipy.stats.ttest_rel).
    /// If every difference is equal, t is ±∞ (p = 0) or, when all are zero, NaN.
    /// </summary>
    public static TestResult TTest(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        var d = Differences(a, b);
        if (d.Length < 2) throw new ArgumentException("a paired t-test needs at least two pairs.");
        var mean = d.Average();
        var sd = Descriptive.SampleStd(d);
        var t = mean / (sd / Math.Sqrt(d.Length));
        var df = d.Length - 1;
        var p = double.IsNaN(t) ? double.NaN : 2 * StudentT.Cdf(-Math.Abs(t), df);
        return new TestResult(t, df, p);
    }

    /// <summary>
    /// Wilcoxon signed-rank test on d = a − b, two-sided, statistic = min(R⁺, R⁻) (scipy.stats.wilcoxon defaults):
    /// exact null distribution for n ≤ 50 without zero differences, otherwise zero differences are dropped and the
    /// normal approximation with tie correction (no continuity correction) is used.
    /// </summary>
    public static TestResult Wilcoxon(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        var d = Differences(a, b);
        if (d.Length == 0) throw new ArgumentException("the Wilcoxon test needs at least one pair.");
        var exact = d.Length <= 50 && d.All(v => v != 0);
        if (!exact) d = d.Where(v => v != 0).ToArray();
        if (d.Length == 0) throw new ArgumentException("every difference is zero; the Wilcoxon test is undefined.");
        var n = d.Length;
        var ranks = AverageRanks(d.Select(Math.Abs).ToArray());
        double rPlus = 0, rMinus = 0;
        for (var i = 0; i < n; i++) { if (d[i] > 0) rPlus += ranks[i]; else rMinus += ranks[i]; }
        var stat = Math.Min(rPlus, rMinus);
        double p;
        if (exact)
        {
            var pmf = SignedRankDistribution(n);
            var r = (int)rPlus;
            if (r == (pmf.Length - 1) / 2) p = 1;
            else
            {
                double less = 0, greater = 0;
                for (var k = 0; k <= r; k++) less += pmf[k];
                for (var k = r; k < pmf.Length; k++) greater += pmf[k];
                p = Math.Min(1, 2 * Math.Min(less, greater));
            }
        }
        else
        {
            var mean = n * (n + 1.0) / 4;
            var variance = n * (n + 1.0) * (2 * n + 1.0);
            foreach (var g in ranks.GroupBy(r => r).Where(g => g.Count() > 1))
            {
                double t = g.Count();
                variance -= 0.5 * t * (t * t - 1);
            }
            var z = (stat - mean) / Math.Sqrt(variance / 24);
            p = 2 * Normal.Survival(Math.Abs(z));
        }
        return new TestResult(stat, double.NaN, p);
    }

    /// <summary>P(R⁺ = k) for k = 0..n(n+1)/2 under the null (each sign equally likely).</summary>
    private static double[] SignedRankDistribution(int n)
    {
        var max = n * (n + 1) / 2;
        var counts = new double[max + 1];
        counts[0] = 1;
        for (var rank = 1; rank <= n; rank++)
            for (var s = max; s >= rank; s--) counts[s] += counts[s - rank];
        var total = Math.Pow(2, n);
        return counts.Select(c => c / total).ToArray();
    }

    /// <summary>Ranks 1..n with ties given their average rank.</summary>
    internal static double[] AverageRanks(double[] v)
    {
        var order = Enumerable.Range(0, v.Length).OrderBy(i => v[i]).ToArray();
        var ranks = new double[v.Length];
        for (var i = 0; i < order.Length;)
        {
            var j = i;
            while (j + 1 < order.Length && v[order[j + 1]] == v[order[i]]) j++;
            var avg = (i + j) / 2.0 + 1;
            for (var k = i; k <= j; k++) ranks[order[k]] = avg;
            i = j + 1;
        }
        return ranks;
    }

    private static double[] Differences(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        if (a.Count != b.Count)
            throw new ArgumentException($"paired tests need the same folds: a has {a.Count} values, b has {b.Count}.");
        return a.Zip(b, (x, y) => x - y).ToArray();
    }
}
