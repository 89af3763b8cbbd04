using System.Text.Json.Nodes;

namespace Medley.Evaluation.Reporting;

/// <summary>One cell of compare.json: a method on a modality combination, its metric mean and std over folds.</summary>
public sealed record ModalityCell(string Method, string Combination, double Mean, double Std);

/// <summary>One column: its best method, whether it beats every other (*), and each other method's p-value against it.</summary>
public sealed record ModalityColumn(string Combination, string? Best, bool Star, IReadOnlyDictionary<string, double> PValues);

/// <summary>A row of the uni-modal vs concatenation view (Table 2).</summary>
public sealed record UnimodalRow(string Combination, string Baseline, double Concat, IReadOnlyDictionary<string, double> Unimodal, string? BestUnimodal, bool Lazy);

/// <summary>compare.json of `medley compare` (kind "modality-compare"): methods × modality combinations with per-column paired t-tests.</summary>
public sealed class ModalityCompare
{
    public required string Metric { get; init; }
    public IReadOnlyList<string> Methods { get; init; } = [];
    public IReadOnlyList<string> Combinations { get; init; } = [];
    public IReadOnlyList<ModalityCell> Cells { get; init; } = [];
    public IReadOnlyList<ModalityColumn> Columns { get; init; } = [];
    public IReadOnlyList<UnimodalRow> UnimodalVsConcat { get; init; } = [];
    public double Alpha { get; init; } = 0.05;

    public static ModalityCompare Read(string path)
    {
        var f = JsonFile.Read(path);
        var metric = f.String(f.Root, "metric", "") ?? throw f.Error("'metric' is missing.");
        List<string> Strings(string key) => (f.Array(f.Root, key, "") ?? throw f.Error($"'{key}' is missing.")).Select(n => n!.GetValue<string>()).ToList();
        var cells = new List<ModalityCell>();
        foreach (var c in f.Array(f.Root, "cells", "") ?? throw f.Error("'cells' is missing."))
        {
            var s = c!["summary"]?[metric];
            cells.Add(new ModalityCell(c["method"]!.GetValue<string>(), c["name"]!.GetValue<string>(),
                s?["mean"] is JsonValue m ? m.GetValue<double>() : double.NaN, s?["std"] is JsonValue sd ? sd.GetValue<double>() : double.NaN));
        }
        var columns = new List<ModalityColumn>();
        foreach (var c in f.Array(f.Root, "columns", "") ?? [])
        {
            var p = new Dictionary<string, double>();
            if (c!["tests"] is JsonObject tests)
                foreach (var (k, t) in tests) p[k] = t?["p"] is JsonValue pv ? pv.GetValue<double>() : double.NaN;
            columns.Add(new ModalityColumn(c["name"]!.GetValue<string>(), c["best"]?.GetValue<string>(), c["star"]?.GetValue<bool>() ?? false, p));
        }
        var rows = new List<UnimodalRow>();
        foreach (var r in f.Array(f.Root, "unimodal_vs_concat", "") ?? [])
            rows.Add(new UnimodalRow(r!["combination"]!.GetValue<string>(), r["baseline"]!.GetValue<string>(), r["concat"]!.GetValue<double>(),
                ((JsonObject)r["unimodal"]!).ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<double>()),
                r["best_unimodal"]?.GetValue<string>(), r["lazy"]?.GetValue<bool>() ?? false));
        return new ModalityCompare
        {
            Metric = metric, Methods = Strings("methods"), Combinations = Strings("combinations"), Cells = cells, Columns = columns, UnimodalVsConcat = rows,
            Alpha = f.Root["alpha"] is JsonValue a ? a.GetValue<double>() : 0.05,
        };
    }
}
