using Medley.Torch.NN;

namespace Medley.Torch.Tests;

public class AttentionTests
{
    private static void RunCase(string name, Func<MultiheadAttention> make,
        Func<MultiheadAttention, LayerReference, Dictionary<string, Tensor>, (Tensor Output, Tensor? Weights)> call, string[] gradInputs)
    {
        using var scope = DisposeScope.Enter();
        using var fixture = Fixture.Load("layers_attention");
        var r = new LayerReference(fixture, name);
        using var mha = make();
        r.LoadInto(mha);
        mha.Eval();
        var inputs = gradInputs.ToDictionary(k => k, k => r.Input(k, requiresGrad: true));
        var (output, weights) = call(mha, r, inputs);
        r.CheckOutput(output);
        if (r.Has("weights"))
        {
            Assert.NotNull(weights);
            AssertClose.Equal(r["weights"], weights!, what: $"{name} attention weights");
        }
        r.Backward(output);
        foreach (var (k, t) in inputs) r.CheckInputGrad(k, t);
        r.CheckParameterGrads(mha);
    }

    [Fact]
    public void SelfAttentionMatchesPyTorch() =>
        RunCase("self", () => new MultiheadAttention(8, 2, batchFirst: true),
            (m, r, i) => m.Forward(i["query"], i["query"], i["query"]), new[] { "query" });

    [Fact]
    public void CrossAttentionWithDifferentKeyAndValueWidthsMatchesPyTorch()
    {
        RunCase("cross", () => new MultiheadAttention(8, 2, kdim: 6, vdim: 7),
            (m, r, i) => m.Forward(i["query"], i["key"], i["value"], averageAttnWeights: false), new[] { "query", "key", "value" });
    }

    [Fact]
    public void KeyPaddingMaskMatchesPyTorch() =>
        RunCase("padding", () => new MultiheadAttention(8, 2, batchFirst: true),
            (m, r, i) => m.Forward(i["query"], i["key"], i["value"], keyPaddingMask: r.Input("key_padding_mask")),
            new[] { "query", "key", "value" });

    [Fact]
    public void BoolAttentionMaskWithPaddingMatchesPyTorch() =>
        RunCase("bool_mask", () => new MultiheadAttention(8, 2, batchFirst: true),
            (m, r, i) => m.Forward(i["query"], i["key"], i["value"], keyPaddingMask: r.Input("key_padding_mask"), attnMask: r.Input("attn_mask")),
            new[] { "query", "key", "value" });

    [Fact]
    public void FloatPerHeadAttentionMaskWithoutBiasMatchesPyTorch() =>
        RunCase("float_mask", () => new MultiheadAttention(8, 2, bias: false, batchFirst: true),
            (m, r, i) => m.Forward(i["query"], i["key"], i["value"], attnMask: r.Input("attn_mask")),
            new[] { "query", "key", "value" });

    [Fact]
    public void ParameterNamesFollowPyTorch()
    {
        using var packed = new MultiheadAttention(8, 2);
        Assert.Equal(new[] { "in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias" }, packed.NamedParameters().Select(p => p.Name));
        Assert.Equal(new long[] { 24, 8 }, packed.InProjWeight!.Shape);
        using var separate = new MultiheadAttention(8, 2, kdim: 6, vdim: 7, bias: false);
        Assert.Equal(new[] { "q_proj_weight", "k_proj_weight", "v_proj_weight", "out_proj.weight" }, separate.NamedParameters().Select(p => p.Name));
        Assert.All(packed.InProjBias!.ToArray<float>(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void UnbatchedInputGivesTheSameResultAsABatchOfOne()
    {
        using var scope = DisposeScope.Enter();
        using var mha = new MultiheadAttention(8, 2, batchFirst: true);
        var x = Tensor.Randn(5, 8);
        var (single, w1) = mha.Forward(x, x, x);
        var batch = x.Unsqueeze(0);
        var (batched, w2) = mha.Forward(batch, batch, batch);
        Assert.Equal(new long[] { 5, 8 }, single.Shape);
        Assert.Equal(new long[] { 5, 5 }, w1!.Shape);
        AssertClose.Equal(batched.Squeeze(0), single, what: "unbatched output");
        AssertClose.Equal(w2!.Squeeze(0), w1, what: "unbatched weights");
    }

    [Fact]
    public void SelfAttentionShorthandSkipsWeightsAndDropoutIsOffInEval()
    {
        using var scope = DisposeScope.Enter();
        using var mha = new MultiheadAttention(8, 4, dropout: 0.5, batchFirst: true);
        mha.Eval();
        var x = Tensor.Randn(2, 3, 8);
        var (full, weights) = mha.Forward(x, x, x, needWeights: false);
        Assert.Null(weights);
        AssertClose.Equal(full, mha.SelfAttention(x), what: "shorthand");
        AssertClose.Equal(full, mha.SelfAttention(x), what: "eval is deterministic");
    }

    [Fact]
    public void BadConfigurationsAndInputsAreRejected()
    {
        using var scope = DisposeScope.Enter();
        Assert.Throws<ArgumentException>(() => new MultiheadAttention(10, 3));
        Assert.Throws<ArgumentException>(() => new MultiheadAttention(8, 2, dropout: 1.5));
        using var mha = new MultiheadAttention(8, 2, batchFirst: true);
        var x = Tensor.Randn(2, 3, 8);
        var e = Assert.Throws<ArgumentException>(() => mha.Forward(Tensor.Randn(2, 3, 6), x, x));
        Assert.Contains("embed_dim", e.Message);
        Assert.Throws<ArgumentException>(() => mha.Forward(x, Tensor.Randn(3, 3, 8), Tensor.Randn(3, 3, 8)));
        Assert.Throws<ArgumentException>(() => mha.Forward(x, x, x, keyPaddingMask: Tensor.Zeros(new long[] { 2, 4 }, DType.Bool)));
        Assert.Throws<ArgumentException>(() => mha.Forward(x, x, x, attnMask: Tensor.Zeros(new long[] { 3, 4 }, DType.Bool)));
        e = Assert.Throws<ArgumentException>(() => mha.Forward(x, x, x, attnMask: Tensor.Zeros(new long[] { 3, 3 }, DType.Int64)));
        Assert.Contains("bool", e.Message);
        Assert.Throws<ArgumentException>(() => mha.Forward(Tensor.Randn(8), Tensor.Randn(8), Tensor.Randn(8)));
    }
}

[Collection(SerialCollection.Name)]
public class AttentionMemoryTests
{
    [Fact]
    public void ForwardAndBackwardInAScopeLeaveNoNativeTensorsBehind()
    {
        using var layer = new TransformerEncoderLayer(8, 2, 16, batchFirst: true);
        var before = LiveTensorCount.Settled();
        for (var i = 0; i < 3; i++)
        {
            using var scope = DisposeScope.Enter();
            var x = Tensor.Randn(new long[] { 2, 5, 8 }, requiresGrad: true);
            var padding = Tensor.Zeros(new long[] { 2, 5 }, DType.Bool);
            var mask = Tensor.Zeros(5, 5);
            layer.Forward(x, mask, padding).Sum().Backward();
            foreach (var p in layer.Parameters()) p.ZeroGrad();
        }
        Assert.Equal(before, Engine.LiveTensors);
    }
}
