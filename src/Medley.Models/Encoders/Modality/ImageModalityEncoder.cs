using Medley.Torch;
using Medley.Torch.Models;
using Medley.Torch.NN;

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
    }

    public override int OutputDim => width;

    /// <summary>The ResNet backbone (for loading torchvision weights), or null for the small CNN.</summary>
    public ResNet? Backbone => resnet;

    public override Tensor Forward(Tensor input, Tensor? mask)
    {
        if (input.Dim != 4) throw new ArgumentException($"ImageModalityEncoder: expected images [B, C, H, W], got [{string.Join(", ", input.Shape)}].");
        if (cnn != null) return cnn.Forward(input).Feature;
        var f = resnet!.ForwardFeatures(input);
        return proj == null ? f : proj.Forward(f);
    }
}
