using Medley.Torch.NN;
using F = Medley.Torch.NN.Functional;

namespace Medley.Torch.Tests;

public class FunctionalConvPoolTests
{
    [Fact]
    public void ConvolutionsMatchPyTorch()
    {
        using var f = Fixture.Load("nn_conv");
        FunctionalCase.Check(f, "conv1d", t => F.Conv1d(t["x"], t["w"], t["b"], stride: [2], padding: [1]));
        FunctionalCase.Check(f, "conv2d", t => F.Conv2d(t["x"], t["w"], t["b"], stride: [2, 1], padding: [1, 2]));
        FunctionalCase.Check(f, "conv2d_grouped_dilated", t => F.Conv2d(t["x"], t["w"], t["b"], padding: [2], dilation: [2], groups: 2));
        FunctionalCase.Check(f, "conv2d_same", t => F.Conv2d(t["x"], t["w"], null, null, "same", dilation: [1, 2]));
        FunctionalCase.Check(f, "conv2d_unbatched", t => F.Conv2d(t["x"], t["w"]));
        FunctionalCase.Check(f, "conv3d", t => F.Conv3d(t["x"], t["w"], t["b"], stride: [1, 2, 2], padding: [1]));
        FunctionalCase.Check(f, "conv3d_same", t => F.Conv3d(t["x"], t["w"], null, null, "same"));
        FunctionalCase.Check(f, "convt2d", t => F.ConvTranspose2d(t["x"], t["w"], t["b"], stride: [2], padding: [1], outputPadding: [1], groups: 2));
        FunctionalCase.Check(f, "convt3d", t => F.ConvTranspose3d(t["x"], t["w"], t["b"], stride: [2, 1, 2], padding: [0, 1, 1], outputPadding: [1, 0, 0]));
    }

    [Fact]
    public void PoolingMatchesPyTorch()
    {
        using var f = Fixture.Load("nn_pool");
        FunctionalCase.Check(f, "maxpool2d", t => F.MaxPool2d(t["x"], [3], stride: [2], padding: [1]));
        FunctionalCase.Check(f, "maxpool2d_ceil_dilated", t => F.MaxPool2d(t["x"], [2, 3], stride: [2], dilation: [2, 1], ceilMode: true));
        FunctionalCase.Check(f, "maxpool3d", t => F.MaxPool3d(t["x"], [2], stride: [1, 2, 2], ceilMode: true));
        FunctionalCase.Check(f, "avgpool2d", t => F.AvgPool2d(t["x"], [3], stride: [2], padding: [1], countIncludePad: false));
        FunctionalCase.Check(f, "avgpool2d_ceil", t => F.AvgPool2d(t["x"], [2], stride: [2], ceilMode: true));
        FunctionalCase.Check(f, "avgpool3d", t => F.AvgPool3d(t["x"], [2, 2, 3], padding: [1, 0, 1]));
        FunctionalCase.Check(f, "adaptiveavg2d", t => F.AdaptiveAvgPool2d(t["x"], [3, 2]));
        FunctionalCase.Check(f, "adaptiveavg3d", t => F.AdaptiveAvgPool3d(t["x"], [2]));
        FunctionalCase.Check(f, "adaptivemax2d", t => F.AdaptiveMaxPool2d(t["x"], [2, 3]));
        FunctionalCase.Check(f, "adaptivemax3d", t => F.AdaptiveMaxPool3d(t["x"], [1, 2, 2]));
    }

