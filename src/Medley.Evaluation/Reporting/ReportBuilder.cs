using System.Globalization;
using Medley.Evaluation.Plots;
using Medley.Evaluation.Reports;

namespace Medley.Evaluation.Reporting;

/// <summary>Assembles the sections of a run report; each section method adds nothing (and a note) when its data are absent.</summary>
internal sealed partial class ReportBuilder(RunDirectory run, RunDirectory? second, RunReportOptions options)
{
    private readonly HtmlReport _report = new(options.Title ?? $"Medley report — {run.Method ?? run.Name}");
    private readonly List<string> _figures = [];
    private readonly List<string> _notes = [];

    public RunReportResult Build()
    {
        _report.Subtitle = $"run directory {run.Name}" + (second != null ? $" · compared with {second.Name}" : "");
        Summary();
        Training();
        ImputationSimilarity();
        TestMetrics();
        Discrimination();
        MethodTables();
        ModalityComparison();
        Efficiency();
        Robustness();
        Features();
        ImputationTsne();
        if (_notes.Count > 0)
        {
            _report.Section("Not shown");
            foreach (var n in _notes) _report.Paragraph(n);
        }
        return new RunReportResult(_report.ToHtml(), _figures, _notes);
    }

    private void Note(string text) => _notes.Add(text);

    private void Figure(Chart chart, string id, string caption)
    {
        _figures.Add(id);
        _report.Figure(TaggedChart.Tag(chart.ToSvg(), id), caption);
    }

    private void FigureRow(IEnumerable<(Chart Chart, string Id)> charts, string caption)
    {
        var list = charts.ToList();
        _figures.AddRange(list.Select(c => c.Id));
        _report.FigureRow(list.Select(c => (Chart)new TaggedChart(c.Chart, c.Id)), caption);
    }

    /// <summary>Single runs of this directory: the folds of a CV run, or the run itself.</summary>
    private IReadOnlyList<RunDirectory> SingleRuns => run.Folds.Count > 0 ? run.Folds.Select(f => f.Run).ToList() : [run];

    private static string I(double v) => v.ToString(CultureInfo.InvariantCulture);

    private void Summary()
    {
        _report.Section("Run summary");
        var facts = new List<(string, string)> { ("Run", run.Name) };
        if (run.Method is { } m) facts.Add(("Method", m));
        var metrics = run.Metrics ?? SingleRuns.Select(r => r.Metrics).FirstOrDefault(x => x != null);
        if (metrics?.Task is { } task) facts.Add(("Task", task));
        var classes = metrics?.Classes is { Count: > 0 } cl ? cl : SingleRuns.Select(r => r.Predictions?.Classes).FirstOrDefault(c => c != null);
        if (classes is { Count: > 0 }) facts.Add(("Classes", string.Join(", ", classes)));
        var config = run.Config ?? SingleRuns.Select(r => r.Config).FirstOrDefault(c => c != null);
        if ((config?.Find("spec") ?? config?.Find("dataset")) is { } ds) facts.Add(("Dataset", ds));
        if (config?.Find("seed") is { } seed) facts.Add(("Seed", seed));
        if (run.Cv is { } cv) facts.Add(("Cross-validation", $"{cv.Folds} folds × {cv.Repeats} repeats ({cv.Runs.Count} runs)"));
        else if (run.Folds.Count > 0)
            facts.Add(("Cross-validation", $"{run.Folds.Select(f => f.Fold).Distinct().Count()} folds × {run.Folds.Select(f => f.Repeat).Distinct().Count()} repeats"));
        if (run.Log is { } log) facts.Add(("Epochs trained", I(log.Epochs.Length)));
        if (metrics?.ValBest is { } vb) facts.Add(("Best validation", $"{MetricNames.Label(vb.Metric)} = {MetricNames.F(vb.Value)} at epoch {vb.Epoch}"));
        if (run.Comparison is { } cmp) facts.Add((cmp.Kind == "ablation" ? "Ablation variants" : "Compared methods", string.Join(", ", cmp.Methods.Select(x => x.Name))));
        _report.Facts(facts);

        if (config is null) Note("No config.yaml: the configuration is not shown.");
        else
        {
            var highlights = config.Entries.Where(e => IsHighlight(e.Key)).Take(40).ToList();
            if (highlights.Count > 0)
                _report.Table(["Setting", "Value"], highlights.Select(e => (IReadOnlyList<string>)[e.Key, e.Value]),
                    "Configuration highlights (config.yaml).");
        }
    }

    private static readonly string[] HighlightWords =
        ["method", "spec", "dataset", "seed", "epochs", "lr", "learning_rate", "batch", "weight_decay", "warmup", "patience",
         "gamma", "lambda", "folds", "repeats", "image_size", "patch", "dim", "depth", "heads", "tokens", "vit", "smarttrim", "cmt", "metric"];

    private static bool IsHighlight(string key)
    {
        var last = key.Split('.')[^1].ToLowerInvariant();
        return HighlightWords.Any(w => last == w || last.StartsWith(w + "_", StringComparison.Ordinal) || last.EndsWith("_" + w, StringComparison.Ordinal)
                                       || (w.Length > 4 && last.Contains(w, StringComparison.Ordinal)));
    }
}
