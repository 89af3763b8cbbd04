using System.Globalization;
using System.Text;

namespace Medley.Evaluation.Plots;

/// <summary>
/// Minimal SVG document writer: invariant-culture numbers with two decimals (so output is byte-identical across
/// machines) and escaping of every piece of user text.
/// </summary>
internal sealed class Svg
{
    private readonly StringBuilder _sb = new();
    private int _clipIds;

    public Svg(double width, double height)
    {
        _sb.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{N(width)}\" height=\"{N(height)}\" viewBox=\"0 0 {N(width)} {N(height)}\" ")
           .Append("font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n")
           .Append($"<rect x=\"0\" y=\"0\" width=\"{N(width)}\" height=\"{N(height)}\" fill=\"#ffffff\"/>\n");
    }

    public static string N(double v) => double.IsFinite(v) ? Math.Round(v, 2).ToString("0.##", CultureInfo.InvariantCulture) : "0";

    /// <summary>Escapes text for element content and attribute values.</summary>
    public static string Escape(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\'': sb.Append("&apos;"); break;
                default:
                    // Characters XML 1.0 forbids (control characters other than tab/newline) are dropped.
                    if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') sb.Append(c);
                    break;
            }
        }
        return sb.ToString();
    }

    public void Line(double x1, double y1, double x2, double y2, string stroke, double width = 1, string? dash = null) =>
        _sb.Append($"<line x1=\"{N(x1)}\" y1=\"{N(y1)}\" x2=\"{N(x2)}\" y2=\"{N(y2)}\" stroke=\"{stroke}\" stroke-width=\"{N(width)}\"{Dash(dash)}/>\n");

    public void Rect(double x, double y, double w, double h, string fill, string? stroke = null, string? tooltip = null, double opacity = 1)
    {
        _sb.Append($"<rect x=\"{N(x)}\" y=\"{N(y)}\" width=\"{N(Math.Max(0, w))}\" height=\"{N(Math.Max(0, h))}\" fill=\"{fill}\"");
        if (stroke != null) _sb.Append($" stroke=\"{stroke}\"");
        if (opacity < 1) _sb.Append($" fill-opacity=\"{N(opacity)}\"");
        Close(tooltip, "rect");
    }

    public void Circle(double cx, double cy, double r, string fill, string? tooltip = null, string? stroke = null)
    {
        _sb.Append($"<circle cx=\"{N(cx)}\" cy=\"{N(cy)}\" r=\"{N(r)}\" fill=\"{fill}\"");
        if (stroke != null) _sb.Append($" stroke=\"{stroke}\" stroke-width=\"1\"");
        Close(tooltip, "circle");
    }

    public void Polyline(IEnumerable<(double X, double Y)> points, string stroke, double width = 2, string? dash = null) =>
        _sb.Append($"<polyline points=\"{Points(points)}\" fill=\"none\" stroke=\"{stroke}\" stroke-width=\"{N(width)}\" stroke-linejoin=\"round\"{Dash(dash)}/>\n");

    public void Polygon(IEnumerable<(double X, double Y)> points, string fill, double opacity) =>
        _sb.Append($"<polygon points=\"{Points(points)}\" fill=\"{fill}\" fill-opacity=\"{N(opacity)}\" stroke=\"none\"/>\n");

    public void Text(double x, double y, string text, double size = 12, string anchor = "start", string fill = "#222222",
        bool bold = false, double rotate = 0, string baseline = "auto")
    {
        _sb.Append($"<text x=\"{N(x)}\" y=\"{N(y)}\" font-size=\"{N(size)}\" text-anchor=\"{anchor}\" fill=\"{fill}\"");
        if (baseline != "auto") _sb.Append($" dominant-baseline=\"{baseline}\"");
        if (bold) _sb.Append(" font-weight=\"bold\"");
        if (rotate != 0) _sb.Append($" transform=\"rotate({N(rotate)} {N(x)} {N(y)})\"");
        _sb.Append('>').Append(Escape(text)).Append("</text>\n");
    }

    /// <summary>Opens a group clipped to a rectangle (keeps lines inside the plot area); close with <see cref="EndGroup"/>.</summary>
    public void BeginClip(double x, double y, double w, double h)
    {
        // Ids are global in an HTML page holding several charts, so the final id is made unique per chart content
        // (see ToString); the counter only separates clips within one chart.
        var id = $"{ClipPlaceholder}{++_clipIds}";
        _sb.Append($"<clipPath id=\"{id}\"><rect x=\"{N(x)}\" y=\"{N(y)}\" width=\"{N(w)}\" height=\"{N(h)}\"/></clipPath>\n<g clip-path=\"url(#{id})\">\n");
    }

    public void EndGroup() => _sb.Append("</g>\n");

    private const string ClipPlaceholder = "@@clip@@";

    public override string ToString()
    {
        var text = _sb + "</svg>\n";
        if (_clipIds == 0) return text;
        // FNV-1a over the content: deterministic, and different charts get different ids.
        var hash = 2166136261u;
        foreach (var c in text) hash = (hash ^ c) * 16777619u;
        return text.Replace(ClipPlaceholder, $"clip{hash:x8}-");
    }

    private void Close(string? tooltip, string tag)
    {
        if (tooltip == null) _sb.Append("/>\n");
        else _sb.Append("><title>").Append(Escape(tooltip)).Append($"</title></{tag}>\n");
    }

    private static string Dash(string? dash) => dash == null ? "" : $" stroke-dasharray=\"{dash}\"";

    private static string Points(IEnumerable<(double X, double Y)> points) =>
        string.Join(" ", points.Select(p => $"{N(p.X)},{N(p.Y)}"));
}
