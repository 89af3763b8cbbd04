using System.Text.Json.Nodes;
using Medley.Data.Datasets;
using Medley.Evaluation.Reporting;
using Medley.Torch;
using Medley.Training.Experiments;

namespace Medley.Training.Tests;

/// <summary>`medley sweep`: structure of sweep.json, one training per fold for test-time corruption, seeded corruption of test inputs only, γ retraining.</summary>
[Collection(global::Medley.Torch.Tests.SerialCollection.Name)]
public sealed class SweepTests
{
    private static JsonObject Read(string path) => JsonNode.Parse(File.ReadAllText(path))!.AsObject();

    [Fact]
    public void NoiseSweepEvaluatesTheSameTrainedModelsAtEveryLevel()
    {
        using var data = new ToyDataset(60, ToyDataset.Rule.Xor);
        var config = Configs.Cmap(2, "evaluation.latency_runs=0", "training.seed=5");
        var splits = CrossValidation.Splits(data.Spec, 0, folds: 2, repeats: 1);
        double[] levels = [0, 0.2, 0.4];
        var sweep = SweepRunner.Run(data.Spec, config, data.Path_("noise"), splits, new SweepOptions(SweepKind.Noise, levels) { CorruptionSeed = 7 });

        Assert.Equal("noise", sweep["kind"]!.GetValue<string>());
        Assert.Equal(levels, sweep["values"]!.AsArray().Select(v => v!.GetValue<double>()));
        var points = sweep["results"]!["cmap-fusion"]!.AsArray();
        Assert.Equal(levels, points.Select(p => p!["value"]!.GetValue<double>()));
        Assert.All(points, p => Assert.InRange(p!["metric"]!.GetValue<double>(), 0, 1));
        Assert.Equal(7, sweep["corruption_seed"]!.GetValue<int>());
        for (var fold = 0; fold < 2; fold++)
        {
            var dir = data.Path_($"noise/r0_f{fold}");
            // trained once: one log of 2 epochs, and level 0 is exactly the run's own clean test evaluation
            Assert.Equal(3, File.ReadAllLines(Path.Combine(dir, "log.csv")).Length);
            var clean = Read(Path.Combine(dir, "metrics.json"))["test"]!.AsObject();
            var atZero = sweep["levels"]![0]!["runs"]![fold]!["test"]!.AsObject();
            Assert.Equal(clean["accuracy"]!.GetValue<double>(), atZero["accuracy"]!.GetValue<double>());
            Assert.Equal(clean["auroc"]!.GetValue<double>(), atZero["auroc"]!.GetValue<double>());
            var robustness = Read(Path.Combine(dir, "robustness.json"));
            Assert.Equal(3, robustness["levels"]!.AsArray().Count);
        }
        Assert.True(File.Exists(data.Path_("noise/cv_metrics.json")));
        Assert.Equal("noise", Sweep.Read(data.Path_("noise/sweep.json")).Kind);

        var report = RunReport.Write(data.Path_("noise"));
        Assert.Contains("robustness-noise", report.Figures);
        Assert.True(File.Exists(data.Path_("noise/report.html")));

        // Training and validation never see the corruption: a plain CV run with the same seed trains identically.
        CrossValidation.Run(data.Spec, config, data.Path_("plain"), splits);
        for (var fold = 0; fold < 2; fold++)
            Assert.Equal(LossColumns(data.Path_($"plain/r0_f{fold}/log.csv")), LossColumns(data.Path_($"noise/r0_f{fold}/log.csv")));
    }

    private static string[] LossColumns(string log) =>
        File.ReadAllLines(log).Select(l => string.Join(",", l.Split(',')[..^1])).ToArray(); // all but the seconds column

