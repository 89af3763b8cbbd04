using Medley.Torch;

namespace Medley.Models.Methods.CmapFusion;

/// <summary>How often SmartTrim kept each feature dim over a data set (accumulate the "mask" feature batch by batch).</summary>
public sealed class MaskUsage
{
    private double[]? _kept;
    private double[]? _importance;

    /// <summary>Samples seen.</summary>
    public long Samples { get; private set; }

    /// <summary>Adds a (B, width) 0/1 mask.</summary>
    public void Add(Tensor mask)
    {
        if (mask.Dim != 2) throw new ArgumentException($"MaskUsage expects (batch, width) masks, got {mask.Describe()}.");
        using var scope = DisposeScope.Enter();
        var sums = mask.Detach().To(DType.Float64).Sum(0).ToArray<double>();
        _kept ??= new double[sums.Length];
        if (sums.Length != _kept.Length)
            throw new ArgumentException($"MaskUsage: mask width {sums.Length} differs from the earlier {_kept.Length}.");
        for (var i = 0; i < sums.Length; i++) _kept[i] += sums[i];
        Samples += mask.Size(0);
    }

    private double[]? _features;

    /// <summary>Adds a (B, width) mask, SmartTrim's importance S and its input F_cat for the same samples.</summary>
    public void Add(Tensor mask, Tensor importance, Tensor features)
    {
        if (features.Dim != 2 || features.Size(0) != mask.Size(0) || features.Size(1) != mask.Size(1))
            throw new ArgumentException($"MaskUsage: features {features.Describe()} do not match the mask {mask.Describe()}.");
        using (var scope = DisposeScope.Enter())
        {
            var sums = features.Detach().To(DType.Float64).Sum(0).ToArray<double>();
            _features ??= new double[sums.Length];
            for (var i = 0; i < sums.Length; i++) _features[i] += sums[i];
        }
        Add(mask, importance);
    }

    /// <summary>Mean F_cat of each dim (null when features were not added).</summary>
    public double[]? MeanFeatures =>
        _features == null || Samples == 0 ? null : _features.Select(v => v / Samples).ToArray();

    /// <summary>Adds a (B, width) mask and SmartTrim's importance S for the same samples.</summary>
    public void Add(Tensor mask, Tensor importance)
    {
        if (importance.Dim != 2 || importance.Size(0) != mask.Size(0) || importance.Size(1) != mask.Size(1))
            throw new ArgumentException($"MaskUsage: importance {importance.Describe()} does not match the mask {mask.Describe()}.");
        using (var scope = DisposeScope.Enter())
        {
            var sums = importance.Detach().To(DType.Float64).Sum(0).ToArray<double>();
            _importance ??= new double[sums.Length];
            for (var i = 0; i < sums.Length; i++) _importance[i] += sums[i];
        }
        Add(mask);
    }

    /// <summary>Mean importance S of each dim (null when only masks were added).</summary>
    public double[]? MeanImportance =>
        _importance == null || Samples == 0 ? null : _importance.Select(v => v / Samples).ToArray();

    /// <summary>Fraction of samples in which each dim was kept.</summary>
    public double[] KeepRates =>
        _kept == null ? throw new InvalidOperationException("MaskUsage: no masks were added.") : _kept.Select(k => k / Samples).ToArray();
}

/// <summary>What structured pruning did: the kept dims (indices into the unpruned model's F_I / F_L) and sizes.</summary>
public sealed record PruningReport(
    int[] ImageKeep, int[] LabKeep, int ImageDimBefore, int LabDimBefore, long ParametersBefore, long ParametersAfter, double Threshold)
{
    public int DimsRemoved => ImageDimBefore + LabDimBefore - ImageKeep.Length - LabKeep.Length;
}

