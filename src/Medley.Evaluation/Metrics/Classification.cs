namespace Medley.Evaluation.Metrics;

/// <summary>Metrics of hard (single-label) predictions: binary or multi-class integer labels.</summary>
public static class Classification
{
    /// <summary>Fraction of samples whose predicted label equals the true one.</summary>
    public static double Accuracy(int[] yTrue, int[] yPred)
    {
        Check.SameLength(yTrue.Length, yPred.Length, "yTrue", "yPred");
        Check.NotEmpty(yTrue.Length, "yTrue");
        var hits = 0;
        for (var i = 0; i < yTrue.Length; i++) if (yTrue[i] == yPred[i]) hits++;
        return (double)hits / yTrue.Length;
    }

    /// <summary>
    /// Mean per-class recall over the classes present in yTrue (a class that only appears among the predictions
    /// has no recall and is left out, as in scikit-learn).
    /// </summary>
    public static double BalancedAccuracy(int[] yTrue, int[] yPred)
    {
        Check.NotEmpty(yTrue.Length, "yTrue");
        var cm = ConfusionMatrix.Compute(yTrue, yPred);
        double sum = 0;
        var classes = 0;
        for (var i = 0; i < cm.Size; i++)
        {
            var row = cm.RowSum(i);
            if (row == 0) continue;
            sum += (double)cm.Counts[i, i] / row;
            classes++;
        }
        return sum / classes;
    }

    public static double Precision(int[] yTrue, int[] yPred, Average average = Average.Macro, int[]? labels = null) =>
        PrecisionRecallF1.Compute(yTrue, yPred, labels).AveragePrecision(average);

    public static double Recall(int[] yTrue, int[] yPred, Average average = Average.Macro, int[]? labels = null) =>
        PrecisionRecallF1.Compute(yTrue, yPred, labels).AverageRecall(average);

    public static double F1(int[] yTrue, int[] yPred, Average average = Average.Macro, int[]? labels = null) =>
        PrecisionRecallF1.Compute(yTrue, yPred, labels).AverageF1(average);

    /// <summary>
    /// Cohen's kappa: agreement beyond chance between truth and prediction. With weighting, a disagreement between
    /// the i-th and j-th label (in <paramref name="labels"/> order, default the sorted union) costs |i−j| or (i−j)².
    /// Returns NaN when chance agreement is already perfect (e.g. one label everywhere), where kappa is 0/0.
    /// </summary>
    public static double CohenKappa(int[] yTrue, int[] yPred, KappaWeighting weighting = KappaWeighting.None, int[]? labels = null)
    {
        Check.NotEmpty(yTrue.Length, "yTrue");
        var cm = ConfusionMatrix.Compute(yTrue, yPred, labels);
        var k = cm.Size;
        var rows = new double[k];
        var cols = new double[k];
        for (var i = 0; i < k; i++) { rows[i] = cm.RowSum(i); cols[i] = cm.ColumnSum(i); }
        double total = cm.Total;
        double observed = 0, expected = 0;
        for (var i = 0; i < k; i++)
            for (var j = 0; j < k; j++)
            {
                double w = weighting switch
                {
                    KappaWeighting.None => i == j ? 0 : 1,
                    KappaWeighting.Linear => Math.Abs(i - j),
                    KappaWeighting.Quadratic => (i - j) * (i - j),
                    _ => throw new ArgumentOutOfRangeException(nameof(weighting)),
                };
                observed += w * cm.Counts[i, j];
                expected += w * cols[i] * rows[j] / total;
            }
        return expected == 0 ? double.NaN : 1 - observed / expected;
    }

    /// <summary>Index of the largest entry of each row (the first one on ties, like argmax).</summary>
    public static int[] ArgMax(double[,] probabilities)
    {
        var n = probabilities.GetLength(0);
        var k = probabilities.GetLength(1);
        var pred = new int[n];
        for (var i = 0; i < n; i++)
        {
            var best = 0;
            for (var j = 1; j < k; j++) if (probabilities[i, j] > probabilities[i, best]) best = j;
            pred[i] = best;
        }
        return pred;
    }

    /// <summary>1 where score ≥ threshold, else 0.</summary>
    public static int[] Threshold(double[] scores, double threshold = 0.5) =>
        scores.Select(s => s >= threshold ? 1 : 0).ToArray();
}
