using Medley.Torch;
using Medley.Torch.NN;

namespace Medley.Models.Encoders;

/// <summary>
/// Small CNN for the "no ViT" ablation (METHODS.md §1.9): three 3×3 stride-2 convolutions with ReLU
/// ("features.0/2/4"), adaptive average pooling to a grid × grid map, then
/// <list type="bullet">
/// <item>F_I = "proj"(flatten(map)): a Linear over every grid cell's channels, so F_I knows WHERE things are;</item>
/// <item>tokens = "token_proj"(map): a 1×1 convolution per grid cell plus a learned embedding per cell
/// ("token_pos"), so each token also carries its position.</item>
/// </list>
/// <para>Why not the spatial mean: a mean over positions is translation invariant, so a label that depends on the
/// position of a pattern (the synthetic XOR task: the blob's slot on a circle) cannot be read from F_I at all and
/// the model stays at chance. Pooling to a small fixed grid keeps coarse position and makes F_I independent of
/// the input size.</para>
/// Structured pruning slices the output rows of "proj" and "token_proj" and the columns of "token_pos".
/// </summary>
public sealed class CnnImageEncoder : ImageEncoder
{
    private readonly Sequential features;
    private readonly Linear proj;
    [Name("token_proj")] private readonly Conv2d tokenProj;
    [Name("token_pos")] private readonly Parameter tokenPos;
    private readonly int outputDim;
    private readonly int grid;

    /// <param name="inChannels">Image channels.</param>
    /// <param name="channels">The three stage widths.</param>
    /// <param name="outputDim">Width of F_I and of the tokens.</param>
    /// <param name="grid">Side of the pooled grid (grid² tokens).</param>
    public CnnImageEncoder(int inChannels, IReadOnlyList<int> channels, int outputDim, int grid = 4)
    {
        if (inChannels <= 0 || outputDim <= 0 || channels.Count != 3 || channels.Any(c => c <= 0))
            throw new ArgumentException($"CnnImageEncoder: in_channels ({inChannels}), three positive stage widths (got [{string.Join(", ", channels)}]) and the output width ({outputDim}) are required.");
        if (grid <= 0 || grid > 16)
            throw new ArgumentException($"CnnImageEncoder: cnn_grid must be in [1, 16], got {grid}.");
        features = new Sequential(
            new Conv2d(inChannels, channels[0], 3, stride: 2, padding: 1), new ReLU(),
            new Conv2d(channels[0], channels[1], 3, stride: 2, padding: 1), new ReLU(),
            new Conv2d(channels[1], channels[2], 3, stride: 2, padding: 1), new ReLU());
        proj = new Linear(channels[2] * grid * grid, outputDim);
        InitLinear(proj);
        tokenProj = new Conv2d(channels[2], outputDim, 1);
        // ViT-style small normal init of the per-cell position embedding.
        tokenPos = new Parameter(Tensor.Empty(new long[] { grid * grid, outputDim }).Normal_(0, 0.02));
        this.outputDim = outputDim;
        this.grid = grid;
    }

    public override int OutputDim => outputDim;

    /// <summary>Side of the pooled grid.</summary>
    public int Grid => grid;

    public override (Tensor Feature, Tensor Tokens) Forward(Tensor image)
    {
        var map = Functional.AdaptiveAvgPool2d(features.Forward(image), new long[] { grid, grid });   // (B, c, g, g)
        var feature = proj.Forward(map.Flatten(1));                                                   // (B, d)
        var tokens = tokenProj.Forward(map).Flatten(2).Transpose(1, 2) + tokenPos;                    // (B, g², d)
        return (feature, tokens);
    }
}
