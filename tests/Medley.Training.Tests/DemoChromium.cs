using System.Diagnostics;

namespace Medley.Training.Tests;

/// <summary>Headless Chromium for the demo's report test: --dump-dom / --screenshot, with the page's console log.</summary>
internal static class DemoChromium
{
    public const string Path_ = "/usr/bin/chromium";

    /// <summary>Runs Chromium on a local file; returns stdout (e.g. the DOM) and stderr (its log, with console messages).</summary>
    public static (string Stdout, string Stderr) Run(string file, params string[] extra)
    {
        if (!File.Exists(Path_))
            Assert.Fail($"{Path_} not found: the demo report test needs Chromium (apt-get install chromium; scripts/setup.sh does it with MEDLEY_WITH_PYTHON=1).");
        var profile = Directory.CreateTempSubdirectory("medley-demo-chromium-").FullName;
        try
        {
            var psi = new ProcessStartInfo(Path_) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            string[] flags =
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--hide-scrollbars", $"--user-data-dir={profile}",
                "--enable-logging=stderr", "--v=0",
            };
            foreach (var a in flags.Concat(extra)) psi.ArgumentList.Add(a);
            psi.ArgumentList.Add(new Uri(Path.GetFullPath(file)).AbsoluteUri);
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(90_000))
            {
                p.Kill(entireProcessTree: true);
                Assert.Fail("chromium did not finish within 90 s.");
            }
            return (stdout.Result, stderr.Result);
        }
        finally
        {
            try { Directory.Delete(profile, true); } catch (IOException) { }
        }
    }

    /// <summary>The page's console messages and uncaught errors in Chromium's log.</summary>
    public static List<string> ConsoleMessages(string stderr) =>
        stderr.Split('\n').Where(l => l.Contains(":CONSOLE", StringComparison.Ordinal) || l.Contains("Uncaught", StringComparison.Ordinal)).ToList();
}
