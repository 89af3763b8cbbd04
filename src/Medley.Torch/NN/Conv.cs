namespace Medley.Torch.NN;

/// <summary>
/// Shared core of the convolution layers: PyTorch's parameter names and shapes (weight, bias), its default
/// initialisation (kaiming_uniform(a=√5) ⇒ uniform ±1/√fan_in for weight and bias) and padding modes.
/// </summary>
public abstract class ConvNd : Module<Tensor, Tensor>
{
    public readonly long InChannels;
    public readonly long OutChannels;
    public readonly long[] KernelSize;
    public readonly long[] Stride;
    public readonly long[] Padding;
    public readonly string? PaddingString;
    public readonly long[] Dilation;
    public readonly long Groups;
    public readonly PaddingMode PaddingMode;
    private readonly Parameter weight;
    private readonly Parameter? bias;
    private protected readonly int Spatial;

    private protected ConvNd(int spatial, bool transposed, long inChannels, long outChannels, long[] kernelSize, long[]? stride,
        long[]? padding, string? paddingString, long[]? dilation, long groups, bool hasBias, PaddingMode paddingMode, DType dtype)
    {
        var name = GetType().Name;
        if (inChannels <= 0 || outChannels <= 0)
            throw new ArgumentException($"{name}: channel counts must be positive, got {inChannels} → {outChannels}.");
        if (groups < 1 || inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"{name}: in_channels {inChannels} and out_channels {outChannels} must both be divisible by groups {groups}.");
        Spatial = spatial;
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = Tuple(kernelSize, spatial, "kernelSize", name);
        Stride = Tuple(stride ?? new long[] { 1 }, spatial, "stride", name);
        Padding = Tuple(padding ?? new long[] { 0 }, spatial, "padding", name);
        Dilation = Tuple(dilation ?? new long[] { 1 }, spatial, "dilation", name);
        Groups = groups;
        PaddingMode = paddingMode;
        if (paddingString != null)
        {
            if (paddingString != "same" && paddingString != "valid")
                throw new ArgumentException($"{name}: padding must be \"same\", \"valid\" or numbers, got \"{paddingString}\".");
            if (paddingString == "same" && Stride.Any(s => s != 1))
                throw new ArgumentException($"{name}: padding \"same\" is not supported for strided convolutions.");
            PaddingString = paddingString;
        }
        if (transposed && paddingMode != PaddingMode.Constant)
            throw new ArgumentException($"{name}: only zero padding is supported for transposed convolutions.");

        var shape = transposed
            ? new[] { inChannels, outChannels / groups }.Concat(KernelSize).ToArray()
            : new[] { outChannels, inChannels / groups }.Concat(KernelSize).ToArray();
        // PyTorch's fan_in is computed from dimension 1 of the weight, for transposed layers too.
        var fanIn = shape[1] * KernelSize.Aggregate(1L, (a, b) => a * b);
        var bound = 1.0 / Math.Sqrt(fanIn);
        weight = new Parameter(Tensor.Empty(shape, dtype).Uniform_(-bound, bound));
        if (hasBias) bias = new Parameter(Tensor.Empty(new[] { outChannels }, dtype).Uniform_(-bound, bound));
    }

    public Parameter Weight => weight;
    public Parameter? Bias => bias;

    private static long[] Tuple(long[] values, int n, string what, string name)
    {
        if (values.Length == 1) return Enumerable.Repeat(values[0], n).ToArray();
        if (values.Length != n) throw new ArgumentException($"{name}: {what} needs 1 or {n} values, got {values.Length}.");
        return (long[])values.Clone();
    }

    /// <summary>Explicit border for non-zero padding modes: [left, right] per dim, last dim first (F.pad order).</summary>
    private protected long[] ReversedPaddingRepeatedTwice()
    {
        var result = new long[2 * Spatial];
        for (var i = 0; i < Spatial; i++)
        {
            long left, right;
            if (PaddingString == "same")
            {
                var total = Dilation[i] * (KernelSize[i] - 1);
                left = total / 2;
                right = total - left;
            }
            else if (PaddingString == "valid") left = right = 0;
            else left = right = Padding[i];
            var slot = Spatial - 1 - i;
            result[2 * slot] = left;
            result[2 * slot + 1] = right;
        }
        return result;
    }

    private protected Tensor ConvForward(Tensor input)
    {
        if (PaddingMode != PaddingMode.Constant)
        {
            using var scope = DisposeScope.Enter();
            var padded = Functional.Pad(input, ReversedPaddingRepeatedTwice(), PaddingMode);
            return scope.Keep(Functional.ConvCore(Spatial, padded, weight, bias, Stride, new long[] { 0 }, null, Dilation, Groups));
        }
        return Functional.ConvCore(Spatial, input, weight, bias, Stride, PaddingString == null ? Padding : null, PaddingString, Dilation, Groups);
    }
}

/// <summary>1-d convolution layer over [N, C, L].</summary>
public sealed class Conv1d : ConvNd
{
    public Conv1d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0, long dilation = 1,
        long groups = 1, bool bias = true, PaddingMode paddingMode = PaddingMode.Constant, DType dtype = DType.Float32)
        : base(1, false, inChannels, outChannels, new[] { kernelSize }, new[] { stride }, new[] { padding }, null, new[] { dilation }, groups, bias, paddingMode, dtype) { }

    /// <summary>With padding "same" or "valid".</summary>
    public Conv1d(long inChannels, long outChannels, long kernelSize, string padding, long dilation = 1, long groups = 1, bool bias = true,
        PaddingMode paddingMode = PaddingMode.Constant, DType dtype = DType.Float32)
        : base(1, false, inChannels, outChannels, new[] { kernelSize }, null, null, padding, new[] { dilation }, groups, bias, paddingMode, dtype) { }

    public override Tensor Forward(Tensor input) => ConvForward(input);
}

