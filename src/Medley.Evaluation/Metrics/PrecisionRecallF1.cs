namespace Medley.Evaluation.Metrics;

/// <summary>
/// Per-class precision, recall and F1 with their support, plus the macro, micro and weighted averages.
/// A ratio whose denominator is zero is 0 (scikit-learn's zero_division=0), with no warning.
/// </summary>
public sealed class PrecisionRecallF1
{
    public int[] Labels { get; }
    public double[] Precision { get; }
    public double[] Recall { get; }
    public double[] F1 { get; }
    /// <summary>Number of true samples of each class.</summary>
    public long[] Support { get; }
    private readonly long[] _tp, _predicted;

    private PrecisionRecallF1(int[] labels, long[] tp, long[] predicted, long[] support)
    {
        Labels = labels;
        _tp = tp;
        _predicted = predicted;
        Support = support;
        var k = labels.Length;
        Precision = new double[k];
        Recall = new double[k];
        F1 = new double[k];
        for (var i = 0; i < k; i++)
        {
            Precision[i] = Ratio(tp[i], predicted[i]);
            Recall[i] = Ratio(tp[i], support[i]);
            F1[i] = FScore(Precision[i], Recall[i]);
        }
    }

    /// <summary>Single-label (binary or multi-class) predictions; label order as in <see cref="ConfusionMatrix.Compute"/>.</summary>
    public static PrecisionRecallF1 Compute(int[] yTrue, int[] yPred, int[]? labels = null)
    {
        var cm = ConfusionMatrix.Compute(yTrue, yPred, labels);
        var k = cm.Size;
        var tp = new long[k];
        var pred = new long[k];
        var sup = new long[k];
        for (var i = 0; i < k; i++)
        {
            tp[i] = cm.Counts[i, i];
            pred[i] = cm.ColumnSum(i);
            sup[i] = cm.RowSum(i);
        }
        return new PrecisionRecallF1(cm.Labels, tp, pred, sup);
    }

    /// <summary>Multi-label indicator matrices [N, L] (0/1); each column is one label.</summary>
    public static PrecisionRecallF1 ComputeMultiLabel(int[,] yTrue, int[,] yPred)
    {
        MultiLabel.CheckShapes(yTrue, yPred);
        var n = yTrue.GetLength(0);
        var l = yTrue.GetLength(1);
        var tp = new long[l];
        var pred = new long[l];
        var sup = new long[l];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < l; j++)
            {
                if (yTrue[i, j] == 1) sup[j]++;
                if (yPred[i, j] == 1) pred[j]++;
                if (yTrue[i, j] == 1 && yPred[i, j] == 1) tp[j]++;
            }
        return new PrecisionRecallF1(Enumerable.Range(0, l).ToArray(), tp, pred, sup);
    }

    public double AveragePrecision(Average average) => Combine(Precision, average, Ratio(_tp.Sum(), _predicted.Sum()));
    public double AverageRecall(Average average) => Combine(Recall, average, Ratio(_tp.Sum(), Support.Sum()));

    public double AverageF1(Average average) => Combine(F1, average,
        FScore(Ratio(_tp.Sum(), _predicted.Sum()), Ratio(_tp.Sum(), Support.Sum())));

    private double Combine(double[] perClass, Average average, double micro)
    {
        switch (average)
        {
            case Average.Macro:
                return perClass.Length == 0 ? 0 : perClass.Average();
            case Average.Micro:
                return micro;
            case Average.Weighted:
                var total = Support.Sum();
                if (total == 0) return 0;
                double s = 0;
                for (var i = 0; i < perClass.Length; i++) s += perClass[i] * Support[i];
                return s / total;
            default:
                throw new ArgumentOutOfRangeException(nameof(average));
        }
    }

    private static double Ratio(long a, long b) => b == 0 ? 0 : (double)a / b;
    private static double FScore(double p, double r) => p + r == 0 ? 0 : 2 * p * r / (p + r);
}
