namespace Medley.Evaluation.Features;

/// <summary>Feature-level metrics of CMAP-Fusion style models, on [N, d] feature matrices.</summary>
public static class FeatureQuality
{
    /// <summary>1 − nonzero/total: the fraction of exactly-zero entries (e.g. of the pruned features F_prune).</summary>
    public static double Sparsity(double[,] features)
    {
        if (features.Length == 0) throw new ArgumentException("sparsity of an empty matrix is undefined.", nameof(features));
        long nonzero = 0;
        foreach (var v in features) if (v != 0) nonzero++;
        return 1 - (double)nonzero / features.Length;
    }

    /// <inheritdoc cref="Sparsity(double[,])"/>
    public static double Sparsity(float[,] features)
    {
        if (features.Length == 0) throw new ArgumentException("sparsity of an empty matrix is undefined.", nameof(features));
        long nonzero = 0;
        foreach (var v in features) if (v != 0) nonzero++;
        return 1 - (double)nonzero / features.Length;
    }

    /// <summary>
    /// Mean over rows of cos(a_i, b_i) between two [N, d] matrices (e.g. image and lab features of the same samples).
    /// A zero row has cosine 0 with anything (PyTorch's cosine_similarity clamps the norm with eps = 1e-8 the same way).
    /// </summary>
    public static double MeanCosineSimilarity(double[,] a, double[,] b)
    {
        var n = a.GetLength(0);
        var d = a.GetLength(1);
        if (n != b.GetLength(0) || d != b.GetLength(1))
            throw new ArgumentException($"feature matrices must have the same shape: [{n}, {d}] vs [{b.GetLength(0)}, {b.GetLength(1)}].");
        if (n == 0) throw new ArgumentException("cosine similarity of zero samples is undefined.");
        double total = 0;
        for (var i = 0; i < n; i++)
        {
            double dot = 0, na = 0, nb = 0;
            for (var j = 0; j < d; j++)
            {
                dot += a[i, j] * b[i, j];
                na += a[i, j] * a[i, j];
                nb += b[i, j] * b[i, j];
            }
            total += dot / Math.Max(Math.Sqrt(na) * Math.Sqrt(nb), 1e-8);
        }
        return total / n;
    }

    /// <inheritdoc cref="MeanCosineSimilarity(double[,], double[,])"/>
    public static double MeanCosineSimilarity(float[,] a, float[,] b) => MeanCosineSimilarity(ToDouble(a), ToDouble(b));

    public static double[,] ToDouble(float[,] m)
    {
        var r = new double[m.GetLength(0), m.GetLength(1)];
        for (var i = 0; i < m.GetLength(0); i++)
            for (var j = 0; j < m.GetLength(1); j++) r[i, j] = m[i, j];
        return r;
    }
}
