namespace Medley.Evaluation.Metrics;

/// <summary>Metrics of multi-label predictions given as 0/1 indicator matrices [N samples, L labels].</summary>
public static class MultiLabel
{
    /// <summary>Fraction of (sample, label) entries predicted wrongly.</summary>
    public static double HammingLoss(int[,] yTrue, int[,] yPred)
    {
        CheckShapes(yTrue, yPred);
        Check.Binary(yPred, "yPred");
        long wrong = 0;
        for (var i = 0; i < yTrue.GetLength(0); i++)
            for (var j = 0; j < yTrue.GetLength(1); j++)
                if (yTrue[i, j] != yPred[i, j]) wrong++;
        return (double)wrong / yTrue.Length;
    }

    /// <summary>Fraction of samples whose whole label set is predicted exactly (exact-match ratio).</summary>
    public static double SubsetAccuracy(int[,] yTrue, int[,] yPred)
    {
        CheckShapes(yTrue, yPred);
        Check.Binary(yPred, "yPred");
        var n = yTrue.GetLength(0);
        var hits = 0;
        for (var i = 0; i < n; i++)
        {
            var same = true;
            for (var j = 0; j < yTrue.GetLength(1) && same; j++) same = yTrue[i, j] == yPred[i, j];
            if (same) hits++;
        }
        return (double)hits / n;
    }

    /// <summary>F1 over labels (Macro, Micro or Weighted by label support).</summary>
    public static double F1(int[,] yTrue, int[,] yPred, Average average) =>
        PrecisionRecallF1.ComputeMultiLabel(yTrue, yPred).AverageF1(average);

    /// <summary>Binarises scores with one threshold per label (score ≥ threshold → 1).</summary>
    public static int[,] Predict(double[,] scores, double[] thresholds)
    {
        var n = scores.GetLength(0);
        var l = scores.GetLength(1);
        if (thresholds.Length != l)
            throw new ArgumentException($"{thresholds.Length} thresholds given for {l} labels.");
        var p = new int[n, l];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < l; j++) p[i, j] = scores[i, j] >= thresholds[j] ? 1 : 0;
        return p;
    }

    internal static void CheckShapes<T>(int[,] yTrue, T[,] other)
    {
        if (yTrue.GetLength(0) != other.GetLength(0) || yTrue.GetLength(1) != other.GetLength(1))
            throw new ArgumentException(
                $"yTrue is [{yTrue.GetLength(0)}, {yTrue.GetLength(1)}] but the other matrix is [{other.GetLength(0)}, {other.GetLength(1)}]; they must match.");
        Check.NotEmpty(yTrue.GetLength(0), "yTrue");
        Check.Binary(yTrue, "yTrue");
    }
}
