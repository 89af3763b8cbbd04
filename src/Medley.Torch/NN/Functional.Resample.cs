using Medley.Torch.Native;

namespace Medley.Torch.NN;

/// <summary>Resampling modes of <see cref="Functional.Interpolate"/>.</summary>
public enum InterpolationMode { Nearest, Linear, Bilinear, Bicubic, Trilinear }

/// <summary>Border modes of <see cref="Functional.Pad"/>.</summary>
public enum PaddingMode { Constant, Reflect, Replicate, Circular }

public static partial class Functional
{
    /// <summary>
    /// Resizes [N, C, spatial...] input to <paramref name="size"/> or by <paramref name="scaleFactor"/> (exactly one),
    /// as torch.nn.functional.interpolate. alignCorners is only meaningful (and defaults to false) for the linear modes.
    /// </summary>
    public static unsafe Tensor Interpolate(Tensor input, long[]? size = null, double[]? scaleFactor = null,
        InterpolationMode mode = InterpolationMode.Nearest, bool? alignCorners = null)
    {
        const string op = "Interpolate";
        var spatial = (int)input.Dim - 2;
        var (needed, layout) = mode switch
        {
            InterpolationMode.Linear => (1, "3-d [N, C, L]"),
            InterpolationMode.Bilinear => (2, "4-d [N, C, H, W]"),
            InterpolationMode.Bicubic => (2, "4-d [N, C, H, W]"),
            InterpolationMode.Trilinear => (3, "5-d [N, C, D, H, W]"),
            _ => (0, "3-d, 4-d or 5-d [N, C, ...]"),
        };
        if (needed == 0 ? spatial is < 1 or > 3 : spatial != needed)
            throw new ArgumentException($"{op}({mode}) expects a {layout} input, got {input.Describe()}.", nameof(input));
        if (mode == InterpolationMode.Nearest && alignCorners != null)
            throw new ArgumentException($"{op}: alignCorners can only be set for the linear, bilinear, bicubic and trilinear modes.", nameof(alignCorners));
        if ((size == null) == (scaleFactor == null))
            throw new ArgumentException($"{op}: give exactly one of size and scaleFactor.");
        long[] sizes = Array.Empty<long>();
        double[] scales = Array.Empty<double>();
        if (size != null)
        {
            sizes = Expand(size, spatial, 1, "size", op);
            CheckAtLeast(sizes, 1, "size", op);
        }
        else
        {
            if (scaleFactor!.Length != 1 && scaleFactor.Length != spatial)
                throw new ArgumentException($"{op}: scaleFactor needs 1 or {spatial} values, got {scaleFactor.Length}.", nameof(scaleFactor));
            scales = scaleFactor.Length == 1 ? Enumerable.Repeat(scaleFactor[0], spatial).ToArray() : (double[])scaleFactor.Clone();
            if (scales.Any(s => !(s > 0)))
                throw new ArgumentOutOfRangeException(nameof(scaleFactor), $"{op}: scale factors must be positive, got [{string.Join(", ", scales)}].");
        }
        fixed (long* ps = sizes)
        fixed (double* pf = scales)
            return Errors.Wrap(NativeMethods.mdl_nn_interpolate(input.Handle, (int)mode, ps, sizes.Length, pf, scales.Length, alignCorners == true ? 1 : 0),
                $"{op}({mode})", input);
    }

    /// <summary>
    /// Pads the last dimensions: pad = [left, right] for the last dim, then [top, bottom] for the one before, ...
    /// (torch.nn.functional.pad). Negative constant padding crops.
    /// </summary>
    public static unsafe Tensor Pad(Tensor input, long[] pad, PaddingMode mode = PaddingMode.Constant, double value = 0)
    {
        ArgumentNullException.ThrowIfNull(pad);
        if (pad.Length % 2 != 0 || pad.Length == 0)
            throw new ArgumentException($"Pad: the padding needs an even, non-zero number of values (pairs per dimension), got {pad.Length}.", nameof(pad));
        if (pad.Length / 2 > input.Dim)
            throw new ArgumentException($"Pad: {pad.Length} values pad {pad.Length / 2} dimensions but the input {input.Describe()} has only {input.Dim}.", nameof(pad));
        if (mode != PaddingMode.Constant)
        {
            if (pad.Length / 2 > 3 || input.Dim < pad.Length / 2 + 1)
                throw new ArgumentException($"Pad({mode}) pads 1 to 3 trailing dimensions of a batched or unbatched input; got {pad.Length / 2} dimensions for {input.Describe()}.", nameof(pad));
            if (value != 0)
                throw new ArgumentException($"Pad: a fill value only applies to constant padding, not {mode}.", nameof(value));
        }
        var modeName = mode switch
        {
            PaddingMode.Reflect => "reflect",
            PaddingMode.Replicate => "replicate",
            PaddingMode.Circular => "circular",
            _ => "constant",
        };
        fixed (long* p = pad)
            return Errors.Wrap(NativeMethods.mdl_nn_pad(input.Handle, p, pad.Length, modeName, value), $"Pad({modeName})", input);
    }
}
