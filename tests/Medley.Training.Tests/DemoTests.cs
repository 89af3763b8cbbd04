using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Medley.Training.Tests;

/// <summary>
/// Acceptance 1: `medley demo --quick` runs end to end (synthetic data → CV of cmap-fusion, image-only, lab-only →
/// comparison.json → report.html), and the report opens in headless Chromium with no script errors, every plot
/// drawn, and a screenshot saved (bin/.../DemoReport/report.png).
/// </summary>
[Collection(global::Medley.Torch.Tests.SerialCollection.Name)]
public sealed class DemoTests(ITestOutputHelper output)
{
    private static (int Code, string Out, string Err) RunCli(params string[] args) => CliRunner.Run(args);

    [Fact]
    public void QuickDemoWritesAReportThatOpensInChromium()
    {
        var dir = Path.Combine(Path.GetTempPath(), "medley-demo-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var (code, stdout, stderr) = RunCli("demo", "--quick", "--out", dir, "--seed", "1");
            Assert.True(code == 0, stderr + stdout);
            var report = Path.Combine(dir, "report.html");
            Assert.Contains($"report: {Path.GetFullPath(report)}", stdout);
            Assert.True(File.Exists(Path.Combine(dir, "data", "spec.yaml")), "no synthetic data set");

            // The comparison holds the three methods, each with its folds, summaries and efficiency.
            var comparison = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "comparison.json")))!;
            var methods = comparison["methods"]!.AsArray().Select(m => (Name: m!["name"]!.GetValue<string>(), Node: m)).ToList();
            Assert.Equal(new[] { "cmap-fusion", "image-only", "lab-only" }, methods.Select(m => m.Name));
            foreach (var (name, m) in methods)
            {
                Assert.Equal(2, m!["runs"]!.AsArray().Count);
                var accuracy = m["summary"]!["accuracy"]!["mean"]!.GetValue<double>();
                Assert.InRange(accuracy, 0, 1);
                Assert.True(m["efficiency"]!["params"]!.GetValue<double>() > 0, name);
                Assert.True(m["efficiency"]!["flops"]!.GetValue<double>() > 0, name);
                var folds = name == "cmap-fusion" ? dir : Path.Combine(dir, name);   // CMAP-Fusion's folds sit at the top
                Assert.True(File.Exists(Path.Combine(folds, "r0_f0", "checkpoints", "best.safetensors")), name);
            }
            Assert.NotNull(methods.First(m => m.Name == "image-only").Node!["ttest"]);

            // The report: every figure the demo's data can feed.
            var html = File.ReadAllText(report);
            var figures = Regex.Matches(html, "<svg[^>]*data-figure=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToHashSet();
            foreach (var expected in new[] { "training-loss", "roc", "confusion-counts", "comparison-bars", "accuracy-vs-flops", "tsne-modality", "importance" })
                Assert.Contains(expected, figures);
            foreach (var method in methods.Select(m => m.Name)) Assert.Contains(method, html);

            // Headless Chromium: no console errors, every plot in the rendered DOM with marks, a screenshot.
            var (dom, log) = DemoChromium.Run(report, "--dump-dom");
            Assert.Empty(DemoChromium.ConsoleMessages(log));
            var rendered = Regex.Matches(dom, "<svg[^>]*\\sdata-figure=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToHashSet();
            Assert.Equal(figures.OrderBy(x => x), rendered.OrderBy(x => x));
            foreach (var id in rendered)
            {
                var svg = Regex.Match(dom, $"<svg[^>]*data-figure=\"{Regex.Escape(id)}\".*?</svg>", RegexOptions.Singleline).Value;
                Assert.True(Regex.Matches(svg, "<(path|polyline|polygon|circle|rect)").Count >= 3, $"figure {id} has almost no marks");
            }
            var shotDir = Path.Combine(AppContext.BaseDirectory, "DemoReport");
            Directory.CreateDirectory(shotDir);
            var png = Path.Combine(shotDir, "report.png");
            File.Delete(png);
            var (_, shotLog) = DemoChromium.Run(report, $"--screenshot={png}", "--window-size=1200,9000");
            Assert.Empty(DemoChromium.ConsoleMessages(shotLog));
            var bytes = File.ReadAllBytes(png);
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
            Assert.True(bytes.Length > 50_000, $"the screenshot is suspiciously small ({bytes.Length} bytes): blank page?");
            output.WriteLine($"report: {report}\nscreenshot: {png}\n{stdout}");

            // A second demo into the same folder is refused with a one-line error, and nothing is overwritten.
            var again = RunCli("demo", "--quick", "--out", dir);
            Assert.NotEqual(0, again.Code);
            Assert.Contains("already holds a finished demo", again.Err);
        }
        finally
        {
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }
}
