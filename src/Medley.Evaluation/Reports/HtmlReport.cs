using System.Text;
using Medley.Evaluation.Plots;
using Medley.Evaluation.Statistics;

namespace Medley.Evaluation.Reports;

/// <summary>
/// Builds a self-contained single-file HTML report: sections with headings, paragraphs, tables, inline SVG figures
/// and a small embedded stylesheet. No scripts and no external resources, so it opens anywhere, offline.
/// </summary>
public sealed class HtmlReport
{
    private readonly string _title;
    private readonly StringBuilder _body = new();
    private bool _sectionOpen;
    private int _figures;
    private int _tables;

    public HtmlReport(string title) => _title = title;

    /// <summary>Line under the title (e.g. run id and date). The report itself adds no timestamp, so output is deterministic.</summary>
    public string? Subtitle { get; set; }

    /// <summary>Starts a new top-level section (closing the previous one) with an h2 heading.</summary>
    public HtmlReport Section(string heading)
    {
        CloseSection();
        _body.Append("<section>\n<h2>").Append(E(heading)).Append("</h2>\n");
        _sectionOpen = true;
        return this;
    }

    public HtmlReport Heading(string text, int level = 3)
    {
        level = Math.Clamp(level, 2, 6);
        _body.Append($"<h{level}>").Append(E(text)).Append($"</h{level}>\n");
        return this;
    }

    public HtmlReport Paragraph(string text)
    {
        _body.Append("<p>").Append(E(text)).Append("</p>\n");
        return this;
    }

    /// <summary>Key–value facts (run settings, dataset sizes) as a definition list.</summary>
    public HtmlReport Facts(IEnumerable<(string Key, string Value)> facts)
    {
        _body.Append("<dl class=\"facts\">\n");
        foreach (var (k, v) in facts) _body.Append("<dt>").Append(E(k)).Append("</dt><dd>").Append(E(v)).Append("</dd>\n");
        _body.Append("</dl>\n");
        return this;
    }

    /// <summary>A table; the first column is treated as row headers. Cells are plain text (escaped).</summary>
    public HtmlReport Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, string? caption = null)
    {
        var rowList = rows.ToList();
        foreach (var row in rowList)
            if (row.Count != headers.Count)
                throw new ArgumentException($"a table row has {row.Count} cells but the table has {headers.Count} columns.");
        _tables++;
        _body.Append("<table>\n");
        if (caption != null) _body.Append($"<caption>Table {_tables}. ").Append(E(caption)).Append("</caption>\n");
        _body.Append("<thead><tr>");
        foreach (var h in headers) _body.Append("<th>").Append(E(h)).Append("</th>");
        _body.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in rowList)
        {
            _body.Append("<tr>");
            for (var i = 0; i < row.Count; i++)
                _body.Append(i == 0 ? "<th scope=\"row\">" : "<td>").Append(E(row[i])).Append(i == 0 ? "</th>" : "</td>");
            _body.Append("</tr>\n");
        }
        _body.Append("</tbody>\n</table>\n");
        return this;
    }

    /// <summary>
    /// A metrics table: one row per method, one column per metric, each cell "mean ± std [CI low, CI high]".
    /// Missing cells show "–".
    /// </summary>
    public HtmlReport SummaryTable(IReadOnlyList<string> metrics, IEnumerable<(string Method, IReadOnlyDictionary<string, FoldSummary> Values)> methods,
        string? caption = null, int digits = 3)
    {
        var rows = methods.Select(m => (IReadOnlyList<string>)new[] { m.Method }
            .Concat(metrics.Select(k => m.Values.TryGetValue(k, out var s) ? s.Format(digits) : "–")).ToList());
        return Table(new[] { "Method" }.Concat(metrics).ToList(), rows, caption);
    }

    /// <summary>Embeds a chart's SVG inline with a numbered caption.</summary>
    public HtmlReport Figure(Chart chart, string? caption = null) => Figure(chart.ToSvg(), caption);

    /// <summary>Embeds SVG markup produced by Medley's charts (trusted, not escaped).</summary>
    public HtmlReport Figure(string svg, string? caption = null)
    {
        _figures++;
        _body.Append("<figure>\n").Append(svg);
        if (caption != null) _body.Append($"<figcaption>Figure {_figures}. ").Append(E(caption)).Append("</figcaption>\n");
        _body.Append("</figure>\n");
        return this;
    }

    /// <summary>Several charts side by side (they wrap on narrow screens).</summary>
    public HtmlReport FigureRow(IEnumerable<Chart> charts, string? caption = null)
    {
        _figures++;
        _body.Append("<figure class=\"row\">\n<div class=\"row\">\n");
        foreach (var c in charts) _body.Append("<div>").Append(c.ToSvg()).Append("</div>\n");
        _body.Append("</div>\n");
        if (caption != null) _body.Append($"<figcaption>Figure {_figures}. ").Append(E(caption)).Append("</figcaption>\n");
        _body.Append("</figure>\n");
        return this;
    }

    public string ToHtml()
    {
        CloseSection();
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
               + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
               + $"<title>{E(_title)}</title>\n<style>\n{Css}</style>\n</head>\n<body>\n<main>\n"
               + $"<header><h1>{E(_title)}</h1><p class=\"meta\">{E(Subtitle ?? "Medley report")}</p></header>\n"
               + _body + "</main>\n</body>\n</html>\n";
    }

    public void Save(string path) => File.WriteAllText(path, ToHtml(), new UTF8Encoding(false));

    private void CloseSection()
    {
        if (!_sectionOpen) return;
        _body.Append("</section>\n");
        _sectionOpen = false;
    }

    // Only markup characters are escaped; the file is UTF-8, so ±, κ, γ stay readable in the source.
    private static string E(string s) => Svg.Escape(s);

    private const string Css = """
        body { margin: 0; background: #f4f5f7; color: #1d2330; font: 15px/1.5 Helvetica, Arial, sans-serif; }
        main { max-width: 1120px; margin: 0 auto; padding: 24px 32px 48px; }
        header h1 { margin: 8px 0 0; font-size: 28px; }
        .meta { color: #667; margin: 2px 0 16px; }
        section { background: #fff; border-radius: 8px; padding: 8px 24px 20px; margin: 18px 0; box-shadow: 0 1px 3px rgba(0,0,0,.08); }
        h2 { font-size: 21px; border-bottom: 2px solid #e3e6eb; padding-bottom: 6px; }
        h3 { font-size: 17px; margin-top: 22px; }
        table { border-collapse: collapse; margin: 12px 0; font-variant-numeric: tabular-nums; }
        caption { caption-side: top; text-align: left; color: #445; padding-bottom: 6px; font-weight: bold; }
        th, td { border-bottom: 1px solid #e3e6eb; padding: 6px 12px; text-align: right; white-space: nowrap; }
        thead th { border-bottom: 2px solid #99a; background: #f7f8fa; }
        th[scope=row], thead th:first-child { text-align: left; }
        tbody tr:nth-child(even) { background: #fafbfc; }
        figure { margin: 16px 0; }
        figure svg { max-width: 100%; height: auto; border: 1px solid #eceef2; border-radius: 4px; }
        div.row { display: flex; flex-wrap: wrap; gap: 12px; }
        figcaption { color: #445; font-size: 14px; margin-top: 4px; }
        dl.facts { display: grid; grid-template-columns: max-content auto; gap: 2px 16px; }
        dl.facts dt { font-weight: bold; } dl.facts dd { margin: 0; }
        """;
}
