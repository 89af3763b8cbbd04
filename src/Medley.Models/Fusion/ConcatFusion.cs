using Medley.Models.Encoders;
using Medley.Torch;
using Medley.Torch.NN;

namespace Medley.Models.Fusion;

/// <summary>"No CMT" ablation (METHODS.md §1.9): F_fuse = ReLU(fc([F_I'; F_L'])), width in → d.</summary>
public sealed class ConcatFusion : Module<Tensor, Tensor>
{
    private readonly Linear fc;

    public ConcatFusion(int inputDim, int outputDim)
    {
        fc = new Linear(inputDim, outputDim);
        ImageEncoder.InitLinear(fc);
    }

    public Linear Fc => fc;

    public override Tensor Forward(Tensor features) => fc.Forward(features).Relu();
}

/// <summary>Bottleneck head (METHODS.md §1.5): logits = classifier(ReLU(bottleneck(F_fuse))), d → d/4 → classes.</summary>
public sealed class BottleneckHead : Module<Tensor, Tensor>
{
    private readonly Linear bottleneck;
    private readonly Linear classifier;

    public BottleneckHead(int dim, int numClasses)
    {
        if (dim < 4) throw new ArgumentException($"BottleneckHead: the width {dim} must be at least 4 (the bottleneck is width/4).");
        if (numClasses < 2) throw new ArgumentException($"BottleneckHead: at least 2 classes are needed, got {numClasses}.");
        bottleneck = new Linear(dim, dim / 4);
        classifier = new Linear(dim / 4, numClasses);
        ImageEncoder.InitLinear(bottleneck);
        ImageEncoder.InitLinear(classifier);
    }

    public override Tensor Forward(Tensor features) => classifier.Forward(bottleneck.Forward(features).Relu());
}
