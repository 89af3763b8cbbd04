using System.Text.RegularExpressions;
using System.Xml.Linq;
using Medley.Evaluation.Metrics;
using Medley.Evaluation.Plots;
using Medley.Evaluation.Statistics;
using Medley.Evaluation.Reports;

namespace Medley.Evaluation.Tests;

public class PlotTests
{
    private static XDocument Parse(string svg)
    {
        var doc = XDocument.Parse(svg);
        Assert.Equal("svg", doc.Root!.Name.LocalName);
        Assert.Equal("http://www.w3.org/2000/svg", doc.Root.Name.NamespaceName);
        return doc;
    }

    private static IEnumerable<string> Texts(XDocument doc) =>
        doc.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value);

    [Fact]
    public void LineChartIsValidXmlWithEscapedLabelsAndLegend()
    {
        var chart = new LineChart { Title = "Loss <train & \"val\">", XLabel = "epoch", YLabel = "loss" }
            .Add(new LineSeries("a<b", [1, 2, 3], [0.5, double.NaN, 0.3]))
            .Add(new LineSeries("band", [1, 2, 3], [1, 2, 3], [0.5, 1.5, 2.5], [1.5, 2.5, 3.5]));
        var doc = Parse(chart.ToSvg());
        var texts = Texts(doc).ToList();
        Assert.Contains("Loss <train & \"val\">", texts);
        Assert.Contains("a<b", texts);
        Assert.Single(doc.Descendants().Where(e => e.Name.LocalName == "polygon")); // one error band
        // NaN splits series "a<b" into two single-point segments, plus one line for "band".
        Assert.Equal(3, doc.Descendants().Count(e => e.Name.LocalName == "polyline"));
        Assert.DoesNotContain("NaN", chart.ToSvg());
    }

    [Fact]
    public void OutputIsDeterministic()
    {
        string Make() => RocChart.Create([("m", BinaryCurves.Roc([0, 1, 1, 0, 1], [0.1, 0.8, 0.4, 0.35, 0.9]))]).ToSvg();
        Assert.Equal(Make(), Make());
        Assert.Equal(SampleReport.Build().ToHtml(), SampleReport.Build().ToHtml());
    }

    [Fact]
    public void RocChartHasDiagonalAndAucInLegend()
    {
        var doc = Parse(RocChart.Create([("model", BinaryCurves.Roc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]))]).ToSvg());
        Assert.Contains("model (AUC = 0.750)", Texts(doc));
        Assert.Contains(doc.Descendants().Where(e => e.Name.LocalName == "line"), l => (string?)l.Attribute("stroke-dasharray") == "6,4");
    }

    [Fact]
    public void ConfusionMatrixAnnotatesCountsAndRowFractions()
    {
        var cm = ConfusionMatrix.Compute([0, 0, 1, 1, 1], [0, 1, 1, 1, 0]);
        var counts = Texts(Parse(ConfusionMatrixChart.Create(cm, ["neg", "pos"]).ToSvg())).ToList();
        Assert.Contains("2", counts);
        Assert.Contains("neg", counts);
        Assert.Contains("Predicted", counts);
        var fractions = Texts(Parse(ConfusionMatrixChart.Create(cm, ["neg", "pos"], normalise: true).ToSvg())).ToList();
        Assert.Contains("0.67", fractions);
        Assert.Contains("0.50", fractions);
        Assert.Throws<ArgumentException>(() => ConfusionMatrixChart.Create(cm, ["only one"]));
    }

    [Fact]
    public void ScatterDrawsParetoFrontierOfNonDominatedPoints()
    {
        var pts = new[] { new ScatterPoint(1, 0.7, "m", "a"), new ScatterPoint(2, 0.6, "m", "dominated"), new ScatterPoint(3, 0.9, "m", "c") };
        Assert.Equal(["a", "c"], ScatterChart.Frontier(pts).Select(p => p.Label));
        var chart = new ScatterChart { ParetoFrontier = true };
        chart.Points.AddRange(pts);
        var doc = Parse(chart.ToSvg());
        // three data points (with tooltips) and one legend dot
        Assert.Equal(3, doc.Descendants().Count(e => e.Name.LocalName == "circle" && e.Elements().Any()));
        Assert.Equal(4, doc.Descendants().Count(e => e.Name.LocalName == "circle"));
        Assert.Contains("dominated", Texts(doc));
    }

    [Fact]
    public void BarChartDrawsErrorBarsAndRejectsMismatchedSeries()
    {
        var chart = new BarChart(["x", "y"]).Add(new BarSeries("s", [1, 2], [0.1, 0.2]));
        var doc = Parse(chart.ToSvg());
        Assert.Equal(2, doc.Descendants().Count(e => e.Name.LocalName == "rect" && e.Elements().Any(c => c.Name.LocalName == "title")));
        Assert.Equal(6, doc.Descendants().Count(e => e.Name.LocalName == "line" && (string?)e.Attribute("stroke") == "#222222"));
        Assert.Throws<ArgumentException>(() => chart.Add(new BarSeries("bad", [1])));
    }

    [Fact]
    public void HeatmapColoursScaleWithValues()
    {
        var svg = new Heatmap(new double[,] { { 0, 1 }, { 0.5, double.NaN } }) { Viridis = true }.ToSvg();
        var doc = Parse(svg);
        var cells = doc.Descendants().Where(e => e.Name.LocalName == "rect" && e.Elements().Any()).Select(e => (string)e.Attribute("fill")!).ToList();
        Assert.Equal([Palette.ViridisColor(0), Palette.ViridisColor(1), Palette.ViridisColor(0.5), "#dddddd"], cells);
    }

    [Fact]
    public void NiceScaleChoosesRoundTicks()
    {
        var s = Scale.Nice(0.013, 0.947);
        Assert.Equal(0, s.Min);
        Assert.Equal(1, s.Max, 12);
        Assert.Equal(0.2, s.Step, 12);
        Assert.Equal("0.4", s.Label(s.Ticks[2]));
        var big = Scale.Nice(0, 3.5e10);
        Assert.EndsWith("G", big.Label(big.Ticks[1]));
        Assert.Equal(3, Scale.Nice(5, 5).Ticks.Length > 1 ? 3 : 0); // a degenerate range still gets an interval
    }

    [Fact]
    public void SampleReportIsSelfContainedWithParsableFigures()
    {
        var html = SampleReport.Build().ToHtml();
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", ""));
        Assert.Contains("&lt;demo &amp; test&gt;", html);
        var svgs = Regex.Matches(html, "<svg .*?</svg>", RegexOptions.Singleline).Select(m => m.Value).ToList();
        Assert.Equal(10, svgs.Count);
        foreach (var svg in svgs) Parse(svg);
        // Inline SVGs share one id namespace: clip paths must not collide or one chart clips another.
        var ids = Regex.Matches(html, "id=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Matches(@"\d\.\d{3} ± \d\.\d{3} \[\d\.\d{2}, \d\.\d{2}\]", html);
        var path = Path.Combine(AppContext.BaseDirectory, "sample-report.html");
        SampleReport.Build().Save(path);
        Assert.True(new FileInfo(path).Length > 10_000);
    }

    [Fact]
    public void ReliabilityChartPlotsNonEmptyBinsWithEce()
    {
        var probs = new double[,] { { 0.9, 0.1 }, { 0.8, 0.2 }, { 0.3, 0.7 }, { 0.45, 0.55 } };
        int[] y = [0, 1, 1, 1];
        var bins = Calibration.ReliabilityBins(y, probs, 10);
        var ece = Calibration.ExpectedCalibrationError(y, probs, 10);
        var doc = Parse(ReliabilityChart.Create(bins, ece).ToSvg());
        Assert.Contains($"model (ECE = {ece.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)})", Texts(doc));
        Assert.Equal(bins.Count(b => b.Count > 0), doc.Descendants().Count(e => e.Name.LocalName == "circle" && e.Elements().Any()));
    }

    [Fact]
    public void TableRowsMustMatchHeaders()
    {
        var r = new HtmlReport("t");
        Assert.Throws<ArgumentException>(() => r.Table(["a", "b"], [["1"]]));
        var html = r.Table(["a", "b"], [["x<y", "2"]], "cap").ToHtml();
        Assert.Contains("<th scope=\"row\">x&lt;y</th><td>2</td>", html);
        Assert.Contains("Table 1. cap", html);
    }
}
