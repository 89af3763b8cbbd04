using Medley.Evaluation.Metrics;
using Medley.Evaluation.Plots;

namespace Medley.Evaluation.Reporting;

internal sealed partial class ReportBuilder
{
    /// <summary>Test metrics: one column per metric; over CV each cell is mean ± std [95% CI] with the number of folds and seeds.</summary>
    private void TestMetrics()
    {
        if (run.Cv is { } cv && cv.Summary.Count > 0)
        {
            _report.Section("Test metrics");
            var names = MetricNames.Order(cv.Summary.Keys);
            var n = cv.Summary.Values.Max(s => s.Count);
            _report.Table(["Metric", "Mean ± std [95% CI]", "Folds averaged"],
                names.Select(k => (IReadOnlyList<string>)[MetricNames.Label(k), MetricNames.Format(cv.Summary[k]), cv.Summary[k].Count.ToString()]),
                $"Test metrics over {n} runs: {cv.Folds} folds × {cv.Repeats} repeats (one seed per repeat); 95% CI is the t-interval of the mean.");
        }
        else if (run.Metrics is { Test.Count: > 0 } m)
        {
            _report.Section("Test metrics");
            var names = MetricNames.Order(m.Test.Keys);
            _report.Table(["Metric", "Test"], names.Select(k => (IReadOnlyList<string>)[MetricNames.Label(k), MetricNames.F(m.Test[k], 4)]),
                "Test metrics of this single run (one split, one seed: no interval).");
        }
        else
        {
            Note("No cv_metrics.json and no test metrics in metrics.json: the metrics table is omitted.");
            return;
        }
        PerLabelTable();
        var features = run.Metrics?.Features ?? SingleRuns.Select(r => r.Metrics?.Features).FirstOrDefault(f => f is { Count: > 0 });
        if (features is { Count: > 0 })
            _report.Table(["Feature statistic", "Value"], MetricNames.Order(features.Keys).Select(k => (IReadOnlyList<string>)[MetricNames.Label(k), MetricNames.F(features[k], 4)]),
                "Feature sparsity of the pruned fused features and mean cross-modal cosine similarity on the test set.");
    }

