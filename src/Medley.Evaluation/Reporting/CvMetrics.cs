using System.Text.Json.Nodes;
using Medley.Evaluation.Statistics;

namespace Medley.Evaluation.Reporting;

/// <summary>One fold's test metrics, identified by repeat and fold (the pairing key of the paired t-test).</summary>
public sealed record FoldMetrics(int Repeat, int Fold, IReadOnlyDictionary<string, double> Test)
{
    /// <summary>Multi-label runs: per-label values by metric ("auroc" → label → value).</summary>
    public IReadOnlyDictionary<string, Dictionary<string, double>> PerLabel { get; init; } = new Dictionary<string, Dictionary<string, double>>();
}

/// <summary>cv_metrics.json: folds × repeats, per-fold test metrics and their summary.</summary>
public sealed class CvMetrics
{
    public int Folds { get; init; }
    public int Repeats { get; init; }
    public IReadOnlyList<FoldMetrics> Runs { get; init; } = [];
    public IReadOnlyDictionary<string, MetricSummary> Summary { get; init; } = new Dictionary<string, MetricSummary>();

    public static CvMetrics Read(string path)
    {
        var f = JsonFile.Read(path);
        var runs = ReadFolds(f, f.Array(f.Root, "runs", ""), "runs");
        return new CvMetrics
        {
            Folds = f.Root.ContainsKey("folds") ? f.Integer(f.Root["folds"], "folds") : runs.Select(r => r.Fold).Distinct().Count(),
            Repeats = f.Root.ContainsKey("repeats") ? f.Integer(f.Root["repeats"], "repeats") : Math.Max(1, runs.Select(r => r.Repeat).Distinct().Count()),
            Runs = runs,
            Summary = Summaries(f, f.Object(f.Root, "summary", ""), "summary.", runs),
        };
    }

    internal static List<FoldMetrics> ReadFolds(JsonFile f, JsonArray? array, string where)
    {
        var list = new List<FoldMetrics>();
        if (array is null) return list;
        for (var i = 0; i < array.Count; i++)
        {
            var o = array[i] as JsonObject ?? throw f.Error($"'{where}[{i}]' must be an object with repeat, fold and test.");
            var repeat = o.ContainsKey("repeat") ? f.Integer(o["repeat"], $"{where}[{i}].repeat") : 0;
            var fold = o.ContainsKey("fold") ? f.Integer(o["fold"], $"{where}[{i}].fold") : i;
            var (test, perLabel) = f.MetricMap(f.Object(o, "test", $"{where}[{i}]."), $"{where}[{i}].test.");
            list.Add(new FoldMetrics(repeat, fold, test) { PerLabel = perLabel });
        }
        return list;
    }

    /// <summary>The written summary where present; metrics it lacks are summarised from the per-fold values.</summary>
    internal static Dictionary<string, MetricSummary> Summaries(JsonFile f, JsonObject? summary, string where, IReadOnlyList<FoldMetrics> runs)
    {
        var result = new Dictionary<string, MetricSummary>();
        foreach (var name in runs.SelectMany(r => r.Test.Keys).Distinct())
        {
            var values = runs.Where(r => r.Test.ContainsKey(name)).Select(r => r.Test[name]).Where(double.IsFinite).ToList();
            if (values.Count == 0) continue;
            var s = FoldSummary.Of(values);
            result[name] = new MetricSummary(s.Mean, s.Std, s.CiLow, s.CiHigh, s.Count);
        }
        if (summary is null) return result;
        foreach (var (name, node) in summary)
        {
            var o = node as JsonObject ?? throw f.Error($"'{where}{name}' must be an object with mean, std and ci95.");
            var ci = f.Numbers(f.Array(o, "ci95", $"{where}{name}."), $"{where}{name}.ci95");
            if (ci.Length is not (0 or 2)) throw f.Error($"'{where}{name}.ci95' must be [low, high].");
            var count = result.TryGetValue(name, out var computed) ? computed.Count : runs.Count;
            result[name] = new MetricSummary(f.Number(o["mean"], $"{where}{name}.mean"),
                o.ContainsKey("std") ? f.Number(o["std"], $"{where}{name}.std") : double.NaN,
                ci.Length == 2 ? ci[0] : double.NaN, ci.Length == 2 ? ci[1] : double.NaN, count);
        }
        return result;
    }
}
