using Medley.Torch;
using Medley.Torch.NN;

namespace Medley.Models.Encoders;

/// <summary>
/// Small CNN for the "no ViT" ablation (METHODS.md §1.9): three 3×3 stride-2 convolutions with ReLU
/// ("features.0/2/4"), then a 1×1 projection to the feature width ("proj"). F_I is the spatial mean of the
/// projection; its spatial positions are the tokens. Pruning slices the projection's output channels.
/// </summary>
public sealed class CnnImageEncoder : ImageEncoder
{
    private readonly Sequential features;
    private readonly Conv2d proj;
    private readonly int outputDim;

    public CnnImageEncoder(int inChannels, IReadOnlyList<int> channels, int outputDim)
    {
        if (inChannels <= 0 || outputDim <= 0 || channels.Count != 3 || channels.Any(c => c <= 0))
            throw new ArgumentException($"CnnImageEncoder: in_channels ({inChannels}), three positive stage widths (got [{string.Join(", ", channels)}]) and the output width ({outputDim}) are required.");
        features = new Sequential(
            new Conv2d(inChannels, channels[0], 3, stride: 2, padding: 1), new ReLU(),
            new Conv2d(channels[0], channels[1], 3, stride: 2, padding: 1), new ReLU(),
            new Conv2d(channels[1], channels[2], 3, stride: 2, padding: 1), new ReLU());
        proj = new Conv2d(channels[2], outputDim, 1);
        this.outputDim = outputDim;
    }

    public override int OutputDim => outputDim;

    public override (Tensor Feature, Tensor Tokens) Forward(Tensor image)
    {
        var map = proj.Forward(features.Forward(image));       // (B, d, h, w)
        var tokens = map.Flatten(2).Transpose(1, 2);            // (B, h·w, d)
        return (tokens.Mean(1), tokens);
    }
}
