using System.Text.Json;
using System.Text.Json.Nodes;
using Medley.Data.Datasets;
using Medley.Data.Splits;
using Medley.Evaluation.Statistics;
using Medley.Models.Methods;

namespace Medley.Training;

/// <summary>
/// k folds × repeats (METHODS.md §5, default 5 × 3): one run directory r{R}_f{K} per fold, cv_metrics.json with
/// per-fold test metrics and mean ± std with a 95% t-interval; and several methods on the same folds with paired
/// t-tests against the first (comparison.json).
/// </summary>
public static class CrossValidation
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The k-fold × repeats split file of a dataset (grouped, stratified; 10% of the training folds for validation).</summary>
    public static SplitFile Splits(string specPath, int seed, int folds, int repeats) =>
        Splitter.KFold(MultimodalDataset.Open(specPath), seed, folds, repeats);

    /// <param name="afterEvaluation">Called per fold (repeat, fold, the trained run) while the model is alive (robustness sweeps).</param>
    public static JsonObject Run(string specPath, RunConfig config, string outDir, SplitFile splits, Func<string, TrainerHooks>? hooks = null,
        Action<int, int, TrainedRun>? afterEvaluation = null)
    {
        var runs = new JsonArray();
        var perMetric = new Dictionary<string, List<double>>();
        Directory.CreateDirectory(outDir);
        AtomicFile.WriteAllText(Path.Combine(outDir, "config.yaml"), config.ToYaml());
        AtomicFile.Write(Path.Combine(outDir, "split.json"), tmp => splits.Save(tmp));
        foreach (var split in splits.Splits)
        {
            var (repeat, fold) = ParseName(split.Name);
            var runDir = Path.Combine(outDir, $"r{repeat}_f{fold}");
            var outcome = TrainRun.Run(new RunRequest(specPath, config, runDir)
            {
                Split = (splits, split.Name),
                Hooks = hooks?.Invoke($"{config.Method} r{repeat} f{fold}") ?? new TrainerHooks(),
                AfterEvaluation = afterEvaluation == null ? null : trained => afterEvaluation(repeat, fold, trained),
            });
            var test = (JsonObject)outcome.Metrics!["test"]!.DeepClone();
            runs.Add(new JsonObject { ["repeat"] = repeat, ["fold"] = fold, ["run"] = Path.GetFileName(runDir), ["test"] = test });
            foreach (var (k, v) in test)
                if (v is JsonValue value && value.TryGetValue<double>(out var d))
                    (perMetric.TryGetValue(k, out var list) ? list : perMetric[k] = new List<double>()).Add(d);
        }
        var summary = new JsonObject();
        foreach (var (metric, values) in perMetric.Where(kv => kv.Value.Count == splits.Splits.Count))
        {
            var s = FoldSummary.Of(values);
            summary[metric] = new JsonObject
            {
                ["mean"] = s.Mean,
                ["std"] = Finite(s.Std),
                ["ci95"] = new JsonArray(Finite(s.CiLow), Finite(s.CiHigh)),
            };
        }
        var result = new JsonObject
        {
            ["method"] = config.Method,
            ["folds"] = splits.Folds,
            ["repeats"] = splits.Repeats,
            ["runs"] = runs,
            ["summary"] = summary,
        };
        AtomicFile.WriteAllText(Path.Combine(outDir, "cv_metrics.json"), result.ToJsonString(Indented));
        return result;
    }

    /// <summary>
    /// Runs each method's CV on the same splits into outDir/&lt;method&gt;/ and writes comparison.json (kind "compare",
    /// the first method is the reference of the paired t-tests; format in <see cref="Experiments.ComparisonFile"/>).
    /// One config file serves all methods: model keys a method does not have are left out for it (and listed as
    /// "ignored_keys"); --set overrides were already checked against every method.
    /// </summary>
    public static JsonObject Compare(string specPath, IReadOnlyList<RunConfig> configs, string outDir, SplitFile splits, Func<string, TrainerHooks>? hooks = null)
    {
        Directory.CreateDirectory(outDir);
        AtomicFile.Write(Path.Combine(outDir, "split.json"), tmp => splits.Save(tmp));
        var compared = new List<Experiments.ComparedMethod>();
        foreach (var c in configs)
        {
            var (config, ignored) = WithoutForeignKeys(c);
            var dir = Path.Combine(outDir, config.Method!);
            compared.Add(new Experiments.ComparedMethod(config.Method!, Run(specPath, config, dir, splits, hooks), dir) { IgnoredKeys = ignored });
        }
        var comparison = Experiments.ComparisonFile.Build("compare", compared, splits.Folds, splits.Repeats);
        Experiments.ComparisonFile.Write(Path.Combine(outDir, "comparison.json"), comparison);
        return comparison;
    }

    /// <summary>The config without the model keys its method does not know, and those keys.</summary>
    public static (RunConfig Config, IReadOnlyList<string> Ignored) WithoutForeignKeys(RunConfig config)
    {
        var keys = MethodRegistry.Get(config.Method!).ConfigKeys;
        var ignored = config.Model.Keys.Where(k => !keys.Contains(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
        if (ignored.Count == 0) return (config, ignored);
        var copy = config.Clone();
        foreach (var k in ignored) copy.Model.Remove(k);
        return (copy, ignored);
    }

    private static List<double>? FoldValues(JsonObject cv, string metric)
    {
        var values = new List<double>();
        foreach (var run in (JsonArray)cv["runs"]!)
        {
            if (run!["test"]![metric] is not JsonValue v || !v.TryGetValue<double>(out var d)) return null;
            values.Add(d);
        }
        return values;
    }

    private static JsonNode? Finite(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;

    private static (int Repeat, int Fold) ParseName(string name)
    {
        // Splitter names k-fold splits "r{repeat}f{fold}".
        var f = name.IndexOf('f');
        return name.StartsWith('r') && f > 1 && int.TryParse(name[1..f], out var r) && int.TryParse(name[(f + 1)..], out var k)
            ? (r, k)
            : throw new ArgumentException($"split '{name}' is not a k-fold split (expected r<repeat>f<fold>).");
    }

    /// <summary>Config of each method for --compare: the base config with the method swapped in.</summary>
    public static RunConfig ForMethod(RunConfig baseConfig, string method)
    {
        MethodRegistry.Get(method);
        var c = baseConfig.Clone();
        c.Method = method;
        return c;
    }
}
