namespace Medley.Torch.NN;

/// <summary>Max pooling over [N, C, H, W]; stride defaults to the kernel size.</summary>
public sealed class MaxPool2d(long[] kernelSize, long[]? stride = null, long[]? padding = null, long[]? dilation = null, bool ceilMode = false)
    : Module<Tensor, Tensor>
{
    public MaxPool2d(long kernelSize, long? stride = null, long padding = 0, long dilation = 1, bool ceilMode = false)
        : this(new[] { kernelSize }, stride is long s ? new[] { s } : null, new[] { padding }, new[] { dilation }, ceilMode) { }

    public override Tensor Forward(Tensor input) => Functional.MaxPool2d(input, kernelSize, stride, padding, dilation, ceilMode);
}

/// <summary>Max pooling over [N, C, D, H, W].</summary>
public sealed class MaxPool3d(long[] kernelSize, long[]? stride = null, long[]? padding = null, long[]? dilation = null, bool ceilMode = false)
    : Module<Tensor, Tensor>
{
    public MaxPool3d(long kernelSize, long? stride = null, long padding = 0, long dilation = 1, bool ceilMode = false)
        : this(new[] { kernelSize }, stride is long s ? new[] { s } : null, new[] { padding }, new[] { dilation }, ceilMode) { }

    public override Tensor Forward(Tensor input) => Functional.MaxPool3d(input, kernelSize, stride, padding, dilation, ceilMode);
}

/// <summary>Average pooling over [N, C, H, W].</summary>
public sealed class AvgPool2d(long[] kernelSize, long[]? stride = null, long[]? padding = null, bool ceilMode = false,
    bool countIncludePad = true, long? divisorOverride = null) : Module<Tensor, Tensor>
{
    public AvgPool2d(long kernelSize, long? stride = null, long padding = 0, bool ceilMode = false, bool countIncludePad = true)
        : this(new[] { kernelSize }, stride is long s ? new[] { s } : null, new[] { padding }, ceilMode, countIncludePad) { }

    public override Tensor Forward(Tensor input) =>
        Functional.AvgPool2d(input, kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride);
}

/// <summary>Average pooling over [N, C, D, H, W].</summary>
public sealed class AvgPool3d(long[] kernelSize, long[]? stride = null, long[]? padding = null, bool ceilMode = false,
    bool countIncludePad = true, long? divisorOverride = null) : Module<Tensor, Tensor>
{
    public AvgPool3d(long kernelSize, long? stride = null, long padding = 0, bool ceilMode = false, bool countIncludePad = true)
        : this(new[] { kernelSize }, stride is long s ? new[] { s } : null, new[] { padding }, ceilMode, countIncludePad) { }

    public override Tensor Forward(Tensor input) =>
        Functional.AvgPool3d(input, kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride);
}

/// <summary>Average pooling to a fixed output size (e.g. [1, 1] for global pooling).</summary>
public sealed class AdaptiveAvgPool2d(params long[] outputSize) : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => Functional.AdaptiveAvgPool2d(input, outputSize);
}

public sealed class AdaptiveAvgPool3d(params long[] outputSize) : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => Functional.AdaptiveAvgPool3d(input, outputSize);
}

/// <summary>Max pooling to a fixed output size.</summary>
public sealed class AdaptiveMaxPool2d(params long[] outputSize) : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => Functional.AdaptiveMaxPool2d(input, outputSize);
}

public sealed class AdaptiveMaxPool3d(params long[] outputSize) : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => Functional.AdaptiveMaxPool3d(input, outputSize);
}
