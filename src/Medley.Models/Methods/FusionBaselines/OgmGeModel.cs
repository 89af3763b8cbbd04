using Medley.Torch;
using Medley.Torch.NN;

namespace Medley.Models.Methods.FusionBaselines;

/// <summary>
/// ogm-ge (Peng et al., CVPR 2022): concatenation fusion with a linear classifier, logits = W [v_1; …; v_M] + b,
/// so the logits split exactly into per-modality contributions c_m = W_m v_m + b / M (feature "logits.&lt;name&gt;",
/// Σ_m c_m = logits), the uni-modal scores OGM-GE's discrepancy ratio is measured from. The gradient modulation
/// itself is the OgmGeStrategy's. (The paper's classifier is linear for exactly this decomposition; head_hidden
/// and dropout are unused.)
/// </summary>
public sealed class OgmGeModel : FusionBaselineModel
{
    private readonly Linear classifier;

    public OgmGeModel(OgmGeConfig config) : base(config, "ogm-ge")
    {
        if (config.Alpha < 0) throw new ArgumentException($"ogm-ge: alpha must be non-negative, got {config.Alpha}.");
        if (config.ModulationStart < 1 || config.ModulationEnd < 0)
            throw new ArgumentException($"ogm-ge: modulation_start must be ≥ 1 and modulation_end ≥ 0 (0 = last epoch), got {config.ModulationStart} and {config.ModulationEnd}.");
        Config = config;
        classifier = new Linear(Encoders.Count * Encoders.EmbedDim, config.NumClasses);
    }

    public OgmGeConfig Config { get; }

    protected override Tensor Fuse(IReadOnlyList<Tensor> v, IReadOnlyList<Tensor> present, Dictionary<string, Tensor> features)
    {
        var d = Encoders.EmbedDim;
        var m = v.Count;
        var bias = classifier.Bias!;
        Tensor? logits = null;
        for (var i = 0; i < m; i++)
        {
            var share = Tensor.Linear(v[i], classifier.Weight.Narrow(1, (long)i * d, d), bias / m);
            features[LogitsFeature(Encoders.Names[i])] = share;
            logits = logits == null ? share : logits + share;
        }
        return logits!;
    }
}
