using System.Text.Json.Nodes;

namespace Medley.Training.Tests;

/// <summary>Every fusion baseline trains end to end through `medley train` on a tiny synthetic 3-modality dataset
/// (image + vitals + report, some modalities missing), and concat with one modality is the uni-modal baseline.</summary>
[Collection(global::Medley.Torch.Tests.SerialCollection.Name)]
public sealed class FusionStrategyCliTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "medley-fusion-cli-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(dir)) Directory.Delete(dir, true);
    }

    private string Synth(string name, params string[] extra)
    {
        var data = Path.Combine(dir, name);
        var r = CliRunner.Run(new[] { "data", "synth", "--out", data, "--samples", "40", "--modalities", "image,vitals,report", "--signal", "image,vitals",
            "--image-size", "16", "--missing", "0.25", "--seed", "3" }.Concat(extra).ToArray());
        Assert.True(r.Code == 0, r.Err);
        return Path.Combine(data, "spec.yaml");
    }

    private JsonObject Train(string spec, string method, string run, params string[] extra)
    {
        var args = new List<string>
        {
            "train", "--spec", spec, "--method", method, "--out", run,
            "--set", "model.embed_dim=8", "--set", "model.image_encoder=cnn", "--set", "model.hidden=8", "--set", "model.head_hidden=8",
            "--set", "model.text_heads=2", "--set", "training.epochs=2", "--set", "batch_size=16", "--set", "warmup_epochs=0",
            "--set", "learning_rate=0.001", "--set", "workers=0", "--set", "latency_runs=0",
        };
        if (method == "medfuse") args.AddRange(new[] { "--set", "model.lstm_hidden=8" });
        args.AddRange(extra);
        var r = CliRunner.Run(args.ToArray());
        Assert.True(r.Code == 0, $"{method}: {r.Err}");
        var metrics = Path.Combine(run, "metrics.json");
        Assert.True(File.Exists(metrics), $"{method}: no metrics.json");
        return JsonNode.Parse(File.ReadAllText(metrics))!.AsObject();
    }

    [Fact]
    public void GBlendResumesWithItsWeightsAndWindow()
    {
        var spec = Synth("resume");
        RunConfig Config()
        {
            var c = new RunConfig { Method = "g-blend" };
            c.Apply(new[]
            {
                "model.embed_dim=8", "model.image_encoder=cnn", "model.hidden=8", "model.head_hidden=8", "model.text_heads=2",
                "training.epochs=3", "training.batch_size=8", "training.warmup_epochs=0", "training.learning_rate=0.003",
                "training.workers=0", "training.patience=0", "evaluation.latency_runs=0",
            }, Medley.Models.Methods.MethodRegistry.Get("g-blend").ConfigKeys);
            return c;
        }
        RunOutcome Run(string name, bool resume = false, TrainerHooks? hooks = null) =>
            TrainRun.Run(new RunRequest(spec, Config(), Path.Combine(dir, name)) { Resume = resume, Hooks = hooks ?? new TrainerHooks() });

        var full = Run("gblend-full");
        var cut = Run("gblend-cut", hooks: new TrainerHooks { StopAfterEpoch = r => r.Epoch == 1 });
        Assert.True(cut.Training.Interrupted);
        using (var scope = Medley.Torch.DisposeScope.Enter())
        {
            Medley.Torch.Serialization.SafeTensors.Load(Path.Combine(dir, "gblend-cut", "checkpoints", "last.safetensors"), out var meta);
            Assert.Contains("strategy.gblend_weights", meta.Keys);
            Assert.NotEqual("", meta["strategy.gblend_window_start"]);
        }
        var resumed = Run("gblend-cut", resume: true);
        // The blend weights learnt before the cut drive the resumed epochs: every later row equals the uninterrupted run.
        Assert.Equal(full.Training.Log.Select(r => r.TrainLoss), resumed.Training.Log.Select(r => r.TrainLoss));
        foreach (var head in new[] { "image", "vitals", "report", "fused" })
            Assert.Equal(full.Training.Log.Select(r => r.Strategy["gblend_w_" + head]), resumed.Training.Log.Select(r => r.Strategy["gblend_w_" + head]));
        Assert.NotEqual(1.0 / 4, full.Training.Log[1].Strategy["gblend_w_fused"]);
    }

    [Fact]
    public void EveryFusionBaselineTrainsFromTheCli()
    {
        var spec = Synth("binary");
        var expectedColumns = new Dictionary<string, string> { ["g-blend"] = "gblend_w_vitals", ["ogm-ge"] = "ogm_k_image", ["pmr"] = "pmr_rho_report" };
        foreach (var method in new[] { "concat", "sum", "se-gate", "g-blend", "ogm-ge", "pmr", "medfuse" })
        {
            var run = Path.Combine(dir, "run-" + method);
            var metrics = Train(spec, method, run);
            Assert.Contains("accuracy", metrics.ToJsonString());
            var header = File.ReadAllLines(Path.Combine(run, "log.csv"))[0];
            if (expectedColumns.TryGetValue(method, out var column)) Assert.Contains(column, header);
        }

        // The uni-modal baseline: concat over one modality; its config keeps the selection, and eval rebuilds it.
        var uni = Path.Combine(dir, "run-uni");
        Train(spec, "concat", uni, "--set", "model.modalities=[vitals]");
        Assert.Contains("modalities: [vitals]", File.ReadAllText(Path.Combine(uni, "config.yaml")));
        var eval = CliRunner.Run("eval", "--model", uni, "--spec", spec, "--out", Path.Combine(dir, "eval-uni"));
        Assert.True(eval.Code == 0, eval.Err);

        var methods = CliRunner.Run("methods");
        foreach (var m in new[] { "se-gate", "g-blend", "ogm-ge", "pmr", "medfuse" }) Assert.Contains(m, methods.Out);
    }

    [Fact]
    public void FusionBaselinesTrainMultilabel()
    {
        var spec = Synth("multilabel", "--task", "multilabel", "--labels", "4", "--factors", "2");
        foreach (var method in new[] { "pmr", "medfuse" })
            Train(spec, method, Path.Combine(dir, "ml-" + method));
    }
}
