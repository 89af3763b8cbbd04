using Medley.Models.Methods;
using Medley.Models.Methods.Baselines;
using Medley.Models.Methods.CmapFusion;
using Medley.Torch;
using Medley.Torch.Serialization;
using Medley.Torch.Tests;

namespace Medley.Models.Tests;

public class BaselineAndPretrainedTests
{
    [Fact]
    public void SingleModalityBaselinesAreRegisteredAndRun()
    {
        using var scope = DisposeScope.Enter();
        Assert.Contains(MethodRegistry.List(), m => m.Name == "image-only");
        using var image = (ImageOnlyModel)MethodRegistry.Create("image-only", new Dictionary<string, object?>
        {
            ["num_classes"] = 4, ["use_vit"] = false, ["dim"] = 8, ["cnn_channels"] = "4,4,4",
        });
        var outI = image.Forward(new Dictionary<string, Tensor> { ["image"] = Tensor.Randn(3, 3, 20, 20) });
        Assert.Equal(new long[] { 3, 4 }, outI.Logits.Shape);
        Assert.Equal(new long[] { 3, 8 }, outI.Feature("F_I").Shape);
        Assert.Empty(outI.AuxiliaryLosses);

        using var lab = (LabOnlyModel)MethodRegistry.Create("lab-only", new Dictionary<string, object?>
        {
            ["num_classes"] = 2, ["lab_steps"] = 4, ["lab_variables"] = 2, ["dim"] = 8,
        });
        var outL = lab.Forward(new Dictionary<string, Tensor> { ["labs"] = Tensor.Rand(3, 4, 2) });
        Assert.Equal(new long[] { 3, 2 }, outL.Logits.Shape);
        var loss = lab.Loss(outL, Tensor.From(new long[] { 0, 1, 1 }));
        AssertClose.Equal(loss.Terms["ce"], loss.Total, 0, 0, "lab-only loss is CE alone");

        var e = Assert.Throws<ArgumentException>(() => lab.Forward(new Dictionary<string, Tensor> { ["image"] = Tensor.Randn(1, 3, 4, 4) }));
        Assert.Contains("'labs'", e.Message);
        Assert.Throws<ArgumentException>(() => MethodRegistry.Create("lab-only", new Dictionary<string, object?> { ["dim"] = 8 }));
    }

    [Fact]
    public void CmapFusionLoadsPretrainedVitFromTheConfig()
    {
        using var scope = DisposeScope.Enter();
        using var fx = Fixture.Load("cmap_vit_hf");
        var path = Path.Combine(Path.GetTempPath(), $"medley_vit_cfg_{Guid.NewGuid():N}.safetensors");
        SafeTensors.Save(path, fx.WithPrefix("w."));
        try
        {
            using var model = (CmapFusionModel)MethodRegistry.Create("cmap-fusion", new Dictionary<string, object?>
            {
                ["num_classes"] = 3, ["lab_steps"] = 5, ["lab_variables"] = 3, ["image_size"] = 16, ["patch_size"] = 4,
                ["vit_layers"] = 2, ["vit_heads"] = 2, ["vit_mlp_dim"] = 32, ["dim"] = 16, ["pretrained_vit"] = path,
            });
            model.Eval();
            var output = model.Forward(fx["input"], Tensor.Rand(2, 5, 3));
            AssertClose.Equal(fx["features"], output.Feature("F_I"), 1e-4, 1e-5, "F_I from pretrained ViT");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
