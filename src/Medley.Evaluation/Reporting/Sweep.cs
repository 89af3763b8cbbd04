using System.Text.Json.Nodes;

namespace Medley.Evaluation.Reporting;

/// <summary>One point of a sweep: the swept value, the metric's mean and its std over folds (NaN if unknown).</summary>
public sealed record SweepPoint(double Value, double Metric, double Std);

/// <summary>sweep.json: {"kind": "noise"|"lab-mask"|"missing"|"gamma", "metric"?: name, "values": [...], "results": {method: [{value, metric, std}]}}.</summary>
public sealed class Sweep
{
    public required string Kind { get; init; }
    public string? Metric { get; init; }
    /// <summary>The missing sweep's target: the removed modality, or "random" (one per sample); null for other sweeps.</summary>
    public string? Target { get; init; }
    public IReadOnlyList<double> Values { get; init; } = [];
    public IReadOnlyList<(string Method, IReadOnlyList<SweepPoint> Points)> Results { get; init; } = [];

    public static Sweep Read(string path)
    {
        var f = JsonFile.Read(path);
        var kind = f.String(f.Root, "kind", "") ?? throw f.Error("'kind' is missing (noise, lab-mask, missing or gamma).");
        var results = f.Object(f.Root, "results", "") ?? throw f.Error("'results' is missing (per method a list of {value, metric, std}).");
        var list = new List<(string, IReadOnlyList<SweepPoint>)>();
        foreach (var (method, node) in results)
        {
            var arr = node as JsonArray ?? throw f.Error($"'results.{method}' must be an array of {{value, metric, std}}.");
            var points = new List<SweepPoint>();
            for (var i = 0; i < arr.Count; i++)
            {
                var o = arr[i] as JsonObject ?? throw f.Error($"'results.{method}[{i}]' must be an object.");
                var w = $"results.{method}[{i}].";
                if (!o.ContainsKey("value") || !o.ContainsKey("metric")) throw f.Error($"'{w}' needs 'value' and 'metric'.");
                points.Add(new SweepPoint(f.Number(o["value"], w + "value"), f.Number(o["metric"], w + "metric"),
                    o.ContainsKey("std") ? f.Number(o["std"], w + "std") : double.NaN));
            }
            list.Add((method, points.OrderBy(p => p.Value).ToList()));
        }
        var metric = f.Root["metric"] is JsonValue mv && mv.TryGetValue<string>(out var m) ? m : f.String(f.Root, "metric_name", "");
        return new Sweep { Kind = kind, Metric = metric, Target = f.String(f.Root, "target", ""), Values = f.Numbers(f.Array(f.Root, "values", ""), "values"), Results = list };
    }
}
