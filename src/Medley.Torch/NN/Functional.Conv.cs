using Medley.Torch.Native;

namespace Medley.Torch.NN;

public static partial class Functional
{
    /// <summary>1-d convolution of [N, C, L] (or unbatched [C, L]) with weight [out, C/groups, k].</summary>
    public static Tensor Conv1d(Tensor input, Tensor weight, Tensor? bias = null, long[]? stride = null, long[]? padding = null,
        long[]? dilation = null, long groups = 1) => Conv(1, input, weight, bias, stride, padding, null, dilation, groups);

    /// <summary>1-d convolution with padding "same" or "valid".</summary>
    public static Tensor Conv1d(Tensor input, Tensor weight, Tensor? bias, long[]? stride, string padding, long[]? dilation = null, long groups = 1) =>
        Conv(1, input, weight, bias, stride, null, padding, dilation, groups);

    /// <summary>2-d convolution of [N, C, H, W] (or unbatched [C, H, W]) with weight [out, C/groups, kH, kW].</summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, long[]? stride = null, long[]? padding = null,
        long[]? dilation = null, long groups = 1) => Conv(2, input, weight, bias, stride, padding, null, dilation, groups);

    /// <summary>2-d convolution with padding "same" or "valid".</summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, long[]? stride, string padding, long[]? dilation = null, long groups = 1) =>
        Conv(2, input, weight, bias, stride, null, padding, dilation, groups);

    /// <summary>3-d convolution of [N, C, D, H, W] (or unbatched [C, D, H, W]) with weight [out, C/groups, kD, kH, kW].</summary>
    public static Tensor Conv3d(Tensor input, Tensor weight, Tensor? bias = null, long[]? stride = null, long[]? padding = null,
        long[]? dilation = null, long groups = 1) => Conv(3, input, weight, bias, stride, padding, null, dilation, groups);

    /// <summary>3-d convolution with padding "same" or "valid".</summary>
    public static Tensor Conv3d(Tensor input, Tensor weight, Tensor? bias, long[]? stride, string padding, long[]? dilation = null, long groups = 1) =>
        Conv(3, input, weight, bias, stride, null, padding, dilation, groups);

    /// <summary>Transposed 1-d convolution; weight [C, out/groups, k].</summary>
    public static Tensor ConvTranspose1d(Tensor input, Tensor weight, Tensor? bias = null, long[]? stride = null, long[]? padding = null,
        long[]? outputPadding = null, long groups = 1, long[]? dilation = null) =>
        ConvTranspose(1, input, weight, bias, stride, padding, outputPadding, groups, dilation);

    /// <summary>Transposed 2-d convolution; weight [C, out/groups, kH, kW].</summary>
    public static Tensor ConvTranspose2d(Tensor input, Tensor weight, Tensor? bias = null, long[]? stride = null, long[]? padding = null,
        long[]? outputPadding = null, long groups = 1, long[]? dilation = null) =>
        ConvTranspose(2, input, weight, bias, stride, padding, outputPadding, groups, dilation);

    /// <summary>Transposed 3-d convolution; weight [C, out/groups, kD, kH, kW].</summary>
    public static Tensor ConvTranspose3d(Tensor input, Tensor weight, Tensor? bias = null, long[]? stride = null, long[]? padding = null,
        long[]? outputPadding = null, long groups = 1, long[]? dilation = null) =>
        ConvTranspose(3, input, weight, bias, stride, padding, outputPadding, groups, dilation);

    private static string SpatialLayout(int spatial) => spatial switch { 1 => "L", 2 => "H, W", _ => "D, H, W" };

    /// <summary>Checks input rank and the weight/bias shapes; returns the channel count of the input.</summary>
    private static long CheckConvShapes(string op, int spatial, Tensor input, Tensor weight, Tensor? bias, long groups, bool transposed)
    {
        if (groups < 1) throw new ArgumentOutOfRangeException(nameof(groups), $"{op}: groups must be positive, got {groups}.");
        var layout = SpatialLayout(spatial);
        if (input.Dim != spatial + 2 && input.Dim != spatial + 1)
            throw new ArgumentException(
                $"{op} expects a {spatial + 2}-d input [N, C, {layout}] (or {spatial + 1}-d unbatched [C, {layout}]), got {input.Describe()}.", nameof(input));
        if (weight.Dim != spatial + 2)
            throw new ArgumentException($"{op} expects a {spatial + 2}-d weight, got {weight.Describe()}.", nameof(weight));
        var channels = input.Size(input.Dim == spatial + 2 ? 1 : 0);
        var w = weight.Shape;
        long outChannels;
        if (!transposed)
        {
            if (w[0] % groups != 0)
                throw new ArgumentException($"{op}: weight {weight.Describe()} has {w[0]} output channels, not divisible by groups {groups}.", nameof(weight));
            if (channels != w[1] * groups)
                throw new ArgumentException(
                    $"{op}: expected input with {w[1] * groups} channels (weight {Tensor.ShapeText(w)}, groups {groups}), got {channels} channels in input {input.Describe()}.", nameof(input));
            outChannels = w[0];
        }
        else
        {
            if (channels != w[0])
                throw new ArgumentException(
                    $"{op}: expected input with {w[0]} channels (weight {Tensor.ShapeText(w)}), got {channels} channels in input {input.Describe()}.", nameof(input));
            if (w[0] % groups != 0)
                throw new ArgumentException($"{op}: {w[0]} input channels are not divisible by groups {groups}.", nameof(groups));
            outChannels = w[1] * groups;
        }
        if (bias != null && (bias.Dim != 1 || bias.Size(0) != outChannels))
            throw new ArgumentException($"{op}: expected a bias of shape [{outChannels}], got {bias.Describe()}.", nameof(bias));
        return channels;
    }

    internal static Tensor ConvCore(int spatial, Tensor input, Tensor weight, Tensor? bias, long[]? stride, long[]? padding,
        string? paddingMode, long[]? dilation, long groups) => Conv(spatial, input, weight, bias, stride, padding, paddingMode, dilation, groups);

    private static unsafe Tensor Conv(int spatial, Tensor input, Tensor weight, Tensor? bias, long[]? stride, long[]? padding,
        string? paddingMode, long[]? dilation, long groups)
    {
        var op = $"Conv{spatial}d";
        CheckConvShapes(op, spatial, input, weight, bias, groups, transposed: false);
        var s = Expand(stride, spatial, 1, "stride", op);
        var d = Expand(dilation, spatial, 1, "dilation", op);
        CheckAtLeast(s, 1, "stride", op);
        CheckAtLeast(d, 1, "dilation", op);
        var b = bias?.Handle ?? IntPtr.Zero;
        fixed (long* ps = s)
        fixed (long* pd = d)
        {
            if (paddingMode != null)
            {
                if (paddingMode != "same" && paddingMode != "valid")
                    throw new ArgumentException($"{op}: padding must be \"same\", \"valid\" or numbers, got \"{paddingMode}\".", "padding");
                if (paddingMode == "same" && s.Any(v => v != 1))
                    throw new ArgumentException($"{op}: padding \"same\" is not supported for strided convolutions (stride [{string.Join(", ", s)}]).", "padding");
                return CountConv(op, Errors.Wrap(NativeMethods.mdl_nn_conv_padmode(spatial, input.Handle, weight.Handle, b, ps, paddingMode, pd, groups),
                    op, input, weight, bias), weight, groups);
            }
            var p = Expand(padding, spatial, 0, "padding", op);
            CheckAtLeast(p, 0, "padding", op);
            fixed (long* pp = p)
                return CountConv(op, Errors.Wrap(NativeMethods.mdl_nn_conv(spatial, input.Handle, weight.Handle, b, ps, pp, pd, groups), op, input, weight, bias), weight, groups);
        }
    }

    private static unsafe Tensor ConvTranspose(int spatial, Tensor input, Tensor weight, Tensor? bias, long[]? stride, long[]? padding,
        long[]? outputPadding, long groups, long[]? dilation)
    {
        var op = $"ConvTranspose{spatial}d";
        CheckConvShapes(op, spatial, input, weight, bias, groups, transposed: true);
        var s = Expand(stride, spatial, 1, "stride", op);
        var p = Expand(padding, spatial, 0, "padding", op);
        var o = Expand(outputPadding, spatial, 0, "outputPadding", op);
        var d = Expand(dilation, spatial, 1, "dilation", op);
        CheckAtLeast(s, 1, "stride", op);
        CheckAtLeast(d, 1, "dilation", op);
        CheckAtLeast(p, 0, "padding", op);
        CheckAtLeast(o, 0, "outputPadding", op);
        for (var i = 0; i < spatial; i++)
            if (o[i] >= s[i] && o[i] >= d[i])
                throw new ArgumentException($"{op}: output padding must be smaller than either stride or dilation, got outputPadding [{string.Join(", ", o)}], stride [{string.Join(", ", s)}], dilation [{string.Join(", ", d)}].", nameof(outputPadding));
        fixed (long* ps = s)
        fixed (long* pp = p)
        fixed (long* po = o)
        fixed (long* pd = d)
        {
            var result = Errors.Wrap(NativeMethods.mdl_nn_conv_transpose(spatial, input.Handle, weight.Handle, bias?.Handle ?? IntPtr.Zero, ps, pp, po, groups, pd),
                op, input, weight, bias);
            Profiling.FlopCounter.Current?.AddConvTranspose(op, input, weight, groups);
            return result;
        }
    }

    private static Tensor CountConv(string op, Tensor result, Tensor weight, long groups)
    {
        Profiling.FlopCounter.Current?.AddConv(op, weight, result, groups);
        return result;
    }
}
