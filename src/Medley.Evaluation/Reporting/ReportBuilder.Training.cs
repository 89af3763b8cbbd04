using Medley.Evaluation.Plots;
using Medley.Evaluation.Statistics;

namespace Medley.Evaluation.Reporting;

internal sealed partial class ReportBuilder
{
    /// <summary>Loss and validation-metric curves: one run's lines, or for CV the mean ± std band (loss) and one line per fold (metric).</summary>
    private void Training()
    {
        var logs = SingleRuns.Where(r => r.Log != null).Select(r => (r.Name, Log: r.Log!)).ToList();
        if (logs.Count == 0)
        {
            Note("No log.csv: training curves are omitted.");
            return;
        }
        _report.Section("Training curves");
        var cv = logs.Count > 1;

        var loss = new LineChart { Title = "Loss", XLabel = "Epoch", YLabel = "Loss", Width = 520, Height = 360 };
        foreach (var (column, label) in new[] { ("train_loss", "train"), ("val_loss", "validation") })
        {
            if (!cv)
            {
                if (logs[0].Log[column] is { } y) loss.Add(new LineSeries(label, logs[0].Log.Epochs, y) { Markers = logs[0].Log.Epochs.Length <= 30 });
                continue;
            }
            if (MeanBand(logs.Select(l => (l.Log.Epochs, l.Log[column])).ToList()) is { } band)
                loss.Add(new LineSeries(label + " (mean ± std)", band.X, band.Mean, band.Lower, band.Upper));
        }

        var metricNames = MetricNames.Order(logs.SelectMany(l => l.Log.ValidationMetrics));
        var metric = new LineChart { Title = "Validation metrics", XLabel = "Epoch", YLabel = "Metric", Width = 520, Height = 360 };
        if (!cv)
            foreach (var name in metricNames)
                metric.Add(new LineSeries(MetricNames.Label(name), logs[0].Log.Epochs, logs[0].Log["val_" + name]!));
        else if (MetricNames.Main(metricNames) is { } main)
        {
            metric = new LineChart { Title = $"Validation {MetricNames.Label(main)} per fold", XLabel = "Epoch", YLabel = MetricNames.Label(main), Width = 520, Height = 360 };
            foreach (var (name, log) in logs.Where(l => l.Log["val_" + main] != null).Take(20))
                metric.Add(new LineSeries(name, log.Epochs, log["val_" + main]!));
        }

        var charts = new List<(Chart, string)>();
        if (loss.Series.Count > 0) charts.Add((loss, "training-loss"));
        if (metric.Series.Count > 0) charts.Add((metric, "training-metric"));
        if (charts.Count == 0)
        {
            _report.Paragraph("log.csv has no train_loss, val_loss or val_* columns to plot.");
            return;
        }
        FigureRow(charts, cv
            ? $"Training over {logs.Count} folds: loss mean ± std band per epoch (folds that stopped early drop out), validation metric one line per fold."
            : "Training and validation loss, and the validation metrics, per epoch (log.csv).");

        if (logs.All(l => l.Log["lr"] != null) && !cv)
            Figure(new LineChart { Title = "Learning rate", XLabel = "Epoch", YLabel = "lr", Width = 540, Height = 260 }
                .Add(new LineSeries("lr", logs[0].Log.Epochs, logs[0].Log["lr"]!)), "training-lr", "Learning-rate schedule (warm-up and cosine decay).");
    }

    /// <summary>Per-epoch mean and ± std over the runs that reached that epoch.</summary>
    private static (double[] X, double[] Mean, double[] Lower, double[] Upper)? MeanBand(List<(double[] Epochs, double[]? Values)> runs)
    {
        var byEpoch = new SortedDictionary<double, List<double>>();
        foreach (var (epochs, values) in runs)
        {
            if (values is null) continue;
            for (var i = 0; i < epochs.Length; i++)
                if (double.IsFinite(values[i]))
                {
                    if (!byEpoch.TryGetValue(epochs[i], out var list)) byEpoch[epochs[i]] = list = [];
                    list.Add(values[i]);
                }
        }
        if (byEpoch.Count == 0) return null;
        var x = byEpoch.Keys.ToArray();
        var mean = byEpoch.Values.Select(v => v.Average()).ToArray();
        var std = byEpoch.Values.Select(v => v.Count > 1 ? Descriptive.SampleStd(v) : 0).ToArray();
        return (x, mean, mean.Select((m, i) => m - std[i]).ToArray(), mean.Select((m, i) => m + std[i]).ToArray());
    }
}
