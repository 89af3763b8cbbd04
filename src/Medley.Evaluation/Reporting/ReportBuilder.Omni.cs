using System.Globalization;
using Medley.Evaluation.Features;
using Medley.Evaluation.Plots;

namespace Medley.Evaluation.Reporting;

internal sealed partial class ReportBuilder
{
    /// <summary>Methods × modality combinations (Table 3) with the column stars and p-values, and uni-modal vs concatenation (Table 2), from compare.json.</summary>
    private void ModalityComparison()
    {
        if (run.ModalityCompare is not { } cmp) return; // only `medley compare` writes it; no note elsewhere
        _report.Section("Methods × modality combinations");
        var label = MetricNames.Label(cmp.Metric);
        var cells = cmp.Cells.ToDictionary(c => (c.Method, c.Combination));
        var columns = cmp.Columns.ToDictionary(c => c.Combination);
        _report.Table(["Method", .. cmp.Combinations],
            cmp.Methods.Select(m => (IReadOnlyList<string>)[m, .. cmp.Combinations.Select(c =>
                cells.TryGetValue((m, c), out var cell) && double.IsFinite(cell.Mean)
                    ? MetricNames.F(cell.Mean) + (double.IsFinite(cell.Std) ? " ± " + MetricNames.F(cell.Std) : "")
                      + (columns.TryGetValue(c, out var col) && col.Best == m ? (col.Star ? " *" : " (best)") : "")
                    : "–")]),
            $"Test {label} mean ± std over the same folds, per method and modality combination; * = the column's best method beats every other method of the column by a paired t-test (p < {MetricNames.F(cmp.Alpha, 2)}); (best) = best without that evidence.");
        var tested = cmp.Columns.Where(c => c.Best != null && c.PValues.Count > 0).ToList();
        if (tested.Count > 0)
            _report.Table(["Combination", "Best", .. cmp.Methods.Select(m => "p vs " + m)],
                tested.Select(c => (IReadOnlyList<string>)[c.Combination, c.Best! + (c.Star ? " *" : ""),
                    .. cmp.Methods.Select(m => m == c.Best ? "—" : c.PValues.TryGetValue(m, out var p) ? (double.IsFinite(p) ? FormatP(p) : "undefined") : "–")]),
                "Paired t-tests (two-sided) of each column's best method against every other method over matched folds.");

        var chart = new BarChart(cmp.Combinations.ToList()) { Title = $"{label} by modality combination", YLabel = label, Width = 860, Height = 360 };
        foreach (var m in cmp.Methods)
            chart.Add(new BarSeries(m, cmp.Combinations.Select(c => cells.TryGetValue((m, c), out var cell) ? cell.Mean : double.NaN).ToArray(),
                cmp.Combinations.Select(c => cells.TryGetValue((m, c), out var cell) && double.IsFinite(cell.Std) ? cell.Std : 0).ToArray()));
        Figure(chart, "modality-compare-bars", $"{label} mean ± std over folds for every method (bars) and modality combination (groups).");

        if (cmp.UnimodalVsConcat.Count == 0)
        {
            Note("compare.json has no uni-modal vs concatenation view (run the 'concat' baseline, or name another with --baseline).");
            return;
        }
        var modalities = cmp.UnimodalVsConcat.SelectMany(r => r.Unimodal.Keys).Distinct().ToList();
        _report.Table(["Combination", .. modalities.Select(m => m + " alone"), "Concatenated", "Best single", "Laziness"],
            cmp.UnimodalVsConcat.Select(r => (IReadOnlyList<string>)[r.Combination,
                .. modalities.Select(m => r.Unimodal.TryGetValue(m, out var v) ? MetricNames.F(v) : "–"),
                MetricNames.F(r.Concat), r.BestUnimodal ?? "–", r.Lazy ? "yes: concatenation < best single modality" : "no"]),
            $"Uni-modal vs concatenated multi-modal {label} ({cmp.UnimodalVsConcat[0].Baseline} on one modality vs on the combination; the paper's Table 2, 'modality laziness').");
    }