/// <summary>
/// Structured pruning after training (METHODS.md §1.3): feature dims that SmartTrim kept in fewer than
/// <c>threshold</c> of the samples are removed for real. The pruned model reads narrower F_I/F_L: the CNN
/// projections (F_I and tokens, with the tokens' position embedding) / lab encoders' last layers lose rows, SmartTrim's W_s loses rows and columns, CMT's q/k/v
/// projections (or the concatenation MLP) lose input columns. Its outputs equal the original's with those dims
/// forced off (<see cref="CmapFusionModel.ForceKeep"/>).
/// </summary>
public static class CmapFusionPruning
{
    /// <summary>Runs the model (evaluation mode, no grad) over the batches and counts SmartTrim's masks.</summary>
    public static MaskUsage CollectMaskUsage(CmapFusionModel model, IEnumerable<(Tensor Image, Tensor Labs)> batches)
    {
        if (model.SmartTrim == null) throw new InvalidOperationException("mask usage needs SmartTrim (use_smart_trim=true).");
        var usage = new MaskUsage();
        var wasTraining = model.Training;
        model.Eval();
        try
        {
            using var noGrad = Engine.NoGrad();
            foreach (var (image, labs) in batches)
            {
                using var scope = DisposeScope.Enter();
                var output = model.Forward(image, labs);
                usage.Add(output.Feature("mask"), output.Feature("S"), output.Feature("F_cat"));
            }
        }
        finally
        {
            model.Train(wasTraining);
        }
        return usage;
    }

    /// <summary>
    /// Dims to keep: keep rate ≥ threshold. Each modality keeps at least its most-kept dim (a layer of width 0
    /// cannot exist). Indices are into the model's current F_I (first imageDim rates) and F_L widths.
    /// </summary>
    public static (int[] Image, int[] Lab) SelectKept(IReadOnlyList<double> keepRates, int imageDim, int labDim, double threshold = 0.01)
    {
        if (keepRates.Count != imageDim + labDim)
            throw new ArgumentException($"pruning: {keepRates.Count} keep rates for {imageDim} image + {labDim} lab dims.");
        if (threshold < 0 || threshold > 1) throw new ArgumentException($"pruning: threshold must be in [0, 1], got {threshold}.");
        int[] Side(int offset, int width)
        {
            var kept = Enumerable.Range(0, width).Where(i => keepRates[offset + i] >= threshold).ToArray();
            if (kept.Length == 0) kept = new[] { Enumerable.Range(0, width).MaxBy(i => keepRates[offset + i]) };
            return kept;
        }
        return (Side(0, imageDim), Side(imageDim, labDim));
    }

    /// <summary>Prunes by keep rates (see <see cref="SelectKept"/>).</summary>
    public static (CmapFusionModel Model, PruningReport Report) Prune(CmapFusionModel model, IReadOnlyList<double> keepRates, double threshold = 0.01)
    {
        var (image, lab) = SelectKept(keepRates, model.ImageDim, model.LabDim, threshold);
        return Prune(model, image, lab, threshold);
    }

    /// <summary>
    /// Prunes by the usage collected on the training data: removes rarely kept dims and records their mean
    /// importance so the pruned SmartTrim's threshold matches the original's (see <see cref="SmartTrim"/>).
    /// </summary>
    public static (CmapFusionModel Model, PruningReport Report) Prune(CmapFusionModel model, MaskUsage usage, double threshold = 0.01)
    {
        var (image, lab) = SelectKept(usage.KeepRates, model.ImageDim, model.LabDim, threshold);
        return Prune(model, image, lab, threshold, usage.MeanImportance, usage.MeanFeatures);
    }

