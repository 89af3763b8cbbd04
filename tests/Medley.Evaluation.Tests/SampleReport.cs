using Medley.Evaluation.Features;
using Medley.Evaluation.Metrics;
using Medley.Evaluation.Plots;
using Medley.Evaluation.Reports;
using Medley.Evaluation.Statistics;

namespace Medley.Evaluation.Tests;

/// <summary>A report with every chart type on synthetic numbers, used by the tests and for the screenshot check.</summary>
internal static class SampleReport
{
    public static HtmlReport Build()
    {
        var rng = new Random(1);
        var report = new HtmlReport("CMAP-Fusion — sample report <demo & test>") { Subtitle = "synthetic numbers · seed 1" };

        report.Section("Summary").Facts([("Method", "CMAP-Fusion"), ("Folds", "5 × 3"), ("Dataset", "synthetic image + lab")]);
        var methods = new[] { "CMAP-Fusion", "Image only", "Lab only" };
        var centres = new[] { 0.93, 0.62, 0.60 };
        report.SummaryTable(["Accuracy", "Macro F1", "AUROC", "κ"],
            methods.Select((m, i) => (m, (IReadOnlyDictionary<string, FoldSummary>)new Dictionary<string, FoldSummary>
            {
                ["Accuracy"] = FoldSummary.Of(Noise(rng, centres[i], 0.015, 15)),
                ["Macro F1"] = FoldSummary.Of(Noise(rng, centres[i] - 0.02, 0.02, 15)),
                ["AUROC"] = FoldSummary.Of(Noise(rng, centres[i] + 0.03, 0.01, 15)),
                ["κ"] = FoldSummary.Of(Noise(rng, 2 * centres[i] - 1, 0.03, 15)),
            })), "Test metrics, mean ± std [95% CI] over 15 folds.");
        var t = PairedTests.TTest(Noise(rng, 0.93, 0.01, 15), Noise(rng, 0.62, 0.02, 15));
        report.Paragraph($"Paired t-test CMAP-Fusion vs image only: t = {t.Statistic:F2}, df = {t.DegreesOfFreedom}, p = {t.PValue:G3}.");

        report.Section("Training");
        var epochs = Enumerable.Range(1, 40).Select(e => (double)e).ToArray();
        var train = epochs.Select(e => 1.1 * Math.Exp(-e / 8) + 0.08).ToArray();
        var val = epochs.Select(e => 1.1 * Math.Exp(-e / 9) + 0.15 + 0.002 * e).ToArray();
        report.Figure(new LineChart { Title = "Loss", XLabel = "Epoch", YLabel = "Loss" }
            .Add(new LineSeries("train", epochs, train))
            .Add(new LineSeries("validation", epochs, val, val.Select(v => v - 0.04).ToArray(), val.Select(v => v + 0.04).ToArray())),
            "Training and validation loss (band: ± std over folds).");

        report.Section("Discrimination");
        var (y, probs) = Predictions(rng, 300, 3);
        report.FigureRow([
            RocChart.OneVsRest(y, probs, ["nevus", "melanoma", "keratosis"]),
            ConfusionMatrixChart.Create(ConfusionMatrix.Compute(y, Classification.ArgMax(probs), [0, 1, 2]), ["nevus", "melanoma", "keratosis"]),
            ConfusionMatrixChart.Create(ConfusionMatrix.Compute(y, Classification.ArgMax(probs), [0, 1, 2]), ["nevus", "melanoma", "keratosis"], normalise: true),
        ], "One-vs-rest ROC curves and confusion matrices.");

        report.Section("Robustness");
        var levels = new[] { 0.0, 10, 20, 30, 40 };
        report.FigureRow([
            new LineChart { Title = "Image noise", XLabel = "Noise level (%)", YLabel = "Accuracy", YRange = (0.5, 1), Width = 520 }
                .Add(new LineSeries("CMAP-Fusion", levels, levels.Select(l => 0.93 - l * 0.003).ToArray()) { Markers = true })
                .Add(new LineSeries("Concatenation", levels, levels.Select(l => 0.88 - l * 0.006).ToArray()) { Markers = true }),
            new LineChart { Title = "γ sensitivity", XLabel = "γ", YLabel = "Macro F1", Width = 520 }
                .Add(new LineSeries("Macro F1", [0.1, 0.2, 0.3, 0.4, 0.5], [0.90, 0.915, 0.921, 0.917, 0.905]) { Markers = true }),
        ], "Accuracy under image noise; sensitivity to the SmartTrim threshold γ.");

        report.Section("Efficiency and ablation");
        var pareto = new ScatterChart { Title = "Accuracy vs FLOPs", XLabel = "GFLOPs", YLabel = "Accuracy", ParetoFrontier = true };
        foreach (var (name, flops, acc) in new[] { ("ViT-B/16+MLP", 35.2, 0.89), ("CMAP-Fusion", 20.1, 0.93), ("ResNet-50", 8.2, 0.85), ("CNN-LSTM", 4.1, 0.79), ("CrossViT", 40.3, 0.9) })
            pareto.Add(flops, acc, "methods", name);
        report.FigureRow([pareto,
            new BarChart(["ViT+ST+CMT", "ViT+CMT", "ViT+ST", "CNN+ST+CMT"]) { Title = "Ablation", YLabel = "Accuracy", YRange = (0, 1), Width = 520 }
                .Add(new BarSeries("Accuracy", [0.93, 0.91, 0.88, 0.84], [0.01, 0.012, 0.015, 0.02]))
                .Add(new BarSeries("Macro F1", [0.91, 0.89, 0.86, 0.81], [0.015, 0.014, 0.02, 0.02]))],
            "Accuracy against FLOPs with the Pareto frontier; module ablation (error bars: std).");

        report.Section("Features");
        var (x, labels) = FeatureTests.Clusters(150, 8, 3, seed: 4);
        var emb = TSne.Embed(x, new TSneOptions { Perplexity = 20, Iterations = 1000, Seed = 1 });
        var importance = new double[24, 48];
        for (var i = 0; i < 24; i++)
            for (var j = 0; j < 48; j++) importance[i, j] = 1 / (1 + Math.Exp(-(Math.Sin(j / 5.0) * 3 + rng.NextDouble() - 0.5)));
        report.FigureRow([
            new ScatterChart { Title = "t-SNE of fused features", HideTicks = true, XLabel = "t-SNE 1", YLabel = "t-SNE 2", Width = 520 }
                .AddEmbedding(emb, labels.Select(l => $"class {l}").ToList()),
            new Heatmap(importance) { Title = "SmartTrim importance", XLabel = "Feature dimension", YLabel = "Sample",
                RowLabels = Enumerable.Range(0, 24).Select(i => $"s{i}").ToList(),
                ColumnLabels = Enumerable.Range(0, 48).Select(j => j.ToString()).ToList(), Width = 560 },
        ], "t-SNE coloured by class; SmartTrim importance S per sample and feature dimension.");
        return report;
    }

    private static double[] Noise(Random rng, double centre, double sd, int n) =>
        Enumerable.Range(0, n).Select(_ => centre + sd * (rng.NextDouble() * 2 - 1) * 1.7).ToArray();

    private static (int[] Y, double[,] Probs) Predictions(Random rng, int n, int k)
    {
        var y = new int[n];
        var p = new double[n, k];
        for (var i = 0; i < n; i++)
        {
            y[i] = rng.Next(k);
            var logits = Enumerable.Range(0, k).Select(c => (c == y[i] ? 1.6 : 0) + 1.2 * (rng.NextDouble() * 2 - 1)).ToArray();
            var z = logits.Sum(Math.Exp);
            for (var c = 0; c < k; c++) p[i, c] = Math.Exp(logits[c]) / z;
        }
        return (y, p);
    }
}
