using System.Globalization;
using System.Text.Json.Nodes;
using Medley.Torch;
using Medley.Torch.Serialization;

namespace Medley.Training.Tests;

public sealed class TrainerTests
{
    private static RunOutcome Train(ToyDataset data, RunConfig config, string name, bool resume = false, TrainerHooks? hooks = null) =>
        TrainRun.Run(new RunRequest(data.Spec, config, data.Path_(name)) { Resume = resume, Hooks = hooks ?? new TrainerHooks() });

    [Fact]
    public void TrainsToLowLossAndWritesTheRunDirectory()
    {
        using var data = new ToyDataset(160);
        var outcome = Train(data, Configs.LabOnly(epochs: 12), "run");
        var log = outcome.Training.Log;
        Assert.Equal(12, log.Count);
        Assert.True(log[^1].TrainLoss < 0.5 * log[0].TrainLoss, $"loss {log[0].TrainLoss} → {log[^1].TrainLoss}");
        var test = outcome.Metrics!["test"]!.AsObject();
        Assert.True(test["accuracy"]!.GetValue<double>() >= 0.8, test.ToJsonString());
        foreach (var key in new[] { "balanced_accuracy", "f1_macro", "auroc", "kappa", "ece" }) Assert.True(test.ContainsKey(key), key);
        foreach (var file in new[] { "config.yaml", "split.json", "log.csv", "preprocessing.json", "metrics.json", "predictions.csv",
                     "checkpoints/last.safetensors", "checkpoints/best.safetensors" })
            Assert.True(File.Exists(data.Path_("run/" + file)), file);
        var header = File.ReadLines(data.Path_("run/log.csv")).First();
        Assert.StartsWith("epoch,train_loss,val_loss,val_accuracy", header);
        Assert.EndsWith(",lr,seconds", header);
        Assert.Equal(13, File.ReadAllLines(data.Path_("run/log.csv")).Length);
        // The schedule warms up for one epoch from 0.1 × lr, then anneals towards the final lr.
        Assert.Equal(0.002, log[0].LearningRate, 12);
        Assert.Equal(0.02, log[1].LearningRate, 12);
        Assert.True(log[^1].LearningRate < 0.005);
        var predictions = File.ReadAllLines(data.Path_("run/predictions.csv"));
        Assert.Equal("sample_id,label,predicted,prob_neg,prob_pos", predictions[0]);
        Assert.Equal(outcome.Metrics["samples"]!.GetValue<int>(), predictions.Length - 1);
        var metrics = JsonNode.Parse(File.ReadAllText(data.Path_("run/metrics.json")))!;
        Assert.Equal("lab-only", metrics["method"]!.GetValue<string>());
        Assert.NotNull(metrics["confusion_matrix"]);
        Assert.NotNull(metrics["roc"]!["pos"]);
        Assert.True(metrics["efficiency"]!["params"]!.GetValue<long>() > 0);
        Assert.Contains("num_classes: 2", File.ReadAllText(data.Path_("run/config.yaml")));
        Assert.Contains("lab_variables: 4", File.ReadAllText(data.Path_("run/config.yaml")));
    }

    [Fact]
    public void SameSeedGivesIdenticalMetrics()
    {
        using var data = new ToyDataset(96);
        var a = Train(data, Configs.LabOnly(epochs: 3, seed: 11), "a");
        var b = Train(data, Configs.LabOnly(epochs: 3, seed: 11), "b");
        Assert.Equal(a.Metrics!["test"]!.ToJsonString(), b.Metrics!["test"]!.ToJsonString());
        Assert.Equal(a.Training.Log.Select(r => r.TrainLoss), b.Training.Log.Select(r => r.TrainLoss));
        Assert.Equal(File.ReadAllText(data.Path_("a/predictions.csv")), File.ReadAllText(data.Path_("b/predictions.csv")));
        var c = Train(data, Configs.LabOnly(epochs: 3, seed: 12), "c");
        Assert.NotEqual(a.Training.Log.Select(r => r.TrainLoss), c.Training.Log.Select(r => r.TrainLoss));
    }

    [Fact]
    public void ResumeAfterAnInterruptedEpochEqualsAnUninterruptedRun()
    {
        using var data = new ToyDataset(96);
        var full = Train(data, Configs.LabOnly(epochs: 3), "full");
        var cut = Train(data, Configs.LabOnly(epochs: 3), "cut", hooks: new TrainerHooks { StopAfterEpoch = r => r.Epoch == 1 });
        Assert.True(cut.Training.Interrupted);
        Assert.Null(cut.Metrics);
        Assert.False(File.Exists(data.Path_("cut/metrics.json")));
        // Training again without --resume refuses to overwrite the unfinished run.
        Assert.Contains("--resume", Assert.Throws<ArgumentException>(() => Train(data, Configs.LabOnly(epochs: 3), "cut")).Message);
        var resumed = Train(data, RunConfig.Load(data.Path_("cut/config.yaml")), "cut", resume: true);
        Assert.Equal(3, resumed.Training.Log.Count);
        Assert.Equal(full.Training.Log.Select(r => r.TrainLoss), resumed.Training.Log.Select(r => r.TrainLoss));
        using var scope = DisposeScope.Enter();
        var expected = SafeTensors.Load(data.Path_("full/checkpoints/last.safetensors"), out var metaA);
        var actual = SafeTensors.Load(data.Path_("cut/checkpoints/last.safetensors"), out var metaB);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        Assert.Contains(expected.Keys, k => k.StartsWith("optimizer.", StringComparison.Ordinal));
        foreach (var (k, v) in expected) Assert.True(v.Equal(actual[k]), $"tensor {k} differs after resume");
        Assert.Equal("3", metaB["epoch"]);
        Assert.Equal(metaA["best_metric"], metaB["best_metric"]);
        Assert.Equal(full.Metrics!["test"]!.ToJsonString(), resumed.Metrics!["test"]!.ToJsonString());
    }

    [Fact]
    public void EarlyStoppingStopsAfterPatienceEpochsWithoutImprovement()
    {
        using var data = new ToyDataset(96);
        // A learning rate of ~0 can't change validation F1 after the first epoch.
        var outcome = Train(data, Configs.LabOnly(epochs: 10, extra: new[] { "training.learning_rate=1e-12", "training.final_learning_rate=0",
            "training.patience=2" }), "early");
        Assert.True(outcome.Training.StoppedEarly);
        Assert.True(outcome.Training.EpochsRun <= 4, $"ran {outcome.Training.EpochsRun} epochs");
        Assert.Equal(1, outcome.Training.BestEpoch);
        Assert.Equal("f1_macro", outcome.Metrics!["val_best"]!["metric"]!.GetValue<string>());
    }
}
