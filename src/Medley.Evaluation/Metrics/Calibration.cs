namespace Medley.Evaluation.Metrics;

/// <summary>One bin of a reliability diagram.</summary>
/// <param name="Lower">Exclusive lower edge (bin 0 also holds confidence exactly 0).</param>
/// <param name="Upper">Inclusive upper edge.</param>
public sealed record ReliabilityBin(double Lower, double Upper, int Count, double MeanConfidence, double Accuracy);

/// <summary>Calibration and proper scoring rules on predicted probabilities.</summary>
public static class Calibration
{
    /// <summary>
    /// Reliability diagram: samples grouped by top-label confidence (the largest probability of the row) into
    /// equal-width bins (i/B, (i+1)/B]; for each bin the mean confidence and the fraction whose argmax is correct.
    /// </summary>
    public static ReliabilityBin[] ReliabilityBins(int[] yTrue, double[,] probabilities, int bins = 15)
    {
        if (bins < 1) throw new ArgumentOutOfRangeException(nameof(bins), bins, "bins must be at least 1.");
        var n = probabilities.GetLength(0);
        Check.SameLength(yTrue.Length, n, "yTrue", "probabilities rows");
        Check.NotEmpty(n, "yTrue");
        Check.LabelsInRange(yTrue, probabilities.GetLength(1), "yTrue");
        var pred = Classification.ArgMax(probabilities);
        var count = new int[bins];
        var conf = new double[bins];
        var correct = new double[bins];
        for (var i = 0; i < n; i++)
        {
            var c = probabilities[i, pred[i]];
            var b = BinOf(c, bins);
            count[b]++;
            conf[b] += c;
            if (pred[i] == yTrue[i]) correct[b]++;
        }
        var result = new ReliabilityBin[bins];
        for (var b = 0; b < bins; b++)
            result[b] = new ReliabilityBin((double)b / bins, (double)(b + 1) / bins, count[b],
                count[b] == 0 ? 0 : conf[b] / count[b], count[b] == 0 ? 0 : correct[b] / count[b]);
        return result;
    }

    /// <summary>Bin whose interval (b/B, (b+1)/B] holds c, compared against the same edges the diagram reports.</summary>
    private static int BinOf(double c, int bins)
    {
        for (var b = 0; b < bins; b++)
            if (c <= (double)(b + 1) / bins) return b;
        return bins - 1;
    }

    /// <summary>
    /// Expected calibration error Σ_b |B_b|/N · |accuracy(B_b) − confidence(B_b)| over equal-width bins of top-label
    /// confidence (default 15 bins).
    /// </summary>
    public static double ExpectedCalibrationError(int[] yTrue, double[,] probabilities, int bins = 15)
    {
        var n = yTrue.Length;
        double ece = 0;
        foreach (var b in ReliabilityBins(yTrue, probabilities, bins))
            ece += (double)b.Count / n * Math.Abs(b.Accuracy - b.MeanConfidence);
        return ece;
    }

    /// <summary>ECE of a binary classifier from the positive-class probability.</summary>
    public static double ExpectedCalibrationError(int[] yTrue, double[] positiveProbability, int bins = 15) =>
        ExpectedCalibrationError(yTrue, TwoColumns(positiveProbability), bins);

    /// <summary>Binary Brier score: mean (p − y)².</summary>
    public static double BrierScore(int[] yTrue, double[] positiveProbability)
    {
        Check.SameLength(yTrue.Length, positiveProbability.Length, "yTrue", "positiveProbability");
        Check.NotEmpty(yTrue.Length, "yTrue");
        Check.Binary(yTrue, "yTrue");
        double s = 0;
        for (var i = 0; i < yTrue.Length; i++) s += (positiveProbability[i] - yTrue[i]) * (positiveProbability[i] - yTrue[i]);
        return s / yTrue.Length;
    }

    /// <summary>Multi-class Brier score: mean over samples of Σ_k (p_k − 1[y = k])² (Brier's original form, range 0–2).</summary>
    public static double BrierScore(int[] yTrue, double[,] probabilities)
    {
        var n = probabilities.GetLength(0);
        var k = probabilities.GetLength(1);
        Check.SameLength(yTrue.Length, n, "yTrue", "probabilities rows");
        Check.NotEmpty(n, "yTrue");
        Check.LabelsInRange(yTrue, k, "yTrue");
        double s = 0;
        for (var i = 0; i < n; i++)
            for (var j = 0; j < k; j++)
            {
                var d = probabilities[i, j] - (yTrue[i] == j ? 1 : 0);
                s += d * d;
            }
        return s / n;
    }

    /// <summary>
    /// Mean negative log-likelihood of the true class. As scikit-learn does, probabilities are clipped to
    /// [ε, 1 − ε] (ε = 2.2e-16, double machine epsilon) and each row renormalised to sum 1, so a confident mistake
    /// costs about 36 rather than infinity.
    /// </summary>
    public static double LogLoss(int[] yTrue, double[,] probabilities)
    {
        var n = probabilities.GetLength(0);
        var k = probabilities.GetLength(1);
        Check.SameLength(yTrue.Length, n, "yTrue", "probabilities rows");
        Check.NotEmpty(n, "yTrue");
        Check.LabelsInRange(yTrue, k, "yTrue");
        const double eps = 2.220446049250313e-16;
        double total = 0;
        for (var i = 0; i < n; i++)
        {
            double rowSum = 0;
            for (var j = 0; j < k; j++) rowSum += Math.Clamp(probabilities[i, j], eps, 1 - eps);
            total -= Math.Log(Math.Clamp(probabilities[i, yTrue[i]], eps, 1 - eps) / rowSum);
        }
        return total / n;
    }

    /// <summary>Binary log loss from the positive-class probability.</summary>
    public static double LogLoss(int[] yTrue, double[] positiveProbability)
    {
        Check.Binary(yTrue, "yTrue");
        return LogLoss(yTrue, TwoColumns(positiveProbability));
    }

    private static double[,] TwoColumns(double[] p)
    {
        var m = new double[p.Length, 2];
        for (var i = 0; i < p.Length; i++) { m[i, 0] = 1 - p[i]; m[i, 1] = p[i]; }
        return m;
    }
}
