using Medley.Models.Encoders.Modality;
using Medley.Torch;
using Medley.Torch.NN;

namespace Medley.Models.Methods.FusionBaselines;

/// <summary>
/// Base of the OmniFuse baselines (METHODS.md §2.6): the shared encoders e_m give v_m [B, d] for every modality
/// (an absent one's v_m is the encoder's output for zeros, §2.1) and a presence mask; the subclass fuses them into
/// logits [B, C]. Every output carries the features "v.&lt;name&gt;" and "present.&lt;name&gt;" so training strategies
/// (G-Blend, OGM-GE, PMR) can read each modality's embedding without a second forward pass.
/// </summary>
public abstract class FusionBaselineModel : MedleyModel
{
    private readonly ModalityEncoderSet encoders;
    private readonly int numClasses;

    protected FusionBaselineModel(FusionBaselineConfig config, string method)
    {
        if (config.NumClasses < 1) throw new ArgumentException($"{method}: num_classes must be at least 1, got {config.NumClasses}.");
        if (config.HeadHidden < 1) throw new ArgumentException($"{method}: head_hidden must be positive, got {config.HeadHidden}.");
        if (config.Dropout is < 0 or >= 1) throw new ArgumentException($"{method}: dropout must be in [0, 1), got {config.Dropout}.");
        encoders = new ModalityEncoderSet(config, method);
        numClasses = config.NumClasses;
        Method = method;
    }

    /// <summary>The registered method name (for messages).</summary>
    public string Method { get; }

    /// <summary>e_1..e_M in config order.</summary>
    public ModalityEncoderSet Encoders => encoders;

    public override IReadOnlyList<string> Modalities => encoders.Names;
    public override int NumClasses => numClasses;

    public static string EmbeddingFeature(string modality) => "v." + modality;
    public static string PresentFeature(string modality) => "present." + modality;
    /// <summary>A modality's own logits (G-Blend's auxiliary head, OGM-GE's share of the fused logits).</summary>
    public static string LogitsFeature(string modality) => "logits." + modality;

    public override ModelOutput Forward(IReadOnlyDictionary<string, Tensor> inputs)
    {
        var (v, present) = encoders.Encode(inputs);
        var features = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        for (var m = 0; m < v.Count; m++)
        {
            features[EmbeddingFeature(encoders.Names[m])] = v[m];
            features[PresentFeature(encoders.Names[m])] = present[m];
        }
        var logits = Fuse(v, present, features);
        return new ModelOutput(logits, new Dictionary<string, Tensor>(), features);
    }

    /// <summary>v_m [B, d] and presence bool [B] per modality → logits [B, C]; may add features.</summary>
    protected abstract Tensor Fuse(IReadOnlyList<Tensor> v, IReadOnlyList<Tensor> present, Dictionary<string, Tensor> features);
}

/// <summary>fc2(dropout(ReLU(fc1(x)))): the prediction head of the baselines.</summary>
public sealed class MlpHead : Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly Linear fc2;
    private readonly double dropout;

    public MlpHead(long inFeatures, int hidden, int outFeatures, double dropout)
    {
        fc1 = new Linear(checked((int)inFeatures), hidden);
        fc2 = new Linear(hidden, outFeatures);
        this.dropout = dropout;
    }

    public override Tensor Forward(Tensor input)
    {
        var h = fc1.Forward(input).Relu();
        return fc2.Forward(dropout > 0 ? Functional.Dropout(h, dropout, Training) : h);
    }
}
