using System.Text.Json.Nodes;

namespace Medley.Training.Tests;

/// <summary>`medley sweep` and `medley ablate` from the command line: a small lab-mask sweep end to end, and user errors.</summary>
[Collection(global::Medley.Torch.Tests.SerialCollection.Name)]
public sealed class SweepCliTests
{
    private static (int Code, string Out, string Err) RunCli(params string[] args) => CliRunner.Run(args);

    private static readonly string[] Tiny =
    {
        "--set", "dim=16", "--set", "epochs=2", "--set", "batch_size=16", "--set", "learning_rate=0.02", "--set", "warmup_epochs=0",
        "--set", "workers=0", "--set", "latency_runs=0",
    };

    [Fact]
    public void LabMaskSweepFromTheCommandLine()
    {
        using var data = new ToyDataset(60);
        var outDir = data.Path_("sweep");
        var r = RunCli(new[] { "sweep", "lab-mask", "--spec", data.Spec, "--method", "lab-only", "--levels", "0,0.5,1", "--folds", "2", "--out", outDir }.Concat(Tiny).ToArray());
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("lab-only lab-mask 0.5: accuracy", r.Out);
        var sweep = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "sweep.json")))!;
        Assert.Equal("lab-mask", sweep["kind"]!.GetValue<string>());
        Assert.Equal(3, sweep["results"]!["lab-only"]!.AsArray().Count);
        // Every lab entry masked: every test sample has the same input, so the model predicts one class for all.
        Assert.Contains("robustness-lab-mask", File.ReadAllText(Path.Combine(outDir, "report.html")));
        foreach (var run in sweep["levels"]![2]!["runs"]!.AsArray())
            Assert.Equal(0.5, run!["test"]!["balanced_accuracy"]!.GetValue<double>(), 9);
    }

    [Fact]
    public void UserErrorsAreOneLine()
    {
        using var data = new ToyDataset(20);
        var bogus = RunCli("sweep", "blur", "--spec", data.Spec, "--method", "lab-only", "--out", data.Path_("x"));
        Assert.Equal(1, bogus.Code);
        Assert.Contains("unknown sweep 'blur'", bogus.Err);
        var levels = RunCli("sweep", "noise", "--spec", data.Spec, "--method", "cmap-fusion", "--levels", "0,a", "--out", data.Path_("y"));
        Assert.Equal(1, levels.Code);
        Assert.Contains("--levels", levels.Err);
        var ablate = RunCli("ablate", "--spec", data.Spec, "--method", "lab-only", "--out", data.Path_("z"));
        Assert.Equal(1, ablate.Code);
        Assert.Contains("cmap-fusion", ablate.Err);
        Assert.Single(ablate.Err.Trim().Split('\n'));
        Assert.False(Directory.Exists(data.Path_("x")) || Directory.Exists(data.Path_("y")) || Directory.Exists(data.Path_("z")));
    }
}
