namespace Medley.Evaluation.Statistics;

/// <summary>Log-gamma, regularized incomplete beta and gamma functions: the pieces the t and normal distributions need.</summary>
public static class SpecialFunctions
{
    // Lanczos approximation (g = 7, 9 terms), accurate to about 1e-15 relative for x > 0.
    private static readonly double[] Lanczos =
    [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
        -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
        1.5056327351493116e-7,
    ];

    /// <summary>ln Γ(x) for x > 0.</summary>
    public static double LogGamma(double x)
    {
        if (x <= 0) throw new ArgumentOutOfRangeException(nameof(x), x, "LogGamma needs x > 0.");
        if (x < 0.5) return Math.Log(Math.PI / Math.Sin(Math.PI * x)) - LogGamma(1 - x); // reflection
        x -= 1;
        var a = Lanczos[0];
        var t = x + 7.5;
        for (var i = 1; i < 9; i++) a += Lanczos[i] / (x + i);
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(a);
    }

    /// <summary>Regularized incomplete beta I_x(a, b) for a, b > 0 and 0 ≤ x ≤ 1.</summary>
    public static double IncompleteBeta(double a, double b, double x) => IncompleteBeta(a, b, x, 1 - x);

    /// <summary>
    /// I_x(a, b) with y = 1 − x passed separately, so callers that know y more precisely than 1 − x
    /// (e.g. the t distribution near t = 0) keep that precision.
    /// </summary>
    internal static double IncompleteBeta(double a, double b, double x, double y)
    {
        if (a <= 0 || b <= 0) throw new ArgumentOutOfRangeException(nameof(a), "IncompleteBeta needs a, b > 0.");
        if (x < 0 || x > 1) throw new ArgumentOutOfRangeException(nameof(x), x, "IncompleteBeta needs 0 ≤ x ≤ 1.");
        if (x == 0) return 0;
        if (y == 0) return 1;
        // The continued fraction converges fast for x < (a+1)/(a+b+2); otherwise use I_x(a,b) = 1 − I_y(b,a).
        if (x > (a + 1) / (a + b + 2)) return 1 - IncompleteBeta(b, a, y, x);
        var front = Math.Exp(a * Math.Log(x) + b * Math.Log(y) - LogBeta(a, b)) / a;
        return front * BetaContinuedFraction(a, b, x);
    }

    public static double LogBeta(double a, double b) => LogGamma(a) + LogGamma(b) - LogGamma(a + b);

    /// <summary>Continued fraction for I_x(a,b) evaluated with the modified Lentz method.</summary>
    private static double BetaContinuedFraction(double a, double b, double x)
    {
        const double tiny = 1e-300;
        double c = 1, d = 1 - (a + b) * x / (a + 1);
        if (Math.Abs(d) < tiny) d = tiny;
        d = 1 / d;
        var f = d;
        for (var m = 1; m <= 10000; m++)
        {
            // even step: m(b−m)x / ((a+2m−1)(a+2m))
            var num = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
            d = 1 + num * d; if (Math.Abs(d) < tiny) d = tiny; d = 1 / d;
            c = 1 + num / c; if (Math.Abs(c) < tiny) c = tiny;
            f *= c * d;
            // odd step: −(a+m)(a+b+m)x / ((a+2m)(a+2m+1))
            num = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
            d = 1 + num * d; if (Math.Abs(d) < tiny) d = tiny; d = 1 / d;
            c = 1 + num / c; if (Math.Abs(c) < tiny) c = tiny;
            var delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-16) return f;
        }
        return f;
    }

    /// <summary>Regularized upper incomplete gamma Q(a, x) = Γ(a, x)/Γ(a) for a > 0, x ≥ 0.</summary>
    public static double UpperIncompleteGamma(double a, double x)
    {
        if (a <= 0 || x < 0) throw new ArgumentOutOfRangeException(nameof(a), "UpperIncompleteGamma needs a > 0 and x ≥ 0.");
        if (x == 0) return 1;
        var logFront = a * Math.Log(x) - x - LogGamma(a);
        if (x < a + 1)
        {
            // series for the lower function P(a, x)
            double term = 1 / a, sum = term;
            for (var n = 1; n < 10000; n++)
            {
                term *= x / (a + n);
                sum += term;
                if (Math.Abs(term) < Math.Abs(sum) * 1e-17) break;
            }
            return 1 - sum * Math.Exp(logFront);
        }
        // continued fraction for Q(a, x) (Lentz)
        const double tiny = 1e-300;
        double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
        for (var i = 1; i < 10000; i++)
        {
            var an = -i * (i - a);
            b += 2;
            d = an * d + b; if (Math.Abs(d) < tiny) d = tiny;
            c = b + an / c; if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d;
            var delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-16) break;
        }
        return Math.Exp(logFront) * h;
    }
}
