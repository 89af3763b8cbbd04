using Medley.Torch;
using Medley.Torch.Models;
using Medley.Torch.NN;

namespace Medley.Models.Encoders.Modality;

/// <summary>
/// text_encoder=bert: token ids [B, L] and attention mask [B, L] → a frozen pretrained BERT (Hugging Face
/// checkpoint) → the [CLS] state (pooling "cls") or the mean of the attended tokens' states (pooling "mean", the
/// default: the paper keeps BERT-base's 768-d state per token, and their mean is v_m) → a trainable linear
/// projection to d when d differs from BERT's width. BERT itself never trains and always runs in evaluation mode;
/// without a projection the whole encoder is frozen, so its output can be cached (see `medley embed`).
/// </summary>
public sealed class BertTextEncoder : ModalityEncoder
{
    private readonly BertModel bert;
    private readonly Linear? proj;
    private readonly bool meanPooling;
    private readonly int width;

    /// <param name="checkpoint">Hugging Face BERT weights (safetensors).</param>
    /// <param name="modality">The text modality's name (for messages).</param>
    /// <param name="vocab">The modality's vocabulary size: must equal the checkpoint's.</param>
    /// <param name="maxLength">The modality's token length: at most the checkpoint's positions.</param>
    /// <param name="pooling">"mean" (attended tokens) or "cls".</param>
    /// <param name="heads">Attention heads; null = config.json beside the checkpoint, else hidden / 64.</param>
    public BertTextEncoder(string checkpoint, string modality, int vocab, long maxLength, int outputDim, string pooling = "mean", int? heads = null)
    {
        if (outputDim <= 0) throw new ArgumentException($"BertTextEncoder: output width must be positive, got {outputDim}.");
        if (pooling != "mean" && pooling != "cls") throw new ArgumentException($"text_pooling must be mean or cls, not '{pooling}'.");
        var config = BertCheckpoint.ReadConfig(checkpoint, heads);
        if (vocab != config.VocabSize)
            throw new ArgumentException($"text_encoder=bert: the checkpoint {checkpoint} has a vocabulary of {config.VocabSize} word pieces, but text modality '{modality}' is tokenized with a vocabulary of {vocab}; set the modality's `vocab` in the dataset spec to the checkpoint's own vocab.txt.");
        if (maxLength > config.MaxPositions)
            throw new ArgumentException($"text_encoder=bert: text modality '{modality}' has {maxLength} tokens per sample, more than the {config.MaxPositions} positions of {checkpoint}; lower its max_length.");
        bert = BertCheckpoint.Load(checkpoint, heads, addPooler: false);
        bert.RequiresGrad_(false);
        meanPooling = pooling == "mean";
        if (config.Hidden != outputDim) proj = XavierLinear(config.Hidden, outputDim);
        else Freeze();
        width = outputDim;
    }

    public override int OutputDim => width;

    /// <summary>BERT's own width (768 for BERT-base): what a cached embedding holds.</summary>
    public int BertWidth => bert.Config.Hidden;

    /// <summary>The frozen BERT feature [B, BertWidth] (before the projection).</summary>
    public Tensor Features(Tensor input, Tensor? mask)
    {
        if (input.Dim != 2) throw new ArgumentException($"BertTextEncoder: expected token ids [B, L], got [{string.Join(", ", input.Shape)}].");
        bert.Eval();
        using var noGrad = Engine.NoGrad();
        var (hidden, _) = bert.Forward(input, mask);
        if (!meanPooling) return hidden.Select(1, 0);
        var keep = (mask ?? Tensor.OnesLike(input)).To(hidden.DType).Unsqueeze(2);       // [B, L, 1]
        return (hidden * keep).Sum(1) / keep.Sum(1).Clamp(1.0);
    }

    public override Tensor Forward(Tensor input, Tensor? mask)
    {
        var f = Features(input, mask);
        return proj == null ? f : proj.Forward(f);
    }
}
