using System.Globalization;

namespace Medley.Evaluation.Statistics;

/// <summary>
/// Mean ± sample standard deviation (ddof = 1) of a metric over folds, with a t-interval for the mean:
/// mean ± t_{(1+c)/2, n−1} · s/√n. With one value the std and the interval are NaN.
/// </summary>
public sealed record FoldSummary(int Count, double Mean, double Std, double CiLow, double CiHigh, double Confidence)
{
    public static FoldSummary Of(IReadOnlyList<double> values, double confidence = 0.95)
    {
        if (values.Count == 0) throw new ArgumentException("a summary needs at least one value.", nameof(values));
        if (!(confidence > 0 && confidence < 1)) throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "confidence must be in (0, 1).");
        var n = values.Count;
        var mean = values.Average();
        if (n == 1) return new FoldSummary(1, mean, double.NaN, double.NaN, double.NaN, confidence);
        var std = Descriptive.SampleStd(values);
        var half = StudentT.Quantile((1 + confidence) / 2, n - 1) * std / Math.Sqrt(n);
        return new FoldSummary(n, mean, std, mean - half, mean + half, confidence);
    }

    /// <summary>"0.912 ± 0.013 [0.90, 0.93]": mean and std with <paramref name="digits"/> decimals, the CI with one fewer.</summary>
    public string Format(int digits = 3)
    {
        var c = CultureInfo.InvariantCulture;
        var m = Mean.ToString("F" + digits, c);
        if (double.IsNaN(Std)) return m;
        var ci = Math.Max(1, digits - 1);
        return $"{m} ± {Std.ToString("F" + digits, c)} [{CiLow.ToString("F" + ci, c)}, {CiHigh.ToString("F" + ci, c)}]";
    }

    public override string ToString() => Format();
}

/// <summary>Plain descriptive statistics.</summary>
public static class Descriptive
{
    /// <summary>Sample standard deviation (n − 1 in the denominator); NaN for fewer than two values.</summary>
    public static double SampleStd(IReadOnlyList<double> values)
    {
        var n = values.Count;
        if (n < 2) return double.NaN;
        var mean = values.Average();
        double ss = 0;
        foreach (var v in values) ss += (v - mean) * (v - mean);
        return Math.Sqrt(ss / (n - 1));
    }

    /// <summary>Median (mean of the two middle values for an even count).</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("the median of nothing is undefined.", nameof(values));
        var s = values.OrderBy(v => v).ToArray();
        var mid = s.Length / 2;
        return s.Length % 2 == 1 ? s[mid] : 0.5 * (s[mid - 1] + s[mid]);
    }

    /// <summary>Linear-interpolation quantile (numpy's default), q in [0, 1].</summary>
    public static double Quantile(IReadOnlyList<double> values, double q)
    {
        if (values.Count == 0) throw new ArgumentException("the quantile of nothing is undefined.", nameof(values));
        if (!(q >= 0 && q <= 1)) throw new ArgumentOutOfRangeException(nameof(q), q, "q must be in [0, 1].");
        var s = values.OrderBy(v => v).ToArray();
        var pos = q * (s.Length - 1);
        var lo = (int)Math.Floor(pos);
        var hi = Math.Min(lo + 1, s.Length - 1);
        return s[lo] + (pos - lo) * (s[hi] - s[lo]);
    }
}
