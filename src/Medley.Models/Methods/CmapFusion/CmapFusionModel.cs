using Medley.Models.Encoders;
using Medley.Models.Fusion;
using Medley.Torch;
using Medley.Torch.NN;

namespace Medley.Models.Methods.CmapFusion;

/// <summary>
/// CMAP-Fusion (METHODS.md §1): image encoder (ViT, or a small CNN) → F_I, lab MLP → F_L, SmartTrim on
/// F_cat = [F_I; F_L] → F_prune, CMT cross-attention (vector or token form; or concatenation + MLP) → F_fuse,
/// bottleneck head → logits. Auxiliary losses (weighted): "alignment" = λ1·mean(1 − cos(F_I, F_L)) and
/// "sparsity" = λ2·mean(S). Features: F_I, F_L, F_cat, S, mask, F_prune, F_fuse.
/// Inputs: "image" (B, C, H, W) and "labs" (B, T, K).
/// </summary>
public sealed class CmapFusionModel : MedleyModel
{
    public const string ImageModality = "image";
    public const string LabModality = "labs";

    [Name("image_encoder")] private readonly ImageEncoder imageEncoder;
    [Name("lab_encoder")] private readonly LabMlpEncoder labEncoder;
    [Name("lab_steps")] private readonly LabStepEncoder? labSteps;
    [Name("smart_trim")] private readonly SmartTrim? smartTrim;
    private readonly CrossModalTransformer? cmt;
    [Name("concat_fusion")] private readonly ConcatFusion? concatFusion;
    private readonly BottleneckHead head;

    // Alignment over pruned widths: positions (in F_I and in F_L) of the original dims both sides kept.
    private readonly Tensor? commonImage;
    private readonly Tensor? commonLab;

    // Dims forced off (ForceKeep): 0/1 vectors over the current widths; null = all on.
    private Tensor? activeImage;
    private Tensor? activeLab;
    private Tensor? activeAll;

    public CmapFusionModel(CmapFusionConfig config)
    {
        config.Validate();
        Config = config;
        var d = config.Dim;
        if (config.UseVit)
        {
            imageEncoder = new VitImageEncoder(config.ImageSize, config.PatchSize, config.VitLayers, config.VitHeads, d,
                config.VitMlpDim, config.VitDropout, config.ImageKeep);
        }
        else
        {
            if (config.ImageKeep != null) VitImageEncoder.CheckKeep(config.ImageKeep, d, "image");
            imageEncoder = new CnnImageEncoder(config.InChannels, config.CnnChannels, config.ImageKeep?.Length ?? d, config.CnnGrid);
        }
        if (config.LabKeep != null) VitImageEncoder.CheckKeep(config.LabKeep, d, "lab");
        var dI = imageEncoder.OutputDim;
        var dL = config.LabKeep?.Length ?? d;
        labEncoder = new LabMlpEncoder(config.LabSteps, config.LabVariables, config.LabHiddenDim, dL);
        if (config.UseCmt && config.CmtForm == "tokens") labSteps = new LabStepEncoder(config.LabVariables, d, dL);
        if (config.UseSmartTrim) smartTrim = new SmartTrim(dI + dL, config.Gamma, config.RemovedImportance);
        if (config.UseCmt) cmt = new CrossModalTransformer(dI, dL, d, config.CmtHeads, config.ImageKeep);
        else concatFusion = new ConcatFusion(dI + dL, d);
        head = new BottleneckHead(d, config.NumClasses);

        if (config.ImageKeep != null || config.LabKeep != null)
        {
            var imageDims = config.ImageKeep ?? Enumerable.Range(0, d).ToArray();
            var labDims = config.LabKeep ?? Enumerable.Range(0, d).ToArray();
            var common = imageDims.Intersect(labDims).ToArray();
            commonImage = ImageEncoder.IndexTensor(common.Select(j => Array.IndexOf(imageDims, j)).ToArray());
            commonLab = ImageEncoder.IndexTensor(common.Select(j => Array.IndexOf(labDims, j)).ToArray());
        }
    }

    public CmapFusionConfig Config { get; }
    public override IReadOnlyList<string> Modalities => new[] { ImageModality, LabModality };
    public override int NumClasses => Config.NumClasses;

    /// <summary>Width of F_I (d, or fewer after pruning).</summary>
    public int ImageDim => imageEncoder.OutputDim;

    /// <summary>Width of F_L (d, or fewer after pruning).</summary>
    public int LabDim => labEncoder.OutputDim;

    public ImageEncoder ImageEncoder => imageEncoder;
    public SmartTrim? SmartTrim => smartTrim;
    public CrossModalTransformer? Cmt => cmt;

    public override ModelOutput Forward(IReadOnlyDictionary<string, Tensor> inputs) =>
        Forward(Input(inputs, ImageModality), Input(inputs, LabModality));

