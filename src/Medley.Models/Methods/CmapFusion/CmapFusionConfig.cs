namespace Medley.Models.Methods.CmapFusion;

/// <summary>
/// CMAP-Fusion's configuration. Defaults are the paper's values (METHODS.md §1); config keys are the property
/// names in snake_case (e.g. "use_smart_trim", "cmt_form"). LabSteps, LabVariables and NumClasses come from the
/// dataset.
/// </summary>
public sealed record CmapFusionConfig
{
    /// <summary>Classes of the task (from the dataset).</summary>
    public int NumClasses { get; init; } = 2;

    /// <summary>T, time steps per lab series (from the dataset; §1 "X_L (T×K)").</summary>
    public int LabSteps { get; init; }

    /// <summary>K, lab variables (from the dataset; §1 "X_L (T×K)").</summary>
    public int LabVariables { get; init; }

    /// <summary>§1.1: 224×224 images.</summary>
    public int ImageSize { get; init; } = 224;

    /// <summary>§1.1: 16×16 patches (N = 196).</summary>
    public int PatchSize { get; init; } = 16;

    /// <summary>§1.1: 12 encoder blocks (ViT-B).</summary>
    public int VitLayers { get; init; } = 12;

    /// <summary>§1.1: 12 heads (ViT-B).</summary>
    public int VitHeads { get; init; } = 12;

    /// <summary>§1.1: MLP width 3072 (ViT-B).</summary>
    public int VitMlpDim { get; init; } = 3072;

    /// <summary>§1.1–1.2: d = 768, the width of F_I and F_L.</summary>
    public int Dim { get; init; } = 768;

    /// <summary>§1.2: hidden width of the lab MLP (the paper gives none; null = d).</summary>
    public int? LabHidden { get; init; }

    /// <summary>Image channels; the ViT (§1.1) takes 3, the CNN of the "no ViT" ablation any.</summary>
    public int InChannels { get; init; } = 3;

    /// <summary>§1.9: stage widths of the small CNN that replaces the ViT in the "no ViT" ablation (a Medley choice).</summary>
    public int[] CnnChannels { get; init; } = { 32, 64, 128 };

    /// <summary>Side of the grid the "no ViT" CNN pools to before its projection (a Medley choice; keeps position).</summary>
    public int CnnGrid { get; init; } = 4;

    /// <summary>Dropout inside the ViT (the paper gives none).</summary>
    public double VitDropout { get; init; }

    /// <summary>§1.3: γ = 0.3 in τ = mean(S) + γ·std(S).</summary>
    public double Gamma { get; init; } = 0.3;

    /// <summary>§1.4 [choice]: 8 attention heads in CMT.</summary>
    public int CmtHeads { get; init; } = 8;

    /// <summary>§1.4 [choice]: "tokens" (patch tokens attend to lab time steps) or "vector" (F_I' attends to F_L').</summary>
    public string CmtForm { get; init; } = "tokens";

    /// <summary>§1.6 [choice]: λ1 = 0.1, weight of the alignment term 1 − cos(F_I, F_L).</summary>
    public double Lambda1 { get; init; } = 0.1;

    /// <summary>§1.6 [choice]: λ2 = 0.01, weight of the sparsity term mean(S).</summary>
    public double Lambda2 { get; init; } = 0.01;

    /// <summary>§1.9 ablation: ViT image encoder (false: the small CNN).</summary>
    public bool UseVit { get; init; } = true;

    /// <summary>§1.9 ablation: SmartTrim (false: identity, F_prune = F_cat).</summary>
    public bool UseSmartTrim { get; init; } = true;

    /// <summary>§1.9 ablation: CMT fusion (false: concatenation + MLP).</summary>
    public bool UseCmt { get; init; } = true;

    /// <summary>§1.1: ImageNet ViT weights (safetensors; torchvision, Hugging Face or timm naming) loaded when set.</summary>
    public string? PretrainedVit { get; init; }

    /// <summary>§1.3 structured pruning: the image feature dims kept (indices into [0, d)); null = all.</summary>
    public int[]? ImageKeep { get; init; }

    /// <summary>§1.3 structured pruning: the lab feature dims kept (indices into [0, d)); null = all.</summary>
    public int[]? LabKeep { get; init; }

    /// <summary>
    /// Structured pruning: the training-set mean importance S of every dim removed so far. SmartTrim keeps them in its
    /// threshold statistics as constants, so the pruned model masks like the original (null = none removed).
    /// </summary>
    public double[]? RemovedImportance { get; init; }

    /// <summary>Effective lab MLP width.</summary>
    public int LabHiddenDim => LabHidden ?? Dim;

    /// <summary>Checks the values; throws ArgumentException naming the key and what to change.</summary>
    public void Validate()
    {
        void Positive(int value, string key)
        {
            if (value <= 0) throw new ArgumentException($"cmap-fusion: '{key}' must be a positive integer, got {value}.");
        }
        Positive(LabSteps, "lab_steps");
        Positive(LabVariables, "lab_variables");
        Positive(Dim, "dim");
        Positive(LabHiddenDim, "lab_hidden");
        Positive(ImageSize, "image_size");
        Positive(CmtHeads, "cmt_heads");
        if (NumClasses < 2) throw new ArgumentException($"cmap-fusion: 'num_classes' must be at least 2, got {NumClasses}.");
        if (Dim < 4) throw new ArgumentException($"cmap-fusion: 'dim' must be at least 4 (the head's bottleneck is dim/4), got {Dim}.");
        if (CmtForm != "tokens" && CmtForm != "vector")
            throw new ArgumentException($"cmap-fusion: 'cmt_form' must be \"tokens\" or \"vector\", got \"{CmtForm}\".");
        if (UseCmt && Dim % CmtHeads != 0)
            throw new ArgumentException($"cmap-fusion: 'dim' ({Dim}) must be divisible by 'cmt_heads' ({CmtHeads}).");
        if (UseVit)
        {
            Positive(PatchSize, "patch_size");
            Positive(VitLayers, "vit_layers");
            Positive(VitHeads, "vit_heads");
            Positive(VitMlpDim, "vit_mlp_dim");
            if (InChannels != 3) throw new ArgumentException($"cmap-fusion: the ViT encoder takes 3-channel images, 'in_channels' is {InChannels} (set use_vit=false for the CNN encoder).");
            if (ImageSize % PatchSize != 0) throw new ArgumentException($"cmap-fusion: 'image_size' ({ImageSize}) must be divisible by 'patch_size' ({PatchSize}).");
            if (Dim % VitHeads != 0) throw new ArgumentException($"cmap-fusion: 'dim' ({Dim}) must be divisible by 'vit_heads' ({VitHeads}).");
        }
        else
        {
            Positive(InChannels, "in_channels");
            if (CnnGrid < 1 || CnnGrid > 16) throw new ArgumentException($"cmap-fusion: 'cnn_grid' must be in [1, 16], got {CnnGrid}.");
            if (CnnChannels.Length != 3 || CnnChannels.Any(c => c <= 0))
                throw new ArgumentException($"cmap-fusion: 'cnn_channels' must be three positive widths, got [{string.Join(", ", CnnChannels)}].");
        }
        if ((ImageKeep != null || LabKeep != null) && !UseSmartTrim)
            throw new ArgumentException("cmap-fusion: 'image_keep'/'lab_keep' (structured pruning) need use_smart_trim=true.");
    }
}
