namespace Medley.Evaluation.Metrics;

/// <summary>Points of a ROC curve, one per distinct score plus the (0, 0) start.</summary>
/// <param name="Thresholds">Decreasing; Thresholds[0] is +∞ (nothing predicted positive), then each distinct score.</param>
public sealed record RocCurve(double[] FalsePositiveRate, double[] TruePositiveRate, double[] Thresholds);

/// <summary>Precision–recall curve in scikit-learn's order: recall decreasing to 0, the last point is (recall 0, precision 1).</summary>
/// <param name="Thresholds">Increasing; one fewer than the points (the final point has no threshold).</param>
public sealed record PrecisionRecallCurve(double[] Precision, double[] Recall, double[] Thresholds);

/// <summary>
/// Threshold-free binary metrics on scores (higher = more likely positive): ROC curve, AUROC, precision–recall curve
/// and average precision. Ties are handled like scikit-learn: samples with equal scores enter the curve together,
/// so a tie contributes a diagonal segment to the ROC curve (the trapezoid counts it as half right).
/// </summary>
public static class BinaryCurves
{
    /// <summary>Cumulative counts at each distinct score, scores visited in decreasing order.</summary>
    internal static (double[] Fps, double[] Tps, double[] Thresholds) Counts(int[] yTrue, double[] scores)
    {
        Check.SameLength(yTrue.Length, scores.Length, "yTrue", "scores");
        Check.NotEmpty(yTrue.Length, "yTrue");
        Check.Binary(yTrue, "yTrue");
        Check.Finite(scores, "scores");
        var order = Enumerable.Range(0, scores.Length).ToArray();
        // Stable descending sort; the order inside a tie does not matter because ties are collapsed below.
        Array.Sort(order, (a, b) => scores[b].CompareTo(scores[a]));
        var fps = new List<double>();
        var tps = new List<double>();
        var th = new List<double>();
        double tp = 0, fp = 0;
        for (var i = 0; i < order.Length; i++)
        {
            if (yTrue[order[i]] == 1) tp++; else fp++;
            var last = i == order.Length - 1 || scores[order[i + 1]] != scores[order[i]];
            if (!last) continue;
            fps.Add(fp);
            tps.Add(tp);
            th.Add(scores[order[i]]);
        }
        return (fps.ToArray(), tps.ToArray(), th.ToArray());
    }

    /// <summary>
    /// The full ROC curve (no intermediate points dropped). Rates are NaN when yTrue has no negatives (FPR)
    /// or no positives (TPR).
    /// </summary>
    public static RocCurve Roc(int[] yTrue, double[] scores)
    {
        var (fps, tps, th) = Counts(yTrue, scores);
        var m = fps.Length + 1;
        var fpr = new double[m];
        var tpr = new double[m];
        var thresholds = new double[m];
        thresholds[0] = double.PositiveInfinity;
        var negatives = fps[^1];
        var positives = tps[^1];
        fpr[0] = negatives == 0 ? double.NaN : 0;
        tpr[0] = positives == 0 ? double.NaN : 0;
        for (var i = 0; i < fps.Length; i++)
        {
            fpr[i + 1] = negatives == 0 ? double.NaN : fps[i] / negatives;
            tpr[i + 1] = positives == 0 ? double.NaN : tps[i] / positives;
            thresholds[i + 1] = th[i];
        }
        return new RocCurve(fpr, tpr, thresholds);
    }

    /// <summary>
    /// Area under the ROC curve by the trapezoidal rule. Undefined (NaN) when yTrue contains only one class;
    /// check with <see cref="double.IsNaN"/> or use <see cref="TryAuroc"/>.
    /// </summary>
    public static double Auroc(int[] yTrue, double[] scores)
    {
        var roc = Roc(yTrue, scores);
        if (double.IsNaN(roc.FalsePositiveRate[0]) || double.IsNaN(roc.TruePositiveRate[0])) return double.NaN;
        return Trapezoid(roc.FalsePositiveRate, roc.TruePositiveRate);
    }

    /// <summary>AUROC, or false when it is undefined because yTrue holds a single class.</summary>
    public static bool TryAuroc(int[] yTrue, double[] scores, out double auroc)
    {
        auroc = Auroc(yTrue, scores);
        return !double.IsNaN(auroc);
    }

    /// <summary>∫ y dx over points sorted by x (the ROC curve's x never decreases).</summary>
    public static double Trapezoid(double[] x, double[] y)
    {
        double area = 0;
        for (var i = 1; i < x.Length; i++) area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2;
        return area;
    }

    /// <summary>
    /// Precision–recall curve as scikit-learn 1.2's precision_recall_curve: one point per distinct score in
    /// increasing-threshold order, then the final (recall 0, precision 1) point. Recall is NaN when yTrue has no positive.
    /// </summary>
    public static PrecisionRecallCurve PrecisionRecall(int[] yTrue, double[] scores)
    {
        var (fps, tps, th) = Counts(yTrue, scores);
        var positives = tps[^1];
        var m = th.Length;
        var precision = new double[m + 1];
        var recall = new double[m + 1];
        var thresholds = new double[m];
        for (var i = 0; i < m; i++)
        {
            var src = m - 1 - i; // reversed: recall decreasing
            precision[i] = tps[src] / (tps[src] + fps[src]);
            recall[i] = positives == 0 ? double.NaN : tps[src] / positives;
            thresholds[i] = th[src];
        }
        precision[m] = 1;
        recall[m] = 0;
        return new PrecisionRecallCurve(precision, recall, thresholds);
    }

    /// <summary>
    /// Average precision Σₙ (Rₙ − Rₙ₋₁)·Pₙ over thresholds (scikit-learn's step definition, no interpolation).
    /// Undefined (NaN) when yTrue has no positive sample.
    /// </summary>
    public static double AveragePrecision(int[] yTrue, double[] scores)
    {
        var pr = PrecisionRecall(yTrue, scores);
        if (double.IsNaN(pr.Recall[0])) return double.NaN;
        double ap = 0;
        for (var i = 0; i < pr.Recall.Length - 1; i++) ap += (pr.Recall[i] - pr.Recall[i + 1]) * pr.Precision[i];
        return ap;
    }
}
