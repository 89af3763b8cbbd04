using Medley.Torch;
using Medley.Torch.Models;
using Medley.Torch.NN;

namespace Medley.Models.Encoders;

/// <summary>
/// Vision Transformer image encoder (METHODS.md §1.1): Medley.Torch's torchvision-compatible ViT without its head
/// (parameters under "vit."); F_I is the class-token output after the final LayerNorm, the tokens are the patch
/// outputs. After structured pruning only the kept feature dimensions are returned (the backbone itself is
/// unchanged: its width is shared by every block).
/// </summary>
public sealed class VitImageEncoder : ImageEncoder
{
    private readonly VisionTransformer vit;
    private readonly Tensor? keep;
    private readonly int outputDim;

    public VitImageEncoder(int imageSize = 224, int patchSize = 16, int numLayers = 12, int numHeads = 12,
        int hiddenDim = 768, int mlpDim = 3072, double dropout = 0.0, IReadOnlyList<int>? keepDims = null)
    {
        vit = new VisionTransformer(imageSize, patchSize, numLayers, numHeads, hiddenDim, mlpDim, dropout, numClasses: 0);
        outputDim = hiddenDim;
        if (keepDims != null)
        {
            CheckKeep(keepDims, hiddenDim, "image");
            keep = IndexTensor(keepDims);
            outputDim = keepDims.Count;
        }
    }

    public VisionTransformer Vit => vit;
    public int HiddenDim => vit.HiddenDim;
    public int ImageSize => vit.ImageSize;
    public override int OutputDim => outputDim;

    public override (Tensor Feature, Tensor Tokens) Forward(Tensor image)
    {
        var tokens = vit.ForwardTokens(image);
        if (keep != null) tokens = tokens.IndexSelect(2, keep);
        return (tokens.Select(1, 0), tokens.Narrow(1, 1, tokens.Size(1) - 1));
    }

    /// <summary>Loads pretrained weights (torchvision, Hugging Face or timm naming; see <see cref="VitWeights"/>).</summary>
    public void LoadPretrained(string path) => VitWeights.LoadInto(vit, path);

    protected override void OnDispose() => keep?.Dispose();

    internal static void CheckKeep(IReadOnlyList<int> keepDims, int width, string side)
    {
        if (keepDims.Count == 0) throw new ArgumentException($"the kept {side} dimensions are empty: keep at least one.");
        var previous = -1;
        foreach (var i in keepDims)
        {
            if (i <= previous || i >= width)
                throw new ArgumentException($"kept {side} dimensions must be increasing indices in [0, {width}), got [{string.Join(", ", keepDims)}].");
            previous = i;
        }
    }
}
