using Medley.Evaluation.Features;

namespace Medley.Evaluation.Tests;

public class FeatureTests
{
    [Fact]
    public void SparsityCountsExactZeros()
    {
        Assert.Equal(0.5, FeatureQuality.Sparsity(new double[,] { { 0, 1 }, { 2, 0 } }));
        Assert.Equal(0.25, FeatureQuality.Sparsity(new float[,] { { 0, 1 }, { 2, 3 } }));
        Assert.Throws<ArgumentException>(() => FeatureQuality.Sparsity(new double[0, 3]));
    }

    [Fact]
    public void CosineSimilarityIsMeanOverRows()
    {
        var a = new double[,] { { 1, 0 }, { 1, 1 }, { 0, 0 } };
        var b = new double[,] { { 2, 0 }, { -1, -1 }, { 1, 1 } };
        // rows: +1, −1, 0 (zero vector)
        Assert.Equal(0, FeatureQuality.MeanCosineSimilarity(a, b), 12);
        Assert.Equal(1, FeatureQuality.MeanCosineSimilarity(new double[,] { { 3, 4 } }, new double[,] { { 6, 8 } }), 12);
        Assert.Contains("same shape", Assert.Throws<ArgumentException>(() => FeatureQuality.MeanCosineSimilarity(a, new double[3, 3])).Message);
    }

    [Fact]
    public void PerplexityCalibrationReachesTheTargetEntropy()
    {
        var (x, _) = Clusters(60, 5, 3, seed: 2);
        var cond = TSne.ConditionalProbabilities(TSne.SquaredDistances(x), 10);
        for (var i = 0; i < 60; i++)
        {
            double h = 0, sum = 0;
            for (var j = 0; j < 60; j++)
            {
                sum += cond[i, j];
                if (cond[i, j] > 0) h -= cond[i, j] * Math.Log(cond[i, j]);
            }
            Assert.Equal(1, sum, 10);
            Assert.Equal(10, Math.Exp(h), 6);
        }
    }

    [Fact]
    public void TSneKeepsWellSeparatedClustersApartAndIsDeterministic()
    {
        var (x, labels) = Clusters(120, 10, 3, seed: 5);
        var options = new TSneOptions { Perplexity = 15, Iterations = 400, Seed = 42 };
        var y1 = TSne.Embed(x, options);
        var y2 = TSne.Embed(x, options);
        Assert.Equal(y1.Cast<double>(), y2.Cast<double>());
        Assert.True(KnnPurity(y1, labels, 5) >= 0.98, $"kNN purity {KnnPurity(y1, labels, 5)}");
        var y3 = TSne.Embed(x, options with { Seed = 43 });
        Assert.NotEqual(y1.Cast<double>(), y3.Cast<double>());
        Assert.True(KnnPurity(y3, labels, 5) >= 0.98);
        Assert.All(y1.Cast<double>(), v => Assert.True(double.IsFinite(v)));
    }

    [Fact]
    public void TSneRejectsBadPerplexity()
    {
        var (x, _) = Clusters(10, 3, 2, seed: 1);
        Assert.Contains("perplexity", Assert.Throws<ArgumentOutOfRangeException>(() => TSne.Embed(x, new TSneOptions { Perplexity = 30 })).Message);
    }

    /// <summary>Gaussian blobs far apart in d dimensions; label = blob.</summary>
    internal static (double[,] X, int[] Labels) Clusters(int n, int d, int k, int seed)
    {
        var rng = new Random(seed);
        var x = new double[n, d];
        var labels = new int[n];
        for (var i = 0; i < n; i++)
        {
            labels[i] = i % k;
            for (var j = 0; j < d; j++)
                x[i, j] = (j == labels[i] ? 10 : 0) + rng.NextDouble() - 0.5 + (rng.NextDouble() - 0.5);
        }
        return (x, labels);
    }

    /// <summary>Fraction of each point's k nearest embedded neighbours that share its label.</summary>
    internal static double KnnPurity(double[,] y, int[] labels, int k)
    {
        var n = labels.Length;
        var same = 0;
        for (var i = 0; i < n; i++)
        {
            var nearest = Enumerable.Range(0, n).Where(j => j != i)
                .OrderBy(j => Math.Pow(y[i, 0] - y[j, 0], 2) + Math.Pow(y[i, 1] - y[j, 1], 2)).Take(k);
            same += nearest.Count(j => labels[j] == labels[i]);
        }
        return (double)same / (n * k);
    }
}