    /// <summary>ROC curves, confusion matrix and reliability diagram from predictions.csv (pooled over folds), else from metrics.json.</summary>
    private void Discrimination()
    {
        var parts = SingleRuns.Where(r => r.Predictions is { Count: > 0 }).Select(r => r.Predictions!).ToList();
        var predictions = parts.Count == 0 ? null : Predictions.Pool(parts);
        var metrics = run.Metrics ?? SingleRuns.Select(r => r.Metrics).FirstOrDefault(x => x != null);
        var pooled = parts.Count > 1 ? $" Pooled test predictions of {parts.Count} folds ({predictions!.Count} samples)." : "";
        if (predictions is null && metrics is not { Roc.Count: > 0 } && metrics?.Confusion is null)
        {
            Note("No predictions.csv (and no roc / confusion_matrix in metrics.json): ROC curves, confusion matrix and calibration are omitted.");
            return;
        }
        _report.Section("Discrimination and calibration");

        if (predictions is { MultiLabel: true })
        {
            var curves = new List<(string, RocCurve)>();
            for (var c = 0; c < predictions.Classes.Count; c++)
            {
                var y = Enumerable.Range(0, predictions.Count).Select(i => predictions.Targets[i, c]).ToArray();
                if (y.Sum() == 0 || y.Sum() == y.Length) continue;
                curves.Add((predictions.Classes[c], BinaryCurves.Roc(y, Enumerable.Range(0, predictions.Count).Select(i => predictions.Probabilities[i, c]).ToArray())));
            }
            if (curves.Count > 0) Figure(RocChart.Create(curves, "ROC curves (per label)"), "roc", "ROC curve of each label." + pooled);
            Note("Multi-label predictions: the confusion matrix and reliability diagram are not drawn.");
            return;
        }

        if (predictions != null)
        {
            var k = predictions.Classes.Count;
            if (k == 2)
            {
                var y = predictions.Labels.Select(l => l == 1 ? 1 : 0).ToArray();
                var s = Enumerable.Range(0, predictions.Count).Select(i => predictions.Probabilities[i, 1]).ToArray();
                if (y.Sum() > 0 && y.Sum() < y.Length)
                    Figure(RocChart.Create([($"{predictions.Classes[1]} vs {predictions.Classes[0]}", BinaryCurves.Roc(y, s))]), "roc", "ROC curve (binary)." + pooled);
                else Note("ROC curve omitted: the test predictions contain only one class.");
            }
            else
                Figure(RocChart.OneVsRest(predictions.Labels, predictions.Probabilities, predictions.Classes), "roc", "One-vs-rest ROC curve per class." + pooled);

            var cm = ConfusionMatrix.Compute(predictions.Labels, predictions.Predicted, Enumerable.Range(0, k).ToArray());
            FigureRow([(ConfusionMatrixChart.Create(cm, predictions.Classes), "confusion-counts"),
                       (ConfusionMatrixChart.Create(cm, predictions.Classes, normalise: true), "confusion-normalised")],
                "Confusion matrix: counts and rows normalised to recall (rows: true class, columns: predicted)." + pooled);

            var bins = Calibration.ReliabilityBins(predictions.Labels, predictions.Probabilities, 10);
            var ece = Calibration.ExpectedCalibrationError(predictions.Labels, predictions.Probabilities, 10);
            Figure(ReliabilityChart.Create(bins, ece), "reliability", "Reliability diagram of the top-class confidence (10 bins); ECE = expected calibration error." + pooled);
            return;
        }

        // No predictions: the curves and counts metrics.json carries.
        if (metrics is { Roc.Count: > 0 })
            Figure(RocChart.Create(metrics.Roc.Select(r => (r.Key, new RocCurve(r.Value.Fpr, r.Value.Tpr, new double[r.Value.Fpr.Length])))),
                "roc", "ROC curves from metrics.json.");
        if (metrics?.Confusion is { } conf)
        {
            var k = conf.Labels.Count;
            // Rebuild the sample pairs the counts stand for (ConfusionMatrix is only built from labels).
            var pairs = new List<(int T, int P)>();
            for (var i = 0; i < k; i++)
                for (var j = 0; j < k; j++)
                    for (var c = 0L; c < conf.Counts[i, j]; c++) pairs.Add((i, j));
            var cm = ConfusionMatrix.Compute(pairs.Select(p => p.T).ToArray(), pairs.Select(p => p.P).ToArray(), Enumerable.Range(0, k).ToArray());
            FigureRow([(ConfusionMatrixChart.Create(cm, conf.Labels), "confusion-counts"),
                       (ConfusionMatrixChart.Create(cm, conf.Labels, normalise: true), "confusion-normalised")],
                "Confusion matrix from metrics.json: counts and row-normalised.");
        }
        Note("No predictions.csv: the reliability diagram is omitted.");
    }

    /// <summary>Multi-label runs: each label's test value of every per-label metric (over CV: mean ± std over the folds).</summary>
    private void PerLabelTable()
    {
        var folds = run.Cv?.Runs.Where(r => r.PerLabel.Count > 0).ToList() ?? [];
        var single = run.Metrics?.PerLabel;
        var metrics = folds.Count > 0 ? folds[0].PerLabel.Keys.ToList() : single?.Keys.ToList() ?? [];
        foreach (var metric in metrics)
        {
            var labels = folds.Count > 0 ? folds[0].PerLabel[metric].Keys.ToList() : single![metric].Keys.ToList();
            string Cell(string label)
            {
                if (folds.Count == 0) return MetricNames.F(single![metric][label], 4);
                var values = folds.Where(f => f.PerLabel.TryGetValue(metric, out var m) && m.ContainsKey(label))
                    .Select(f => f.PerLabel[metric][label]).Where(double.IsFinite).ToArray();
                if (values.Length == 0) return "n/a";
                var mean = values.Average();
                var std = values.Length > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1)) : 0;
                return $"{MetricNames.F(mean, 4)} ± {MetricNames.F(std, 4)}";
            }
            _report.Table(["Label", MetricNames.Label(metric)], labels.Select(l => (IReadOnlyList<string>)[l, Cell(l)]),
                folds.Count > 0 ? $"Per-label {MetricNames.Label(metric)} on the test folds: mean ± std over {folds.Count} runs (n/a: no fold could score the label)."
                    : $"Per-label {MetricNames.Label(metric)} on the test set of this single run.");
        }
    }
}
