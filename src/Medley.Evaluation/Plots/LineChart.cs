namespace Medley.Evaluation.Plots;

/// <summary>One line of a <see cref="LineChart"/>; optional Lower/Upper draw a shaded band (e.g. ± std over folds).</summary>
public sealed record LineSeries(string Name, double[] X, double[] Y, double[]? Lower = null, double[]? Upper = null)
{
    public bool Markers { get; init; }
    public bool Dashed { get; init; }
    /// <summary>Fixed colour (#rrggbb); default: the palette colour of the series index.</summary>
    public string? Color { get; init; }
}

/// <summary>
/// Line chart with several series, legend, nice axes and optional error bands: training curves, robustness curves
/// (metric vs noise level), γ sensitivity. NaN values break a line into segments.
/// </summary>
public sealed class LineChart : Chart
{
    public string XLabel { get; init; } = "";
    public string YLabel { get; init; } = "";
    public List<LineSeries> Series { get; } = [];
    /// <summary>Fixed y range (e.g. 0–1 for accuracy); default: fitted to the data.</summary>
    public (double Min, double Max)? YRange { get; init; }
    public (double Min, double Max)? XRange { get; init; }
    /// <summary>Extra reference lines drawn dashed in grey, e.g. the ROC diagonal: (x1, y1, x2, y2).</summary>
    public List<(double X1, double Y1, double X2, double Y2)> ReferenceLines { get; } = [];

    public LineChart Add(LineSeries series)
    {
        if (series.X.Length != series.Y.Length)
            throw new ArgumentException($"series '{series.Name}': {series.X.Length} x values but {series.Y.Length} y values.");
        if ((series.Lower?.Length ?? series.Y.Length) != series.Y.Length || (series.Upper?.Length ?? series.Y.Length) != series.Y.Length)
            throw new ArgumentException($"series '{series.Name}': the band must have one value per point.");
        Series.Add(series);
        return this;
    }

    public override string ToSvg()
    {
        var xs = Series.SelectMany(s => s.X).Where(double.IsFinite).ToList();
        var ys = Series.SelectMany(s => s.Y.Concat(s.Lower ?? []).Concat(s.Upper ?? [])).Where(double.IsFinite).ToList();
        var xScale = XRange is { } xr ? Scale.Nice(xr.Min, xr.Max) : Scale.Nice(xs.DefaultIfEmpty(0).Min(), xs.DefaultIfEmpty(1).Max());
        var yScale = YRange is { } yr ? Scale.Nice(yr.Min, yr.Max) : Scale.Nice(ys.DefaultIfEmpty(0).Min(), ys.DefaultIfEmpty(1).Max());
        var frame = new Frame(Width, Height, xScale, yScale, Title.Length > 0, Series.Select(s => s.Name).ToList());
        var svg = new Svg(Width, Height);
        frame.DrawTitle(svg, Title, Width);
        frame.DrawAxes(svg, XLabel, YLabel);

        svg.BeginClip(frame.Left, frame.Top - 2, frame.PlotWidth + 2, frame.PlotHeight + 4);
        foreach (var (x1, y1, x2, y2) in ReferenceLines)
            svg.Line(frame.Px(x1), frame.Py(y1), frame.Px(x2), frame.Py(y2), "#999999", 1.2, "6,4");
        for (var i = 0; i < Series.Count; i++)
        {
            var s = Series[i];
            var color = s.Color ?? Palette.Color(i);
            if (s.Lower != null && s.Upper != null)
                foreach (var seg in Segments(s, band: true))
                {
                    var upper = seg.Select(k => (frame.Px(s.X[k]), frame.Py(s.Upper[k])));
                    var lower = seg.AsEnumerable().Reverse().Select(k => (frame.Px(s.X[k]), frame.Py(s.Lower[k])));
                    svg.Polygon(upper.Concat(lower), color, 0.18);
                }
            foreach (var seg in Segments(s, band: false))
                svg.Polyline(seg.Select(k => (frame.Px(s.X[k]), frame.Py(s.Y[k]))), color, 2, s.Dashed ? "6,4" : null);
        }
        svg.EndGroup();
        // Markers outside the clip so points on the plot edge stay whole.
        for (var i = 0; i < Series.Count; i++)
        {
            var s = Series[i];
            if (!s.Markers) continue;
            for (var k = 0; k < s.X.Length; k++)
                if (double.IsFinite(s.X[k]) && double.IsFinite(s.Y[k]))
                    svg.Circle(frame.Px(s.X[k]), frame.Py(s.Y[k]), 3.2, s.Color ?? Palette.Color(i),
                        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{s.Name}: ({s.X[k]:G4}, {s.Y[k]:G4})"));
        }
        frame.DrawLegend(svg, Series.Select((s, i) => (s.Name, s.Color ?? Palette.Color(i), s.Dashed ? LegendMark.DashedLine : LegendMark.Line)).ToList());
        return svg.ToString();
    }

    /// <summary>Runs of consecutive indices whose values are finite.</summary>
    private static List<int[]> Segments(LineSeries s, bool band)
    {
        var result = new List<int[]>();
        var current = new List<int>();
        for (var k = 0; k < s.X.Length; k++)
        {
            var ok = double.IsFinite(s.X[k]) && double.IsFinite(s.Y[k]) &&
                     (!band || (double.IsFinite(s.Lower![k]) && double.IsFinite(s.Upper![k])));
            if (ok) { current.Add(k); continue; }
            if (current.Count > 0) result.Add(current.ToArray());
            current.Clear();
        }
        if (current.Count > 0) result.Add(current.ToArray());
        return result;
    }
}
