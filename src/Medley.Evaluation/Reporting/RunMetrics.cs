using System.Text.Json.Nodes;

namespace Medley.Evaluation.Reporting;

/// <summary>A mean ± std [95% CI] over folds as written in cv_metrics.json / comparison.json summaries.</summary>
public sealed record MetricSummary(double Mean, double Std, double CiLow, double CiHigh, int Count);

/// <summary>The contents of a single run's metrics.json (docs/runs.md); absent keys are empty or null.</summary>
public sealed class RunMetrics
{
    public string? Method { get; init; }
    public string? Task { get; init; }
    public IReadOnlyList<string> Classes { get; init; } = [];
    public IReadOnlyDictionary<string, double> Test { get; init; } = new Dictionary<string, double>();
    /// <summary>Multi-label runs: per-label test values by metric ("auroc" → label → value).</summary>
    public IReadOnlyDictionary<string, Dictionary<string, double>> PerLabel { get; init; } = new Dictionary<string, Dictionary<string, double>>();
    public (int Epoch, string Metric, double Value)? ValBest { get; init; }
    /// <summary>"efficiency" and any "efficiency_&lt;variant&gt;" object (e.g. efficiency_pruned), keyed by variant ("" for the plain one).</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Efficiency { get; init; } = new Dictionary<string, IReadOnlyDictionary<string, double>>();
    public IReadOnlyDictionary<string, double> Features { get; init; } = new Dictionary<string, double>();
    public IReadOnlyDictionary<string, (double[] Fpr, double[] Tpr)> Roc { get; init; } = new Dictionary<string, (double[], double[])>();
    public (IReadOnlyList<string> Labels, long[,] Counts)? Confusion { get; init; }

    public static RunMetrics Read(string path)
    {
        var f = JsonFile.Read(path);
        var r = f.Root;
        var classes = f.Array(r, "classes", "")?.Select((n, i) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s
            : throw f.Error($"'classes[{i}]' must be a string.")).ToList() ?? [];

        (int, string, double)? valBest = null;
        if (f.Object(r, "val_best", "") is { } vb)
            valBest = (vb.ContainsKey("epoch") ? f.Integer(vb["epoch"], "val_best.epoch") : 0,
                f.String(vb, "metric", "val_best.") ?? "", f.Number(vb["value"], "val_best.value"));

        var efficiency = new Dictionary<string, IReadOnlyDictionary<string, double>>();
        foreach (var (key, _) in r)
            if (key == "efficiency" || key.StartsWith("efficiency_", StringComparison.Ordinal))
                efficiency[key == "efficiency" ? "" : key["efficiency_".Length..]] = f.NumberMap(f.Object(r, key, ""), key + ".");

        var roc = new Dictionary<string, (double[], double[])>();
        if (f.Object(r, "roc", "") is { } rocObj)
            foreach (var (cls, node) in rocObj)
            {
                var o = node as JsonObject ?? throw f.Error($"'roc.{cls}' must be an object with fpr and tpr.");
                var fpr = f.Numbers(f.Array(o, "fpr", $"roc.{cls}."), $"roc.{cls}.fpr");
                var tpr = f.Numbers(f.Array(o, "tpr", $"roc.{cls}."), $"roc.{cls}.tpr");
                if (fpr.Length != tpr.Length) throw f.Error($"'roc.{cls}' has {fpr.Length} fpr but {tpr.Length} tpr values.");
                roc[cls] = (fpr, tpr);
            }

        (IReadOnlyList<string>, long[,])? confusion = null;
        if (f.Object(r, "confusion_matrix", "") is { } cm)
        {
            var labels = f.Array(cm, "labels", "confusion_matrix.")?.Select(n => n?.ToString() ?? "").ToList() ?? [];
            var rows = f.Array(cm, "counts", "confusion_matrix.") ?? throw f.Error("'confusion_matrix.counts' is missing.");
            var k = rows.Count;
            if (labels.Count != k) throw f.Error($"'confusion_matrix' has {labels.Count} labels but {k} rows of counts.");
            var counts = new long[k, k];
            for (var i = 0; i < k; i++)
            {
                var row = rows[i] as JsonArray ?? throw f.Error($"'confusion_matrix.counts[{i}]' must be an array.");
                if (row.Count != k) throw f.Error($"'confusion_matrix.counts[{i}]' has {row.Count} entries, expected {k}.");
                for (var j = 0; j < k; j++) counts[i, j] = f.Integer(row[j], $"confusion_matrix.counts[{i}][{j}]");
            }
            confusion = (labels, counts);
        }

        var (test, perLabel) = f.MetricMap(f.Object(r, "test", ""), "test.");
        return new RunMetrics
        {
            Method = f.String(r, "method", ""),
            Task = f.String(r, "task", ""),
            Classes = classes,
            Test = test,
            PerLabel = perLabel,
            ValBest = valBest,
            Efficiency = efficiency,
            Features = f.NumberMap(f.Object(r, "features", ""), "features."),
            Roc = roc,
            Confusion = confusion,
        };
    }
}
