using Medley.Models.Encoders.Modality;

namespace Medley.Models.Methods.OmniFuse;

/// <summary>
/// OmniFuse's configuration (METHODS.md §2): the shared fusion keys (encoders, modalities, embed_dim) plus the CRA,
/// DWFuse and TLA settings. Defaults are the paper's values where it gives them; config keys are the property names in
/// snake_case ("num_autoencoders", "use_tla", ...). The four use_* switches give the ablation rows (§2.7 d).
/// </summary>
public sealed record OmniFuseConfig : FusionConfig
{
    /// <summary>binary | multiclass | multilabel (from the dataset): how ω reads the predicted class at inference.</summary>
    public string Task { get; init; } = "binary";

    /// <summary>§2.2/§2.5: K = 5 residual autoencoders per CRA.</summary>
    public int NumAutoencoders { get; init; } = 5;

    /// <summary>Width of each autoencoder's latent code s_k (the paper gives none; the joint embedding is K·latent_dim).</summary>
    public int LatentDim { get; init; } = 128;

    /// <summary>§2.3: weight α of the joint loss L_rs inside L_DWFuse.</summary>
    public double Alpha { get; init; } = 0.1;

    /// <summary>§2.3: exponent strength β of the down-weighting factor ω.</summary>
    public double Beta { get; init; } = 0.5;

    /// <summary>§2.5: weight λ1 of the backward (cycle) loss L_bw.</summary>
    public double Lambda1 { get; init; } = 1.0;

    /// <summary>§2.5: weight λ2 of L_DWFuse.</summary>
    public double Lambda2 { get; init; } = 10.0;

    /// <summary>§2.5: weight λ3 of L_TLA.</summary>
    public double Lambda3 { get; init; } = 0.5;

    /// <summary>§2.2 [choice]: each present modality is dropped on purpose with this probability per training step (never all).</summary>
    public double PDrop { get; init; } = 0.3;

    /// <summary>Hidden width of the per-modality classifiers g_m and the joint classifier g_rs.</summary>
    public int ClassifierHidden { get; init; } = 128;

    /// <summary>Dropout inside the classifiers.</summary>
    public double ClassifierDropout { get; init; } = 0.0;

    /// <summary>IMP-fw: forward imputation (and L_fw). Off: absent modalities keep their zero-input encoding.</summary>
    public bool UseImputation { get; init; } = true;

    /// <summary>IMP-bw: the backward CRA and its cycle loss L_bw.</summary>
    public bool UseBackward { get; init; } = true;

    /// <summary>DWFuse: per-modality classifiers with ω-weighted losses + α·L_rs. Off: one classifier on concat(v').</summary>
    public bool UseDwfuse { get; init; } = true;

    /// <summary>TLA: after each epoch the laziest modality combination is found and trained on (λ3·L_TLA).</summary>
    public bool UseTla { get; init; } = true;

    public void Validate()
    {
        if (NumClasses < 1) throw new ArgumentException($"omnifuse: num_classes must be at least 1, got {NumClasses}.");
        if (NumAutoencoders < 1) throw new ArgumentException($"omnifuse: num_autoencoders must be at least 1, got {NumAutoencoders}.");
        if (LatentDim < 1) throw new ArgumentException($"omnifuse: latent_dim must be positive, got {LatentDim}.");
        if (ClassifierHidden < 1) throw new ArgumentException($"omnifuse: classifier_hidden must be positive, got {ClassifierHidden}.");
        if (!(PDrop >= 0 && PDrop < 1)) throw new ArgumentException($"omnifuse: p_drop must be in [0, 1), got {PDrop}.");
        if (!(ClassifierDropout >= 0 && ClassifierDropout < 1)) throw new ArgumentException($"omnifuse: classifier_dropout must be in [0, 1), got {ClassifierDropout}.");
        foreach (var (name, value) in new[] { ("alpha", Alpha), ("beta", Beta), ("lambda1", Lambda1), ("lambda2", Lambda2), ("lambda3", Lambda3) })
            if (!(value >= 0) || double.IsInfinity(value)) throw new ArgumentException($"omnifuse: {name} must be a finite number ≥ 0, got {value}.");
    }
}
