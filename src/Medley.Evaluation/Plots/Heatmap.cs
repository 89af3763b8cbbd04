using System.Globalization;
using Medley.Evaluation.Metrics;

namespace Medley.Evaluation.Plots;

/// <summary>
/// Matrix heatmap with row/column labels, optional value annotations and a colour bar: SmartTrim importance
/// (samples × feature dimensions), confusion matrices.
/// </summary>
public sealed class Heatmap : Chart
{
    public double[,] Values { get; }
    public IReadOnlyList<string> RowLabels { get; init; } = [];
    public IReadOnlyList<string> ColumnLabels { get; init; } = [];
    public string XLabel { get; init; } = "";
    public string YLabel { get; init; } = "";
    /// <summary>Text in each cell; null = none. Default: none for large matrices.</summary>
    public Func<int, int, string>? CellText { get; init; }
    /// <summary>Colour range; default the data's min and max.</summary>
    public (double Min, double Max)? Range { get; init; }
    /// <summary>Viridis (default) or white-to-blue.</summary>
    public bool Viridis { get; init; } = true;

    public Heatmap(double[,] values) => Values = values;

    public override string ToSvg()
    {
        var rows = Values.GetLength(0);
        var cols = Values.GetLength(1);
        var finite = Values.Cast<double>().Where(double.IsFinite).ToList();
        var (min, max) = Range ?? (finite.DefaultIfEmpty(0).Min(), finite.DefaultIfEmpty(1).Max());
        if (max <= min) max = min + 1;

        var rowLabelWidth = RowLabels.Count == 0 ? 0 : RowLabels.Max(l => l.Length) * 6.6 + 8;
        var colLabelHeight = ColumnLabels.Count == 0 ? 0 : 20;
        var left = 28 + rowLabelWidth;
        var top = (Title.Length > 0 ? 40 : 14);
        var right = Width - 80; // colour bar
        var bottom = Height - 30 - colLabelHeight;
        var cw = (right - left) / Math.Max(1, cols);
        var ch = (bottom - top) / Math.Max(1, rows);

        var svg = new Svg(Width, Height);
        if (Title.Length > 0) svg.Text(Width / 2, 24, Title, 15, "middle", bold: true);
        for (var i = 0; i < rows; i++)
            for (var j = 0; j < cols; j++)
            {
                var v = Values[i, j];
                var t = (v - min) / (max - min);
                var fill = Viridis ? Palette.ViridisColor(t) : Palette.Blue(t);
                var tip = $"{(i < RowLabels.Count ? RowLabels[i] : i.ToString(CultureInfo.InvariantCulture))}, {(j < ColumnLabels.Count ? ColumnLabels[j] : j.ToString(CultureInfo.InvariantCulture))}: {v.ToString("G4", CultureInfo.InvariantCulture)}";
                svg.Rect(left + j * cw, top + i * ch, cw + 0.3, ch + 0.3, fill, tooltip: tip);
                if (CellText?.Invoke(i, j) is { } text && text.Length > 0)
                    svg.Text(left + (j + 0.5) * cw, top + (i + 0.5) * ch, text, Math.Min(14, Math.Max(8, ch * 0.3)), "middle",
                        Palette.DarkTextOn(Viridis, t) ? "#111111" : "#ffffff", baseline: "middle");
            }
        svg.Rect(left, top, cw * cols, ch * rows, "none", "#444444");
        // Labels: skip some when there are too many to fit.
        var rowEvery = Math.Max(1, (int)Math.Ceiling(12 / ch));
        for (var i = 0; i < Math.Min(rows, RowLabels.Count); i += rowEvery)
            svg.Text(left - 6, top + (i + 0.5) * ch, RowLabels[i], 11, "end", "#333333", baseline: "middle");
        var maxColChars = ColumnLabels.Count == 0 ? 1 : ColumnLabels.Max(l => l.Length);
        var colEvery = Math.Max(1, (int)Math.Ceiling(maxColChars * 6.6 / cw));
        for (var j = 0; j < Math.Min(cols, ColumnLabels.Count); j += colEvery)
            svg.Text(left + (j + 0.5) * cw, bottom + 16, ColumnLabels[j], 11, "middle", "#333333");
        if (XLabel.Length > 0) svg.Text((left + right) / 2, Height - 10, XLabel, 12, "middle");
        if (YLabel.Length > 0) svg.Text(14, (top + bottom) / 2, YLabel, 12, "middle", rotate: -90);

        // Colour bar with min / mid / max.
        var bx = right + 22;
        const int steps = 40;
        var bh = (bottom - top) / steps;
        for (var s = 0; s < steps; s++)
        {
            var t = 1 - (s + 0.5) / steps;
            svg.Rect(bx, top + s * bh, 14, bh + 0.3, Viridis ? Palette.ViridisColor(t) : Palette.Blue(t));
        }
        svg.Rect(bx, top, 14, bottom - top, "none", "#444444");
        foreach (var (t, y) in new[] { (1.0, top), (0.5, (top + bottom) / 2), (0.0, bottom) })
            svg.Text(bx + 18, y + 4, (min + t * (max - min)).ToString("G3", CultureInfo.InvariantCulture), 10, "start", "#444444");
        return svg.ToString();
    }
}

/// <summary>Confusion-matrix heatmaps: counts, or rows normalised to recall, annotated in every cell.</summary>
public static class ConfusionMatrixChart
{
    public static Heatmap Create(ConfusionMatrix cm, IReadOnlyList<string>? classNames = null, bool normalise = false, string? title = null)
    {
        var names = classNames ?? cm.Labels.Select(l => l.ToString(CultureInfo.InvariantCulture)).ToList();
        if (names.Count != cm.Size) throw new ArgumentException($"{names.Count} class names for a {cm.Size}-class confusion matrix.");
        var k = cm.Size;
        var norm = cm.RowNormalised();
        var values = new double[k, k];
        for (var i = 0; i < k; i++)
            for (var j = 0; j < k; j++) values[i, j] = normalise ? norm[i, j] : cm.Counts[i, j];
        var side = Math.Clamp(120 + 60 * k, 360, 760);
        return new Heatmap(values)
        {
            Title = title ?? (normalise ? "Confusion matrix (row-normalised)" : "Confusion matrix"),
            RowLabels = names, ColumnLabels = names, XLabel = "Predicted", YLabel = "True",
            Viridis = false, Range = normalise ? (0, 1) : null,
            Width = side + 80, Height = side,
            CellText = (i, j) => normalise
                ? norm[i, j].ToString("F2", CultureInfo.InvariantCulture)
                : cm.Counts[i, j].ToString(CultureInfo.InvariantCulture),
        };
    }
}