    private static string FormatP(double p) => p < 1e-4 ? "< 0.0001" : p.ToString("F4", CultureInfo.InvariantCulture) + (p < 0.05 ? " *" : "");

    /// <summary>Imputation similarity (imputed vs true embeddings) per epoch, from log.csv's imputation_cosine.</summary>
    private void ImputationSimilarity()
    {
        var logs = SingleRuns.Where(r => r.Log?["imputation_cosine"] != null).Select(r => (r.Name, Log: r.Log!)).ToList();
        if (logs.Count == 0) return; // only imputing methods log it
        _report.Section("Imputation similarity");
        var chart = new LineChart { Title = "Imputed vs true embeddings", XLabel = "Epoch", YLabel = "Mean cosine similarity", Width = 620, Height = 360 };
        if (logs.Count == 1) chart.Add(new LineSeries("imputation cosine", logs[0].Log.Epochs, logs[0].Log["imputation_cosine"]!) { Markers = logs[0].Log.Epochs.Length <= 30 });
        else if (MeanBand(logs.Select(l => (l.Log.Epochs, l.Log["imputation_cosine"])).ToList()) is { } band)
            chart.Add(new LineSeries("imputation cosine (mean ± std over folds)", band.X, band.Mean, band.Lower, band.Upper));
        var auroc = logs.Count == 1 ? logs[0].Log["val_auroc"] : null;
        if (auroc != null) chart.Add(new LineSeries("validation AUROC", logs[0].Log.Epochs, auroc));
        Figure(chart, "imputation-similarity", "Mean cosine similarity between imputed and true modality embeddings per epoch (log.csv imputation_cosine)" +
            (auroc != null ? ", with the validation AUROC." : logs.Count > 1 ? $" over {logs.Count} folds." : "."));
        if (logs[0].Log["tla_lazy"] is { } lazy && logs.Count == 1)
            _report.Paragraph("TLA's lazy combination per epoch (log.csv tla_lazy): " +
                string.Join(", ", lazy.Select((v, i) => $"{logs[0].Log.Epochs[i].ToString(CultureInfo.InvariantCulture)}: {v.ToString(CultureInfo.InvariantCulture)}")) + ".");
    }

    /// <summary>t-SNE of original vs imputed embeddings per modality (imputation.safetensors), coloured original/imputed.</summary>
    private void ImputationTsne()
    {
        if (run.AnyImputation is not { } f) return;
        var modalities = f.Keys.Where(k => k.EndsWith(".original", StringComparison.Ordinal)).Select(k => k[..^".original".Length])
            .Where(m => f.ContainsKey(m + ".imputed")).OrderBy(m => m, StringComparer.Ordinal).ToList();
        var charts = new List<(Chart, string)>();
        foreach (var m in modalities)
        {
            var (o, i) = (f[m + ".original"], f[m + ".imputed"]);
            if (o.Rows != i.Rows || o.Columns != i.Columns || o.Rows < 4)
            {
                Note($"imputation.safetensors: {m} has {o.Rows} original and {i.Rows} imputed rows; a t-SNE needs at least 4 of each, same shape.");
                continue;
            }
            var rows = Subsample(o.Rows, options.MaxTSneSamples);
            var n = rows.Length;
            var xy = JointTsne(o, i, rows);
            var chart = new ScatterChart { Title = $"{m}: original vs imputed", HideTicks = true, PointRadius = 2.8, Width = 460, Height = 400, XLabel = "t-SNE 1", YLabel = "t-SNE 2" };
            for (var r = 0; r < 2 * n; r++) chart.Add(xy[r, 0], xy[r, 1], r < n ? m : m + "-imputed");
            charts.Add((chart, "imputation-tsne-" + Slug(m)));
        }
        if (charts.Count == 0) return;
        _report.Section("Original vs imputed embeddings");
        FigureRow(charts, "t-SNE of each modality's original test embeddings (V, all modalities given) and its imputed embeddings (V_imputed, " +
            $"the modality dropped and imputed from the others), embedded jointly per modality (seed {options.TSneSeed}).");
    }
}
