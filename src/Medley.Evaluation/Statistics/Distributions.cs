namespace Medley.Evaluation.Statistics;

/// <summary>Student's t distribution with ν degrees of freedom (ν > 0, need not be an integer).</summary>
public static class StudentT
{
    /// <summary>P(T ≤ t).</summary>
    public static double Cdf(double t, double df)
    {
        if (!(df > 0)) throw new ArgumentOutOfRangeException(nameof(df), df, "degrees of freedom must be > 0.");
        if (double.IsNaN(t)) return double.NaN;
        if (double.IsPositiveInfinity(t)) return 1;
        if (double.IsNegativeInfinity(t)) return 0;
        // P(|T| > |t|) = I_x(ν/2, 1/2) with x = ν/(ν+t²); 1 − x = t²/(ν+t²) computed directly for precision near 0.
        var t2 = t * t;
        var x = df / (df + t2);
        var y = t2 / (df + t2);
        var tail = 0.5 * SpecialFunctions.IncompleteBeta(df / 2, 0.5, x, y);
        return t < 0 ? tail : 1 - tail;
    }

    /// <summary>P(T &gt; t), accurate in the upper tail.</summary>
    public static double Survival(double t, double df) => Cdf(-t, df);

    /// <summary>Density of T at t.</summary>
    public static double Pdf(double t, double df) =>
        Math.Exp(SpecialFunctions.LogGamma((df + 1) / 2) - SpecialFunctions.LogGamma(df / 2)
                 - 0.5 * Math.Log(df * Math.PI) - (df + 1) / 2 * Math.Log(1 + t * t / df));

    /// <summary>The p-quantile: the t with P(T ≤ t) = p (e.g. Quantile(0.975, 4) = 2.776).</summary>
    public static double Quantile(double p, double df)
    {
        if (!(p > 0 && p < 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "p must be in (0, 1).");
        if (!(df > 0)) throw new ArgumentOutOfRangeException(nameof(df), df, "degrees of freedom must be > 0.");
        if (p == 0.5) return 0;
        if (p < 0.5) return -Quantile(1 - p, df);
        var q = 1 - p; // upper-tail probability, solved on Survival for precision
        double lo = 0, hi = 1;
        while (Survival(hi, df) > q) { lo = hi; hi *= 2; }
        for (var i = 0; i < 200 && hi - lo > 1e-15 * hi; i++)
        {
            var mid = 0.5 * (lo + hi);
            if (Survival(mid, df) > q) lo = mid; else hi = mid;
        }
        var t = 0.5 * (lo + hi);
        // two Newton steps polish the last bits
        for (var i = 0; i < 2; i++)
        {
            var pdf = Pdf(t, df);
            if (pdf <= 0) break;
            var next = t + (Survival(t, df) - q) / pdf;
            if (next > lo && next < hi) t = next;
        }
        return t;
    }
}

/// <summary>The standard normal distribution.</summary>
public static class Normal
{
    /// <summary>P(Z &gt; z).</summary>
    public static double Survival(double z) =>
        z >= 0 ? 0.5 * SpecialFunctions.UpperIncompleteGamma(0.5, z * z / 2) : 1 - Survival(-z);

    /// <summary>P(Z ≤ z).</summary>
    public static double Cdf(double z) => Survival(-z);
}
