using Medley.Torch.NN;

namespace Medley.Torch.Tests;

public class TransformerTests
{
    private const long D = 8, H = 2, FF = 16;

    private static void RunLayerCase(string name, string activation, bool normFirst, bool batchFirst, bool padding)
    {
        using var scope = DisposeScope.Enter();
        using var fixture = Fixture.Load("layers_transformer");
        var r = new LayerReference(fixture, name);
        using var layer = new TransformerEncoderLayer(D, H, FF, dropout: 0.1, activation: activation, batchFirst: batchFirst, normFirst: normFirst);
        r.LoadInto(layer);
        layer.Eval();
        var src = r.Input("src", requiresGrad: true);
        var output = layer.Forward(src, null, padding ? r.Input("src_key_padding_mask") : null);
        r.CheckOutput(output);
        r.Backward(output);
        r.CheckInputGrad("src", src);
        r.CheckParameterGrads(layer);
    }

    [Fact]
    public void PostNormReluLayerMatchesPyTorch() => RunLayerCase("post_relu", "relu", false, true, false);

    [Fact]
    public void PreNormGeluLayerMatchesPyTorch() => RunLayerCase("pre_gelu", "gelu", true, true, false);

    [Fact]
    public void PostNormGeluLayerWithPaddingMaskMatchesPyTorch() => RunLayerCase("post_gelu_padding", "gelu", false, true, true);

    [Fact]
    public void PreNormReluSequenceFirstLayerWithPaddingMatchesPyTorch() =>
        RunLayerCase("pre_relu_padding_seqfirst", "relu", true, false, true);

    [Fact]
    public void EncoderStackWithFinalNormAndCausalMaskMatchesPyTorch()
    {
        using var scope = DisposeScope.Enter();
        using var fixture = Fixture.Load("layers_transformer");
        var r = new LayerReference(fixture, "encoder");
        using var template = new TransformerEncoderLayer(D, H, FF, dropout: 0.1, activation: "gelu", batchFirst: true);
        using var encoder = new TransformerEncoder(template, 2, new LayerNorm(new[] { D }));
        Assert.Contains("layers.1.self_attn.in_proj_weight", encoder.NamedParameters().Select(p => p.Name));
        Assert.Contains("norm.weight", encoder.NamedParameters().Select(p => p.Name));
        r.LoadInto(encoder);
        encoder.Eval();
        var src = r.Input("src", requiresGrad: true);
        var output = encoder.Forward(src, r.Input("mask"), r.Input("src_key_padding_mask"));
        r.CheckOutput(output);
        r.Backward(output);
        r.CheckInputGrad("src", src);
        r.CheckParameterGrads(encoder);
    }

    [Fact]
    public void EncoderCopiesTheTemplateIntoIndependentLayers()
    {
        using var scope = DisposeScope.Enter();
        using var template = new TransformerEncoderLayer(D, H, FF, batchFirst: true);
        using var encoder = new TransformerEncoder(template, 3);
        Assert.Equal(3, encoder.Layers.Count);
        AssertClose.Equal(template.Linear1.Weight, encoder.Layers[2].Linear1.Weight, what: "copied weights");
        Assert.NotSame(encoder.Layers[0].Linear1.Weight, encoder.Layers[1].Linear1.Weight);
        using (Engine.NoGrad()) encoder.Layers[0].Linear1.Weight.Add_(1.0);
        Assert.NotEqual(encoder.Layers[0].Linear1.Weight.ToArray<float>(), encoder.Layers[1].Linear1.Weight.ToArray<float>());
        Assert.Equal(template.ParameterCount() * 3, encoder.ParameterCount());
    }

    [Fact]
    public void TrainingModeAppliesDropoutAndEvalDoesNot()
    {
        using var scope = DisposeScope.Enter();
        using var layer = new TransformerEncoderLayer(D, H, FF, dropout: 0.5, batchFirst: true);
        var x = Tensor.Randn(2, 4, D);
        layer.Eval();
        AssertClose.Equal(layer.Forward(x), layer.Forward(x), what: "eval is deterministic");
        layer.Train();
        Assert.False(layer.Forward(x).AllClose(layer.Forward(x)), "training mode should drop different units each call");
    }

    [Fact]
    public void BadArgumentsAreRejected()
    {
        using var scope = DisposeScope.Enter();
        Assert.Throws<ArgumentException>(() => new TransformerEncoderLayer(D, H, activation: "swish"));
        Assert.Throws<ArgumentException>(() => new TransformerEncoderLayer(D, 3));
        using var layer = new TransformerEncoderLayer(D, H, FF, batchFirst: true);
        var e = Assert.Throws<ArgumentException>(() => layer.Forward(Tensor.Randn(2, 4, D + 1)));
        Assert.Contains("d_model", e.Message);
        Assert.Throws<ArgumentException>(() => layer.Forward(Tensor.Randn(2, 4, D), null, Tensor.Zeros(new long[] { 2, 5 }, DType.Bool)));
        Assert.Throws<ArgumentException>(() => new TransformerEncoder(layer, 0));
    }
}