    /// <summary>image (B, C, H, W), labs (B, T, K) → logits (B, classes), auxiliary losses and features.</summary>
    public ModelOutput Forward(Tensor image, Tensor labs)
    {
        CheckInputs(image, labs);
        var (fI, patches) = imageEncoder.Forward(image);
        var fL = labEncoder.Forward(labs);
        Tensor? steps = labSteps?.Forward(labs);
        if (activeImage != null)
        {
            // Forced-off dims behave as if removed: zero at the source, excluded from SmartTrim's statistics.
            fI = fI * activeImage;
            patches = patches * activeImage;
            fL = fL * activeLab!;
            if (steps != null) steps = steps * activeLab!;
        }
        var fCat = Tensor.Cat(new[] { fI, fL }, 1);
        var features = new Dictionary<string, Tensor> { ["F_I"] = fI, ["F_L"] = fL, ["F_cat"] = fCat };
        var aux = new Dictionary<string, Tensor> { ["alignment"] = Alignment(fI, fL) * Config.Lambda1 };

        Tensor mask, fPrune;
        if (smartTrim != null)
        {
            var trim = smartTrim.Forward(fCat, activeAll);
            mask = trim.Mask;
            fPrune = trim.Pruned;
            features["S"] = trim.Importance;
            aux["sparsity"] = SmartTrim.MeanImportance(trim.Importance, activeAll) * Config.Lambda2;
        }
        else
        {
            mask = Tensor.OnesLike(fCat);
            fPrune = fCat;
        }
        features["mask"] = mask;
        features["F_prune"] = fPrune;

        Tensor fused;
        var dI = ImageDim;
        if (cmt != null)
        {
            var fIp = fPrune.Narrow(1, 0, dI);
            var fLp = fPrune.Narrow(1, dI, LabDim);
            Tensor queries, keys;
            if (steps != null)
            {
                // Token form: the patch tokens and lab steps lose the same channels as F_I' and F_L'.
                queries = Tensor.Cat(new[] { fIp.Unsqueeze(1), patches * mask.Narrow(1, 0, dI).Unsqueeze(1) }, 1);
                keys = Tensor.Cat(new[] { fLp.Unsqueeze(1), steps * mask.Narrow(1, dI, LabDim).Unsqueeze(1) }, 1);
            }
            else
            {
                queries = fIp.Unsqueeze(1);
                keys = fLp.Unsqueeze(1);
            }
            fused = cmt.Forward(queries, keys);
        }
        else
        {
            fused = concatFusion!.Forward(fPrune);
        }
        features["F_fuse"] = fused;
        return new ModelOutput(head.Forward(fused), aux, features);
    }

    /// <summary>mean(1 − cos(F_I, F_L)); over pruned widths the dot product runs over the dims both sides kept.</summary>
    private Tensor Alignment(Tensor fI, Tensor fL)
    {
        Tensor cos;
        if (commonImage == null)
        {
            cos = Functional.CosineSimilarity(fI, fL, 1, 1e-8);
        }
        else
        {
            var dot = (fI.IndexSelect(1, commonImage) * fL.IndexSelect(1, commonLab!)).Sum(1);
            cos = dot / (fI.Norm(2, 1).Clamp(min: 1e-8) * fL.Norm(2, 1).Clamp(min: 1e-8));
        }
        return (1.0 - cos).Mean();
    }

    private void CheckInputs(Tensor image, Tensor labs)
    {
        var c = Config;
        if (image.Dim != 4 || image.Size(1) != c.InChannels || (c.UseVit && (image.Size(2) != c.ImageSize || image.Size(3) != c.ImageSize)))
            throw new ArgumentException(
                $"cmap-fusion expects images (batch, {c.InChannels}, {c.ImageSize}, {c.ImageSize}), got {image.Describe()}{(c.UseVit ? " (resize to image_size)" : "")}.");
        if (labs.Dim != 3 || labs.Size(1) != c.LabSteps || labs.Size(2) != c.LabVariables)
            throw new ArgumentException(
                $"cmap-fusion expects labs (batch, {c.LabSteps} steps, {c.LabVariables} variables), got {labs.Describe()}; set lab_steps/lab_variables to the dataset's.");
        if (image.Size(0) != labs.Size(0))
            throw new ArgumentException($"cmap-fusion: the image batch ({image.Size(0)}) and lab batch ({labs.Size(0)}) differ.");
    }

    /// <summary>
    /// Forces every feature dim not listed off, as if structurally removed (zeroed at the encoders' output,
    /// excluded from SmartTrim's threshold statistics, its mask and mean(S)). Indices are into the current F_I and
    /// F_L widths. A pruned model built from the same lists gives the same outputs.
    /// </summary>
    public void ForceKeep(IReadOnlyList<int> imageKeep, IReadOnlyList<int> labKeep)
    {
        VitImageEncoder.CheckKeep(imageKeep, ImageDim, "image");
        VitImageEncoder.CheckKeep(labKeep, LabDim, "lab");
        ClearForcedDims();
        activeImage = Indicator(imageKeep, ImageDim);
        activeLab = Indicator(labKeep, LabDim);
        activeAll = Tensor.Cat(new[] { activeImage, activeLab }, 0).DetachFromScope();
    }

    /// <summary>Turns every feature dim back on.</summary>
    public void ClearForcedDims()
    {
        activeImage?.Dispose();
        activeLab?.Dispose();
        activeAll?.Dispose();
        activeImage = activeLab = activeAll = null;
    }

    private static Tensor Indicator(IReadOnlyList<int> keep, int width)
    {
        var values = new float[width];
        foreach (var i in keep) values[i] = 1f;
        return Tensor.From(values).DetachFromScope();
    }

    protected override void OnDispose()
    {
        ClearForcedDims();
        commonImage?.Dispose();
        commonLab?.Dispose();
    }
}
