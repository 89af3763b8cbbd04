using Medley.Torch.Native;

namespace Medley.Torch.NN;

public static partial class Functional
{
    /// <summary>Max pooling over [N, C, H, W] (or [C, H, W]); stride defaults to the kernel size.</summary>
    public static Tensor MaxPool2d(Tensor input, long[] kernelSize, long[]? stride = null, long[]? padding = null,
        long[]? dilation = null, bool ceilMode = false) => MaxPool(2, input, kernelSize, stride, padding, dilation, ceilMode);

    /// <summary>Max pooling over [N, C, D, H, W] (or [C, D, H, W]); stride defaults to the kernel size.</summary>
    public static Tensor MaxPool3d(Tensor input, long[] kernelSize, long[]? stride = null, long[]? padding = null,
        long[]? dilation = null, bool ceilMode = false) => MaxPool(3, input, kernelSize, stride, padding, dilation, ceilMode);

    /// <summary>Average pooling over [N, C, H, W]; countIncludePad counts zero padding in the divisor.</summary>
    public static Tensor AvgPool2d(Tensor input, long[] kernelSize, long[]? stride = null, long[]? padding = null,
        bool ceilMode = false, bool countIncludePad = true, long? divisorOverride = null) =>
        AvgPool(2, input, kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride);

    /// <summary>Average pooling over [N, C, D, H, W].</summary>
    public static Tensor AvgPool3d(Tensor input, long[] kernelSize, long[]? stride = null, long[]? padding = null,
        bool ceilMode = false, bool countIncludePad = true, long? divisorOverride = null) =>
        AvgPool(3, input, kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride);

    /// <summary>Average pooling to a fixed output size [oH, oW] (one value means square).</summary>
    public static Tensor AdaptiveAvgPool2d(Tensor input, long[] outputSize) => AdaptiveAvg(2, input, outputSize);

    public static Tensor AdaptiveAvgPool3d(Tensor input, long[] outputSize) => AdaptiveAvg(3, input, outputSize);

    /// <summary>Max pooling to a fixed output size.</summary>
    public static Tensor AdaptiveMaxPool2d(Tensor input, long[] outputSize) => AdaptiveMaxPool2dWithIndices(input, outputSize).Dispose1();

    public static Tensor AdaptiveMaxPool3d(Tensor input, long[] outputSize) => AdaptiveMaxPool3dWithIndices(input, outputSize).Dispose1();

    /// <summary>Adaptive max pooling that also returns the flat spatial index of each maximum.</summary>
    public static (Tensor Values, Tensor Indices) AdaptiveMaxPool2dWithIndices(Tensor input, long[] outputSize) => AdaptiveMax(2, input, outputSize);

    public static (Tensor Values, Tensor Indices) AdaptiveMaxPool3dWithIndices(Tensor input, long[] outputSize) => AdaptiveMax(3, input, outputSize);

    private static Tensor Dispose1(this (Tensor Values, Tensor Indices) pair)
    {
        pair.Indices.Dispose();
        return pair.Values;
    }

    private static void CheckPoolInput(string op, int spatial, Tensor input)
    {
        if (input.Dim != spatial + 2 && input.Dim != spatial + 1)
            throw new ArgumentException(
                $"{op} expects a {spatial + 2}-d input [N, C, {SpatialLayout(spatial)}] (or {spatial + 1}-d [C, {SpatialLayout(spatial)}]), got {input.Describe()}.", nameof(input));
    }

    private static (long[] K, long[] S, long[] P) PoolWindow(string op, int spatial, long[] kernelSize, long[]? stride, long[]? padding,
        long[]? dilation = null)
    {
        ArgumentNullException.ThrowIfNull(kernelSize);
        var k = Expand(kernelSize, spatial, 1, "kernelSize", op);
        var s = stride == null || stride.Length == 0 ? (long[])k.Clone() : Expand(stride, spatial, 1, "stride", op);
        var p = Expand(padding, spatial, 0, "padding", op);
        CheckAtLeast(k, 1, "kernelSize", op);
        CheckAtLeast(s, 1, "stride", op);
        CheckAtLeast(p, 0, "padding", op);
        for (var i = 0; i < spatial; i++)
            if (p[i] > ((k[i] - 1) * (dilation?[i] ?? 1) + 1) / 2)
                throw new ArgumentException($"{op}: padding should be at most half of the kernel size, got padding [{string.Join(", ", p)}] for kernel [{string.Join(", ", k)}].", nameof(padding));
        return (k, s, p);
    }

    private static unsafe Tensor MaxPool(int spatial, Tensor input, long[] kernelSize, long[]? stride, long[]? padding, long[]? dilation, bool ceilMode)
    {
        var op = $"MaxPool{spatial}d";
        CheckPoolInput(op, spatial, input);
        var d = Expand(dilation, spatial, 1, "dilation", op);
        CheckAtLeast(d, 1, "dilation", op);
        var (k, s, p) = PoolWindow(op, spatial, kernelSize, stride, padding, d);
        fixed (long* pk = k)
        fixed (long* ps = s)
        fixed (long* pp = p)
        fixed (long* pd = d)
            return Errors.Wrap(NativeMethods.mdl_nn_max_pool(spatial, input.Handle, pk, ps, pp, pd, ceilMode ? 1 : 0), op, input);
    }

    private static unsafe Tensor AvgPool(int spatial, Tensor input, long[] kernelSize, long[]? stride, long[]? padding, bool ceilMode,
        bool countIncludePad, long? divisorOverride)
    {
        var op = $"AvgPool{spatial}d";
        CheckPoolInput(op, spatial, input);
        var (k, s, p) = PoolWindow(op, spatial, kernelSize, stride, padding);
        if (divisorOverride is <= 0)
            throw new ArgumentOutOfRangeException(nameof(divisorOverride), $"{op}: divisorOverride must be positive, got {divisorOverride}.");
        fixed (long* pk = k)
        fixed (long* ps = s)
        fixed (long* pp = p)
            return Errors.Wrap(NativeMethods.mdl_nn_avg_pool(spatial, input.Handle, pk, ps, pp, ceilMode ? 1 : 0, countIncludePad ? 1 : 0, divisorOverride ?? 0),
                op, input);
    }

    private static long[] AdaptiveSize(string op, int spatial, Tensor input, long[] outputSize)
    {
        ArgumentNullException.ThrowIfNull(outputSize);
        CheckPoolInput(op, spatial, input);
        var o = Expand(outputSize, spatial, 1, "outputSize", op);
        CheckAtLeast(o, 1, "outputSize", op);
        return o;
    }

    private static unsafe Tensor AdaptiveAvg(int spatial, Tensor input, long[] outputSize)
    {
        var op = $"AdaptiveAvgPool{spatial}d";
        var o = AdaptiveSize(op, spatial, input, outputSize);
        fixed (long* po = o) return Errors.Wrap(NativeMethods.mdl_nn_adaptive_avg_pool(spatial, input.Handle, po), op, input);
    }

    private static unsafe (Tensor, Tensor) AdaptiveMax(int spatial, Tensor input, long[] outputSize)
    {
        var op = $"AdaptiveMaxPool{spatial}d";
        var o = AdaptiveSize(op, spatial, input, outputSize);
        var results = stackalloc IntPtr[2];
        long n;
        fixed (long* po = o) n = NativeMethods.mdl_nn_adaptive_max_pool(spatial, input.Handle, po, results);
        if (n != 2) throw Errors.Take(op, input);
        return (new Tensor(results[0]), new Tensor(results[1]));
    }
}
