using System.Text.Json;
using System.Text.Json.Nodes;
using Medley.Evaluation.Statistics;

namespace Medley.Training.Experiments;

/// <summary>One compared method (or ablation variant): its CV result (cv_metrics.json) and where its fold runs are.</summary>
public sealed record ComparedMethod(string Name, JsonObject Cv, string RunRoot)
{
    /// <summary>Ablation switches (vit, smarttrim, cmt → on/off); null for a plain comparison.</summary>
    public IReadOnlyDictionary<string, bool>? Modules { get; init; }
    /// <summary>Model keys of a shared config file this method does not have and so did not use.</summary>
    public IReadOnlyList<string> IgnoredKeys { get; init; } = [];
}

/// <summary>
/// comparison.json as Medley.Evaluation.Reporting.Comparison reads it: {"kind": "compare"|"ablation", "reference",
/// "folds", "repeats", "methods": [{"name", "modules"?, "runs": [{repeat, fold, run, test}], "summary",
/// "efficiency"?, "ttest"?: {metric: {t, df, p, mean_difference}}}]}. The first method is the reference; every other
/// method gets a paired t-test per metric over the (repeat, fold) pairs both have.
/// </summary>
public static class ComparisonFile
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static JsonObject Build(string kind, IReadOnlyList<ComparedMethod> methods, int? folds, int? repeats)
    {
        if (methods.Count == 0) throw new ArgumentException("a comparison needs at least one method.");
        var reference = methods[0];
        var list = new JsonArray();
        foreach (var m in methods)
        {
            var entry = new JsonObject { ["name"] = m.Name };
            if (m.Modules != null) entry["modules"] = new JsonObject(m.Modules.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
            entry["runs"] = m.Cv["runs"]!.DeepClone();
            entry["summary"] = Summary((JsonObject)m.Cv["summary"]!);
            if (Efficiency(m) is { Count: > 0 } eff) entry["efficiency"] = eff;
            if (m.IgnoredKeys.Count > 0) entry["ignored_keys"] = new JsonArray(m.IgnoredKeys.Select(k => (JsonNode?)k).ToArray());
            if (!ReferenceEquals(m, reference)) entry["ttest"] = TTests(m.Cv, reference.Cv);
            list.Add(entry);
        }
        return new JsonObject
        {
            ["kind"] = kind,
            ["reference"] = reference.Name,
            ["folds"] = folds,
            ["repeats"] = repeats,
            ["methods"] = list,
        };
    }

    public static void Write(string path, JsonObject comparison) => AtomicFile.WriteAllText(path, comparison.ToJsonString(Indented));

    /// <summary>The summary with only finite numbers (std and ci95 are left out when one fold makes them undefined).</summary>
    private static JsonObject Summary(JsonObject summary)
    {
        var result = new JsonObject();
        foreach (var (metric, node) in summary)
        {
            var s = new JsonObject { ["mean"] = node!["mean"]!.DeepClone() };
            if (node["std"] is JsonValue std) s["std"] = std.DeepClone();
            if (node["ci95"] is JsonArray { Count: 2 } ci && ci.All(v => v is JsonValue)) s["ci95"] = ci.DeepClone();
            result[metric] = s;
        }
        return result;
    }

    /// <summary>Mean over the method's folds of each metrics.json efficiency figure (params and FLOPs are the same in every fold).</summary>
    private static JsonObject Efficiency(ComparedMethod m)
    {
        var sums = new Dictionary<string, List<double>>();
        foreach (var run in (JsonArray)m.Cv["runs"]!)
        {
            var path = Path.Combine(m.RunRoot, run!["run"]?.GetValue<string>() ?? $"r{run["repeat"]}_f{run["fold"]}", "metrics.json");
            if (!File.Exists(path)) continue;
            if (JsonNode.Parse(File.ReadAllText(path))?["efficiency"] is not JsonObject eff) continue;
            foreach (var (k, v) in eff)
                if (v is JsonValue jv && jv.TryGetValue<double>(out var d))
                    (sums.TryGetValue(k, out var l) ? l : sums[k] = new List<double>()).Add(d);
        }
        var result = new JsonObject();
        foreach (var (k, values) in sums) result[k] = values.Average();
        return result;
    }

    /// <summary>Paired t-tests of a method against the reference, per metric both report for every shared fold.</summary>
    private static JsonObject TTests(JsonObject cv, JsonObject reference)
    {
        var tests = new JsonObject();
        var a = ByFold(cv);
        var b = ByFold(reference);
        var keys = a.Keys.Where(b.ContainsKey).OrderBy(k => k).ToList();
        if (keys.Count < 2) return tests;
        var metrics = a[keys[0]].Keys.Where(metric => keys.All(k => a[k].ContainsKey(metric) && b[k].ContainsKey(metric)));
        foreach (var metric in metrics)
        {
            var x = keys.Select(k => a[k][metric]).ToList();
            var y = keys.Select(k => b[k][metric]).ToList();
            var t = PairedTests.TTest(x, y);
            if (!double.IsFinite(t.PValue)) continue; // identical folds: no test, not a fake p
            tests[metric] = new JsonObject
            {
                ["t"] = t.Statistic,
                ["df"] = t.DegreesOfFreedom,
                ["p"] = t.PValue,
                ["mean_difference"] = x.Zip(y, (p, q) => p - q).Average(),
            };
        }
        return tests;
    }

    private static Dictionary<(int, int), Dictionary<string, double>> ByFold(JsonObject cv)
    {
        var result = new Dictionary<(int, int), Dictionary<string, double>>();
        foreach (var run in (JsonArray)cv["runs"]!)
        {
            var values = new Dictionary<string, double>();
            foreach (var (k, v) in (JsonObject)run!["test"]!)
                if (v is JsonValue jv && jv.TryGetValue<double>(out var d) && double.IsFinite(d)) values[k] = d;
            result[(run["repeat"]!.GetValue<int>(), run["fold"]!.GetValue<int>())] = values;
        }
        return result;
    }
}
