using Medley.Torch.NN;

namespace Medley.Torch.Models;

/// <summary>
/// torchvision's ResNet (He et al. 2015) with its module names (conv1, bn1, layer1.0.conv1, ..., downsample.0/1, fc),
/// so torchvision state dicts load strictly. Use <see cref="ResNet18"/>, <see cref="ResNet34"/> or
/// <see cref="ResNet50"/>. Input (N, 3, H, W) images; output (N, numClasses) logits.
/// </summary>
public sealed class ResNet : Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;
    private readonly Sequential layer4;
    private readonly Linear fc;

    public readonly int NumClasses;
    /// <summary>Features entering fc (512 for basic blocks, 2048 for bottlenecks).</summary>
    public readonly int FeatureDim;

    /// <param name="bottleneck">Bottleneck blocks (ResNet-50 and deeper) instead of basic blocks.</param>
    /// <param name="blocks">Blocks per stage, e.g. {2, 2, 2, 2} for ResNet-18.</param>
    /// <param name="numClasses">Outputs of the final linear layer.</param>
    /// <param name="zeroInitResidual">Zero the last norm of each block so blocks start as identities (torchvision option).</param>
    public ResNet(bool bottleneck, int[] blocks, int numClasses = 1000, bool zeroInitResidual = false)
    {
        if (blocks is not { Length: 4 } || blocks.Any(b => b <= 0))
            throw new ArgumentException("ResNet needs four positive block counts, one per stage.", nameof(blocks));
        if (numClasses <= 0) throw new ArgumentException($"ResNet: numClasses must be positive, got {numClasses}.", nameof(numClasses));
        NumClasses = numClasses;
        var expansion = bottleneck ? Bottleneck.Expansion : BasicBlock.Expansion;

        conv1 = new Conv2d(3, 64, kernelSize: 7, stride: 2, padding: 3, bias: false);
        bn1 = new BatchNorm2d(64);
        var inPlanes = 64;
        layer1 = MakeStage(bottleneck, ref inPlanes, 64, blocks[0], 1);
        layer2 = MakeStage(bottleneck, ref inPlanes, 128, blocks[1], 2);
        layer3 = MakeStage(bottleneck, ref inPlanes, 256, blocks[2], 2);
        layer4 = MakeStage(bottleneck, ref inPlanes, 512, blocks[3], 2);
        FeatureDim = 512 * expansion;
        fc = new Linear(FeatureDim, numClasses);

        // torchvision's initialisation: He-normal (fan_out, relu) convolutions, unit/zero norms.
        foreach (var m in Modules())
        {
            if (m is Conv2d conv) Init.KaimingNormal_(conv.Weight, mode: FanMode.FanOut, nonlinearity: "relu");
            else if (m is BatchNorm2d bn)
            {
                Init.Ones_(bn.Weight!);
                Init.Zeros_(bn.Bias!);
            }
        }
        if (zeroInitResidual)
        {
            foreach (var m in Modules())
            {
                if (m is Bottleneck b) Init.Zeros_(b.LastNorm.Weight!);
                else if (m is BasicBlock bb) Init.Zeros_(bb.LastNorm.Weight!);
            }
        }
    }

    public static ResNet ResNet18(int numClasses = 1000) => new(false, new[] { 2, 2, 2, 2 }, numClasses);
    public static ResNet ResNet34(int numClasses = 1000) => new(false, new[] { 3, 4, 6, 3 }, numClasses);
    public static ResNet ResNet50(int numClasses = 1000) => new(true, new[] { 3, 4, 6, 3 }, numClasses);

    public Linear Fc => fc;

    private static Sequential MakeStage(bool bottleneck, ref int inPlanes, int planes, int count, int stride)
    {
        var expansion = bottleneck ? Bottleneck.Expansion : BasicBlock.Expansion;
        Sequential? downsample = null;
        if (stride != 1 || inPlanes != planes * expansion)
            downsample = new Sequential(
                new Conv2d(inPlanes, planes * expansion, kernelSize: 1, stride: stride, bias: false),
                new BatchNorm2d(planes * expansion));
        var stage = new Sequential();
        for (var i = 0; i < count; i++)
        {
            var s = i == 0 ? stride : 1;
            var ds = i == 0 ? downsample : null;
            stage.Append(bottleneck ? new Bottleneck(inPlanes, planes, s, ds) : new BasicBlock(inPlanes, planes, s, ds));
            inPlanes = planes * expansion;
        }
        return stage;
    }

    /// <summary>Pooled features (N, FeatureDim) before fc: the embedding used for transfer learning.</summary>
    public Tensor ForwardFeatures(Tensor input)
    {
        if (input.Dim != 4 || input.Size(1) != 3)
            throw new ArgumentException($"ResNet expects (N, 3, H, W) images, got {input.Describe()}.");
        var x = bn1.Forward(conv1.Forward(input)).Relu();
        x = Functional.MaxPool2d(x, new long[] { 3, 3 }, new long[] { 2, 2 }, new long[] { 1, 1 });
        x = layer4.Forward(layer3.Forward(layer2.Forward(layer1.Forward(x))));
        return Functional.AdaptiveAvgPool2d(x, new long[] { 1, 1 }).Flatten(1);
    }

    public override Tensor Forward(Tensor input) => fc.Forward(ForwardFeatures(input));
}

