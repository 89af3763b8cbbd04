using Medley.Models.Encoders;
using Medley.Torch;
using Medley.Torch.Models;
using Medley.Torch.Serialization;
using Medley.Torch.Tests;

namespace Medley.Models.Tests;

/// <summary>A tiny torchvision ViT written in Hugging Face and in timm naming loads through the name mappings.</summary>
public class VitWeightsTests
{
    private static string WriteWeights(Fixture fx, string name)
    {
        var path = Path.Combine(Path.GetTempPath(), $"medley_vit_{name}_{Guid.NewGuid():N}.safetensors");
        SafeTensors.Save(path, fx.WithPrefix("w."));
        return path;
    }

    [Theory]
    [InlineData("hf", VitNaming.HuggingFace)]
    [InlineData("timm", VitNaming.Timm)]
    public void LoadsIntoTorchvisionNames(string naming, VitNaming expected)
    {
        using var scope = DisposeScope.Enter();
        using var fx = Fixture.Load("cmap_vit_" + naming);
        var path = WriteWeights(fx, naming);
        try
        {
            Assert.Equal(expected, VitWeights.DetectNaming(SafeTensors.ReadHeader(path).Keys));
            // With its 5-class head: logits match torchvision's.
            using var vit = new VisionTransformer(16, 4, 2, 2, 16, 32, numClasses: 5);
            VitWeights.LoadInto(vit, path);
            vit.Eval();
            AssertClose.Equal(fx["logits"], vit.Forward(fx["input"]), 1e-4, 1e-5, "logits");

            // As CMAP-Fusion's headless encoder: the class-token feature matches.
            using var encoder = new VitImageEncoder(16, 4, 2, 2, 16, 32);
            encoder.LoadPretrained(path);
            encoder.Eval();
            var (feature, tokens) = encoder.Forward(fx["input"]);
            AssertClose.Equal(fx["features"], feature, 1e-4, 1e-5, "features");
            Assert.Equal(new long[] { 2, 16, 16 }, tokens.Shape);

            // A different task's head size: the backbone loads, the model's own head stays.
            using var other = new VisionTransformer(16, 4, 2, 2, 16, 32, numClasses: 3);
            VitWeights.LoadInto(other, path);
            AssertClose.Equal(fx["features"], other.ForwardFeatures(fx["input"]), 1e-4, 1e-5, "features (3-class model)");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void NameMappingsCoverEachScheme()
    {
        Assert.Equal("encoder.layers.encoder_layer_3.self_attention.in_proj_weight", VitWeights.TimmToTorchvision("blocks.3.attn.qkv.weight"));
        Assert.Equal("encoder.layers.encoder_layer_0.mlp.3.bias", VitWeights.TimmToTorchvision("blocks.0.mlp.fc2.bias"));
        Assert.Null(VitWeights.TimmToTorchvision("fc_norm.weight"));
        Assert.Equal("encoder.layers.encoder_layer_11.mlp.0.weight", VitWeights.HuggingFaceToTorchvision("vit.encoder.layer.11.intermediate.dense.weight"));
        Assert.Equal("encoder.layers.encoder_layer_2.ln_2.bias", VitWeights.HuggingFaceToTorchvision("encoder.layer.2.layernorm_after.bias"));
        Assert.Equal("encoder.pos_embedding", VitWeights.HuggingFaceToTorchvision("embeddings.position_embeddings"));
        Assert.Null(VitWeights.HuggingFaceToTorchvision("vit.pooler.dense.weight"));
    }

    [Fact]
    public void MismatchedCheckpointIsAClearError()
    {
        using var scope = DisposeScope.Enter();
        using var fx = Fixture.Load("cmap_vit_timm");
        var path = WriteWeights(fx, "timm_bad");
        try
        {
            using var deeper = new VitImageEncoder(16, 4, 3, 2, 16, 32);
            var e = Assert.Throws<InvalidDataException>(() => deeper.LoadPretrained(path));
            Assert.Contains("encoder_layer_2", e.Message);
            var unknown = Path.Combine(Path.GetTempPath(), $"medley_vit_unknown_{Guid.NewGuid():N}.safetensors");
            SafeTensors.Save(unknown, new Dictionary<string, Tensor> { ["something.weight"] = Tensor.Zeros(2) });
            try
            {
                var e2 = Assert.Throws<InvalidDataException>(() => deeper.LoadPretrained(unknown));
                Assert.Contains("naming", e2.Message);
            }
            finally
            {
                File.Delete(unknown);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
