namespace Medley.Evaluation.Features;

/// <summary>Settings of <see cref="TSne"/>; the defaults are those of van der Maaten &amp; Hinton (2008).</summary>
public sealed record TSneOptions
{
    public double Perplexity { get; init; } = 30;
    public int Iterations { get; init; } = 1000;
    public double LearningRate { get; init; } = 200;
    /// <summary>P is multiplied by this for the first <see cref="ExaggerationIterations"/> iterations so clusters form early.</summary>
    public double EarlyExaggeration { get; init; } = 12;
    public int ExaggerationIterations { get; init; } = 250;
    public double InitialMomentum { get; init; } = 0.5;
    public double FinalMomentum { get; init; } = 0.8;
    public int Seed { get; init; } = 0;
}

/// <summary>
/// Exact t-SNE (O(N²) time and memory, meant for N up to about 2,000) to 2-D, written from the description in
/// van der Maaten &amp; Hinton, "Visualizing Data using t-SNE" (JMLR 2008): Gaussian conditional affinities whose
/// bandwidths are found by binary search to match the perplexity, symmetrised joint P; a Student-t (1 dof) kernel in
/// the embedding; gradient descent with momentum, early exaggeration and per-coordinate adaptive gains.
/// Deterministic for a given seed (single-threaded, seeded initialisation).
/// </summary>
public static class TSne
{
    public static double[,] Embed(double[,] x, TSneOptions? options = null)
    {
        options ??= new TSneOptions();
        var n = x.GetLength(0);
        if (n < 2) throw new ArgumentException("t-SNE needs at least two samples.", nameof(x));
        if (options.Perplexity <= 0 || options.Perplexity >= n)
            throw new ArgumentOutOfRangeException(nameof(options), options.Perplexity,
                $"perplexity must be in (0, N) = (0, {n}); it is roughly the number of neighbours each point considers.");
        foreach (var v in x)
            if (!double.IsFinite(v)) throw new ArgumentException("t-SNE input contains a non-finite value.", nameof(x));

        var p = JointProbabilities(x, options.Perplexity);
        return Optimise(p, n, options);
    }

    /// <summary>Squared Euclidean distances between rows.</summary>
    internal static double[,] SquaredDistances(double[,] x)
    {
        var n = x.GetLength(0);
        var d = x.GetLength(1);
        var dist = new double[n, n];
        for (var i = 0; i < n; i++)
            for (var j = i + 1; j < n; j++)
            {
                double s = 0;
                for (var k = 0; k < d; k++) { var diff = x[i, k] - x[j, k]; s += diff * diff; }
                dist[i, j] = s;
                dist[j, i] = s;
            }
        return dist;
    }

    /// <summary>
    /// Conditional p_{j|i} ∝ exp(−β_i‖x_i − x_j‖²) with β_i chosen by binary search so that the entropy of row i is
    /// ln(perplexity) (entropies in nats, so perplexity = e^H).
    /// </summary>
    internal static double[,] ConditionalProbabilities(double[,] dist, double perplexity)
    {
        var n = dist.GetLength(0);
        var p = new double[n, n];
        var target = Math.Log(perplexity);
        var row = new double[n];
        for (var i = 0; i < n; i++)
        {
            double beta = 1, lo = double.NegativeInfinity, hi = double.PositiveInfinity;
            // Subtracting the nearest distance keeps exp() from underflowing for far-apart data.
            var minD = double.PositiveInfinity;
            for (var j = 0; j < n; j++) if (j != i) minD = Math.Min(minD, dist[i, j]);
            for (var iter = 0; iter < 200; iter++)
            {
                double sum = 0, weighted = 0;
                for (var j = 0; j < n; j++)
                {
                    if (j == i) { row[j] = 0; continue; }
                    var dj = dist[i, j] - minD;
                    row[j] = Math.Exp(-beta * dj);
                    sum += row[j];
                    weighted += row[j] * dj;
                }
                // H = ln Σ + β·E[d]  (entropy of the normalised row)
                var entropy = Math.Log(sum) + beta * weighted / sum;
                for (var j = 0; j < n; j++) p[i, j] = row[j] / sum;
                var gap = entropy - target;
                if (Math.Abs(gap) < 1e-10) break;
                if (gap > 0) { lo = beta; beta = double.IsPositiveInfinity(hi) ? beta * 2 : (beta + hi) / 2; }
                else { hi = beta; beta = double.IsNegativeInfinity(lo) ? beta / 2 : (beta + lo) / 2; }
            }
        }
        return p;
    }

