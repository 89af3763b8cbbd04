using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Medley.Data.Splits;
using Medley.Evaluation.Statistics;
using Medley.Models.Methods;

namespace Medley.Training.Experiments;

/// <summary>The swept quantity: test-time image noise, test-time lab masking, or SmartTrim's γ (retrained per value).</summary>
public enum SweepKind { Noise, LabMask, Gamma, Missing }

/// <summary>Settings of a sweep: the levels, the metric plotted, and the seed of the test-time corruption.</summary>
public sealed record SweepOptions(SweepKind Kind, IReadOnlyList<double> Levels)
{
    public string Metric { get; init; } = "accuracy";
    public int CorruptionSeed { get; init; }
    /// <summary>Missing sweep: the targets (modalities, "random"); null = every modality the model reads, then "random".</summary>
    public IReadOnlyList<string>? Targets { get; init; }
    /// <summary>Missing sweep: one curve per variant; null = with and without imputation where the method has use_imputation.</summary>
    public IReadOnlyList<ConfigVariant>? Variants { get; init; }

    public static IReadOnlyList<double> DefaultLevels(SweepKind kind) =>
        kind switch { SweepKind.Gamma => [0.1, 0.2, 0.3, 0.4, 0.5], SweepKind.Missing => MissingSweepRunner.DefaultRates, _ => [0, 0.1, 0.2, 0.3, 0.4] };

    /// <summary>The metric plotted by default: AUROC for the missing sweep (the paper's), accuracy otherwise.</summary>
    public static string DefaultMetric(SweepKind kind) => kind == SweepKind.Missing ? "auroc" : "accuracy";

    public static string Name(SweepKind kind) => kind switch { SweepKind.Noise => "noise", SweepKind.LabMask => "lab-mask", SweepKind.Missing => "missing", _ => "gamma" };

    public static SweepKind Parse(string name) => name switch
    {
        "noise" => SweepKind.Noise,
        "lab-mask" => SweepKind.LabMask,
        "gamma" => SweepKind.Gamma,
        "missing" => SweepKind.Missing,
        _ => throw new ArgumentException($"unknown sweep '{name}': use noise, lab-mask, gamma or missing."),
    };
}