    [Fact]
    public void InterpolateAndPadMatchPyTorch()
    {
        using var f = Fixture.Load("nn_resample");
        FunctionalCase.Check(f, "nearest_size", t => F.Interpolate(t["x"], size: [5, 7]));
        FunctionalCase.Check(f, "nearest_scale", t => F.Interpolate(t["x"], scaleFactor: [1.7]));
        FunctionalCase.Check(f, "bilinear", t => F.Interpolate(t["x"], size: [6, 5], mode: InterpolationMode.Bilinear, alignCorners: false));
        FunctionalCase.Check(f, "bilinear_ac", t => F.Interpolate(t["x"], scaleFactor: [2.0, 1.5], mode: InterpolationMode.Bilinear, alignCorners: true));
        FunctionalCase.Check(f, "bicubic", t => F.Interpolate(t["x"], size: [7, 6], mode: InterpolationMode.Bicubic));
        FunctionalCase.Check(f, "bicubic_ac", t => F.Interpolate(t["x"], size: [5, 5], mode: InterpolationMode.Bicubic, alignCorners: true));
        FunctionalCase.Check(f, "trilinear", t => F.Interpolate(t["x"], scaleFactor: [2], mode: InterpolationMode.Trilinear));
        FunctionalCase.Check(f, "trilinear_ac", t => F.Interpolate(t["x"], size: [3, 4, 5], mode: InterpolationMode.Trilinear, alignCorners: true));
        FunctionalCase.Check(f, "linear", t => F.Interpolate(t["x"], size: [7], mode: InterpolationMode.Linear));
        FunctionalCase.Check(f, "pad_constant", t => F.Pad(t["x"], [1, 2, 0, 1], value: 0.5));
        FunctionalCase.Check(f, "pad_reflect", t => F.Pad(t["x"], [2, 1, 1, 2], PaddingMode.Reflect));
        FunctionalCase.Check(f, "pad_replicate", t => F.Pad(t["x"], [1, 1, 2, 0, 1, 1], PaddingMode.Replicate));
        FunctionalCase.Check(f, "pad_circular", t => F.Pad(t["x"], [1, 2], PaddingMode.Circular));
    }

    [Fact]
    public void ConvRejectsWrongRankAndChannelsWithClearMessages()
    {
        using var scope = DisposeScope.Enter();
        var w = Tensor.Randn(4, 3, 3, 3);
        var e1 = Assert.Throws<ArgumentException>(() => F.Conv2d(Tensor.Randn(2, 3, 5), w.Reshape(4, 3, 9)));
        Assert.Contains("4-d weight", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => F.Conv2d(Tensor.Randn(5, 5), w));
        Assert.Contains("expects a 4-d input", e2.Message);
        Assert.Contains("[5, 5]", e2.Message);
        var e3 = Assert.Throws<ArgumentException>(() => F.Conv2d(Tensor.Randn(1, 5, 8, 8), w));
        Assert.Contains("expected input with 3 channels", e3.Message);
        Assert.Contains("got 5 channels", e3.Message);
        var e4 = Assert.Throws<ArgumentException>(() => F.Conv2d(Tensor.Randn(1, 6, 8, 8), w, groups: 3));
        Assert.Contains("not divisible by groups 3", e4.Message);
        Assert.Throws<ArgumentException>(() => F.Conv2d(Tensor.Randn(1, 3, 8, 8), w, null, [2], "same"));
        Assert.Throws<ArgumentException>(() => F.Conv2d(Tensor.Randn(1, 3, 8, 8), w, stride: [1, 1, 1]));
        Assert.Throws<ArgumentException>(() => F.Conv2d(Tensor.Randn(1, 3, 8, 8), w, Tensor.Randn(5)));
        var e5 = Assert.Throws<ArgumentException>(() => F.ConvTranspose2d(Tensor.Randn(1, 2, 4, 4), Tensor.Randn(3, 2, 3, 3)));
        Assert.Contains("expected input with 3 channels", e5.Message);
        // too small for the kernel: libtorch's message comes back as a TorchException naming the op
        var e6 = Assert.Throws<TorchException>(() => F.Conv2d(Tensor.Randn(1, 3, 2, 2), w));
        Assert.Contains("Conv2d", e6.Message);
    }

    [Fact]
    public void PoolingAndResamplingRejectBadArguments()
    {
        using var scope = DisposeScope.Enter();
        var x = Tensor.Randn(1, 2, 6, 6);
        Assert.Throws<ArgumentException>(() => F.MaxPool2d(Tensor.Randn(6, 6), [2]));
        Assert.Throws<ArgumentException>(() => F.MaxPool2d(x, [2], padding: [2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => F.AvgPool2d(x, [0]));
        Assert.Throws<ArgumentException>(() => F.Interpolate(x, size: [3, 3], scaleFactor: [2]));
        Assert.Throws<ArgumentException>(() => F.Interpolate(x));
        Assert.Throws<ArgumentException>(() => F.Interpolate(x, size: [3, 3], alignCorners: true));
        Assert.Throws<ArgumentException>(() => F.Interpolate(x, size: [3], mode: InterpolationMode.Trilinear));
        Assert.Throws<ArgumentException>(() => F.Pad(x, [1, 2, 3]));
        Assert.Throws<TorchException>(() => F.Pad(x, [6, 6], PaddingMode.Reflect));
    }
}
