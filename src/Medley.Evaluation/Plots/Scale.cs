using System.Globalization;

namespace Medley.Evaluation.Plots;

/// <summary>An axis range with "nice" round ticks (steps of 1, 2, 2.5 or 5 × 10^k).</summary>
public sealed class Scale
{
    public double Min { get; }
    public double Max { get; }
    public double Step { get; }
    public double[] Ticks { get; }

    private Scale(double min, double max, double step)
    {
        Min = min;
        Max = max;
        Step = step;
        var count = (int)Math.Round((max - min) / step);
        Ticks = Enumerable.Range(0, count + 1).Select(i => min + i * step).ToArray();
    }

    /// <summary>Extends [lo, hi] outwards to tick multiples, with at most about <paramref name="maxTicks"/> ticks.</summary>
    public static Scale Nice(double lo, double hi, int maxTicks = 6)
    {
        if (!double.IsFinite(lo) || !double.IsFinite(hi)) { lo = 0; hi = 1; }
        if (lo > hi) (lo, hi) = (hi, lo);
        if (hi - lo < 1e-12 * Math.Max(1, Math.Abs(hi)))
        {
            var pad = lo == 0 ? 1 : Math.Abs(lo) * 0.1;
            lo -= pad;
            hi += pad;
        }
        var step = NiceStep((hi - lo) / Math.Max(1, maxTicks - 1));
        var min = Math.Floor(lo / step + 1e-9) * step;
        var max = Math.Ceiling(hi / step - 1e-9) * step;
        return new Scale(min, max, step);
    }

    /// <summary>A fixed range (e.g. [0, 1] for rates) with nice ticks inside it.</summary>
    public static Scale Fixed(double min, double max, double step) => new(min, max, step);

    private static double NiceStep(double raw)
    {
        var exp = Math.Floor(Math.Log10(raw));
        var f = raw / Math.Pow(10, exp);
        var nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
        return nice * Math.Pow(10, exp);
    }

    /// <summary>Maps a value to [0, 1] along the axis.</summary>
    public double Fraction(double v) => (v - Min) / (Max - Min);

    /// <summary>Tick label with just enough decimals for the step; large/small magnitudes use k/M/G or exponents.</summary>
    public string Label(double v)
    {
        var c = CultureInfo.InvariantCulture;
        if (Math.Abs(v) < Step * 1e-6) v = 0;
        var a = Math.Max(Math.Abs(Min), Math.Abs(Max));
        if (a >= 1e4 && a < 1e12)
        {
            var (div, suffix) = a >= 1e9 ? (1e9, "G") : a >= 1e6 ? (1e6, "M") : (1e3, "k");
            return Decimals(v / div, Step / div) + suffix;
        }
        if (a > 0 && a < 1e-3) return v.ToString("0.##E+0", c);
        return Decimals(v, Step);
    }

    private static string Decimals(double v, double step)
    {
        var d = Math.Max(0, (int)Math.Ceiling(-Math.Log10(step) - 1e-9));
        if (Math.Abs(step * Math.Pow(10, d) - Math.Round(step * Math.Pow(10, d))) > 1e-6) d++; // 2.5-type steps
        return v.ToString("F" + Math.Min(d, 10), CultureInfo.InvariantCulture);
    }
}

/// <summary>Colours: a categorical palette (Okabe–Ito, distinguishable with colour-vision deficiency) and sequential scales.</summary>
public static class Palette
{
    public static readonly string[] Categorical =
        ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442", "#999999", "#882255"];

    public static string Color(int i) => Categorical[((i % Categorical.Length) + Categorical.Length) % Categorical.Length];

    private static readonly (double, int, int, int)[] Blues = [(0, 247, 251, 255), (0.5, 107, 174, 214), (1, 8, 48, 107)];
    private static readonly (double, int, int, int)[] Viridis =
        [(0, 68, 1, 84), (0.25, 59, 82, 139), (0.5, 33, 145, 140), (0.75, 94, 201, 98), (1, 253, 231, 37)];

    /// <summary>White → dark blue, t in [0, 1].</summary>
    public static string Blue(double t) => Interpolate(Blues, t);

    /// <summary>Viridis-like dark purple → yellow, t in [0, 1].</summary>
    public static string ViridisColor(double t) => Interpolate(Viridis, t);

    /// <summary>Whether dark text is readable on a sequential colour at t (else use white).</summary>
    public static bool DarkTextOn(bool viridis, double t) => viridis ? t > 0.6 : t < 0.55;

    private static string Interpolate((double T, int R, int G, int B)[] stops, double t)
    {
        if (double.IsNaN(t)) return "#dddddd";
        t = Math.Clamp(t, 0, 1);
        var i = 1;
        while (i < stops.Length - 1 && stops[i].T < t) i++;
        var (t0, r0, g0, b0) = stops[i - 1];
        var (t1, r1, g1, b1) = stops[i];
        var f = (t - t0) / (t1 - t0);
        int L(int a, int b) => (int)Math.Round(a + f * (b - a));
        return $"#{L(r0, r1):x2}{L(g0, g1):x2}{L(b0, b1):x2}";
    }
}
