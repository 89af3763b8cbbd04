using Medley.Models.Encoders;
using Medley.Models.Methods.Baselines;
using Medley.Models.Methods.CmapFusion;
using Medley.Models.Methods.OmniFuse;
using Medley.Models.Methods.FusionBaselines;

namespace Medley.Models.Methods;

/// <summary>A registered method: its name, a one-line description, its config keys and a factory.</summary>
public sealed record MethodInfo(string Name, string Description, IReadOnlyList<string> ConfigKeys,
    Func<IReadOnlyDictionary<string, object?>?, MedleyModel> Factory);

/// <summary>
/// Methods by name (timm-style create_model): <c>MethodRegistry.Create("cmap-fusion", config)</c>;
/// <c>MethodRegistry.List()</c> feeds <c>medley methods</c>.
/// </summary>
public static class MethodRegistry
{
    private static readonly Dictionary<string, MethodInfo> Methods = new(StringComparer.Ordinal);
    private static readonly object Gate = new();

    static MethodRegistry()
    {
        Register(new MethodInfo("cmap-fusion",
            "CMAP-Fusion: ViT image + lab MLP, SmartTrim pruning, cross-modal transformer fusion (METHODS.md §1)",
            ConfigBinder.Keys<CmapFusionConfig>(), CreateCmapFusion));
        Register(new MethodInfo("image-only",
            "Image-only baseline: CMAP-Fusion's image encoder (ViT or small CNN) + bottleneck head",
            ConfigBinder.Keys<ImageOnlyConfig>(), CreateImageOnly));
        Register(new MethodInfo("lab-only",
            "Lab-only baseline: CMAP-Fusion's lab MLP encoder + bottleneck head",
            ConfigBinder.Keys<LabOnlyConfig>(), v => new LabOnlyModel(ConfigBinder.Bind<LabOnlyConfig>(v, "lab-only"))));
        Register(new MethodInfo("omnifuse",
            "OmniFuse: per-modality encoders, CRA imputation of missing modalities, DWFuse, TLA (METHODS.md §2)",
            ConfigBinder.Keys<OmniFuseConfig>(), v => new OmniFuseModel(ConfigBinder.Bind<OmniFuseConfig>(v, "omnifuse"))));
        Register(new MethodInfo("concat", "Concat baseline (METHODS.md §2.6): concatenated modality embeddings → MLP; with one modality in 'modalities' it is the uni-modal baseline",
            ConfigBinder.Keys<ConcatConfig>(), v => new ConcatBaselineModel(ConfigBinder.Bind<ConcatConfig>(v, "concat"))));
        Register(new MethodInfo("sum", "Sum baseline (§2.6): per-modality linear projections of the embeddings, summed → MLP",
            ConfigBinder.Keys<SumConfig>(), v => new SumBaselineModel(ConfigBinder.Bind<SumConfig>(v, "sum"))));
        Register(new MethodInfo("se-gate", "SE-Gate baseline (§2.6): squeeze-and-excitation gates (sigmoid, or softmax) over the modality embeddings → MLP",
            ConfigBinder.Keys<SeGateConfig>(), v => new SeGateBaselineModel(ConfigBinder.Bind<SeGateConfig>(v, "se-gate"))));
        Register(new MethodInfo("g-blend", "Gradient Blending (Wang et al. 2020): per-modality auxiliary heads + fused head, loss weights ∝ G/O² re-estimated on the validation part",
            ConfigBinder.Keys<GBlendConfig>(), v => new GBlendModel(ConfigBinder.Bind<GBlendConfig>(v, "g-blend"))));
        Register(new MethodInfo("ogm-ge", "OGM-GE (Peng et al. 2022): concat + linear head; the dominant modality's encoder gradient × (1 − tanh(α(ρ−1))) plus Gaussian noise",
            ConfigBinder.Keys<OgmGeConfig>(), v => new OgmGeModel(ConfigBinder.Bind<OgmGeConfig>(v, "ogm-ge"))));
        Register(new MethodInfo("pmr", "PMR (Fan et al. 2023): concat model trained with per-modality class prototypes, prototype CE boosting the slow modality, early entropy regulariser on the dominant one",
            ConfigBinder.Keys<PmrConfig>(), v => new PmrModel(ConfigBinder.Bind<PmrConfig>(v, "pmr"))));
        Register(new MethodInfo("medfuse", "MedFuse (Hayat et al. 2022): LSTM over the tokens of the present modalities (absent ones skipped) → MLP",
            ConfigBinder.Keys<MedFuseConfig>(), v => new MedFuseModel(ConfigBinder.Bind<MedFuseConfig>(v, "medfuse"))));
    }

    /// <summary>Adds a method; a name can be registered once.</summary>
    public static void Register(MethodInfo method)
    {
        if (string.IsNullOrWhiteSpace(method.Name)) throw new ArgumentException("a method needs a name.");
        lock (Gate)
        {
            if (!Methods.TryAdd(method.Name, method))
                throw new ArgumentException($"a method named '{method.Name}' is already registered.");
        }
    }

    /// <summary>Every method, by name.</summary>
    public static IReadOnlyList<MethodInfo> List()
    {
        lock (Gate) return Methods.Values.OrderBy(m => m.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>The method of that name, or an ArgumentException listing the known ones.</summary>
    public static MethodInfo Get(string name)
    {
        lock (Gate)
        {
            if (Methods.TryGetValue(name, out var m)) return m;
            throw new ArgumentException($"unknown method '{name}'. Known methods: {string.Join(", ", Methods.Keys.Order(StringComparer.Ordinal))} (see `medley methods`).");
        }
    }

    /// <summary>Builds the named method from config values (unknown keys and bad values are ArgumentExceptions).</summary>
    public static MedleyModel Create(string name, IReadOnlyDictionary<string, object?>? config = null) => Get(name).Factory(config);

    private static MedleyModel CreateImageOnly(IReadOnlyDictionary<string, object?>? values)
    {
        var config = ConfigBinder.Bind<ImageOnlyConfig>(values, "image-only");
        var model = new ImageOnlyModel(config);
        return config.PretrainedVit == null ? model : WithPretrained(model, model.ImageEncoder, config.PretrainedVit, "image-only");
    }

    private static T WithPretrained<T>(T model, ImageEncoder encoder, string path, string method) where T : MedleyModel
    {
        try
        {
            if (encoder is not VitImageEncoder vit) throw new ArgumentException($"{method}: 'pretrained_vit' is set but use_vit is false.");
            vit.LoadPretrained(path);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static MedleyModel CreateCmapFusion(IReadOnlyDictionary<string, object?>? values)
    {
        var config = ConfigBinder.Bind<CmapFusionConfig>(values, "cmap-fusion");
        var model = new CmapFusionModel(config);
        return config.PretrainedVit == null ? model : WithPretrained(model, model.ImageEncoder, config.PretrainedVit, "cmap-fusion");
    }
}