    /// <summary>Builds a smaller model keeping the listed dims (indices into the current F_I / F_L widths).</summary>
    /// <param name="meanImportance">Training-set mean S per current dim; the removed dims' values become the pruned
    /// model's <see cref="CmapFusionConfig.RemovedImportance"/> (null: removed dims are left out of τ's statistics).</param>
    /// <param name="meanFeatures">Training-set mean F_cat per current dim. SmartTrim's score reads F_cat before the mask,
    /// so the removed dims' mean contribution W_s[:, removed]·mean(F_cat[removed]) is folded into its bias
    /// (null: their contribution is dropped).</param>
    public static (CmapFusionModel Model, PruningReport Report) Prune(CmapFusionModel model, IReadOnlyList<int> imageKeep, IReadOnlyList<int> labKeep,
        double threshold = double.NaN, IReadOnlyList<double>? meanImportance = null, IReadOnlyList<double>? meanFeatures = null)
    {
        var config = model.Config;
        if (!config.UseSmartTrim) throw new InvalidOperationException("structured pruning needs SmartTrim (use_smart_trim=true).");
        Encoders.VitImageEncoder.CheckKeep(imageKeep, model.ImageDim, "image");
        Encoders.VitImageEncoder.CheckKeep(labKeep, model.LabDim, "lab");
        // Kept dims in the coordinates of the never-pruned model (pruning a pruned model composes).
        var imageOriginal = imageKeep.Select(i => config.ImageKeep?[i] ?? i).ToArray();
        var labOriginal = labKeep.Select(i => config.LabKeep?[i] ?? i).ToArray();
        double[]? removedImportance = config.RemovedImportance;
        if (meanImportance != null)
        {
            if (meanImportance.Count != model.ImageDim + model.LabDim)
                throw new ArgumentException($"pruning: {meanImportance.Count} mean importances for {model.ImageDim} image + {model.LabDim} lab dims.");
            var keptAll = imageKeep.Concat(labKeep.Select(i => model.ImageDim + i)).ToHashSet();
            removedImportance = (config.RemovedImportance ?? Array.Empty<double>())
                .Concat(Enumerable.Range(0, meanImportance.Count).Where(i => !keptAll.Contains(i)).Select(i => meanImportance[i])).ToArray();
        }
        var pruned = new CmapFusionModel(config with
        {
            ImageKeep = imageOriginal, LabKeep = labOriginal, PretrainedVit = null, RemovedImportance = removedImportance,
        });
        try
        {
            using var scope = DisposeScope.Enter();
            using var idxImage = Tensor.From(imageKeep.Select(i => (long)i).ToArray());
            using var idxLab = Tensor.From(labKeep.Select(i => (long)i).ToArray());
            using var idxAll = Tensor.From(imageKeep.Select(i => (long)i).Concat(labKeep.Select(i => (long)(model.ImageDim + i))).ToArray());
            var state = model.StateDict();
            var sliced = new Dictionary<string, Tensor>();
            foreach (var (name, t) in state) sliced[name] = Slice(name, t, idxImage, idxLab, idxAll);
            if (meanFeatures != null) FoldRemovedIntoScoreBias(model, state, sliced, idxAll, meanFeatures);
            pruned.LoadStateDict(sliced);
            foreach (var t in state.Values) t.Dispose();
        }
        catch
        {
            pruned.Dispose();
            throw;
        }
        var report = new PruningReport(imageOriginal, labOriginal, model.ImageDim, model.LabDim,
            model.ParameterCount(), pruned.ParameterCount(), threshold);
        return (pruned, report);
    }

    private static void FoldRemovedIntoScoreBias(CmapFusionModel model, Dictionary<string, Tensor> state, Dictionary<string, Tensor> sliced,
        Tensor keptIndex, IReadOnlyList<double> meanFeatures)
    {
        var width = model.ImageDim + model.LabDim;
        if (meanFeatures.Count != width) throw new ArgumentException($"pruning: {meanFeatures.Count} mean features for {width} dims.");
        var kept = keptIndex.ToArray<long>().ToHashSet();
        var removed = Enumerable.Range(0, width).Where(i => !kept.Contains(i)).Select(i => (long)i).ToArray();
        if (removed.Length == 0) return;
        var weight = state["smart_trim.score.weight"];
        using var removedIndex = Tensor.From(removed);
        var means = Tensor.From(removed.Select(i => (float)meanFeatures[(int)i]).ToArray()).To(weight.DType);
        // (kept rows, removed cols) · mean over the removed features → a constant per kept score.
        var shift = weight.IndexSelect(0, keptIndex).IndexSelect(1, removedIndex).Matmul(means);
        sliced["smart_trim.score.bias"] = sliced["smart_trim.score.bias"] + shift;
    }

    private static Tensor Slice(string name, Tensor t, Tensor image, Tensor lab, Tensor all) => name switch
    {
        "image_encoder.proj.weight" or "image_encoder.proj.bias" or "image_encoder.token_proj.weight"
            or "image_encoder.token_proj.bias" => t.IndexSelect(0, image),
        "image_encoder.token_pos" => t.IndexSelect(1, image),
        "lab_encoder.fc2.weight" or "lab_encoder.fc2.bias" or "lab_steps.fc2.weight" or "lab_steps.fc2.bias" => t.IndexSelect(0, lab),
        "smart_trim.score.weight" => t.IndexSelect(0, all).IndexSelect(1, all),
        "smart_trim.score.bias" => t.IndexSelect(0, all),
        "cmt.q_proj.weight" => t.IndexSelect(1, image),
        "cmt.k_proj.weight" or "cmt.v_proj.weight" => t.IndexSelect(1, lab),
        "concat_fusion.fc.weight" => t.IndexSelect(1, all),
        _ => t,
    };
}