/// <summary>Two 3×3 convolutions with a residual connection (ResNet-18/34).</summary>
public sealed class BasicBlock : Module<Tensor, Tensor>
{
    public const int Expansion = 1;
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Sequential? downsample;

    public BasicBlock(int inPlanes, int planes, int stride = 1, Sequential? downsample = null)
    {
        conv1 = new Conv2d(inPlanes, planes, kernelSize: 3, stride: stride, padding: 1, bias: false);
        bn1 = new BatchNorm2d(planes);
        conv2 = new Conv2d(planes, planes, kernelSize: 3, stride: 1, padding: 1, bias: false);
        bn2 = new BatchNorm2d(planes);
        this.downsample = downsample;
    }

    internal BatchNorm2d LastNorm => bn2;

    public override Tensor Forward(Tensor x)
    {
        var y = bn1.Forward(conv1.Forward(x)).Relu();
        y = bn2.Forward(conv2.Forward(y));
        var identity = downsample != null ? downsample.Forward(x) : x;
        return (y + identity).Relu();
    }
}

/// <summary>1×1 reduce, 3×3 (strided), 1×1 expand ×4, with a residual connection (ResNet-50 and deeper).</summary>
public sealed class Bottleneck : Module<Tensor, Tensor>
{
    public const int Expansion = 4;
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Conv2d conv3;
    private readonly BatchNorm2d bn3;
    private readonly Sequential? downsample;

    public Bottleneck(int inPlanes, int planes, int stride = 1, Sequential? downsample = null)
    {
        conv1 = new Conv2d(inPlanes, planes, kernelSize: 1, bias: false);
        bn1 = new BatchNorm2d(planes);
        conv2 = new Conv2d(planes, planes, kernelSize: 3, stride: stride, padding: 1, bias: false);
        bn2 = new BatchNorm2d(planes);
        conv3 = new Conv2d(planes, planes * Expansion, kernelSize: 1, bias: false);
        bn3 = new BatchNorm2d(planes * Expansion);
        this.downsample = downsample;
    }

    internal BatchNorm2d LastNorm => bn3;

    public override Tensor Forward(Tensor x)
    {
        var y = bn1.Forward(conv1.Forward(x)).Relu();
        y = bn2.Forward(conv2.Forward(y)).Relu();
        y = bn3.Forward(conv3.Forward(y));
        var identity = downsample != null ? downsample.Forward(x) : x;
        return (y + identity).Relu();
    }
}
