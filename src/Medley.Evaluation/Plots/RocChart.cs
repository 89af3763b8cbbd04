using System.Globalization;
using Medley.Evaluation.Metrics;

namespace Medley.Evaluation.Plots;

/// <summary>ROC curves (one per model or per class) with the chance diagonal and the AUC in each legend entry.</summary>
public static class RocChart
{
    public static LineChart Create(IEnumerable<(string Name, RocCurve Curve)> curves, string title = "ROC curve")
    {
        var chart = new LineChart
        {
            Title = title, XLabel = "False positive rate", YLabel = "True positive rate",
            XRange = (0, 1), YRange = (0, 1), Width = 640, Height = 460,
        };
        chart.ReferenceLines.Add((0, 0, 1, 1));
        foreach (var (name, curve) in curves)
        {
            var auc = BinaryCurves.Trapezoid(curve.FalsePositiveRate, curve.TruePositiveRate);
            var label = double.IsNaN(auc) ? $"{name} (AUC undefined)" : $"{name} (AUC = {auc.ToString("F3", CultureInfo.InvariantCulture)})";
            chart.Add(new LineSeries(label, curve.FalsePositiveRate, curve.TruePositiveRate));
        }
        return chart;
    }

    /// <summary>One-vs-rest curves of a multi-class problem, one per class that has both positives and negatives.</summary>
    public static LineChart OneVsRest(int[] yTrue, double[,] probabilities, IReadOnlyList<string> classNames, string title = "ROC curves (one-vs-rest)")
    {
        var k = probabilities.GetLength(1);
        if (classNames.Count != k) throw new ArgumentException($"{classNames.Count} class names for {k} classes.");
        var curves = new List<(string, RocCurve)>();
        for (var c = 0; c < k; c++)
        {
            var y = yTrue.Select(v => v == c ? 1 : 0).ToArray();
            var pos = y.Sum();
            if (pos == 0 || pos == y.Length) continue;
            var s = Enumerable.Range(0, yTrue.Length).Select(i => probabilities[i, c]).ToArray();
            curves.Add((classNames[c], BinaryCurves.Roc(y, s)));
        }
        return Create(curves, title);
    }
}
