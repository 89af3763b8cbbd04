using Medley.Torch;
using Medley.Torch.NN;

namespace Medley.Models.Encoders.Modality;

/// <summary>
/// Precomputed embeddings [B, E] (e.g. a frozen encoder's cached output): a linear projection to d, or the
/// embedding itself when <c>project</c> is false (then d = E).
/// </summary>
public sealed class EmbeddingInputEncoder : ModalityEncoder
{
    private readonly Linear? proj;
    private readonly int width;

    public EmbeddingInputEncoder(long embeddingDim, int outputDim, bool project = true)
    {
        if (embeddingDim <= 0 || outputDim <= 0)
            throw new ArgumentException($"EmbeddingInputEncoder: embedding width ({embeddingDim}) and output width ({outputDim}) must be positive.");
        proj = project ? XavierLinear(embeddingDim, outputDim) : null;
        width = project ? outputDim : (int)embeddingDim;
    }

    public override int OutputDim => width;

    public override Tensor Forward(Tensor input, Tensor? mask)
    {
        var x = input.Flatten(1);
        return proj == null ? x : proj.Forward(x);
    }
}
