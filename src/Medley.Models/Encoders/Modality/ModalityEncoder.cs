using Medley.Torch;
using Medley.Torch.NN;

namespace Medley.Models.Encoders.Modality;

/// <summary>
/// e_m of a fusion method: one sample's tensor of a modality (batched, [B, ...]) and its optional per-element
/// mask → an embedding v_m of width <see cref="OutputDim"/> ([B, OutputDim]). Absent samples arrive as zeros, so
/// their embedding is the encoder's output for an all-zero input (METHODS.md §2.1).
/// </summary>
public abstract class ModalityEncoder : Module
{
    public abstract int OutputDim { get; }

    public abstract Tensor Forward(Tensor input, Tensor? mask);

    /// <summary>Frozen encoders take no gradient; their outputs can be computed once and cached.</summary>
    public bool Frozen { get; protected set; }

    /// <summary>Stops training this encoder (its parameters keep requires_grad = false; eval mode always).</summary>
    public void Freeze()
    {
        Frozen = true;
        RequiresGrad_(false);
    }

    internal static Linear XavierLinear(long inFeatures, long outFeatures)
    {
        var layer = new Linear(checked((int)inFeatures), checked((int)outFeatures));
        Init.XavierUniform_(layer.Weight);
        if (layer.Bias != null) Init.Zeros_(layer.Bias);
        return layer;
    }

    /// <summary>Learned positions [length, width] drawn from N(0, 0.02²), as the sequence encoders start them.</summary>
    internal static Parameter LearnedPositions(long length, int width) =>
        new(Tensor.Empty(new[] { length, (long)width }).Normal_(0, 0.02));

    /// <summary>The sequence encoders' body: pre-norm transformer layers, batch first, feed-forward 2·width, dropout 0.1.</summary>
    internal static TransformerEncoder PreNormTransformer(int width, int heads, int layers) =>
        new(new TransformerEncoderLayer(width, heads, 2 * width, 0.1, batchFirst: true, normFirst: true), layers);
}
