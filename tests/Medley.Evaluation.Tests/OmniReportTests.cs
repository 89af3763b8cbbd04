using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Medley.Evaluation.Reporting;
using static Medley.Evaluation.Tests.ReportingRunFixture;

namespace Medley.Evaluation.Tests;

/// <summary>Report sections of the OmniFuse experiments: methods × combinations with stars, Table 2, missing-sweep curves, imputation similarity and t-SNE; rendered in headless Chromium.</summary>
public sealed class OmniReportTests
{
    private static void WriteOmniDirectory(string dir)
    {
        File.WriteAllText(Path.Combine(dir, "compare.json"), """
        {"kind": "modality-compare", "metric": "auroc", "alpha": 0.05, "folds": 2, "repeats": 1,
         "methods": ["omnifuse", "concat"], "combinations": ["ehr", "cxr", "ehr+cxr"],
         "cells": [
          {"method": "omnifuse", "name": "ehr", "summary": {"auroc": {"mean": 0.80, "std": 0.01}}},
          {"method": "concat", "name": "ehr", "summary": {"auroc": {"mean": 0.78, "std": 0.02}}},
          {"method": "omnifuse", "name": "cxr", "summary": {"auroc": {"mean": 0.70, "std": 0.01}}},
          {"method": "concat", "name": "cxr", "summary": {"auroc": {"mean": 0.69, "std": 0.02}}},
          {"method": "omnifuse", "name": "ehr+cxr", "summary": {"auroc": {"mean": 0.86, "std": 0.01}}},
          {"method": "concat", "name": "ehr+cxr", "summary": {"auroc": {"mean": 0.77, "std": 0.02}}}],
         "columns": [
          {"name": "ehr", "best": "omnifuse", "star": false, "tests": {"concat": {"t": 1.2, "df": 1, "p": 0.44}}},
          {"name": "cxr", "best": "omnifuse", "star": false, "tests": {"concat": {"t": 0.5, "df": 1, "p": 0.7}}},
          {"name": "ehr+cxr", "best": "omnifuse", "star": true, "tests": {"concat": {"t": 40, "df": 1, "p": 0.016}}}],
         "unimodal_vs_concat": [{"combination": "ehr+cxr", "baseline": "concat", "concat": 0.77, "unimodal": {"ehr": 0.78, "cxr": 0.69}, "best_unimodal": "ehr", "lazy": true}]}
        """);
        File.WriteAllText(Path.Combine(dir, "sweep_missing_ehr.json"), """
        {"kind": "missing", "target": "ehr", "metric": "auroc", "values": [0, 0.5, 0.9],
         "results": {"with imputation": [{"value": 0, "metric": 0.86, "std": 0.01}, {"value": 0.5, "metric": 0.85, "std": 0.01}, {"value": 0.9, "metric": 0.84, "std": 0.02}],
                     "without imputation": [{"value": 0, "metric": 0.85, "std": 0.01}, {"value": 0.5, "metric": 0.82, "std": 0.01}, {"value": 0.9, "metric": 0.79, "std": 0.02}]}}
        """);
        var log = new StringBuilder("epoch,train_loss,val_loss,val_auroc,imputation_cosine,tla_lazy,lr,seconds\n");
        for (var e = 1; e <= 6; e++)
            log.Append(string.Create(CultureInfo.InvariantCulture, $"{e},{1.0 / e},{1.1 / e},{0.7 + 0.02 * e},{0.3 + 0.1 * e},{e % 3},0.0001,1.0\n"));
        File.WriteAllText(Path.Combine(dir, "log.csv"), log.ToString());
        var rng = new Random(4);
        const int n = 30, d = 8;
        var original = Enumerable.Range(0, n * d).Select(i => (float)((i / d) % 3 + 0.3 * rng.NextDouble())).ToArray();
        var imputed = original.Select(v => v + (float)(0.2 * rng.NextDouble())).ToArray();
        WriteSafeTensors(Path.Combine(dir, "imputation.safetensors"),
            [("ehr.original", "F32", [n, d], F32(original)), ("ehr.imputed", "F32", [n, d], F32(imputed))]);
    }

    [Fact]
    public void SectionsRenderWithStarsCurvesAndTSne()
    {
        using var tmp = new TempDir();
        var dir = tmp.Sub("omni");
        WriteOmniDirectory(dir);
        var result = RunReport.Write(dir);
        foreach (var id in new[] { "modality-compare-bars", "robustness-missing-ehr", "imputation-similarity", "imputation-tsne-ehr" })
            Assert.Contains(id, result.Figures);
        var html = result.Html;
        Assert.Contains("Methods × modality combinations", html);
        Assert.Contains("0.860 ± 0.010 *", html);      // the starred column
        Assert.Contains("0.800 ± 0.010 (best)", html); // best without evidence
        Assert.Contains("0.0160 *", html);             // its p-value
        Assert.Contains("yes: concatenation &lt; best single modality", html);
        Assert.Contains("with imputation", html);
        Assert.Contains("without imputation", html);
        Assert.Contains("ehr-imputed", html);

        var cmp = ModalityCompare.Read(Path.Combine(dir, "compare.json"));
        Assert.True(cmp.Columns.Single(c => c.Combination == "ehr+cxr").Star);
        Assert.Equal(0.016, cmp.Columns[2].PValues["concat"]);

        // Headless Chromium (as ReportBrowserTests): no console errors, every figure drawn with marks.
        const string chromium = "/usr/bin/chromium";
        if (!File.Exists(chromium)) Assert.Fail($"{chromium} not found: this report test needs Chromium (apt-get install chromium).");
        var profile = Directory.CreateTempSubdirectory("medley-omni-chromium-").FullName;
        try
        {
            var psi = new ProcessStartInfo(chromium) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                                      "--disable-sync", $"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", "--dump-dom" })
                psi.ArgumentList.Add(a);
            psi.ArgumentList.Add(new Uri(Path.Combine(dir, "report.html")).AbsoluteUri);
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(60_000)) { p.Kill(true); Assert.Fail("chromium did not finish within 60 s."); }
            Assert.Empty(stderr.Result.Split('\n').Where(l => l.Contains(":CONSOLE", StringComparison.Ordinal) || l.Contains("Uncaught", StringComparison.Ordinal)));
            var dom = stdout.Result;
            var rendered = Regex.Matches(dom, "<svg[^>]*\\sdata-figure=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToHashSet();
            Assert.Equal(result.Figures.OrderBy(x => x), rendered.OrderBy(x => x));
            foreach (var id in rendered)
            {
                var svg = Regex.Match(dom, $"<svg[^>]*data-figure=\"{Regex.Escape(id)}\".*?</svg>", RegexOptions.Singleline).Value;
                Assert.True(Regex.Matches(svg, "<(path|polyline|polygon|circle|rect)").Count >= 3, $"figure {id} has almost no marks");
            }
        }
        finally
        {
            try { Directory.Delete(profile, true); } catch (IOException) { }
        }
    }
}
