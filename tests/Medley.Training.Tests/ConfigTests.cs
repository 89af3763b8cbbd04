using Medley.Models.Methods;
using Medley.Models.Methods.Baselines;
using Medley.Models.Methods.CmapFusion;

namespace Medley.Training.Tests;

public sealed class ConfigTests
{
    private static string ConfigFile(string name) => Path.Combine(AppContext.BaseDirectory, "configs", name);

    [Fact]
    public void ShippedConfigsHoldThePapersDefaults()
    {
        var cmap = RunConfig.Load(ConfigFile("cmap-fusion.yaml"));
        Assert.Equal("cmap-fusion", cmap.Method);
        Assert.Equal(new CmapFusionConfig() with { CnnChannels = null! }, ConfigBinder.Bind<CmapFusionConfig>(cmap.Model, "cmap-fusion") with { CnnChannels = null! });
        Assert.Equal(new TrainingOptions(), ConfigBinder.Bind<TrainingOptions>(cmap.Training, "training"));
        var lab = RunConfig.Load(ConfigFile("lab-only.yaml"));
        Assert.Equal(new LabOnlyConfig(), ConfigBinder.Bind<LabOnlyConfig>(lab.Model, "lab-only"));
        var image = RunConfig.Load(ConfigFile("image-only.yaml"));
        Assert.Equal(new ImageOnlyConfig() with { CnnChannels = null! }, ConfigBinder.Bind<ImageOnlyConfig>(image.Model, "image-only") with { CnnChannels = null! });
        // METHODS.md §1.7 values.
        var t = new TrainingOptions();
        Assert.Equal((32, 1e-4, 1e-6, 5, 1e-5, 100, "f1_macro", 10), (t.BatchSize, t.LearningRate, t.FinalLearningRate, t.WarmupEpochs, t.WeightDecay, t.Epochs, t.EarlyStoppingMetric, t.Patience));
    }

    [Fact]
    public void SetOverridesKeysAndRejectsUnknownOnesClearly()
    {
        var keys = MethodRegistry.Get("cmap-fusion").ConfigKeys;
        var c = new RunConfig { Method = "cmap-fusion" };
        c.Apply(new[] { "dim=64", "training.epochs=3", "epochs=4", "model.cnn_channels=[8, 16, 32]", "inputs.image=xray" }, keys);
        Assert.Equal("64", c.Model["dim"]);
        Assert.Equal("4", c.Training["epochs"]);
        Assert.Equal("xray", c.Inputs["image"]);
        Assert.Equal(new[] { 8, 16, 32 }, ConfigBinder.Bind<CmapFusionConfig>(c.Model, "cmap-fusion").CnnChannels);
        var e = Assert.Throws<ArgumentException>(() => c.Apply(new[] { "gama=0.2" }, keys));
        Assert.Contains("did you mean 'gamma'", e.Message);
        Assert.Contains("unknown config key", Assert.Throws<ArgumentException>(() => c.Apply(new[] { "training.dim=3" }, keys)).Message.Replace("is not a training key", "unknown config key"));
        Assert.Contains("key=value", Assert.Throws<ArgumentException>(() => c.Apply(new[] { "epochs" }, keys)).Message);
        Assert.Contains("unknown section", Assert.Throws<ArgumentException>(() => c.Apply(new[] { "optim.lr=1" }, keys)).Message);
        Assert.Contains("'epochs' must be at least 1", Assert.Throws<ArgumentException>(() =>
            ConfigBinder.Bind<TrainingOptions>(new Dictionary<string, object?> { ["epochs"] = "0" }, "training").Validate()).Message);
        Assert.Contains("must be an integer", Assert.Throws<ArgumentException>(() =>
            ConfigBinder.Bind<TrainingOptions>(new Dictionary<string, object?> { ["epochs"] = "ten" }, "training")).Message);
    }

    [Fact]
    public void ResolvedConfigRoundTripsThroughYaml()
    {
        var c = new RunConfig { Method = "lab-only", Spec = "/x/spec.yaml", Task = "binary", Classes = new() { "neg", "pos" } };
        foreach (var (k, v) in ConfigValues.Of(new TrainingOptions { GradClip = 1.5 })) c.Training[k] = v;
        foreach (var (k, v) in ConfigValues.Of(new EvaluationOptions())) c.Evaluation[k] = v;
        var path = Path.Combine(Path.GetTempPath(), $"medley-config-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, c.ToYaml());
        try
        {
            var back = RunConfig.Load(path);
            Assert.Equal(new TrainingOptions { GradClip = 1.5 }, ConfigBinder.Bind<TrainingOptions>(back.Training, "training"));
            Assert.Equal(new[] { 1, 32 }, ConfigBinder.Bind<EvaluationOptions>(back.Evaluation, "evaluation").LatencyBatches);
            Assert.Equal(new[] { "neg", "pos" }, back.Classes);
            Assert.Equal("/x/spec.yaml", back.Spec);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
