using Medley.Evaluation.Plots;

namespace Medley.Evaluation.Reporting;

/// <summary>Wraps a chart so that its root &lt;svg&gt; carries id="figure-ID" and data-figure="ID" (how tests and readers find each plot).</summary>
internal sealed class TaggedChart(Chart inner, string id) : Chart
{
    public string Id => id;

    public override string ToSvg() => Tag(inner.ToSvg(), id);

    public static string Tag(string svg, string id)
    {
        var i = svg.IndexOf("<svg ", StringComparison.Ordinal);
        return i < 0 ? svg : svg.Insert(i + 5, $"id=\"figure-{Plots.Svg.Escape(id)}\" data-figure=\"{Plots.Svg.Escape(id)}\" role=\"img\" ");
    }
}
