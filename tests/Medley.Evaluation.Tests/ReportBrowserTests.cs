using System.Diagnostics;
using System.Text.RegularExpressions;
using Medley.Evaluation.Reporting;
using Xunit.Abstractions;
using static Medley.Evaluation.Tests.ReportingRunFixture;

namespace Medley.Evaluation.Tests;

/// <summary>
/// Acceptance 1: the report opens in headless Chromium with no script/console errors, every plot is in the
/// rendered DOM, and a screenshot is saved (bin/.../ReportBrowser/report.png).
/// </summary>
public class ReportBrowserTests(ITestOutputHelper output)
{
    private const string ChromiumPath = "/usr/bin/chromium";

    private static string Chromium()
    {
        if (!File.Exists(ChromiumPath))
            Assert.Fail($"{ChromiumPath} not found: the report browser test needs Chromium. Install it with `apt-get install chromium` " +
                        "(scripts/setup.sh does so with MEDLEY_WITH_PYTHON=1).");
        return ChromiumPath;
    }

    /// <summary>Runs headless Chromium on a file with the given extra arguments; returns stdout and stderr (its log, with page console messages).</summary>
    private static (string Stdout, string Stderr) Run(string file, params string[] args)
    {
        var profile = Directory.CreateTempSubdirectory("medley-chromium-").FullName;
        try
        {
            var psi = new ProcessStartInfo(Chromium())
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            foreach (var a in new[]
                     {
                         "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync", "--hide-scrollbars", $"--user-data-dir={profile}",
                         "--enable-logging=stderr", "--v=0",
                     }.Concat(args))
                psi.ArgumentList.Add(a);
            psi.ArgumentList.Add(new Uri(Path.GetFullPath(file)).AbsoluteUri);
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(60_000))
            {
                p.Kill(entireProcessTree: true);
                Assert.Fail("chromium did not finish within 60 s.");
            }
            return (stdout.Result, stderr.Result);
        }
        finally
        {
            try { Directory.Delete(profile, true); } catch (IOException) { }
        }
    }

    /// <summary>Page console output (console.* and uncaught exceptions) as Chromium logs it to stderr.</summary>
    private static List<string> ConsoleMessages(string stderr) =>
        stderr.Split('\n').Where(l => l.Contains(":CONSOLE", StringComparison.Ordinal) || l.Contains("Uncaught", StringComparison.Ordinal)).ToList();

    [Fact]
    public void ConsoleErrorDetectionWorks()
    {
        // Guards the check below: a page with a script error must be caught.
        using var tmp = new TempDir();
        var bad = Path.Combine(tmp.Path, "bad.html");
        File.WriteAllText(bad, "<!DOCTYPE html><html><body><p>x</p><script>notDefined();</script></body></html>");
        var (_, stderr) = Run(bad, "--dump-dom");
        Assert.Contains(ConsoleMessages(stderr), l => l.Contains("notDefined is not defined"));
    }

    [Fact]
    public void ReportOpensInHeadlessChromiumWithEveryPlot()
    {
        using var tmp = new TempDir();
        var runDir = tmp.Sub("cv-run");
        WriteCvExperiment(runDir);
        var outDir = Path.Combine(AppContext.BaseDirectory, "ReportBrowser");
        Directory.CreateDirectory(outDir);
        var html = Path.Combine(outDir, "report.html");
        var result = RunReport.Write(runDir, html);
        Assert.Equal(ReportingTests.CvFigures.OrderBy(x => x), result.Figures.OrderBy(x => x));

        var (dom, stderr) = Run(html, "--dump-dom");
        Assert.Empty(ConsoleMessages(stderr));
        Assert.Contains("</html>", dom);
        var rendered = Regex.Matches(dom, "<svg[^>]*\\sdata-figure=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(result.Figures.OrderBy(x => x), rendered.OrderBy(x => x));
        // Each plot has drawn content, not just an empty frame.
        foreach (var id in result.Figures)
        {
            var svg = Regex.Match(dom, $"<svg[^>]*data-figure=\"{Regex.Escape(id)}\".*?</svg>", RegexOptions.Singleline).Value;
            Assert.True(Regex.Matches(svg, "<(path|polyline|polygon|circle|rect)").Count >= 3, $"figure {id} has almost no marks");
        }
        Assert.Equal(0, Regex.Matches(dom, "<script").Count);

        var png = Path.Combine(outDir, "report.png");
        File.Delete(png);
        var (_, shotLog) = Run(html, $"--screenshot={png}", "--window-size=1200,9000");
        Assert.Empty(ConsoleMessages(shotLog));
        Assert.True(File.Exists(png), "chromium wrote no screenshot.\n" + shotLog);
        var bytes = File.ReadAllBytes(png);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        Assert.Equal(1200, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
        Assert.True(bytes.Length > 100_000, $"the screenshot is suspiciously small ({bytes.Length} bytes): blank page?");
        output.WriteLine($"report: {html}\nscreenshot: {png}");
    }
}
