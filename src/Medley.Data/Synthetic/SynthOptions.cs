using System.Globalization;
using Medley.Data.Spec;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Medley.Data.Synthetic;

/// <summary>The modalities the generator can write (their names in the generated spec).</summary>
public static class SynthModalities
{
    public const string Image = "image", Volume = "volume", Labs = "labs", Vitals = "vitals", Report = "report";
    public static readonly IReadOnlyList<string> All = new[] { Image, Volume, Labs, Vitals, Report };
}

/// <summary>
/// Everything `medley data synth` can vary. Defaults give a binary task with image, labs, vitals and report
/// modalities where image and labs carry the signal. Set from CLI flags and/or a YAML file (same keys, snake_case).
/// </summary>
public sealed record SynthOptions
{
    public TaskKind Task { get; init; } = TaskKind.Binary;
    public int Samples { get; init; } = 300;
    public ulong Seed { get; init; }
    /// <summary>Classes of a multiclass task.</summary>
    public int Classes { get; init; } = 3;
    /// <summary>Labels of a multilabel task, driven by <see cref="Factors"/> shared latent factors.</summary>
    public int Labels { get; init; } = 25;
    public int Factors { get; init; } = 5;
    /// <summary>Modalities written (any of image, volume, labs, vitals, report).</summary>
    public IReadOnlyList<string> Modalities { get; init; } = new[] { "image", "labs", "vitals", "report" };
    /// <summary>Modalities whose content depends on the label; the others are drawn independently of it.</summary>
    public IReadOnlyList<string> Signal { get; init; } = new[] { "image", "labs" };
    /// <summary>Binary only: label = (image blob on the right) XOR (lab marker positive); neither alone beats chance.</summary>
    public bool Xor { get; init; }
    /// <summary>A modality that mostly ignores the label (it follows it in 25% of samples, with extra noise).</summary>
    public string? Lazy { get; init; }
    /// <summary>A modality whose signal is three times stronger than the others'.</summary>
    public string? Dominant { get; init; }
    /// <summary>Per-modality probability that a sample lacks the modality.</summary>
    public IReadOnlyDictionary<string, double> Missing { get; init; } = new Dictionary<string, double>();
    /// <summary>Fraction of samples whose recorded label is replaced by a wrong one (multilabel: per label bit).</summary>
    public double LabelNoise { get; init; }
    /// <summary>Ratio of the most to the least frequent class (1 = balanced; binary: negatives per positive).</summary>
    public double Imbalance { get; init; } = 1;
    /// <summary>Each patient has 1..this many samples (the manifest's group column).</summary>
    public int SamplesPerPatient { get; init; } = 1;
    public int ImageSize { get; init; } = 32;
    /// <summary>"rgb" or "gray".</summary>
    public string Channels { get; init; } = "rgb";
    /// <summary>nifti (.nii.gz), dicom (a series folder per sample) or both (alternating).</summary>
    public string VolumeFormat { get; init; } = "nifti";
    /// <summary>Volume size [D, H, W].</summary>
    public int[] VolumeSize { get; init; } = { 16, 32, 32 };
    /// <summary>Report text in a manifest column ("column") or one .txt file per sample ("files").</summary>
    public string TextAs { get; init; } = "column";

    public bool Has(string modality) => Modalities.Contains(modality);

    /// <summary>Slots of the latent signal each modality renders: 2 (binary), K (multiclass) or the factor count.</summary>
    public int Slots => Task switch { TaskKind.Binary => 2, TaskKind.Multiclass => Classes, _ => Factors };

