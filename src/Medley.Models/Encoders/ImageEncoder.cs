using Medley.Torch;
using Medley.Torch.NN;

namespace Medley.Models.Encoders;

/// <summary>An image encoder giving one feature vector per image and a sequence of spatial tokens.</summary>
public abstract class ImageEncoder : Module
{
    /// <summary>Features per vector/token (smaller than the backbone width after structured pruning).</summary>
    public abstract int OutputDim { get; }

    /// <summary>(B, C, H, W) → feature (B, OutputDim) and tokens (B, L, OutputDim).</summary>
    public abstract (Tensor Feature, Tensor Tokens) Forward(Tensor image);

    /// <summary>A long index tensor outside any scope (owned by the module that keeps it).</summary>
    internal static Tensor IndexTensor(IReadOnlyList<int> indices) =>
        Tensor.From(indices.Select(i => (long)i).ToArray()).DetachFromScope();

    internal static void InitLinear(Linear layer)
    {
        // METHODS.md §1.7: Xavier initialisation for the modules that are not pretrained.
        Init.XavierUniform_(layer.Weight);
        if (layer.Bias != null) Init.Zeros_(layer.Bias);
    }
}
