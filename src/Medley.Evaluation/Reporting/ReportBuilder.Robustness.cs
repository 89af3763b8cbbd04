using System.Globalization;
using Medley.Evaluation.Plots;

namespace Medley.Evaluation.Reporting;

internal sealed partial class ReportBuilder
{
    /// <summary>Robustness curves (noise, lab-mask, missing) and γ sensitivity from sweep.json / sweep_*.json: metric vs level per method, ± std bands.</summary>
    private void Robustness()
    {
        if (run.Sweeps.Count == 0)
        {
            Note("No sweep.json: robustness curves and γ sensitivity are omitted.");
            return;
        }
        var gamma = run.Sweeps.Where(s => IsGamma(s.Kind)).ToList();
        var robustness = run.Sweeps.Where(s => !IsGamma(s.Kind)).ToList();
        if (robustness.Count > 0)
        {
            _report.Section("Robustness");
            var used = new HashSet<string>();
            foreach (var s in robustness)
            {
                var id = UniqueId("robustness-" + Slug(s.Kind) + (s.Target is { } t ? "-" + Slug(t) : ""), used);
                var (xLabel, what) = s.Kind switch
                {
                    "noise" => ("Gaussian image noise level", "image noise"),
                    "lab-mask" => ("Fraction of lab entries masked", "lab masking"),
                    "missing" => s.Target is null or "random"
                        ? ("Missing-modality rate (a random modality per sample)", "missing modalities" + (s.Target is null ? "" : " (a random one per sample)"))
                        : ($"Fraction of samples without {s.Target}", $"missing {s.Target}"),
                    _ => (s.Kind, s.Kind),
                };
                Figure(SweepChart(s, $"Robustness to {what}", xLabel), id, s.Kind == "missing"
                    ? $"Test {MetricNames.Label(s.Metric ?? "metric")} against the missing rate of {what} (removed from train, validation and test), one line per variant ({string.Join(" vs ", s.Results.Select(r => r.Method))}); band: ± std over folds."
                    : $"Test {MetricNames.Label(s.Metric ?? "metric")} against the level of {what}, per method (band: ± std over folds).");
            }
        }
        else Note("No noise / lab-mask / missing sweep: robustness curves are omitted.");

        if (gamma.Count > 0)
        {
            _report.Section("γ sensitivity");
            var used = new HashSet<string>();
            foreach (var s in gamma)
                Figure(SweepChart(s, "SmartTrim threshold γ", "γ (threshold = mean + γ·std of the importance)"), UniqueId("gamma-sensitivity", used),
                    $"Test {MetricNames.Label(s.Metric ?? "metric")} against SmartTrim's γ (band: ± std over folds).");
        }
        else Note("No gamma sweep: the γ sensitivity plot is omitted.");
    }

    private static bool IsGamma(string kind) => kind is "gamma" or "γ";

    private static LineChart SweepChart(Sweep s, string title, string xLabel)
    {
        var chart = new LineChart { Title = title, XLabel = xLabel, YLabel = MetricNames.Label(s.Metric ?? "metric"), Width = 640, Height = 380 };
        foreach (var (method, points) in s.Results)
        {
            var hasStd = points.Any(p => double.IsFinite(p.Std));
            var x = points.Select(p => p.Value).ToArray();
            var y = points.Select(p => p.Metric).ToArray();
            chart.Add(hasStd
                ? new LineSeries(method, x, y, points.Select(p => p.Metric - (double.IsFinite(p.Std) ? p.Std : 0)).ToArray(),
                    points.Select(p => p.Metric + (double.IsFinite(p.Std) ? p.Std : 0)).ToArray()) { Markers = true }
                : new LineSeries(method, x, y) { Markers = true });
        }
        return chart;
    }

    private static string Slug(string s) => new(s.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray());

    private static string UniqueId(string id, HashSet<string> used)
    {
        var candidate = id;
        for (var i = 2; !used.Add(candidate); i++) candidate = id + "-" + i.ToString(CultureInfo.InvariantCulture);
        return candidate;
    }
}