    /// <summary>p_ij = (p_{j|i} + p_{i|j}) / 2N, floored at 1e-12.</summary>
    internal static double[,] JointProbabilities(double[,] x, double perplexity)
    {
        var cond = ConditionalProbabilities(SquaredDistances(x), perplexity);
        var n = cond.GetLength(0);
        var p = new double[n, n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
                if (i != j) p[i, j] = Math.Max((cond[i, j] + cond[j, i]) / (2.0 * n), 1e-12);
        return p;
    }

    private static double[,] Optimise(double[,] p, int n, TSneOptions o)
    {
        var rng = new Random(o.Seed);
        var y = new double[n, 2];
        for (var i = 0; i < n; i++)
            for (var k = 0; k < 2; k++) y[i, k] = 1e-2 * Gaussian(rng); // small random start, as in the paper
        var update = new double[n, 2];
        var gains = new double[n, 2];
        for (var i = 0; i < n; i++) { gains[i, 0] = 1; gains[i, 1] = 1; }
        var num = new double[n, n];
        var grad = new double[n, 2];

        for (var iter = 0; iter < o.Iterations; iter++)
        {
            var exaggeration = iter < o.ExaggerationIterations ? o.EarlyExaggeration : 1;
            var momentum = iter < o.ExaggerationIterations ? o.InitialMomentum : o.FinalMomentum;

            // Student-t kernel (1 + ‖y_i − y_j‖²)⁻¹ and its sum Z for q_ij = num_ij / Z.
            double z = 0;
            for (var i = 0; i < n; i++)
                for (var j = i + 1; j < n; j++)
                {
                    var dx = y[i, 0] - y[j, 0];
                    var dy = y[i, 1] - y[j, 1];
                    var v = 1 / (1 + dx * dx + dy * dy);
                    num[i, j] = v;
                    num[j, i] = v;
                    z += 2 * v;
                }

            // ∂C/∂y_i = 4 Σ_j (p_ij − q_ij)(y_i − y_j)(1 + ‖y_i − y_j‖²)⁻¹
            for (var i = 0; i < n; i++)
            {
                double g0 = 0, g1 = 0;
                for (var j = 0; j < n; j++)
                {
                    if (j == i) continue;
                    var m = (exaggeration * p[i, j] - num[i, j] / z) * num[i, j];
                    g0 += m * (y[i, 0] - y[j, 0]);
                    g1 += m * (y[i, 1] - y[j, 1]);
                }
                grad[i, 0] = 4 * g0;
                grad[i, 1] = 4 * g1;
            }

            // Adaptive gains (Jacobs 1988): grow where the gradient keeps pointing against the last step.
            for (var i = 0; i < n; i++)
                for (var k = 0; k < 2; k++)
                {
                    gains[i, k] = Math.Sign(grad[i, k]) != Math.Sign(update[i, k]) ? gains[i, k] + 0.2 : gains[i, k] * 0.8;
                    gains[i, k] = Math.Max(gains[i, k], 0.01);
                    update[i, k] = momentum * update[i, k] - o.LearningRate * gains[i, k] * grad[i, k];
                    y[i, k] += update[i, k];
                }

            // Keep the embedding centred (the cost is translation invariant).
            for (var k = 0; k < 2; k++)
            {
                double mean = 0;
                for (var i = 0; i < n; i++) mean += y[i, k];
                mean /= n;
                for (var i = 0; i < n; i++) y[i, k] -= mean;
            }
        }
        return y;
    }

    /// <summary>Standard normal draw by Box–Muller (System.Random has none; this keeps the seed → output map fixed).</summary>
    private static double Gaussian(Random rng)
    {
        var u1 = 1 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
