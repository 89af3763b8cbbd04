using Medley.Torch;
using Medley.Torch.Models;
using Medley.Torch.NN;
using Medley.Torch.Serialization;

namespace Medley.Models.Encoders.Modality;

/// <summary>
/// Images [B, C, H, W] → a torchvision-layout ResNet (18/34/50) average-pooled feature (512 or 2048), or the small
/// CNN for CPU-sized runs; projected to d when the backbone's width differs.
/// </summary>
public sealed class ImageModalityEncoder : ModalityEncoder
{
    private readonly ResNet? resnet;
    private readonly CnnImageEncoder? cnn;
    private readonly Linear? proj;
    private readonly int width;

    public ImageModalityEncoder(string backbone, int inChannels, int outputDim)
    {
        if (outputDim <= 0) throw new ArgumentException($"ImageModalityEncoder: output width must be positive, got {outputDim}.");
        switch (backbone)
        {
            case "cnn":
                cnn = new CnnImageEncoder(inChannels, new[] { 16, 32, 64 }, outputDim, grid: 2);
                break;
            case "resnet18" or "resnet34" or "resnet50":
                if (inChannels != 3) throw new ArgumentException($"image_encoder {backbone} takes 3-channel images, the modality has {inChannels}; use image_encoder=cnn.");
                resnet = backbone switch { "resnet18" => ResNet.ResNet18(), "resnet34" => ResNet.ResNet34(), _ => ResNet.ResNet50() };
                if (resnet.FeatureDim != outputDim) proj = XavierLinear(resnet.FeatureDim, outputDim);
                break;
            default:
                throw new ArgumentException($"image_encoder must be cnn, resnet18, resnet34 or resnet50, not '{backbone}'.");
        }
        width = outputDim;
        BackboneName = backbone;
    }

    public override int OutputDim => width;

    /// <summary>The ResNet backbone (for loading torchvision weights), or null for the small CNN.</summary>
    public ResNet? Backbone => resnet;

    /// <summary>
    /// Loads torchvision ResNet weights (a state dict saved as safetensors, torchvision's names; an optional
    /// "module." prefix from DataParallel is stripped). The classifier's keys (fc.*) are ignored; every other key
    /// must match the backbone exactly (names and shapes).
    /// </summary>
    public void LoadPretrained(string path)
    {
        if (resnet == null) throw new ArgumentException($"pretrained_image needs a ResNet image encoder (resnet18, resnet34 or resnet50); the small cnn has no torchvision weights ({path}).");
        if (!File.Exists(path)) throw new FileNotFoundException($"pretrained_image: weights file not found: {path}", path);
        using var scope = DisposeScope.Enter();
        Dictionary<string, Tensor> weights;
        try
        {
            weights = SafeTensors.Load(path, name =>
            {
                var n = name.StartsWith("module.", StringComparison.Ordinal) ? name["module.".Length..] : name;
                return n.StartsWith("fc.", StringComparison.Ordinal) ? null : n;
            });
        }
        catch (InvalidDataException e)
        {
            throw new ArgumentException($"pretrained_image: {path} is not a readable safetensors file: {e.Message}", e);
        }
        // The fc layer stays the backbone's own (unused: the encoder reads the pooled feature).
        foreach (var (name, value) in resnet.Fc.StateDict()) weights["fc." + name] = value;
        try
        {
            resnet.LoadStateDict(weights, strict: true);
        }
        catch (StateDictException e)
        {
            throw new ArgumentException($"pretrained_image: {path} does not hold torchvision {BackboneName} weights: {e.Message}", e);
        }
    }

    /// <summary>The backbone's name (cnn, resnet18, ...), as configured.</summary>
    public string BackboneName { get; }

    public override Tensor Forward(Tensor input, Tensor? mask)
    {
        if (input.Dim != 4) throw new ArgumentException($"ImageModalityEncoder: expected images [B, C, H, W], got [{string.Join(", ", input.Shape)}].");
        if (cnn != null) return cnn.Forward(input).Feature;
        var f = resnet!.ForwardFeatures(input);
        return proj == null ? f : proj.Forward(f);
    }
}