    [Fact]
    public void LabMaskingIsSeededAndImputesLikeThePreprocessing()
    {
        using var data = new ToyDataset(64);
        using var scope = DisposeScope.Enter();
        var dataset = MultimodalDataset.Open(data.Spec);
        var train = Enumerable.Range(0, 48).ToArray();
        var test = Enumerable.Range(48, 16).ToArray();
        dataset.Fit(train);
        var binding = InputBinding.Resolve(dataset.Spec, new Dictionary<string, object?>());
        var options = new TrainingOptions { BatchSize = 5, Workers = 0 };
        float[] Labs(TestCorruption? c, string modality = "labs")
        {
            var source = TrainRun.Loader(dataset, test, options, train: false);
            if (c != null) source = c.Apply(source, binding, dataset);
            var values = new List<float>();
            foreach (var batch in source.Epoch(0))
                using (batch) values.AddRange(batch.Inputs[modality].To(DType.Float32).Contiguous().ToArray<float>());
            return values.ToArray();
        }
        var clean = Labs(null);
        Assert.Equal(clean, Labs(new TestCorruption(CorruptionKind.LabMask, 0, 3)));
        var masked = Labs(new TestCorruption(CorruptionKind.LabMask, 0.5, 3));
        Assert.Equal(masked, Labs(new TestCorruption(CorruptionKind.LabMask, 0.5, 3)));
        Assert.NotEqual(masked, Labs(new TestCorruption(CorruptionKind.LabMask, 0.5, 4)));
        // A masked entry becomes the training median, min-max scaled — what the preprocessing writes for a missing value.
        var pre = ((Medley.Data.Tabular.TabularReader)dataset.Reader("labs")).Preprocessor;
        var imputed = pre.Apply(pre.Numeric.Select(_ => double.NaN).ToArray(), Array.Empty<string>());
        var changed = 0;
        for (var i = 0; i < masked.Length; i++)
            if (masked[i] != clean[i]) { changed++; Assert.Equal(imputed[i % 4], masked[i]); }
        var maskedCount = Enumerable.Range(0, masked.Length).Count(i => masked[i] == imputed[i % 4]);
        Assert.InRange(maskedCount / (double)masked.Length, 0.3, 0.7);
        Assert.True(changed > 0);
        // The image is not touched by lab masking, and every value is masked at level 1.
        var all = Labs(new TestCorruption(CorruptionKind.LabMask, 1, 3));
        Assert.All(Enumerable.Range(0, all.Length), i => Assert.Equal(imputed[i % 4], all[i]));
        Assert.Equal(Labs(null, "image"), Labs(new TestCorruption(CorruptionKind.LabMask, 1, 3), "image"));

        // Image noise: seeded, std = level × the image's value range, labs untouched.
        var image = Labs(null, "image");
        var noisy = Labs(new TestCorruption(CorruptionKind.ImageNoise, 0.2, 1), "image");
        Assert.Equal(noisy, Labs(new TestCorruption(CorruptionKind.ImageNoise, 0.2, 1), "image"));
        Assert.Equal(clean, Labs(new TestCorruption(CorruptionKind.ImageNoise, 0.2, 1)));
        var per = 3 * 16 * 16;
        for (var s = 0; s < test.Length; s++)
        {
            var x = image.AsSpan(s * per, per).ToArray();
            var range = x.Max() - x.Min();
            var diff = Enumerable.Range(0, per).Select(i => (double)noisy[s * per + i] - x[i]).ToArray();
            var std = Math.Sqrt(diff.Select(d => d * d).Average());
            Assert.InRange(std / (0.2 * range), 0.85, 1.15);
            Assert.InRange(Math.Abs(diff.Average()), 0, 0.1 * std);
        }
        Assert.Throws<ArgumentException>(() => new TestCorruption(CorruptionKind.LabMask, 1.5).Apply(TrainRun.Loader(dataset, test, options, false), binding, dataset));
    }

    [Fact]
    public void GammaSweepRetrainsPerValueAndRendersTheSensitivityPlot()
    {
        using var data = new ToyDataset(40, ToyDataset.Rule.Xor);
        var splits = CrossValidation.Splits(data.Spec, 0, folds: 2, repeats: 1);
        var sweep = SweepRunner.Run(data.Spec, Configs.Cmap(1, "evaluation.latency_runs=0"), data.Path_("gamma"), splits,
            new SweepOptions(SweepKind.Gamma, [0.1, 0.5]) { Metric = "f1_macro" });
        Assert.Equal("gamma", sweep["kind"]!.GetValue<string>());
        Assert.Equal("f1_macro", sweep["metric"]!.GetValue<string>());
        Assert.Equal(2, sweep["results"]!["cmap-fusion"]!.AsArray().Count);
        Assert.Contains("gamma: 0.1", File.ReadAllText(data.Path_("gamma/gamma_0.1/r0_f1/config.yaml")));
        Assert.Contains("gamma: 0.5", File.ReadAllText(data.Path_("gamma/gamma_0.5/r0_f0/config.yaml")));
        Assert.Contains("gamma-sensitivity", RunReport.Write(data.Path_("gamma")).Figures);

        var e = Assert.Throws<ArgumentException>(() => SweepRunner.Run(data.Spec, Configs.LabOnly(1), data.Path_("g2"), splits,
            new SweepOptions(SweepKind.Gamma, [0.1])));
        Assert.Contains("gamma", e.Message);
        Assert.Throws<ArgumentException>(() => SweepRunner.Run(data.Spec, Configs.LabOnly(1), data.Path_("g3"), splits,
            new SweepOptions(SweepKind.LabMask, [0, 2])));
        Assert.False(Directory.Exists(data.Path_("g3")));
    }
}
