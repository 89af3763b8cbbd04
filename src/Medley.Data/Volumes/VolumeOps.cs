namespace Medley.Data.Volumes;

/// <summary>Voxel operations on <see cref="Volume"/>s: HU windowing, resampling, crop windows and flips.</summary>
public static class VolumeOps
{
    /// <summary>Clips to [low, high] (e.g. a lung window −1000..400 HU) and scales that range to [0, 1].</summary>
    public static Volume Window(Volume v, double low, double high)
    {
        if (!(high > low)) throw new ArgumentException($"window must have high > low, got [{low}, {high}]");
        var result = new float[v.Data.Length];
        var range = high - low;
        for (var i = 0; i < result.Length; i++)
            result[i] = (float)((Math.Clamp(v.Data[i], low, high) - low) / range);
        return v.With(result, v.Depth, v.Height, v.Width);
    }

    /// <summary>
    /// Resamples to a target voxel spacing with trilinear interpolation. Voxel 0 stays at the origin; output
    /// voxel i samples input coordinate i × target / source along each axis (edge voxels are repeated beyond the
    /// last input voxel); the new size is round(size × source / target), at least 1.
    /// </summary>
    public static Volume Resample(Volume v, Spacing3 target)
    {
        if (!(target.Depth > 0 && target.Height > 0 && target.Width > 0)) throw new ArgumentException($"target spacing must be positive, got {target}");
        int Size(int n, double from, double to) => Math.Max(1, (int)Math.Round(n * from / to));
        int d = Size(v.Depth, v.Spacing.Depth, target.Depth), h = Size(v.Height, v.Spacing.Height, target.Height), w = Size(v.Width, v.Spacing.Width, target.Width);
        // Linear interpolation is separable: three 1-D passes give trilinear interpolation.
        var data = v.Data;
        int cd = v.Depth, ch = v.Height, cw = v.Width;
        data = Resample1D(data, v.Channels * cd * ch, cw, w, target.Width / v.Spacing.Width);
        cw = w;
        data = ResampleMiddle(data, v.Channels * cd, ch, cw, h, target.Height / v.Spacing.Height);
        ch = h;
        data = ResampleMiddle(data, v.Channels, cd, ch * cw, d, target.Depth / v.Spacing.Depth);
        return new Volume(data, d, h, w, target, v.Channels, v.Origin);
    }

    // Resamples the last axis (length n -> m) of `rows` contiguous rows.
    private static float[] Resample1D(float[] src, int rows, int n, int m, double step)
    {
        var (i0, i1, f) = Taps(n, m, step);
        var dst = new float[(long)rows * m];
        for (long r = 0; r < rows; r++)
        {
            long si = r * n, di = r * m;
            for (var j = 0; j < m; j++) dst[di + j] = src[si + i0[j]] * (1 - f[j]) + src[si + i1[j]] * f[j];
        }
        return dst;
    }

    // Resamples a middle axis: layout [outer][n][inner] -> [outer][m][inner].
    private static float[] ResampleMiddle(float[] src, int outer, int n, int inner, int m, double step)
    {
        var (i0, i1, f) = Taps(n, m, step);
        var dst = new float[(long)outer * m * inner];
        for (long o = 0; o < outer; o++)
            for (var j = 0; j < m; j++)
            {
                long a = (o * n + i0[j]) * inner, b = (o * n + i1[j]) * inner, t = (o * m + j) * inner;
                float wa = 1 - f[j], wb = f[j];
                for (var k = 0; k < inner; k++) dst[t + k] = src[a + k] * wa + src[b + k] * wb;
            }
        return dst;
    }

    private static (int[] I0, int[] I1, float[] F) Taps(int n, int m, double step)
    {
        var i0 = new int[m];
        var i1 = new int[m];
        var f = new float[m];
        for (var j = 0; j < m; j++)
        {
            var x = Math.Min(j * step, n - 1);
            i0[j] = (int)Math.Floor(x);
            i1[j] = Math.Min(i0[j] + 1, n - 1);
            f[j] = (float)(x - i0[j]);
        }
        return (i0, i1, f);
    }

    /// <summary>
    /// Cuts a d×h×w window starting at (z0, y0, x0); parts outside the volume are filled with <paramref name="pad"/>
    /// (so windows larger than the volume, e.g. 12×192×192 on a thin scan, still have the requested size).
    /// </summary>
    public static Volume Crop(Volume v, int z0, int y0, int x0, int d, int h, int w, float pad = 0)
    {
        if (d <= 0 || h <= 0 || w <= 0) throw new ArgumentException($"crop size must be positive, got {d}×{h}×{w}");
        var result = new float[(long)v.Channels * d * h * w];
        if (pad != 0) Array.Fill(result, pad);
        for (var c = 0; c < v.Channels; c++)
            for (var z = 0; z < d; z++)
            {
                var sz = z0 + z;
                if (sz < 0 || sz >= v.Depth) continue;
                for (var y = 0; y < h; y++)
                {
                    var sy = y0 + y;
                    if (sy < 0 || sy >= v.Height) continue;
                    int xs = Math.Max(0, -x0), xe = Math.Min(w, v.Width - x0);
                    if (xe <= xs) continue;
                    Array.Copy(v.Data, ((c * (long)v.Depth + sz) * v.Height + sy) * v.Width + x0 + xs,
                        result, ((c * (long)d + z) * h + y) * w + xs, xe - xs);
                }
            }
        return v.With(result, d, h, w);
    }

    /// <summary>The centred d×h×w window (padded where the volume is smaller).</summary>
    public static Volume CenterCrop(Volume v, int d, int h, int w, float pad = 0) =>
        Crop(v, (v.Depth - d) / 2, (v.Height - h) / 2, (v.Width - w) / 2, d, h, w, pad);

    /// <summary>Mirrors along axis 0 (depth), 1 (height) or 2 (width).</summary>
    public static Volume Flip(Volume v, int axis)
    {
        if (axis is < 0 or > 2) throw new ArgumentOutOfRangeException(nameof(axis), axis, "axis is 0 (depth), 1 (height) or 2 (width)");
        var result = new float[v.Data.Length];
        int D = v.Depth, H = v.Height, W = v.Width;
        for (var c = 0; c < v.Channels; c++)
            for (var z = 0; z < D; z++)
                for (var y = 0; y < H; y++)
                {
                    long src = ((c * (long)D + z) * H + y) * W;
                    long dstRow = ((c * (long)D + (axis == 0 ? D - 1 - z : z)) * H + (axis == 1 ? H - 1 - y : y)) * W;
                    if (axis == 2)
                        for (var x = 0; x < W; x++) result[dstRow + W - 1 - x] = v.Data[src + x];
                    else
                        Array.Copy(v.Data, src, result, dstRow, W);
                }
        return v.With(result, D, H, W);
    }
}
