namespace Medley.Evaluation.Plots;

/// <summary>One group of bars (e.g. one method across metrics); Errors are ± half-heights of the error bars.</summary>
public sealed record BarSeries(string Name, double[] Values, double[]? Errors = null);

/// <summary>Vertical bar chart over categories, grouped when there are several series, with optional error bars.</summary>
public sealed class BarChart : Chart
{
    public string YLabel { get; init; } = "";
    public IReadOnlyList<string> Categories { get; }
    public List<BarSeries> Series { get; } = [];
    public (double Min, double Max)? YRange { get; init; }

    public BarChart(IReadOnlyList<string> categories) => Categories = categories;

    public BarChart Add(BarSeries series)
    {
        if (series.Values.Length != Categories.Count)
            throw new ArgumentException($"series '{series.Name}' has {series.Values.Length} values for {Categories.Count} categories.");
        if (series.Errors != null && series.Errors.Length != Categories.Count)
            throw new ArgumentException($"series '{series.Name}' has {series.Errors.Length} error values for {Categories.Count} categories.");
        Series.Add(series);
        return this;
    }

    public override string ToSvg()
    {
        var tops = Series.SelectMany(s => s.Values.Select((v, i) => v + Math.Abs(s.Errors?[i] ?? 0))).Where(double.IsFinite);
        var bottoms = Series.SelectMany(s => s.Values.Select((v, i) => v - Math.Abs(s.Errors?[i] ?? 0))).Where(double.IsFinite);
        var yScale = YRange is { } r ? Scale.Nice(r.Min, r.Max)
            : Scale.Nice(Math.Min(0, bottoms.DefaultIfEmpty(0).Min()), Math.Max(0, tops.DefaultIfEmpty(1).Max()));
        var xScale = Scale.Fixed(0, Math.Max(1, Categories.Count), 1);
        var frame = new Frame(Width, Height, xScale, yScale, Title.Length > 0, Series.Count > 1 ? Series.Select(s => s.Name).ToList() : []);
        var svg = new Svg(Width, Height);
        frame.DrawTitle(svg, Title, Width);
        frame.DrawAxes(svg, "", YLabel, xTicks: false);

        var slot = frame.PlotWidth / Math.Max(1, Categories.Count);
        var barWidth = slot * 0.8 / Math.Max(1, Series.Count);
        var baseline = frame.Py(Math.Clamp(0, yScale.Min, yScale.Max));
        for (var c = 0; c < Categories.Count; c++)
        {
            var x0 = frame.Left + c * slot + slot * 0.1;
            for (var s = 0; s < Series.Count; s++)
            {
                var v = Series[s].Values[c];
                if (!double.IsFinite(v)) continue;
                var x = x0 + s * barWidth;
                var py = frame.Py(v);
                var color = Palette.Color(s);
                svg.Rect(x + 1, Math.Min(py, baseline), barWidth - 2, Math.Abs(baseline - py), color,
                    tooltip: string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Series[s].Name} · {Categories[c]}: {v:G4}"));
                if (Series[s].Errors?[c] is { } e && double.IsFinite(e) && e != 0)
                {
                    var cx = x + barWidth / 2;
                    var (lo, hi) = (frame.Py(v - Math.Abs(e)), frame.Py(v + Math.Abs(e)));
                    svg.Line(cx, lo, cx, hi, "#222222", 1.3);
                    svg.Line(cx - 4, lo, cx + 4, lo, "#222222", 1.3);
                    svg.Line(cx - 4, hi, cx + 4, hi, "#222222", 1.3);
                }
            }
            svg.Text(frame.Left + (c + 0.5) * slot, frame.Bottom + 17, Categories[c], 11, "middle", "#444444");
        }
        if (Series.Count > 1) frame.DrawLegend(svg, Series.Select((s, i) => (s.Name, Palette.Color(i), LegendMark.Box)).ToList());
        return svg.ToString();
    }
}
