using System.Text.Json.Nodes;

namespace Medley.Training.Tests;

/// <summary>`medley prune`: a trained cmap-fusion run → a smaller run directory with before/after figures that loads and evaluates.</summary>
[Collection(global::Medley.Torch.Tests.SerialCollection.Name)]
public sealed class DemoPruneTests
{
    private static (int Code, string Out, string Err) RunCli(params string[] args) => CliRunner.Run(args);

    [Fact]
    public void PrunedRunHasBothEfficienciesAndLoads()
    {
        using var data = new ToyDataset(96, ToyDataset.Rule.Xor);
        var run = data.Path_("run");
        var train = RunCli("train", "--spec", data.Spec, "--method", "cmap-fusion", "--out", run,
            "--set", "use_vit=false", "--set", "dim=16", "--set", "cnn_channels=[4,8,8]", "--set", "cmt_heads=4",
            "--set", "gamma=0.8", "--set", "epochs=2", "--set", "batch_size=16", "--set", "warmup_epochs=0", "--set", "workers=0",
            "--set", "latency_runs=0", "--set", "augment=false");
        Assert.True(train.Code == 0, train.Err + train.Out);

        var pruned = data.Path_("pruned");
        var prune = RunCli("prune", "--model", run, "--out", pruned, "--threshold", "0.2");
        Assert.True(prune.Code == 0, prune.Err + prune.Out);
        Assert.Contains("unpruned", prune.Out);

        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(pruned, "metrics.json")))!;
        var before = metrics["efficiency_unpruned"]!;
        var after = metrics["efficiency"]!;
        Assert.True(after["params"]!.GetValue<long>() < before["params"]!.GetValue<long>(), "pruning removed no parameters");
        Assert.True(after["flops"]!.GetValue<double>() < before["flops"]!.GetValue<double>(), "pruning removed no FLOPs");
        Assert.True(after["latency_ms_b1"]!.GetValue<double>() > 0 && before["latency_ms_b32"]!.GetValue<double>() > 0);
        Assert.NotNull(metrics["test"]!["accuracy"]);
        Assert.NotNull(metrics["test_unpruned"]!["accuracy"]);
        var p = metrics["pruning"]!;
        Assert.True(p["image_dims"]![1]!.GetValue<int>() + p["lab_dims"]![1]!.GetValue<int>() < 32);
        Assert.True(File.Exists(Path.Combine(pruned, "report.html")));
        Assert.Contains("unpruned", File.ReadAllText(Path.Combine(pruned, "report.html")));

        // The pruned run is a normal run: it loads (config.yaml with image_keep/lab_keep) and evaluates.
        var eval = RunCli("eval", "--model", pruned, "--spec", data.Spec, "--out", data.Path_("ev"));
        Assert.True(eval.Code == 0, eval.Err + eval.Out);

        // Errors: a non-cmap run, and an existing output.
        var lab = data.Path_("lab");
        Assert.Equal(0, RunCli("train", "--spec", data.Spec, "--method", "lab-only", "--out", lab, "--set", "dim=8", "--set", "epochs=1",
            "--set", "warmup_epochs=0", "--set", "workers=0", "--set", "latency_runs=0").Code);
        var wrong = RunCli("prune", "--model", lab, "--out", data.Path_("p2"));
        Assert.NotEqual(0, wrong.Code);
        Assert.Contains("cmap-fusion", wrong.Err);
        Assert.False(Directory.Exists(data.Path_("p2")));
        var twice = RunCli("prune", "--model", run, "--out", pruned);
        Assert.NotEqual(0, twice.Code);
        Assert.Contains("already holds", twice.Err);
    }
}
