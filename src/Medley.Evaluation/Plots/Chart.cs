namespace Medley.Evaluation.Plots;

/// <summary>A chart that renders itself as a standalone SVG document (no scripts, deterministic output).</summary>
public abstract class Chart
{
    public string Title { get; init; } = "";
    public double Width { get; init; } = 640;
    public double Height { get; init; } = 400;

    public abstract string ToSvg();

    public void Save(string path) => File.WriteAllText(path, ToSvg());

    public override string ToString() => ToSvg();
}

internal enum LegendMark { Line, DashedLine, Dot, Box }

/// <summary>Plot area, axes, title and legend shared by the x/y charts.</summary>
internal sealed class Frame
{
    public double Left { get; }
    public double Top { get; }
    public double Right { get; }
    public double Bottom { get; }
    public Scale X { get; }
    public Scale Y { get; }

    private const double CharWidth = 6.6; // rough width of a 12-px Helvetica character, for layout only

    public Frame(double width, double height, Scale x, Scale y, bool hasTitle, IReadOnlyList<string> legend)
    {
        X = x;
        Y = y;
        var yLabelWidth = y.Ticks.Max(t => y.Label(t).Length) * CharWidth;
        Left = 30 + yLabelWidth + 12;
        Top = hasTitle ? 40 : 16;
        var legendWidth = legend.Count == 0 ? 0 : Math.Min(260, 36 + legend.Max(s => s.Length) * CharWidth);
        Right = width - 16 - legendWidth;
        Bottom = height - 52;
    }

    public double Px(double v) => Left + X.Fraction(v) * (Right - Left);
    public double Py(double v) => Bottom - Y.Fraction(v) * (Bottom - Top);
    public double PlotWidth => Right - Left;
    public double PlotHeight => Bottom - Top;

    public void DrawTitle(Svg svg, string title, double width)
    {
        if (title.Length > 0) svg.Text(width / 2, 24, title, 15, "middle", bold: true);
    }

    /// <summary>Grid lines, tick labels, the frame and axis titles. X tick labels may be replaced (categorical axes).</summary>
    public void DrawAxes(Svg svg, string xLabel, string yLabel, bool xTicks = true)
    {
        foreach (var t in Y.Ticks)
        {
            var py = Py(t);
            svg.Line(Left, py, Right, py, "#e5e5e5");
            svg.Text(Left - 6, py + 4, Y.Label(t), 11, "end", "#444444");
        }
        if (xTicks)
            foreach (var t in X.Ticks)
            {
                var px = Px(t);
                svg.Line(px, Top, px, Bottom, "#eeeeee");
                svg.Line(px, Bottom, px, Bottom + 4, "#444444");
                svg.Text(px, Bottom + 17, X.Label(t), 11, "middle", "#444444");
            }
        svg.Line(Left, Bottom, Right, Bottom, "#444444");
        svg.Line(Left, Top, Left, Bottom, "#444444");
        if (xLabel.Length > 0) svg.Text((Left + Right) / 2, Bottom + 38, xLabel, 12, "middle");
        if (yLabel.Length > 0) svg.Text(16, (Top + Bottom) / 2, yLabel, 12, "middle", rotate: -90);
    }

    public void DrawLegend(Svg svg, IReadOnlyList<(string Name, string Color, LegendMark Mark)> entries)
    {
        var x = Right + 14;
        var y = Top + 8;
        foreach (var (name, color, mark) in entries)
        {
            switch (mark)
            {
                case LegendMark.Line: svg.Line(x, y, x + 20, y, color, 2.5); break;
                case LegendMark.DashedLine: svg.Line(x, y, x + 20, y, color, 1.5, "5,4"); break;
                case LegendMark.Dot: svg.Circle(x + 10, y, 4.5, color); break;
                case LegendMark.Box: svg.Rect(x + 4, y - 6, 12, 12, color); break;
            }
            svg.Text(x + 26, y + 4, name, 11.5);
            y += 20;
        }
    }
}
