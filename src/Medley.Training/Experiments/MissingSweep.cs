using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Medley.Data.Splits;
using Medley.Evaluation.Statistics;
using Medley.Models.Methods;

namespace Medley.Training.Experiments;

/// <summary>A named set of config overrides (--set syntax) that one line of a sweep trains with, e.g. "without imputation" = model.use_imputation=false.</summary>
public sealed record ConfigVariant(string Name, IReadOnlyList<string> Assignments)
{
    /// <summary>"NAME:key=value;key=value" (NAME alone = the config as given).</summary>
    public static ConfigVariant Parse(string text)
    {
        var colon = text.IndexOf(':');
        var name = (colon < 0 ? text : text[..colon]).Trim();
        if (name.Length == 0) throw new ArgumentException($"--with '{text}': a variant is NAME:key=value[;key=value...], e.g. --with \"no imputation:use_imputation=false\".");
        var assignments = colon < 0 ? [] : text[(colon + 1)..].Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        foreach (var a in assignments)
            if (a.IndexOf('=') <= 0) throw new ArgumentException($"--with '{text}': '{a}' is not key=value.");
        return new ConfigVariant(name, assignments);
    }

    /// <summary>The config with the variant's overrides applied (checked against the method's keys).</summary>
    public RunConfig ApplyTo(RunConfig config)
    {
        var c = config.Clone();
        c.Apply(Assignments, MethodRegistry.Get(c.Method!).ConfigKeys);
        return c;
    }
}

