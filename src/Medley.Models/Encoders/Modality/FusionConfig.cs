using Medley.Models.Inputs;

namespace Medley.Models.Encoders.Modality;

/// <summary>
/// The config keys every multi-modality fusion method shares (OmniFuse and its baselines): the task width, the
/// modalities it reads, and which encoder each modality kind gets. Every encoder outputs <see cref="EmbedDim"/>
/// features, so fusion methods can stack or sum the modality embeddings. Methods derive their own config from it.
/// </summary>
public record FusionConfig
{
    public int NumClasses { get; init; } = 2;
    /// <summary>Derived from the dataset: "name:kind:shape[:vocab];..." (see <see cref="ModalityDescriptor"/>).</summary>
    public string ModalityShapes { get; init; } = "";
    /// <summary>The dataset modalities to use, in order; empty = all of them.</summary>
    public string[] Modalities { get; init; } = Array.Empty<string>();

    /// <summary>Width d of every modality embedding v_m (512 = ResNet-34's pooled width in the paper).</summary>
    public int EmbedDim { get; init; } = 512;
    /// <summary>Hidden width of the tabular MLP and the time-series LSTM.</summary>
    public int Hidden { get; init; } = 128;
    /// <summary>cnn | resnet18 | resnet34 | resnet50.</summary>
    public string ImageEncoder { get; init; } = "resnet34";
    /// <summary>lstm | transformer (linear K→d per step, learned positions, pre-norm layers, mean over steps).</summary>
    public string TimeseriesEncoder { get; init; } = "lstm";
    /// <summary>Layers and heads of timeseries_encoder=transformer (heads must divide embed_dim).</summary>
    public int TimeseriesLayers { get; init; } = 1;
    public int TimeseriesHeads { get; init; } = 4;
    /// <summary>transformer (trained from scratch) | bert (frozen BERT-base from <see cref="PretrainedText"/>).</summary>
    public string TextEncoder { get; init; } = "transformer";
    public int TextLayers { get; init; } = 1;
    public int TextHeads { get; init; } = 4;
    /// <summary>torchvision ResNet weights (safetensors) for the image encoder; null = random initialisation.</summary>
    public string? PretrainedImage { get; init; }
    /// <summary>A Hugging Face BERT checkpoint (safetensors) for text_encoder=bert.</summary>
    public string? PretrainedText { get; init; }
    /// <summary>text_encoder=bert: mean (of the attended tokens' states) | cls (the [CLS] state).</summary>
    public string TextPooling { get; init; } = "mean";
    /// <summary>text_encoder=bert: attention heads; 0 = config.json beside the checkpoint, else hidden / 64.</summary>
    public int BertHeads { get; init; }
    /// <summary>Modalities whose encoder is frozen (no gradient; outputs cacheable).</summary>
    public string[] FrozenEncoders { get; init; } = Array.Empty<string>();
}

/// <summary>Builds e_m for a modality from its descriptor and the encoder options.</summary>
public static class ModalityEncoderFactory
{
    public static ModalityEncoder Create(ModalityDescriptor modality, FusionConfig o)
    {
        var d = o.EmbedDim;
        ModalityEncoder encoder = modality.Kind switch
        {
            "image" => Image(modality, o),
            "tabular" => new TabularEncoder(modality.Shape.Aggregate(1L, (a, b) => a * b), o.Hidden, d),
            "timeseries" => o.TimeseriesEncoder switch
            {
                "lstm" => new TimeseriesLstmEncoder(modality.Shape[^1], o.Hidden, d),
                "transformer" => new TimeseriesTransformerEncoder(modality.Shape.Length >= 2 ? modality.Shape[^2] : 1, modality.Shape[^1], d, o.TimeseriesLayers, o.TimeseriesHeads),
                _ => throw new ArgumentException($"timeseries_encoder must be lstm or transformer, not '{o.TimeseriesEncoder}'."),
            },
            "text" => o.TextEncoder switch
            {
                "transformer" => new TextTransformerEncoder(modality.Vocab, modality.Shape[0], d, o.TextLayers, o.TextHeads),
                "bert" => new BertTextEncoder(
                    o.PretrainedText ?? throw new ArgumentException($"text_encoder=bert needs pretrained_text: the path of a Hugging Face BERT checkpoint (model.safetensors) for modality '{modality.Name}'."),
                    modality.Name, modality.Vocab, modality.Shape[0], d, o.TextPooling, o.BertHeads > 0 ? o.BertHeads : null),
                _ => throw new ArgumentException($"text_encoder must be transformer or bert, not '{o.TextEncoder}'."),
            },
            "embedding" => new EmbeddingInputEncoder(modality.Shape.Aggregate(1L, (a, b) => a * b), d),
            _ => throw new ArgumentException($"modality '{modality.Name}' is a {modality.Kind}; the fusion methods take image, tabular, timeseries, text and embedding modalities."),
        };
        if (o.FrozenEncoders.Contains(modality.Name)) encoder.Freeze();
        return encoder;
    }

    private static ImageModalityEncoder Image(ModalityDescriptor modality, FusionConfig o)
    {
        var encoder = new ImageModalityEncoder(o.ImageEncoder, (int)modality.Shape[0], o.EmbedDim);
        if (string.IsNullOrEmpty(o.PretrainedImage)) return encoder;
        try
        {
            encoder.LoadPretrained(o.PretrainedImage);
        }
        catch
        {
            encoder.Dispose();
            throw;
        }
        return encoder;
    }
}
