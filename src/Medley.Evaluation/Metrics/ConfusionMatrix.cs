namespace Medley.Evaluation.Metrics;

/// <summary>
/// Counts[i, j] = number of samples whose true label is Labels[i] and predicted label is Labels[j]
/// (rows are truth, columns are predictions, like scikit-learn).
/// </summary>
public sealed class ConfusionMatrix
{
    public int[] Labels { get; }
    public long[,] Counts { get; }

    private ConfusionMatrix(int[] labels, long[,] counts)
    {
        Labels = labels;
        Counts = counts;
    }

    /// <summary>
    /// Builds the matrix. Without <paramref name="labels"/> the order is the sorted union of labels seen in
    /// yTrue and yPred; with it, that order is used and samples whose labels are not listed are ignored
    /// (scikit-learn's behaviour).
    /// </summary>
    public static ConfusionMatrix Compute(int[] yTrue, int[] yPred, int[]? labels = null)
    {
        Check.SameLength(yTrue.Length, yPred.Length, "yTrue", "yPred");
        labels ??= yTrue.Concat(yPred).Distinct().OrderBy(v => v).ToArray();
        if (labels.Distinct().Count() != labels.Length) throw new ArgumentException("labels contains duplicates.");
        var index = new Dictionary<int, int>();
        for (var i = 0; i < labels.Length; i++) index[labels[i]] = i;
        var counts = new long[labels.Length, labels.Length];
        for (var s = 0; s < yTrue.Length; s++)
            if (index.TryGetValue(yTrue[s], out var r) && index.TryGetValue(yPred[s], out var c))
                counts[r, c]++;
        return new ConfusionMatrix((int[])labels.Clone(), counts);
    }

    public int Size => Labels.Length;

    /// <summary>Each row divided by its sum (the per-class recall view); rows with no samples are all zero.</summary>
    public double[,] RowNormalised()
    {
        var k = Size;
        var r = new double[k, k];
        for (var i = 0; i < k; i++)
        {
            long sum = 0;
            for (var j = 0; j < k; j++) sum += Counts[i, j];
            if (sum == 0) continue;
            for (var j = 0; j < k; j++) r[i, j] = (double)Counts[i, j] / sum;
        }
        return r;
    }

    public long RowSum(int i) { long s = 0; for (var j = 0; j < Size; j++) s += Counts[i, j]; return s; }
    public long ColumnSum(int j) { long s = 0; for (var i = 0; i < Size; i++) s += Counts[i, j]; return s; }
    public long Total { get { long s = 0; foreach (var v in Counts) s += v; return s; } }
}
