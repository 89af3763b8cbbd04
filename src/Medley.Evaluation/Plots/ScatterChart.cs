namespace Medley.Evaluation.Plots;

/// <summary>A point of a <see cref="ScatterChart"/>; Group selects the colour and legend entry, Label is drawn next to it.</summary>
public sealed record ScatterPoint(double X, double Y, string Group, string? Label = null);

/// <summary>
/// Scatter plot coloured by group: t-SNE embeddings by class or modality, or accuracy-vs-FLOPs with a label per
/// method and, optionally, the Pareto frontier (lower x and higher y are better).
/// </summary>
public sealed class ScatterChart : Chart
{
    public string XLabel { get; init; } = "";
    public string YLabel { get; init; } = "";
    public List<ScatterPoint> Points { get; } = [];
    /// <summary>Draw the frontier of points not dominated by another (smaller-or-equal x and larger-or-equal y).</summary>
    public bool ParetoFrontier { get; init; }
    public double PointRadius { get; init; } = 3.5;
    /// <summary>Hide tick labels (t-SNE axes have no meaning).</summary>
    public bool HideTicks { get; init; }

    public ScatterChart Add(double x, double y, string group, string? label = null)
    {
        Points.Add(new ScatterPoint(x, y, group, label));
        return this;
    }

    /// <summary>Adds every row of a [N, 2] embedding with its group name.</summary>
    public ScatterChart AddEmbedding(double[,] xy, IReadOnlyList<string> groups)
    {
        if (xy.GetLength(1) != 2) throw new ArgumentException("an embedding to plot must have 2 columns.");
        if (groups.Count != xy.GetLength(0)) throw new ArgumentException($"{groups.Count} group names for {xy.GetLength(0)} points.");
        for (var i = 0; i < groups.Count; i++) Add(xy[i, 0], xy[i, 1], groups[i]);
        return this;
    }

    public override string ToSvg()
    {
        var pts = Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
        var groups = pts.Select(p => p.Group).Distinct().ToList(); // first-appearance order: deterministic
        var xScale = Scale.Nice(pts.Select(p => p.X).DefaultIfEmpty(0).Min(), pts.Select(p => p.X).DefaultIfEmpty(1).Max());
        var yScale = Scale.Nice(pts.Select(p => p.Y).DefaultIfEmpty(0).Min(), pts.Select(p => p.Y).DefaultIfEmpty(1).Max());
        var legend = groups.Count > 1 || ParetoFrontier ? groups.Concat(ParetoFrontier ? ["Pareto frontier"] : []).ToList() : [];
        var frame = new Frame(Width, Height, xScale, yScale, Title.Length > 0, legend);
        var svg = new Svg(Width, Height);
        frame.DrawTitle(svg, Title, Width);
        if (HideTicks)
        {
            svg.Line(frame.Left, frame.Bottom, frame.Right, frame.Bottom, "#444444");
            svg.Line(frame.Left, frame.Top, frame.Left, frame.Bottom, "#444444");
            if (XLabel.Length > 0) svg.Text((frame.Left + frame.Right) / 2, frame.Bottom + 24, XLabel, 12, "middle");
            if (YLabel.Length > 0) svg.Text(frame.Left - 12, (frame.Top + frame.Bottom) / 2, YLabel, 12, "middle", rotate: -90);
        }
        else frame.DrawAxes(svg, XLabel, YLabel);

        if (ParetoFrontier)
        {
            var front = Frontier(pts);
            svg.Polyline(front.Select(p => (frame.Px(p.X), frame.Py(p.Y))), "#777777", 1.5, "6,4");
        }
        foreach (var p in pts)
        {
            var color = Palette.Color(groups.IndexOf(p.Group));
            svg.Circle(frame.Px(p.X), frame.Py(p.Y), PointRadius, color, p.Label ?? p.Group, stroke: pts.Count < 50 ? "#ffffff" : null);
            if (p.Label != null) svg.Text(frame.Px(p.X) + PointRadius + 3, frame.Py(p.Y) - PointRadius - 2, p.Label, 11);
        }
        var entries = groups.Select((g, i) => (g, Palette.Color(i), LegendMark.Dot)).ToList();
        if (ParetoFrontier) entries.Add(("Pareto frontier", "#777777", LegendMark.DashedLine));
        if (legend.Count > 0) frame.DrawLegend(svg, entries);
        return svg.ToString();
    }

    /// <summary>Points not dominated by any other, sorted by x.</summary>
    internal static List<ScatterPoint> Frontier(IEnumerable<ScatterPoint> points)
    {
        var front = new List<ScatterPoint>();
        var best = double.NegativeInfinity;
        foreach (var p in points.OrderBy(p => p.X).ThenByDescending(p => p.Y))
            if (p.Y > best) { front.Add(p); best = p.Y; }
        return front;
    }
}