/// <summary>
/// The missing-modality sweep (METHODS.md §2.7(c)): for each target (each modality the model reads, and "random": a
/// random one per sample) and each rate, cross-validation on the same folds with training.missing = target=rate —
/// modalities removed from train, validation and test alike (<see cref="MissingInjection"/>) — once per config
/// variant (by default with and without imputation when the method has use_imputation). Rate 0 is the same run for
/// every target, so it is trained once per variant. Writes sweep_missing_&lt;target&gt;.json (kind "missing": one curve
/// per variant) for the report.
/// </summary>
public static class MissingSweepRunner
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static readonly IReadOnlyList<double> DefaultRates = [0, 0.3, 0.5, 0.7, 0.9];

    /// <summary>With and without imputation for a method with use_imputation (OmniFuse); otherwise the config as given.</summary>
    public static IReadOnlyList<ConfigVariant> DefaultVariants(string method) =>
        MethodRegistry.Get(method).ConfigKeys.Contains("use_imputation")
            ? [new("with imputation", ["model.use_imputation=true"]), new("without imputation", ["model.use_imputation=false"])]
            : [new(method, [])];

    public static JsonObject Run(string specPath, RunConfig config, string outDir, SplitFile splits, SweepOptions options, Func<string, TrainerHooks>? hooks = null)
    {
        var method = config.Method ?? throw new ArgumentException("no method given: pass --method NAME.");
        if (options.Levels.Count == 0) throw new ArgumentException("--levels needs at least one missing rate.");
        if (options.Levels.Distinct().Count() != options.Levels.Count) throw new ArgumentException("--levels has repeated values.");
        if (options.Levels.Any(v => v < 0 || v > 1))
            throw new ArgumentException($"missing rates are fractions in [0, 1] (e.g. 0,0.3,0.5,0.7,0.9); got {string.Join(",", options.Levels.Select(Format))}.");
        if (config.Training.TryGetValue("missing", out var given) && given is string { Length: > 0 })
            throw new ArgumentException("the missing sweep sets training.missing itself; leave it out of the config and --set.");
        var variants = options.Variants ?? DefaultVariants(method);
        if (variants.Count == 0) throw new ArgumentException("--with: at least one variant.");
        if (variants.Select(v => v.Name).Distinct().Count() != variants.Count) throw new ArgumentException("--with: variant names must differ.");
        var configs = variants.Select(v => (v.Name, Config: v.ApplyTo(config))).ToList();
        var used = UsedModalities(specPath, configs[0].Config, splits);
        var targets = options.Targets ?? [.. used, MissingRule.Random];
        var spec = Medley.Data.Datasets.MultimodalDataset.Open(specPath).Spec;
        foreach (var t in targets)
        {
            MissingInjection.Parse($"{t}=0.5", 0, spec); // unknown names fail here, before any training
            if (t != MissingRule.Random && !used.Contains(t))
                throw new ArgumentException($"--targets: method '{method}' does not read modality '{t}' (it reads: {string.Join(", ", used)}), so removing it changes nothing.");
        }
        if (Directory.Exists(outDir) && Directory.EnumerateFiles(outDir, "sweep_missing_*.json").Any())
            throw new ArgumentException($"{outDir} already holds a missing sweep; choose another --out.");
        Directory.CreateDirectory(outDir);
        AtomicFile.WriteAllText(Path.Combine(outDir, "config.yaml"), config.ToYaml());
        AtomicFile.Write(Path.Combine(outDir, "split.json"), tmp => splits.Save(tmp));

        // (variant, target, rate) → CV runs; rate 0 shared by all targets.
        var cache = new Dictionary<(string, string), JsonArray>();
        JsonArray Runs(string variant, RunConfig c, string target, double rate)
        {
            var key = rate == 0 ? (variant, "none") : (variant, $"{target}_{Format(rate)}");
            if (cache.TryGetValue(key, out var runs)) return runs;
            var run = c.Clone();
            if (rate > 0) run.Training["missing"] = $"{target}={rate.ToString("R", CultureInfo.InvariantCulture)}";
            run.Training["missing_seed"] = options.CorruptionSeed.ToString(CultureInfo.InvariantCulture);
            var dir = Path.Combine(outDir, Slug(variant), key.Item2);
            var cv = CrossValidation.Run(specPath, run, dir, splits, hooks == null ? null : title => hooks($"{variant} {target}={Format(rate)}: {title}"));
            return cache[key] = (JsonArray)cv["runs"]!;
        }

        var files = new JsonObject();
        foreach (var target in targets)
        {
            var results = new JsonObject();
            var levels = new JsonArray();
            foreach (var (name, c) in configs)
            {
                var points = new JsonArray();
                foreach (var rate in options.Levels)
                {
                    var runs = Runs(name, c, target, rate);
                    points.Add(Point(rate, runs, options.Metric));
                    levels.Add(new JsonObject
                    {
                        ["value"] = rate, ["variant"] = name,
                        ["run_dir"] = Path.Combine(Slug(name), rate == 0 ? "none" : $"{target}_{Format(rate)}"),
                        ["runs"] = runs.DeepClone(),
                    });
                }
                results[name] = points;
            }
            var sweep = new JsonObject
            {
                ["kind"] = "missing",
                ["target"] = target,
                ["metric"] = options.Metric,
                ["values"] = new JsonArray(options.Levels.Select(v => (JsonNode?)v).ToArray()),
                ["folds"] = splits.Folds,
                ["repeats"] = splits.Repeats,
                ["missing_seed"] = options.CorruptionSeed,
                ["variants"] = new JsonObject(variants.Select(v => KeyValuePair.Create(v.Name, (JsonNode?)new JsonArray(v.Assignments.Select(a => (JsonNode?)a).ToArray())))),
                ["results"] = results,
                ["levels"] = levels,
            };
            var file = $"sweep_missing_{Slug(target)}.json";
            AtomicFile.WriteAllText(Path.Combine(outDir, file), sweep.ToJsonString(Indented));
            files[target] = sweep;
        }
        return new JsonObject { ["kind"] = "missing", ["metric"] = options.Metric, ["targets"] = files };
    }

    /// <summary>Mean, std and 95% CI over folds of one metric.</summary>
    internal static JsonObject Point(double value, JsonArray runs, string metric)
    {
        var values = runs.Select(r => r!["test"]![metric] is JsonValue v && v.TryGetValue<double>(out var x) ? x : double.NaN).ToList();
        if (values.Any(double.IsNaN))
            throw new ArgumentException($"metric '{metric}' is missing from the test metrics (known: {string.Join(", ", ((JsonObject)runs[0]!["test"]!).Select(kv => kv.Key))}).");
        var s = FoldSummary.Of(values);
        var point = new JsonObject { ["value"] = value, ["metric"] = s.Mean };
        if (double.IsFinite(s.Std)) point["std"] = s.Std;
        if (double.IsFinite(s.CiLow) && double.IsFinite(s.CiHigh)) point["ci95"] = new JsonArray(s.CiLow, s.CiHigh);
        return point;
    }

    /// <summary>The dataset modalities the configured model reads (built once on the first split, then discarded).</summary>
    private static IReadOnlyList<string> UsedModalities(string specPath, RunConfig config, SplitFile splits)
    {
        var prepared = TrainRun.Prepare(new RunRequest(specPath, config, Path.Combine(Path.GetTempPath(), "medley-probe")) { Split = (splits, splits.Splits[0].Name) });
        using var model = prepared.Model;
        return MissingInjection.UsedModalities(prepared.Inputs, model.Modalities);
    }

    internal static string Slug(string s) => new(s.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-').ToArray());

    private static string Format(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}
