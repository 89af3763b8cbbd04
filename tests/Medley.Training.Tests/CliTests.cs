using System.Diagnostics;

namespace Medley.Training.Tests;

/// <summary>The `medley` commands end to end, in process (console redirected) and as a child process for SIGKILL.</summary>
[Collection(global::Medley.Torch.Tests.SerialCollection.Name)]
public sealed class CliTests
{
    private static (int Code, string Out, string Err) RunCli(params string[] args) => CliRunner.Run(args);

    private static readonly string[] Tiny =
    {
        "--set", "dim=16", "--set", "epochs=3", "--set", "batch_size=16", "--set", "learning_rate=0.02", "--set", "warmup_epochs=0",
        "--set", "workers=0", "--set", "latency_runs=0",
    };

    [Fact]
    public void TrainEvalPredictAndMethods()
    {
        using var data = new ToyDataset(80);
        var run = data.Path_("run");
        var train = RunCli(new[] { "train", "--spec", data.Spec, "--method", "lab-only", "--out", run }.Concat(Tiny).ToArray());
        Assert.True(train.Code == 0, train.Err);
        Assert.Contains("test: accuracy", train.Out);
        Assert.Contains("epoch 3/3", train.Out); // plain progress lines when output is redirected

        var eval = RunCli("eval", "--model", run, "--spec", data.Spec, "--out", data.Path_("ev"));
        Assert.True(eval.Code == 0, eval.Err);
        Assert.Contains("80 samples", eval.Out);
        Assert.True(File.Exists(data.Path_("ev/metrics.json")));

        var manifest = File.ReadAllLines(data.Path_("samples.csv"));
        File.WriteAllLines(data.Path_("new.csv"), manifest.Take(6).Select(l => string.Join(",", l.Split(',').Where((_, i) => i != 1 && i != 2))));
        var predict = RunCli("predict", "--model", run, "--manifest", data.Path_("new.csv"), "--out", data.Path_("preds.csv"));
        Assert.True(predict.Code == 0, predict.Err);
        var preds = File.ReadAllLines(data.Path_("preds.csv"));
        Assert.Equal("sample_id,predicted,prob_neg,prob_pos", preds[0]);
        Assert.Equal(6, preds.Length);

        var methods = RunCli("methods");
        Assert.Equal(0, methods.Code);
        Assert.Contains("cmap-fusion", methods.Out);
        Assert.Contains("lab-only", methods.Out);
    }

    [Fact]
    public void UserErrorsGiveOneLineAndNoRunDirectory()
    {
        using var data = new ToyDataset(40);
        using var labsOnly = new ToyDataset(40, withImage: false);
        using var oneClass = new ToyDataset(40, allNegative: true);
        var cases = new (string[] Args, string Expect)[]
        {
            (new[] { "train", "--spec", data.Spec, "--method", "nope" }, "unknown method 'nope'"),
            (new[] { "train", "--spec", data.Spec, "--method", "lab-only", "--set", "dimm=3" }, "did you mean 'dim'"),
            (new[] { "train", "--spec", data.Spec, "--method", "lab-only", "--set", "training.epochs=0" }, "'epochs' must be at least 1"),
            (new[] { "train", "--spec", labsOnly.Spec, "--method", "cmap-fusion" }, "needs the inputs [image]"),
            (new[] { "train", "--spec", oneClass.Spec, "--method", "lab-only" }, "'pos' has no sample in the training part"),
            (new[] { "train", "--spec", data.Path_("missing.yaml"), "--method", "lab-only" }, "missing.yaml"),
            (new[] { "train", "--method", "lab-only" }, "--spec is required"),
            (new[] { "cv", "--spec", data.Spec, "--method", "lab-only", "--compare", "lab-only" }, "at least two methods"),
            (new[] { "eval", "--model", data.Dir, "--spec", data.Spec }, "not a run directory"),
        };
        foreach (var (args, expect) in cases)
        {
            var outDir = data.Path_("out-" + Guid.NewGuid().ToString("N")[..6]);
            var r = RunCli(args.Concat(args[0] == "train" ? new[] { "--out", outDir } : Array.Empty<string>()).ToArray());
            Assert.True(r.Code != 0, string.Join(" ", args));
            Assert.Contains(expect, r.Err);
            Assert.Single(r.Err.Trim().Split('\n'));
            Assert.StartsWith("medley: error: ", r.Err);
            Assert.False(Directory.Exists(outDir), $"{string.Join(" ", args)} left {outDir}");
        }
    }

    [Fact]
    public void SigkilledTrainingResumesAndFinishes()
    {
        using var data = new ToyDataset(400);
        var run = data.Path_("killed");
        var dll = CliRunner.DllPath;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { dll, "train", "--spec", data.Spec, "--method", "lab-only", "--out", run, "--set", "dim=256", "--set", "epochs=40",
                     "--set", "batch_size=8", "--set", "workers=0", "--set", "latency_runs=0", "--set", "patience=0" })
            start.ArgumentList.Add(a);
        using var child = Process.Start(start)!;
        var last = Path.Combine(run, "checkpoints", "last.safetensors");
        var clock = Stopwatch.StartNew();
        while (!File.Exists(last) && !child.HasExited && clock.Elapsed < TimeSpan.FromSeconds(25)) Thread.Sleep(50);
        Assert.True(File.Exists(last), "the child wrote no checkpoint: " + (child.HasExited ? child.StandardError.ReadToEnd() : "timeout"));
        Thread.Sleep(150); // mid-epoch
        child.Kill(entireProcessTree: true);
        child.WaitForExit();
        Assert.False(File.Exists(Path.Combine(run, "metrics.json")));
        var epochs = File.ReadAllLines(Path.Combine(run, "log.csv")).Length - 1;
        Assert.InRange(epochs, 1, 39);
        var resumed = RunCli("train", "--resume", "--out", run);
        Assert.True(resumed.Code == 0, resumed.Err);
        Assert.Equal(41, File.ReadAllLines(Path.Combine(run, "log.csv")).Length);
        Assert.True(File.Exists(Path.Combine(run, "metrics.json")));
        Assert.Empty(Directory.GetFiles(run, "*.tmp*", SearchOption.AllDirectories));
    }
}