    public void Validate()
    {
        void Need(bool ok, string message) { if (!ok) throw new ArgumentException(message); }
        Need(Samples is >= 2 and <= 1_000_000, $"samples must be between 2 and 1000000, got {Samples}");
        Need(Classes is >= 2 and <= 12, $"classes must be between 2 and 12, got {Classes}");
        Need(Labels is >= 1 and <= 100, $"labels must be between 1 and 100, got {Labels}");
        Need(Factors is >= 1 and <= 12, $"factors must be between 1 and 12, got {Factors}");
        foreach (var m in Modalities.Concat(Signal).Concat(Missing.Keys).Concat(new[] { Lazy, Dominant }.OfType<string>()))
            Need(SynthModalities.All.Contains(m), $"unknown modality '{m}'; valid: {string.Join(", ", SynthModalities.All)}");
        Need(Modalities.Count > 0, "at least one modality is needed");
        foreach (var m in Signal) Need(Has(m), $"signal modality '{m}' is not among the generated modalities ({string.Join(", ", Modalities)})");
        Need(Lazy == null || Has(Lazy), $"lazy modality '{Lazy}' is not generated");
        Need(Dominant == null || (Signal.Contains(Dominant)), $"dominant modality '{Dominant}' must be a signal modality");
        Need(Lazy == null || Lazy != Dominant, "a modality cannot be both lazy and dominant");
        if (Xor)
        {
            Need(Task == TaskKind.Binary, "the XOR signal needs a binary task");
            Need(Has("image") && Has("labs"), "the XOR signal needs the image and labs modalities");
        }
        foreach (var (m, rate) in Missing) Need(rate is >= 0 and < 1, $"missing rate of '{m}' must be in [0, 1), got {rate}");
        Need(LabelNoise is >= 0 and <= 0.5, $"label noise must be in [0, 0.5], got {LabelNoise}");
        Need(Imbalance is >= 1 and <= 1000, $"imbalance (most/least frequent class) must be between 1 and 1000, got {Imbalance}");
        Need(SamplesPerPatient is >= 1 and <= 100, $"samples per patient must be between 1 and 100, got {SamplesPerPatient}");
        Need(ImageSize is >= 8 and <= 1024, $"image size must be between 8 and 1024, got {ImageSize}");
        Need(Channels is "rgb" or "gray", $"channels must be rgb or gray, got '{Channels}'");
        Need(VolumeFormat is "nifti" or "dicom" or "both", $"volume format must be nifti, dicom or both, got '{VolumeFormat}'");
        Need(VolumeSize.Length == 3 && VolumeSize.All(s => s is >= 4 and <= 512), "volume size needs three sizes [D, H, W] between 4 and 512");
        Need(TextAs is "column" or "files", $"text_as must be column or files, got '{TextAs}'");
    }

    /// <summary>The YAML keys <see cref="Apply"/> understands.</summary>
    public static readonly IReadOnlyList<string> YamlKeys = new[]
    {
        "task", "samples", "seed", "classes", "labels", "factors", "modalities", "signal", "xor", "lazy", "dominant", "missing",
        "label_noise", "imbalance", "samples_per_patient", "image_size", "channels", "volume_format", "volume_size", "text_as",
    };

    /// <summary>Reads a YAML config (a mapping of <see cref="YamlKeys"/>) on top of these options.</summary>
    public SynthOptions ApplyYaml(string path)
    {
        var stream = new YamlStream();
        try { stream.Load(new StringReader(File.ReadAllText(path))); }
        catch (YamlException e) { throw new ArgumentException($"{path}:{e.Start.Line}: invalid YAML: {e.InnerException?.Message ?? e.Message}"); }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new ArgumentException($"{path}: the synth config must be a YAML mapping (key: value lines)");
        var values = new Dictionary<string, object>();
        foreach (var (k, v) in root.Children)
        {
            var key = ((YamlScalarNode)k).Value ?? "";
            if (!YamlKeys.Contains(key)) throw new ArgumentException($"{path}:{k.Start.Line}: unknown key '{key}'; valid keys: {string.Join(", ", YamlKeys)}");
            values[key] = v switch
            {
                YamlScalarNode s => s.Value ?? "",
                YamlSequenceNode seq => seq.Children.Select(c => ((YamlScalarNode)c).Value ?? "").ToList(),
                YamlMappingNode map => map.Children.ToDictionary(p => ((YamlScalarNode)p.Key).Value ?? "", p => ((YamlScalarNode)p.Value).Value ?? ""),
                _ => throw new ArgumentException($"{path}:{v.Start.Line}: unsupported value for '{key}'"),
            };
        }
        return Apply(values, path);
    }

