using System.Globalization;
using System.Text.RegularExpressions;
using Medley.Evaluation.Metrics;
using Medley.Evaluation.Reporting;
using Medley.Evaluation.Statistics;
using static Medley.Evaluation.Tests.ReportingRunFixture;

namespace Medley.Evaluation.Tests;

public class ReportingTests
{
    public static readonly string[] CvFigures =
    [
        "training-loss", "training-metric", "roc", "confusion-counts", "confusion-normalised", "reliability", "comparison-bars",
        "accuracy-vs-flops", "robustness-lab-mask", "robustness-noise", "gamma-sensitivity", "tsne-modality", "tsne-class", "importance",
    ];

    private static string[] FiguresInHtml(string html) =>
        Regex.Matches(html, "<svg id=\"figure-[^\"]+\" data-figure=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToArray();

    [Fact]
    public void CvExperimentReportHasEveryFigureAndTable()
    {
        using var tmp = new TempDir();
        WriteCvExperiment(tmp.Path);
        var result = RunReport.Build(tmp.Path);
        Assert.Equal(CvFigures.OrderBy(x => x), result.Figures.OrderBy(x => x));
        Assert.Equal(result.Figures, FiguresInHtml(result.Html));
        Assert.Contains("Compared methods", result.Html);
        Assert.Contains("3 folds × 2 repeats (6 runs)", result.Html);
        Assert.Contains("Efficiency: parameters", result.Html);
        Assert.Contains("Paired t-tests against the reference", result.Html);
        Assert.Contains("<td>32</td>", result.Html); // training.batch_size highlight from config.yaml
        // Self-contained: no scripts and no external resources.
        Assert.DoesNotContain("<script", result.Html);
        Assert.DoesNotMatch("(src|href)=\"https?:", result.Html);
        Assert.Empty(result.Notes.Where(n => !n.Contains("reliability") && !n.Contains("Multi-label")));
    }

    [Fact]
    public void ReportIsDeterministic()
    {
        using var tmp = new TempDir();
        WriteCvExperiment(tmp.Path);
        var a = RunReport.Build(tmp.Path).Html;
        var b = RunReport.Build(tmp.Path).Html;
        Assert.Equal(a, b);
    }

    [Fact]
    public void CvSummaryUsesWrittenValuesAndFillsMissingMetricsFromFolds()
    {
        using var tmp = new TempDir();
        WriteCvExperiment(tmp.Path);
        var cv = CvMetrics.Read(Path.Combine(tmp.Path, "cv_metrics.json"));
        Assert.Equal(3, cv.Folds);
        Assert.Equal(2, cv.Repeats);
        Assert.Equal(6, cv.Runs.Count);
        // accuracy comes from the file's summary ...
        Assert.Equal(0.911, cv.Summary["accuracy"].Mean);
        Assert.Equal(0.902, cv.Summary["accuracy"].CiLow);
        // ... kappa (absent from the summary) is computed over the six folds.
        var kappas = cv.Runs.Select(r => r.Test["kappa"]).ToList();
        var expected = FoldSummary.Of(kappas);
        Assert.Equal(expected.Mean, cv.Summary["kappa"].Mean, 12);
        Assert.Equal(expected.CiHigh, cv.Summary["kappa"].CiHigh, 12);
        Assert.Equal(6, cv.Summary["kappa"].Count);

        var html = RunReport.Build(tmp.Path).Html;
        Assert.Contains(MetricNamesFormat(expected), html);
        Assert.Contains("0.911 ± 0.008 [0.90, 0.92]", html);
    }

    private static string MetricNamesFormat(FoldSummary s) => s.Format(3);

    [Fact]
    public void ComparisonTTestsMatchPairedTestsAndStarSignificantDifferences()
    {
        using var tmp = new TempDir();
        WriteCvExperiment(tmp.Path);
        var html = RunReport.Build(tmp.Path).Html;
        var pairs = Enumerable.Range(0, RepeatCount).SelectMany(r => Enumerable.Range(0, FoldCount).Select(k => (r, k))).ToList();
        var reference = pairs.Select(p => FoldAccuracy("cmap-fusion", p.r, p.k)).ToList();
        var image = PairedTests.TTest(pairs.Select(p => FoldAccuracy("image-only", p.r, p.k)).ToList(), reference);
        var lab = PairedTests.TTest(pairs.Select(p => FoldAccuracy("lab-noise", p.r, p.k)).ToList(), reference);
        Assert.True(image.PValue < 0.05);
        Assert.True(lab.PValue > 0.05);
        var c = CultureInfo.InvariantCulture;
        Assert.Contains($"t = {image.Statistic.ToString("F2", c)} (5), p {(image.PValue < 1e-4 ? "&lt; 0.0001" : "= " + image.PValue.ToString("F4", c))} *", html);
        Assert.Contains($"t = {lab.Statistic.ToString("F2", c)} (5), p = {lab.PValue.ToString("F4", c)}</td>", html);
        // Metric cells: image-only's accuracy is starred, lab-noise's is not.
        var imageSummary = FoldSummary.Of(pairs.Select(p => FoldAccuracy("image-only", p.r, p.k)).ToList());
        Assert.Contains(imageSummary.Format(3) + " *", html);
        var labSummary = FoldSummary.Of(pairs.Select(p => FoldAccuracy("lab-noise", p.r, p.k)).ToList());
        Assert.Contains(labSummary.Format(3) + "</td>", html);
    }

    [Fact]
    public void AblationComparisonShowsModuleSwitches()
    {
        using var tmp = new TempDir();
        WriteCvExperiment(tmp.Path, comparisonKind: "ablation");
        var result = RunReport.Build(tmp.Path);
        Assert.Contains("<h2>Ablation</h2>", result.Html);
        Assert.Contains("<th>SmartTrim</th>", result.Html);
        Assert.Contains("<td>✗</td>", result.Html);
        Assert.Contains("ablation-bars", result.Figures);
    }

    [Fact]
    public void SingleRunRocMatchesItsPredictions()
    {
        using var tmp = new TempDir();
        WriteSingleRun(tmp.Path, seed: 5, classes: 2, features: true);
        var result = RunReport.Build(tmp.Path);
        var p = Predictions.Read(Path.Combine(tmp.Path, "predictions.csv"));
        var auc = BinaryCurves.Auroc(p.Labels, Enumerable.Range(0, p.Count).Select(i => p.Probabilities[i, 1]).ToArray());
        Assert.Contains($"AUC = {auc.ToString("F3", CultureInfo.InvariantCulture)}", result.Html);
        Assert.Contains("training-lr", result.Figures);
        Assert.Contains("importance", result.Figures);
        Assert.Contains("tsne-class", result.Figures);
        // Both efficiency variants of metrics.json are rows of the table.
        Assert.Contains("cmap-fusion (pruned)", result.Html);
        Assert.Contains("<td>5.800</td>", result.Html);
        // Confusion-matrix cell counts add up to the number of predictions.
        var cm = ConfusionMatrix.Compute(p.Labels, p.Predicted, [0, 1]);
        Assert.Equal(40, cm.Total);
        Assert.Contains($"{cm.Counts[0, 0]}</text>", result.Html);
        Assert.Contains(result.Notes, n => n.Contains("No comparison.json"));
        Assert.Contains(result.Notes, n => n.Contains("No sweep.json"));
    }

    [Fact]
    public void MissingOptionalFilesOmitSectionsWithNotes()
    {
        using var tmp = new TempDir();
        Json(Path.Combine(tmp.Path, "metrics.json"), new { method = "image-only", test = new { accuracy = 0.6 } });
        var result = RunReport.Build(tmp.Path);
        Assert.Empty(result.Figures);
        Assert.Contains("0.6000", result.Html);
        foreach (var expected in new[] { "No log.csv", "No predictions.csv", "No comparison.json", "No sweep.json", "No features.safetensors", "No config.yaml" })
            Assert.Contains(result.Notes, n => n.StartsWith(expected, StringComparison.Ordinal));
        Assert.Contains("<h2>Not shown</h2>", result.Html);
    }

    [Fact]
    public void MetricsJsonRocAndConfusionAreUsedWithoutPredictions()
    {
        using var tmp = new TempDir();
        Json(Path.Combine(tmp.Path, "metrics.json"), new
        {
            method = "m", classes = new[] { "a", "b" },
            roc = new Dictionary<string, object> { ["b"] = new { fpr = new[] { 0.0, 0.2, 1.0 }, tpr = new[] { 0.0, 0.8, 1.0 } } },
            confusion_matrix = new { labels = new[] { "a", "b" }, counts = new[] { new[] { 7, 1 }, new[] { 2, 9 } } },
        });
        var result = RunReport.Build(tmp.Path);
        Assert.Equal(["roc", "confusion-counts", "confusion-normalised"], result.Figures);
        Assert.Contains("AUC = 0.800", result.Html);
        Assert.Contains(">9</text>", result.Html);
        Assert.Contains(">0.82</text>", result.Html); // 9 / 11 row-normalised
    }

    [Fact]
    public void CompareRunAddsSecondTSneAndHeatmap()
    {
        using var tmp = new TempDir();
        var a = tmp.Sub("with-cmt");
        var b = tmp.Sub("without-cmt");
        WriteSingleRun(a, seed: 1, features: true);
        Json(Path.Combine(b, "metrics.json"), new { method = "cmap-fusion-no-cmt" });
        ReportingRunFixture.Features(Path.Combine(b, "features.safetensors"), seed: 2, aligned: false);
        var result = RunReport.Build(a, new RunReportOptions { CompareRun = b });
        foreach (var id in new[] { "tsne-modality", "tsne-class", "importance", "tsne-modality-compare", "tsne-class-compare", "importance-compare" })
            Assert.Contains(id, result.Figures);
        Assert.Contains("cmap-fusion-no-cmt (without-cmt)", result.Html);
        Assert.Contains("share one colour scale", result.Html);
    }

    [Fact]
    public void WriteCreatesReportAtomicallyInRunOrAtOut()
    {
        using var tmp = new TempDir();
        var run = tmp.Sub("run");
        WriteSingleRun(run, seed: 2);
        RunReport.Write(run);
        Assert.True(File.Exists(Path.Combine(run, "report.html")));
        var other = Path.Combine(tmp.Path, "out", "r.html");
        var result = RunReport.Write(run, other);
        Assert.Equal(result.Html, File.ReadAllText(other));
        Assert.Empty(Directory.GetFiles(Path.Combine(tmp.Path, "out"), "*.tmp"));
    }

    [Fact]
    public void MalformedFilesGiveErrorsNamingTheFile()
    {
        using var tmp = new TempDir();
        void Expect(string file, string content, string fragment)
        {
            var dir = tmp.Sub(Guid.NewGuid().ToString("N"));
            File.WriteAllText(Path.Combine(dir, file), content);
            var e = Assert.Throws<InvalidDataException>(() => RunReport.Build(dir));
            Assert.Contains(file, e.Message);
            Assert.Contains(fragment, e.Message);
        }
        Expect("metrics.json", "{\"test\": {\"accuracy\": ", "not valid JSON");
        Expect("metrics.json", "[1, 2]", "top level must be a JSON object");
        Expect("metrics.json", "{\"test\": {\"accuracy\": \"high\"}}", "'test.accuracy' must be a number");
        Expect("metrics.json", "{\"confusion_matrix\": {\"labels\": [\"a\"], \"counts\": [[1, 2]]}}", "has 2 entries, expected 1");
        Expect("log.csv", "epoch,train_loss\n1,0.5\n2,abc\n", "line 3, column 'train_loss': 'abc' is not a number");
        Expect("log.csv", "train_loss\n0.5\n", "no 'epoch' column");
        Expect("log.csv", "epoch,train_loss\n1,0.5,9\n", "line 2 has 3 fields");
        Expect("predictions.csv", "sample_id,label,predicted,prob_a,prob_b\nx,c,a,0.5,0.5\n", "'c' is neither a class");
        Expect("predictions.csv", "sample_id,label\nx,a\n", "no prob_<class> columns");
        Expect("cv_metrics.json", "{\"runs\": [{\"fold\": 0.5, \"test\": {}}]}", "'runs[0].fold' must be an integer");
        Expect("comparison.json", "{\"kind\": \"compare\"}", "'methods' is missing");
        Expect("comparison.json", "{\"methods\": [{\"name\": \"a\"}], \"reference\": \"b\"}", "'b', which is not among the methods");
        Expect("sweep.json", "{\"kind\": \"noise\"}", "'results' is missing");
        Expect("sweep.json", "{\"kind\": \"noise\", \"results\": {\"m\": [{\"value\": 0}]}}", "needs 'value' and 'metric'");
        Expect("features.safetensors", "garbage", "not a valid safetensors file");
    }

    [Fact]
    public void NotARunDirectoryIsAClearError()
    {
        using var tmp = new TempDir();
        var e = Assert.Throws<InvalidDataException>(() => RunReport.Build(tmp.Path));
        Assert.Contains("not a run directory", e.Message);
        var missing = Path.Combine(tmp.Path, "nope");
        var e2 = Assert.Throws<DirectoryNotFoundException>(() => RunReport.Build(missing));
        Assert.Contains("nope", e2.Message);
    }
}
