using System.Globalization;
using Medley.Evaluation.Metrics;

namespace Medley.Evaluation.Plots;

/// <summary>Reliability diagram: accuracy against mean confidence per non-empty bin, with the perfect-calibration diagonal.</summary>
public static class ReliabilityChart
{
    public static LineChart Create(IReadOnlyList<ReliabilityBin> bins, double ece, string title = "Reliability diagram")
    {
        var used = bins.Where(b => b.Count > 0).ToList();
        var chart = new LineChart
        {
            Title = title, XLabel = "Confidence", YLabel = "Accuracy", XRange = (0, 1), YRange = (0, 1), Width = 560, Height = 440,
        };
        chart.ReferenceLines.Add((0, 0, 1, 1));
        chart.Add(new LineSeries($"model (ECE = {ece.ToString("F3", CultureInfo.InvariantCulture)})",
            used.Select(b => b.MeanConfidence).ToArray(), used.Select(b => b.Accuracy).ToArray()) { Markers = true });
        return chart;
    }
}
