using System.Text.Json.Nodes;

namespace Medley.Evaluation.Reporting;

/// <summary>A paired t-test of one method against the reference method on one metric.</summary>
public sealed record PairedResult(double T, double Df, double P);

/// <summary>One method (or ablation variant) of comparison.json.</summary>
public sealed class MethodResult
{
    public required string Name { get; init; }
    /// <summary>Ablation switches (e.g. vit/smarttrim/cmt → on/off); empty for a plain comparison.</summary>
    public IReadOnlyDictionary<string, bool> Modules { get; init; } = new Dictionary<string, bool>();
    public IReadOnlyList<FoldMetrics> Runs { get; init; } = [];
    public IReadOnlyDictionary<string, MetricSummary> Summary { get; init; } = new Dictionary<string, MetricSummary>();
    public IReadOnlyDictionary<string, double> Efficiency { get; init; } = new Dictionary<string, double>();
    /// <summary>Paired t-tests against the reference as written in the file (used when the per-fold values are absent).</summary>
    public IReadOnlyDictionary<string, PairedResult> WrittenTests { get; init; } = new Dictionary<string, PairedResult>();
}

/// <summary>
/// comparison.json (cv --compare, ablate, compare): {"kind": "compare"|"ablation", "reference": name?,
/// "methods": [{"name", "modules"?, "runs": [{repeat, fold, test}], "summary"?, "efficiency"?, "ttest"?}]}.
/// "methods" may also be an object keyed by method name. The reference defaults to the first method.
/// </summary>
public sealed class Comparison
{
    public string Kind { get; init; } = "compare";
    public required string Reference { get; init; }
    public IReadOnlyList<MethodResult> Methods { get; init; } = [];

    public static Comparison Read(string path)
    {
        var f = JsonFile.Read(path);
        var entries = new List<(string? Name, JsonObject Body, string Where)>();
        switch (f.Root["methods"])
        {
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                    entries.Add((null, a[i] as JsonObject ?? throw f.Error($"'methods[{i}]' must be an object."), $"methods[{i}]."));
                break;
            case JsonObject o:
                foreach (var (k, v) in o) entries.Add((k, v as JsonObject ?? throw f.Error($"'methods.{k}' must be an object."), $"methods.{k}."));
                break;
            case null: throw f.Error("'methods' is missing (one entry per compared method).");
            default: throw f.Error("'methods' must be an array or an object.");
        }
        if (entries.Count == 0) throw f.Error("'methods' is empty.");

        var methods = new List<MethodResult>();
        foreach (var (key, body, where) in entries)
        {
            var name = key ?? f.String(body, "name", where) ?? throw f.Error($"'{where}name' is missing.");
            var runs = CvMetrics.ReadFolds(f, f.Array(body, "runs", where) ?? f.Array(body, "folds", where), where + "runs");
            var modules = new Dictionary<string, bool>();
            if (f.Object(body, "modules", where) is { } mods)
                foreach (var (m, v) in mods)
                    modules[m] = v is JsonValue jv && jv.TryGetValue<bool>(out var on) ? on : throw f.Error($"'{where}modules.{m}' must be true or false.");
            var tests = new Dictionary<string, PairedResult>();
            if ((f.Object(body, "ttest", where) ?? f.Object(body, "paired_ttest", where)) is { } tt)
                foreach (var (metric, v) in tt)
                {
                    var o = v as JsonObject ?? throw f.Error($"'{where}ttest.{metric}' must be an object with t, df and p.");
                    tests[metric] = new PairedResult(o.ContainsKey("t") ? f.Number(o["t"], $"{where}ttest.{metric}.t") : double.NaN,
                        o.ContainsKey("df") ? f.Number(o["df"], $"{where}ttest.{metric}.df") : double.NaN,
                        f.Number(o["p"], $"{where}ttest.{metric}.p"));
                }
            methods.Add(new MethodResult
            {
                Name = name, Modules = modules, Runs = runs,
                Summary = CvMetrics.Summaries(f, f.Object(body, "summary", where), where + "summary.", runs),
                Efficiency = f.NumberMap(f.Object(body, "efficiency", where), where + "efficiency."),
                WrittenTests = tests,
            });
        }
        var reference = f.String(f.Root, "reference", "") ?? methods[0].Name;
        if (methods.All(m => m.Name != reference)) throw f.Error($"'reference' names '{reference}', which is not among the methods.");
        return new Comparison { Kind = f.String(f.Root, "kind", "") ?? "compare", Reference = reference, Methods = methods };
    }
}