    /// <summary>Applies parsed values (strings, lists of strings, or string maps for 'missing') keyed by YAML key.</summary>
    public SynthOptions Apply(IReadOnlyDictionary<string, object> values, string source)
    {
        var o = this;
        string Str(string key) => values[key] as string ?? throw new ArgumentException($"{source}: '{key}' must be a single value");
        List<string> List(string key) => values[key] switch
        {
            List<string> l => l,
            string s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList(),
            _ => throw new ArgumentException($"{source}: '{key}' must be a list"),
        };
        int Int(string key) => int.TryParse(Str(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : throw new ArgumentException($"{source}: '{key}' must be an integer, not '{Str(key)}'");
        double Num(string text, string key) => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : throw new ArgumentException($"{source}: '{key}' must be a number, not '{text}'");
        string? Name(string key) => Str(key) is { Length: > 0 } s && s != "none" ? s : null;
        foreach (var key in values.Keys)
        {
            o = key switch
            {
                "task" => o with { Task = KindNames.TryParseTask(Str(key), out var t) ? t : throw new ArgumentException($"{source}: task must be binary, multiclass or multilabel, not '{Str(key)}'") },
                "samples" => o with { Samples = Int(key) },
                "seed" => o with { Seed = ulong.TryParse(Str(key), CultureInfo.InvariantCulture, out var s) ? s : throw new ArgumentException($"{source}: seed must be a non-negative integer") },
                "classes" => o with { Classes = Int(key) },
                "labels" => o with { Labels = Int(key) },
                "factors" => o with { Factors = Int(key) },
                "modalities" => o with { Modalities = List(key) },
                "signal" => o with { Signal = List(key) },
                "xor" => o with { Xor = Str(key).ToLowerInvariant() is "true" or "yes" or "on" },
                "lazy" => o with { Lazy = Name(key) },
                "dominant" => o with { Dominant = Name(key) },
                "missing" => o with { Missing = ParseMissing(values[key], source) },
                "label_noise" => o with { LabelNoise = Num(Str(key), key) },
                "imbalance" => o with { Imbalance = Num(Str(key), key) },
                "samples_per_patient" => o with { SamplesPerPatient = Int(key) },
                "image_size" => o with { ImageSize = Int(key) },
                "channels" => o with { Channels = Str(key).ToLowerInvariant() },
                "volume_format" => o with { VolumeFormat = Str(key).ToLowerInvariant() },
                "volume_size" => o with { VolumeSize = List(key).Select(s => (int)Num(s, key)).ToArray() },
                "text_as" => o with { TextAs = Str(key).ToLowerInvariant() },
                _ => throw new ArgumentException($"{source}: unknown key '{key}'; valid keys: {string.Join(", ", YamlKeys)}"),
            };
        }
        return o;
    }

    /// <summary>'missing' as a map {modality: rate}, "image=0.1,labs=0.2", or one rate for every modality.</summary>
    private Dictionary<string, double> ParseMissing(object value, string source)
    {
        double Rate(string s) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : throw new ArgumentException($"{source}: missing rate '{s}' is not a number");
        if (value is Dictionary<string, string> map) return map.ToDictionary(p => p.Key, p => Rate(p.Value));
        var text = value as string ?? string.Join(",", (List<string>)value);
        if (!text.Contains('=')) return SynthModalities.All.ToDictionary(m => m, _ => Rate(text));
        return text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2)).ToDictionary(p => p[0].Trim(), p => Rate(p.Length == 2 ? p[1] : throw new ArgumentException($"{source}: missing rates are written name=rate, not '{p[0]}'")));
    }
}
