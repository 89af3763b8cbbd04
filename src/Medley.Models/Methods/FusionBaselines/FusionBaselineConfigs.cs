using Medley.Models.Encoders.Modality;

namespace Medley.Models.Methods.FusionBaselines;

/// <summary>
/// Keys every fusion baseline adds to <see cref="FusionConfig"/>: the width of its MLP head and the head's dropout.
/// The baselines of METHODS.md §2.6 run under the same encoders as OmniFuse, so everything else is shared.
/// </summary>
public record FusionBaselineConfig : FusionConfig
{
    /// <summary>Hidden width of the prediction MLP (fused vector → hidden → classes).</summary>
    public int HeadHidden { get; init; } = 256;
    /// <summary>Dropout before the head's output layer (training only).</summary>
    public double Dropout { get; init; }
}

/// <summary>concat: [v_1; …; v_M] → MLP. With one modality in <c>modalities</c> it is the uni-modal baseline.</summary>
public sealed record ConcatConfig : FusionBaselineConfig;

/// <summary>sum: Σ_m W_m v_m (one linear projection per modality) → MLP.</summary>
public sealed record SumConfig : FusionBaselineConfig;

/// <summary>se-gate: squeeze-and-excitation gates over the modality embeddings.</summary>
public sealed record SeGateConfig : FusionBaselineConfig
{
    /// <summary>sigmoid (SE-Net's independent gates in (0, 1)) | softmax (gates of a sample sum to 1).</summary>
    public string Gate { get; init; } = "sigmoid";
    /// <summary>Hidden width of the excitation MLP (M → se_hidden → M); 0 = 4·M.</summary>
    public int SeHidden { get; init; }
}

/// <summary>g-blend: concat head plus one auxiliary head per modality; the loss weights come from the strategy.</summary>
public sealed record GBlendConfig : FusionBaselineConfig
{
    /// <summary>Re-estimate the blending weights every this many epochs (the paper's super-epoch).</summary>
    public int GblendEvery { get; init; } = 1;
}

/// <summary>ogm-ge: concat with a linear head (its logits split exactly into per-modality contributions).</summary>
public sealed record OgmGeConfig : FusionBaselineConfig
{
    /// <summary>α of k = 1 − tanh(α·(ρ − 1)).</summary>
    public double Alpha { get; init; } = 0.1;
    /// <summary>Add Gaussian noise with each gradient's own std (generalisation enhancement, GE).</summary>
    public bool GeNoise { get; init; } = true;
    /// <summary>Modulate in epochs [modulation_start, modulation_end] (1-based, inclusive; 0 = to the last epoch).</summary>
    public int ModulationStart { get; init; } = 1;
    public int ModulationEnd { get; init; }
}

/// <summary>pmr: concat head; the strategy adds prototype cross-entropy and the entropy regulariser.</summary>
public sealed record PmrConfig : FusionBaselineConfig
{
    /// <summary>Weight α of the prototype cross-entropy of a slow modality.</summary>
    public double Alpha { get; init; } = 1.0;
    /// <summary>Weight μ of the dominant modality's prototype-entropy regulariser.</summary>
    public double Mu { get; init; } = 0.01;
    /// <summary>The regulariser is active in epochs 1..entropy_epochs.</summary>
    public int EntropyEpochs { get; init; } = 10;
}

/// <summary>medfuse: an LSTM over the projected tokens of the present modalities; its final hidden → head.</summary>
public sealed record MedFuseConfig : FusionBaselineConfig
{
    /// <summary>Hidden width of the fusion LSTM.</summary>
    public int LstmHidden { get; init; } = 256;
}
