using Medley.Models.Encoders;
using Medley.Models.Fusion;
using Medley.Torch;
using Medley.Torch.NN;

namespace Medley.Models.Methods.Baselines;

/// <summary>
/// Image-only baseline (the unimodal comparison of METHODS.md §1.11/§5): CMAP-Fusion's image encoder (ViT, or the
/// small CNN) and its bottleneck head, no lab input. Defaults match CMAP-Fusion's (ViT-B/16).
/// </summary>
public sealed record ImageOnlyConfig
{
    public int NumClasses { get; init; } = 2;
    public int ImageSize { get; init; } = 224;
    public int PatchSize { get; init; } = 16;
    public int VitLayers { get; init; } = 12;
    public int VitHeads { get; init; } = 12;
    public int VitMlpDim { get; init; } = 3072;
    public int Dim { get; init; } = 768;
    public int InChannels { get; init; } = 3;
    public int[] CnnChannels { get; init; } = { 32, 64, 128 };
    public int CnnGrid { get; init; } = 4;
    public double VitDropout { get; init; }
    public bool UseVit { get; init; } = true;
    public string? PretrainedVit { get; init; }
}

/// <summary>Lab-only baseline: CMAP-Fusion's lab MLP encoder (T·K → d) and bottleneck head, no image input.</summary>
public sealed record LabOnlyConfig
{
    public int NumClasses { get; init; } = 2;
    public int LabSteps { get; init; }
    public int LabVariables { get; init; }
    public int Dim { get; init; } = 768;
    public int? LabHidden { get; init; }
}

/// <summary>image (B, C, H, W) → encoder feature F_I → bottleneck head. Input "image"; feature "F_I".</summary>
public sealed class ImageOnlyModel : MedleyModel
{
    [Name("image_encoder")] private readonly ImageEncoder imageEncoder;
    private readonly BottleneckHead head;

    public ImageOnlyModel(ImageOnlyConfig config)
    {
        Config = config;
        if (config.UseVit && config.InChannels != 3)
            throw new ArgumentException($"image-only: the ViT encoder takes 3-channel images, 'in_channels' is {config.InChannels} (set use_vit=false for the CNN).");
        imageEncoder = config.UseVit
            ? new VitImageEncoder(config.ImageSize, config.PatchSize, config.VitLayers, config.VitHeads, config.Dim, config.VitMlpDim, config.VitDropout)
            : new CnnImageEncoder(config.InChannels, config.CnnChannels, config.Dim, config.CnnGrid);
        head = new BottleneckHead(config.Dim, config.NumClasses);
    }

    public ImageOnlyConfig Config { get; }
    public override IReadOnlyList<string> Modalities => new[] { "image" };
    public override int NumClasses => Config.NumClasses;
    public ImageEncoder ImageEncoder => imageEncoder;

    public override ModelOutput Forward(IReadOnlyDictionary<string, Tensor> inputs) => Forward(Input(inputs, "image"));

    public ModelOutput Forward(Tensor image)
    {
        if (image.Dim != 4 || image.Size(1) != Config.InChannels)
            throw new ArgumentException($"image-only expects images (batch, {Config.InChannels}, H, W), got {image.Describe()}.");
        var (feature, _) = imageEncoder.Forward(image);
        return new ModelOutput(head.Forward(feature), new Dictionary<string, Tensor>(), new Dictionary<string, Tensor> { ["F_I"] = feature });
    }
}

/// <summary>labs (B, T, K) → lab MLP feature F_L → bottleneck head. Input "labs"; feature "F_L".</summary>
public sealed class LabOnlyModel : MedleyModel
{
    [Name("lab_encoder")] private readonly LabMlpEncoder labEncoder;
    private readonly BottleneckHead head;

    public LabOnlyModel(LabOnlyConfig config)
    {
        if (config.LabSteps <= 0 || config.LabVariables <= 0)
            throw new ArgumentException($"lab-only: 'lab_steps' ({config.LabSteps}) and 'lab_variables' ({config.LabVariables}) must be set to the dataset's (positive).");
        Config = config;
        labEncoder = new LabMlpEncoder(config.LabSteps, config.LabVariables, config.LabHidden ?? config.Dim, config.Dim);
        head = new BottleneckHead(config.Dim, config.NumClasses);
    }

    public LabOnlyConfig Config { get; }
    public override IReadOnlyList<string> Modalities => new[] { "labs" };
    public override int NumClasses => Config.NumClasses;

    public override ModelOutput Forward(IReadOnlyDictionary<string, Tensor> inputs) => Forward(Input(inputs, "labs"));

    public ModelOutput Forward(Tensor labs)
    {
        if (labs.Dim != 3 || labs.Size(1) != Config.LabSteps || labs.Size(2) != Config.LabVariables)
            throw new ArgumentException($"lab-only expects labs (batch, {Config.LabSteps} steps, {Config.LabVariables} variables), got {labs.Describe()}.");
        var feature = labEncoder.Forward(labs);
        return new ModelOutput(head.Forward(feature), new Dictionary<string, Tensor>(), new Dictionary<string, Tensor> { ["F_L"] = feature });
    }
}
