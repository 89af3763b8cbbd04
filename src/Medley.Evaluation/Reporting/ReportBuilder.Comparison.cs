using System.Globalization;
using Medley.Evaluation.Plots;
using Medley.Evaluation.Statistics;

namespace Medley.Evaluation.Reporting;

internal sealed partial class ReportBuilder
{
    /// <summary>Method comparison (with paired t-tests against the reference) or the ablation table, from comparison.json.</summary>
    private void MethodTables()
    {
        if (run.Comparison is not { } cmp)
        {
            Note("No comparison.json: the method comparison / ablation tables and the accuracy-vs-FLOPs plot are omitted.");
            return;
        }
        var ablation = cmp.Kind == "ablation";
        _report.Section(ablation ? "Ablation" : "Method comparison");
        var metrics = MetricNames.Order(cmp.Methods.SelectMany(m => m.Summary.Keys));
        var reference = cmp.Methods.First(m => m.Name == cmp.Reference);
        var tests = cmp.Methods.ToDictionary(m => m.Name, m => metrics.ToDictionary(k => k, k => m.Name == reference.Name ? null : Test(m, reference, k)));
        // Ablation switches keep the order in which the file lists them.
        var modules = cmp.Methods.SelectMany(m => m.Modules.Keys).Distinct().ToList();

        // Metric cells are wide (mean ± std [CI]); a few per table keeps it inside the page.
        var perTable = modules.Count > 0 ? 3 : 4;
        for (var start = 0; start < Math.Max(1, metrics.Count); start += perTable)
        {
            var chunk = metrics.Skip(start).Take(perTable).ToList();
            var first = start == 0;
            var headers = new List<string> { ablation ? "Variant" : "Method" };
            if (first) headers.AddRange(modules.Select(ModuleLabel));
            headers.AddRange(chunk.Select(MetricNames.Label));
            headers.Add("Folds");
            var rows = cmp.Methods.Select(m =>
            {
                var row = new List<string> { m.Name + (m.Name == reference.Name ? " (reference)" : "") };
                if (first) row.AddRange(modules.Select(k => m.Modules.TryGetValue(k, out var on) ? (on ? "✓" : "✗") : "–"));
                row.AddRange(chunk.Select(k => m.Summary.TryGetValue(k, out var s) ? MetricNames.Format(s) + (tests[m.Name][k] is { P: < 0.05 } ? " *" : "") : "–"));
                row.Add(m.Summary.Count == 0 ? "–" : m.Summary.Values.Max(s => s.Count).ToString(CultureInfo.InvariantCulture));
                return (IReadOnlyList<string>)row;
            });
            _report.Table(headers, rows, first
                ? (ablation ? "Ablation: module combinations" : "Methods") + $", test metrics mean ± std [95% CI] over the same folds; * = differs from {reference.Name} by a paired t-test, p < 0.05."
                : "(continued)");
        }

        var others = cmp.Methods.Where(m => m.Name != reference.Name).ToList();
        if (others.Count > 0)
            _report.Table([$"vs {reference.Name}", .. metrics.Select(MetricNames.Label)],
                others.Select(m => (IReadOnlyList<string>)[m.Name, .. metrics.Select(k => FormatTest(tests[m.Name][k]))]),
                "Paired t-tests against the reference over matched folds: t (df), two-sided p; * for p < 0.05.");

        var main = MetricNames.Main(metrics);
        if (main != null && cmp.Methods.Count > 1)
        {
            var bars = new BarChart(cmp.Methods.Select(m => m.Name).ToList()) { Title = $"{MetricNames.Label(main)} by {(ablation ? "variant" : "method")}", YLabel = MetricNames.Label(main), Width = 760, Height = 340 };
            bars.Add(new BarSeries(MetricNames.Label(main),
                cmp.Methods.Select(m => m.Summary.TryGetValue(main, out var s) ? s.Mean : double.NaN).ToArray(),
                cmp.Methods.Select(m => m.Summary.TryGetValue(main, out var s) && double.IsFinite(s.Std) ? s.Std : 0).ToArray()));
            Figure(bars, ablation ? "ablation-bars" : "comparison-bars", $"{MetricNames.Label(main)} mean ± std over folds.");
        }
    }

    /// <summary>Paired t-test of a method against the reference on matched (repeat, fold) pairs, else the one written in the file.</summary>
    private static PairedResult? Test(MethodResult m, MethodResult reference, string metric)
    {
        var refByFold = reference.Runs.Where(r => r.Test.ContainsKey(metric)).ToDictionary(r => (r.Repeat, r.Fold), r => r.Test[metric]);
        var pairs = m.Runs.Where(r => r.Test.ContainsKey(metric) && refByFold.ContainsKey((r.Repeat, r.Fold)))
            .Select(r => (A: r.Test[metric], B: refByFold[(r.Repeat, r.Fold)])).Where(p => double.IsFinite(p.A) && double.IsFinite(p.B)).ToList();
        if (pairs.Count >= 2)
        {
            var t = PairedTests.TTest(pairs.Select(p => p.A).ToList(), pairs.Select(p => p.B).ToList());
            return new PairedResult(t.Statistic, t.DegreesOfFreedom, t.PValue);
        }
        return m.WrittenTests.TryGetValue(metric, out var w) ? w : null;
    }

