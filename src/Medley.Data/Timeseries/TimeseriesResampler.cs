namespace Medley.Data.Timeseries;

/// <summary>
/// Resamples irregular observations onto T evenly spaced steps by linear interpolation over the observed times
/// (constant before the first and after the last observation), with a mask marking the step nearest each observation.
/// </summary>
public static class TimeseriesResampler
{
    /// <summary>The grid: T times from <paramref name="start"/> to <paramref name="end"/> (one point at start when T = 1).</summary>
    public static double[] Grid(double start, double end, int steps)
    {
        var grid = new double[steps];
        for (var t = 0; t < steps; t++) grid[t] = steps == 1 ? start : start + (end - start) * t / (steps - 1);
        return grid;
    }

    /// <summary>
    /// Interpolates one variable. <paramref name="points"/> are (time, value) pairs (any order; equal times are averaged).
    /// Returns false when there are none (the caller imputes). Mask[t] = 1 where an observation's nearest grid step is t.
    /// </summary>
    public static bool Interpolate(IReadOnlyList<(double Time, double Value)> points, double[] grid, Span<float> values, Span<float> mask)
    {
        if (points.Count == 0) return false;
        var merged = points.GroupBy(p => p.Time).Select(g => (Time: g.Key, Value: g.Average(p => p.Value))).OrderBy(p => p.Time).ToArray();
        var j = 0;
        for (var t = 0; t < grid.Length; t++)
        {
            var g = grid[t];
            while (j + 1 < merged.Length && merged[j + 1].Time <= g) j++;
            double v;
            if (g <= merged[0].Time) v = merged[0].Value;
            else if (j + 1 >= merged.Length) v = merged[^1].Value;
            else
            {
                var (t0, v0) = merged[j];
                var (t1, v1) = merged[j + 1];
                v = v0 + (v1 - v0) * (g - t0) / (t1 - t0);
            }
            values[t] = (float)v;
        }
        foreach (var (time, _) in merged) mask[Nearest(grid, time)] = 1;
        return true;
    }

    private static int Nearest(double[] grid, double time)
    {
        var best = 0;
        for (var t = 1; t < grid.Length; t++)
            if (Math.Abs(grid[t] - time) < Math.Abs(grid[best] - time)) best = t;
        return best;
    }
}