/// <summary>2-d convolution layer over [N, C, H, W]; per-dimension arguments take 1 or 2 values.</summary>
public sealed class Conv2d : ConvNd
{
    public Conv2d(long inChannels, long outChannels, long[] kernelSize, long[]? stride = null, long[]? padding = null, long[]? dilation = null,
        long groups = 1, bool bias = true, PaddingMode paddingMode = PaddingMode.Constant, DType dtype = DType.Float32)
        : base(2, false, inChannels, outChannels, kernelSize, stride, padding, null, dilation, groups, bias, paddingMode, dtype) { }

    public Conv2d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0, long dilation = 1,
        long groups = 1, bool bias = true, PaddingMode paddingMode = PaddingMode.Constant, DType dtype = DType.Float32)
        : this(inChannels, outChannels, new[] { kernelSize }, new[] { stride }, new[] { padding }, new[] { dilation }, groups, bias, paddingMode, dtype) { }

    /// <summary>With padding "same" or "valid".</summary>
    public Conv2d(long inChannels, long outChannels, long[] kernelSize, string padding, long[]? dilation = null, long groups = 1, bool bias = true,
        PaddingMode paddingMode = PaddingMode.Constant, DType dtype = DType.Float32)
        : base(2, false, inChannels, outChannels, kernelSize, null, null, padding, dilation, groups, bias, paddingMode, dtype) { }

    public override Tensor Forward(Tensor input) => ConvForward(input);
}

/// <summary>3-d convolution layer over [N, C, D, H, W]; per-dimension arguments take 1 or 3 values.</summary>
public sealed class Conv3d : ConvNd
{
    public Conv3d(long inChannels, long outChannels, long[] kernelSize, long[]? stride = null, long[]? padding = null, long[]? dilation = null,
        long groups = 1, bool bias = true, PaddingMode paddingMode = PaddingMode.Constant, DType dtype = DType.Float32)
        : base(3, false, inChannels, outChannels, kernelSize, stride, padding, null, dilation, groups, bias, paddingMode, dtype) { }

    public Conv3d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0, long dilation = 1,
        long groups = 1, bool bias = true, PaddingMode paddingMode = PaddingMode.Constant, DType dtype = DType.Float32)
        : this(inChannels, outChannels, new[] { kernelSize }, new[] { stride }, new[] { padding }, new[] { dilation }, groups, bias, paddingMode, dtype) { }

    /// <summary>With padding "same" or "valid".</summary>
    public Conv3d(long inChannels, long outChannels, long[] kernelSize, string padding, long[]? dilation = null, long groups = 1, bool bias = true,
        PaddingMode paddingMode = PaddingMode.Constant, DType dtype = DType.Float32)
        : base(3, false, inChannels, outChannels, kernelSize, null, null, padding, dilation, groups, bias, paddingMode, dtype) { }

    public override Tensor Forward(Tensor input) => ConvForward(input);
}

/// <summary>Transposed 2-d convolution ("deconvolution"); weight [in, out/groups, kH, kW].</summary>
public sealed class ConvTranspose2d : ConvNd
{
    public readonly long[] OutputPadding;

    public ConvTranspose2d(long inChannels, long outChannels, long[] kernelSize, long[]? stride = null, long[]? padding = null,
        long[]? outputPadding = null, long groups = 1, bool bias = true, long[]? dilation = null, DType dtype = DType.Float32)
        : base(2, true, inChannels, outChannels, kernelSize, stride, padding, null, dilation, groups, bias, PaddingMode.Constant, dtype) =>
        OutputPadding = outputPadding ?? new long[] { 0 };

    public ConvTranspose2d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0, long outputPadding = 0,
        long groups = 1, bool bias = true, long dilation = 1, DType dtype = DType.Float32)
        : this(inChannels, outChannels, new[] { kernelSize }, new[] { stride }, new[] { padding }, new[] { outputPadding }, groups, bias, new[] { dilation }, dtype) { }

    public override Tensor Forward(Tensor input) =>
        Functional.ConvTranspose2d(input, Weight, Bias, Stride, Padding, OutputPadding, Groups, Dilation);
}

/// <summary>Transposed 3-d convolution; weight [in, out/groups, kD, kH, kW].</summary>
public sealed class ConvTranspose3d : ConvNd
{
    public readonly long[] OutputPadding;

    public ConvTranspose3d(long inChannels, long outChannels, long[] kernelSize, long[]? stride = null, long[]? padding = null,
        long[]? outputPadding = null, long groups = 1, bool bias = true, long[]? dilation = null, DType dtype = DType.Float32)
        : base(3, true, inChannels, outChannels, kernelSize, stride, padding, null, dilation, groups, bias, PaddingMode.Constant, dtype) =>
        OutputPadding = outputPadding ?? new long[] { 0 };

    public ConvTranspose3d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0, long outputPadding = 0,
        long groups = 1, bool bias = true, long dilation = 1, DType dtype = DType.Float32)
        : this(inChannels, outChannels, new[] { kernelSize }, new[] { stride }, new[] { padding }, new[] { outputPadding }, groups, bias, new[] { dilation }, dtype) { }

    public override Tensor Forward(Tensor input) =>
        Functional.ConvTranspose3d(input, Weight, Bias, Stride, Padding, OutputPadding, Groups, Dilation);
}
