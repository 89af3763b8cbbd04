using Medley.Models.Methods;
using Medley.Models.Methods.CmapFusion;
using Medley.Torch;
using Medley.Torch.Tests;

namespace Medley.Models.Tests;

/// <summary>Method registry, config binding and the user errors a bad config or batch gives.</summary>
public class RegistryTests
{
    private static Dictionary<string, object?> Tiny(params (string Key, object? Value)[] extra)
    {
        var d = new Dictionary<string, object?>
        {
            ["num_classes"] = "3", ["lab_steps"] = "5", ["lab_variables"] = 3, ["image_size"] = 16, ["patch_size"] = "4",
            ["vit_layers"] = 1, ["vit_heads"] = 2, ["vit_mlp_dim"] = 32, ["dim"] = 16,
        };
        foreach (var (k, v) in extra) d[k] = v;
        return d;
    }

    [Fact]
    public void ListsCmapFusionWithADescription()
    {
        var m = Assert.Single(MethodRegistry.List(), x => x.Name == "cmap-fusion");
        Assert.Contains("SmartTrim", m.Description);
        Assert.Contains("use_smart_trim", m.ConfigKeys);
        Assert.Contains("cmt_form", m.ConfigKeys);
        Assert.Throws<ArgumentException>(() => MethodRegistry.Register(m));
    }

    [Fact]
    public void CreatesFromStringsAndTypedValues()
    {
        using var scope = DisposeScope.Enter();
        using var model = (CmapFusionModel)MethodRegistry.Create("cmap-fusion",
            Tiny(("use_vit", "false"), ("cnn_channels", "[4, 4, 8]"), ("gamma", "0.5"), ("cmt_form", "vector"), ("lab_hidden", null)));
        Assert.False(model.Config.UseVit);
        Assert.Equal(new[] { 4, 4, 8 }, model.Config.CnnChannels);
        Assert.Equal(0.5, model.Config.Gamma);
        Assert.Equal("vector", model.Config.CmtForm);
        Assert.Null(model.Config.LabHidden);
        var output = model.Forward(new Dictionary<string, Tensor> { ["image"] = Tensor.Randn(2, 3, 16, 16), ["labs"] = Tensor.Rand(2, 5, 3) });
        Assert.Equal(new long[] { 2, 3 }, output.Logits.Shape);
        Assert.Equal(new[] { "alignment", "sparsity" }, output.AuxiliaryLosses.Keys.Order());
        var loss = model.Loss(output, Tensor.From(new long[] { 0, 2 }));
        Assert.Equal(0, loss.Total.Dim);
    }

    [Fact]
    public void DefaultsAreThePapersValues()
    {
        var c = new CmapFusionConfig();
        Assert.Equal((224, 16, 12, 12, 768, 3072), (c.ImageSize, c.PatchSize, c.VitLayers, c.VitHeads, c.Dim, c.VitMlpDim));
        Assert.Equal((0.3, 8, 0.1, 0.01), (c.Gamma, c.CmtHeads, c.Lambda1, c.Lambda2));
        Assert.True(c.UseVit && c.UseSmartTrim && c.UseCmt);
        Assert.Equal("tokens", c.CmtForm);
    }

    [Fact]
    public void UserErrorsNameTheKeyAndTheFix()
    {
        var unknown = Assert.Throws<ArgumentException>(() => MethodRegistry.Create("cmap-fuson"));
        Assert.Contains("cmap-fusion", unknown.Message);
        var badKey = Assert.Throws<ArgumentException>(() => MethodRegistry.Create("cmap-fusion", Tiny(("gama", 0.2))));
        Assert.Contains("'gama'", badKey.Message);
        Assert.Contains("did you mean 'gamma'", badKey.Message);
        var badValue = Assert.Throws<ArgumentException>(() => MethodRegistry.Create("cmap-fusion", Tiny(("use_cmt", "maybe"))));
        Assert.Contains("'use_cmt' must be true or false", badValue.Message);
        var badInt = Assert.Throws<ArgumentException>(() => MethodRegistry.Create("cmap-fusion", Tiny(("dim", 2.5))));
        Assert.Contains("'dim' must be an integer", badInt.Message);
        var form = Assert.Throws<ArgumentException>(() => MethodRegistry.Create("cmap-fusion", Tiny(("cmt_form", "matrix"))));
        Assert.Contains("cmt_form", form.Message);
        var heads = Assert.Throws<ArgumentException>(() => MethodRegistry.Create("cmap-fusion", Tiny(("cmt_heads", 5))));
        Assert.Contains("divisible", heads.Message);
        var labs = Assert.Throws<ArgumentException>(() => MethodRegistry.Create("cmap-fusion", Tiny(("lab_steps", 0))));
        Assert.Contains("lab_steps", labs.Message);
        var pretrained = Assert.Throws<ArgumentException>(() => MethodRegistry.Create("cmap-fusion", Tiny(("use_vit", false), ("pretrained_vit", "/x.safetensors"))));
        Assert.Contains("use_vit", pretrained.Message);
        Assert.Throws<FileNotFoundException>(() => MethodRegistry.Create("cmap-fusion", Tiny(("pretrained_vit", "/no/such/file.safetensors"))));
    }

    [Fact]
    public void BadBatchesAreClearErrors()
    {
        using var scope = DisposeScope.Enter();
        using var model = new CmapFusionModel(TinyConfigs.Base);
        var e1 = Assert.Throws<ArgumentException>(() => model.Forward(Tensor.Randn(2, 3, 32, 32), Tensor.Rand(2, 5, 3)));
        Assert.Contains("(batch, 3, 16, 16)", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => model.Forward(Tensor.Randn(2, 3, 16, 16), Tensor.Rand(2, 4, 3)));
        Assert.Contains("lab_steps", e2.Message);
        Assert.Throws<ArgumentException>(() => model.Forward(Tensor.Randn(2, 3, 16, 16), Tensor.Rand(3, 5, 3)));
        var e3 = Assert.Throws<ArgumentException>(() => model.Forward(new Dictionary<string, Tensor> { ["image"] = Tensor.Randn(2, 3, 16, 16) }));
        Assert.Contains("'labs'", e3.Message);
    }
}

/// <summary>Reads the process-wide live-tensor count, so it runs alone.</summary>
[Collection(SerialCollection.Name)]
public class CmapMemoryTests
{
    [Fact]
    public void TrainingStepsDoNotLeakTensors()
    {
        Engine.ManualSeed(3);
        using var model = new CmapFusionModel(TinyConfigs.Variant("tokens"));
        void Step()
        {
            using var scope = DisposeScope.Enter();
            var output = model.Forward(Tensor.Randn(4, 3, 16, 16), Tensor.Rand(4, 5, 3));
            model.Loss(output, Tensor.From(new long[] { 0, 1, 2, 0 })).Total.Backward();
        }
        Step();
        var before = LiveTensorCount.Settled();
        for (var i = 0; i < 5; i++) Step();
        Assert.Equal(before, Engine.LiveTensors);
    }
}