/// <summary>
/// Robustness and sensitivity sweeps (METHODS.md §1.11) over k folds × repeats, written as sweep.json (the report's
/// format: per method a list of {value, metric, std} — mean and std over folds) plus every level's per-fold metrics.
/// noise / lab-mask train each fold once (an ordinary CV run: r{R}_f{K}/, cv_metrics.json) and evaluate that same
/// model on the fold's test part corrupted at every level; training and validation data are never corrupted.
/// gamma retrains the CV for each γ into gamma_&lt;γ&gt;/.
/// </summary>
public static class SweepRunner
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static JsonObject Run(string specPath, RunConfig config, string outDir, SplitFile splits, SweepOptions options,
        Func<string, TrainerHooks>? hooks = null)
    {
        if (options.Kind == SweepKind.Missing) return MissingSweepRunner.Run(specPath, config, outDir, splits, options, hooks);
        var method = config.Method ?? throw new ArgumentException("no method given: pass --method NAME.");
        Validate(options, method);
        if (File.Exists(Path.Combine(outDir, "sweep.json"))) throw new ArgumentException($"{outDir} already holds a sweep (sweep.json); choose another --out.");
        Directory.CreateDirectory(outDir);
        // level index → per-fold test metrics
        var perLevel = options.Levels.Select(_ => new JsonArray()).ToList();
        if (options.Kind == SweepKind.Gamma)
        {
            for (var i = 0; i < options.Levels.Count; i++)
            {
                var c = config.Clone();
                c.Model["gamma"] = options.Levels[i].ToString("R", CultureInfo.InvariantCulture);
                var cv = CrossValidation.Run(specPath, c, Path.Combine(outDir, "gamma_" + Format(options.Levels[i])), splits,
                    hooks == null ? null : title => hooks($"{title} γ={Format(options.Levels[i])}"));
                foreach (var run in (JsonArray)cv["runs"]!) perLevel[i].Add(run!.DeepClone());
            }
            AtomicFile.Write(Path.Combine(outDir, "split.json"), tmp => splits.Save(tmp));
        }
        else
        {
            var kind = options.Kind == SweepKind.Noise ? CorruptionKind.ImageNoise : CorruptionKind.LabMask;
            CrossValidation.Run(specPath, config, outDir, splits, hooks, (repeat, fold, trained) =>
            {
                var levels = new JsonArray();
                for (var i = 0; i < options.Levels.Count; i++)
                {
                    var test = Evaluate(trained, new TestCorruption(kind, options.Levels[i], options.CorruptionSeed));
                    perLevel[i].Add(new JsonObject { ["repeat"] = repeat, ["fold"] = fold, ["test"] = test });
                    levels.Add(new JsonObject { ["value"] = options.Levels[i], ["test"] = test.DeepClone() });
                }
                AtomicFile.WriteAllText(Path.Combine(RunDirOf(outDir, repeat, fold), "robustness.json"),
                    new JsonObject { ["kind"] = SweepOptions.Name(options.Kind), ["corruption_seed"] = options.CorruptionSeed, ["levels"] = levels }.ToJsonString(Indented));
            });
        }

        var points = new JsonArray();
        var details = new JsonArray();
        for (var i = 0; i < options.Levels.Count; i++)
        {
            var values = perLevel[i].Select(r => r!["test"]![options.Metric] is JsonValue v && v.TryGetValue<double>(out var d) ? d : double.NaN).ToList();
            if (values.Any(double.IsNaN))
                throw new ArgumentException($"metric '{options.Metric}' is missing from the test metrics at level {Format(options.Levels[i])} (known: {string.Join(", ", ((JsonObject)perLevel[i][0]!["test"]!).Select(kv => kv.Key))}).");
            var s = FoldSummary.Of(values);
            var point = new JsonObject { ["value"] = options.Levels[i], ["metric"] = s.Mean };
            if (double.IsFinite(s.Std)) point["std"] = s.Std;
            if (double.IsFinite(s.CiLow) && double.IsFinite(s.CiHigh)) point["ci95"] = new JsonArray(s.CiLow, s.CiHigh);
            points.Add(point);
            details.Add(new JsonObject { ["value"] = options.Levels[i], ["runs"] = perLevel[i] });
        }
        var sweep = new JsonObject
        {
            ["kind"] = SweepOptions.Name(options.Kind),
            ["metric"] = options.Metric,
            ["values"] = new JsonArray(options.Levels.Select(v => (JsonNode?)v).ToArray()),
            ["folds"] = splits.Folds,
            ["repeats"] = splits.Repeats,
            ["results"] = new JsonObject { [method] = points },
            ["levels"] = details,
        };
        if (options.Kind != SweepKind.Gamma) sweep["corruption_seed"] = options.CorruptionSeed;
        AtomicFile.WriteAllText(Path.Combine(outDir, "sweep.json"), sweep.ToJsonString(Indented));
        return sweep;
    }

    private static string RunDirOf(string outDir, int repeat, int fold) => Path.Combine(outDir, $"r{repeat}_f{fold}");

    /// <summary>All test metrics of the trained model on its test part with the given corruption.</summary>
    public static JsonObject Evaluate(TrainedRun trained, TestCorruption corruption)
    {
        var p = trained.Prepared;
        var source = corruption.Apply(TrainRun.Source(p, trained.TestRows, train: false), p.Inputs, p.Dataset);
        var predictions = Predictor.Run(trained.Model, p.Inputs, p.Task, p.Classes, source);
        return (JsonObject)RunEvaluation.MetricsJson(predictions, p.Method, p.Evaluation.CalibrationBins)["test"]!.DeepClone();
    }

    private static void Validate(SweepOptions options, string method)
    {
        if (options.Levels.Count == 0) throw new ArgumentException("--levels needs at least one value.");
        if (options.Levels.Distinct().Count() != options.Levels.Count) throw new ArgumentException("--levels has repeated values.");
        if (options.Kind == SweepKind.Gamma)
        {
            if (!MethodRegistry.Get(method).ConfigKeys.Contains("gamma"))
                throw new ArgumentException($"the gamma sweep retrains with SmartTrim's γ, but method '{method}' has no 'gamma' key (use cmap-fusion).");
            if (options.Levels.Any(v => !double.IsFinite(v))) throw new ArgumentException("γ values must be finite numbers.");
        }
        else if (options.Levels.Any(v => v < 0 || v > 1))
            throw new ArgumentException($"{SweepOptions.Name(options.Kind)} levels are fractions in [0, 1] (e.g. 0,0.1,0.2,0.3,0.4); got {string.Join(",", options.Levels.Select(Format))}.");
    }

    private static string Format(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}