    private static string FormatTest(PairedResult? t)
    {
        if (t is null) return "–";
        var c = CultureInfo.InvariantCulture;
        var p = double.IsNaN(t.P) ? "p undefined" : t.P < 1e-4 ? "p < 0.0001" : $"p = {t.P.ToString("F4", c)}";
        var stat = double.IsNaN(t.T) ? "" : $"t = {t.T.ToString("F2", c)}" + (double.IsNaN(t.Df) ? "" : $" ({t.Df.ToString(c)})") + ", ";
        return stat + p + (t.P < 0.05 ? " *" : "");
    }

    private static string ModuleLabel(string key) => key.ToLowerInvariant() switch
    {
        "vit" => "ViT", "smarttrim" => "SmartTrim", "cmt" => "CMT",
        "dwfuse" => "DWFuse", "tla" => "TLA", "imp_fw" => "IMP-fw", "imp_bw" => "IMP-bw", _ => key,
    };

    private static readonly (string Key, string Label, double Scale, int Digits)[] EfficiencyColumns =
    [
        ("params", "Params (M)", 1e-6, 3), ("flops", "FLOPs (G)", 1e-9, 3), ("macs", "MACs (G)", 1e-9, 3),
        ("latency_ms_b1", "Latency b1 (ms)", 1, 2), ("latency_ms_b32", "Latency b32 (ms)", 1, 2), ("peak_rss_mb", "Peak memory (MB)", 1, 0),
    ];

    /// <summary>Efficiency table (params, FLOPs, latency b1/b32, peak memory) and accuracy vs FLOPs across methods.</summary>
    private void Efficiency()
    {
        var rows = new List<(string Name, IReadOnlyDictionary<string, double> Values, double? Metric)>();
        var main = run.Comparison is { } cmp0 ? MetricNames.Main(cmp0.Methods.SelectMany(m => m.Summary.Keys)) : null;
        if (run.Comparison is { } cmp)
            foreach (var m in cmp.Methods.Where(m => m.Efficiency.Count > 0))
                rows.Add((m.Name, m.Efficiency, main != null && m.Summary.TryGetValue(main, out var s) ? s.Mean : null));
        var metrics = run.Metrics ?? SingleRuns.Select(r => r.Metrics).FirstOrDefault(x => x is { Efficiency.Count: > 0 });
        if (metrics != null)
            foreach (var (variant, values) in metrics.Efficiency.OrderBy(e => e.Key, StringComparer.Ordinal))
                // A method already in comparison.json keeps one row; its variants (e.g. pruned) are added.
                if (variant.Length > 0 || rows.All(r => r.Name != (metrics.Method ?? run.Name)))
                    rows.Add(((metrics.Method ?? run.Name) + (variant.Length > 0 ? $" ({variant})" : ""), values, null));
        if (rows.Count == 0)
        {
            Note("No efficiency figures (metrics.json or comparison.json 'efficiency'): the efficiency table is omitted.");
            return;
        }
        _report.Section("Efficiency");
        var extra = rows.SelectMany(r => r.Values.Keys).Distinct().Where(k => EfficiencyColumns.All(c => c.Key != k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
        var columns = EfficiencyColumns.Where(c => rows.Any(r => r.Values.ContainsKey(c.Key))).ToList();
        columns.AddRange(extra.Select(k => (k, k, 1.0, 3)));
        _report.Table(["Model", .. columns.Select(c => c.Label)],
            rows.Select(r => (IReadOnlyList<string>)[r.Name, .. columns.Select(c => r.Values.TryGetValue(c.Key, out var v) ? MetricNames.F(v * c.Scale, c.Digits) : "–")]),
            "Efficiency: parameters, forward FLOPs (a multiply-add = 2 FLOPs), median latency at batch 1 and 32, peak resident memory.");

        var points = rows.Where(r => r.Metric is { } y && double.IsFinite(y) && r.Values.TryGetValue("flops", out var f) && double.IsFinite(f)).ToList();
        if (points.Count >= 1 && main != null)
        {
            var chart = new ScatterChart { Title = $"{MetricNames.Label(main)} vs FLOPs", XLabel = "FLOPs (G)", YLabel = MetricNames.Label(main), ParetoFrontier = points.Count > 1, PointRadius = 6, Width = 720, Height = 420 };
            foreach (var p in points) chart.Add(p.Values["flops"] * 1e-9, p.Metric!.Value, p.Name, p.Name);
            Figure(chart, "accuracy-vs-flops", $"{MetricNames.Label(main)} (mean over folds) against forward FLOPs per method or ablation variant, with the Pareto frontier.");
        }
        else if (run.Comparison != null) Note("The accuracy-vs-FLOPs plot needs 'efficiency.flops' per method in comparison.json.");
    }
}
