using Medley.Torch;
using Medley.Torch.NN;

namespace Medley.Models.Encoders.Modality;

/// <summary>
/// Token ids [B, L] with attention mask [B, L] → token embedding + learned positions → a small pre-norm transformer
/// encoder → mean over the attended tokens. Padding is masked in attention and in the mean.
/// </summary>
public sealed class TextTransformerEncoder : ModalityEncoder
{
    private readonly Embedding tokens;
    [Name("position")] private readonly Parameter position;
    private readonly TransformerEncoder encoder;
    private readonly int width;

    public TextTransformerEncoder(int vocabSize, long maxLength, int outputDim, int layers = 1, int heads = 4)
    {
        if (vocabSize <= 0 || maxLength <= 0 || outputDim <= 0 || layers <= 0 || heads <= 0 || outputDim % heads != 0)
            throw new ArgumentException($"TextTransformerEncoder: vocabulary ({vocabSize}), length ({maxLength}), width ({outputDim}) and layers ({layers}) must be positive and the width divisible by heads ({heads}).");
        tokens = new Embedding(vocabSize, outputDim);
        position = LearnedPositions(maxLength, outputDim);
        encoder = PreNormTransformer(outputDim, heads, layers);
        width = outputDim;
    }

    public override int OutputDim => width;

    public override Tensor Forward(Tensor input, Tensor? mask)
    {
        if (input.Dim != 2) throw new ArgumentException($"TextTransformerEncoder: expected token ids [B, L], got [{string.Join(", ", input.Shape)}].");
        var keep = (mask ?? Tensor.OnesLike(input)).To(DType.Float32);                          // [B, L]
        var x = tokens.Forward(input.To(DType.Int64)) + position.Narrow(0, 0, input.Size(1));
        // An all-padding row (absent text) would make attention NaN: let such rows attend to everything.
        var empty = keep.Sum(1, keepDim: true).Eq(0.0);
        var attend = keep.Gt(0.0).LogicalOr(empty);
        var h = encoder.Forward(x, null, attend.LogicalNot());
        var weights = keep.Unsqueeze(2);
        return (h * weights).Sum(1) / weights.Sum(1).Clamp(1.0);
    }
}
