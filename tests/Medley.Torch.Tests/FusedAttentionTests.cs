using Medley.Torch.NN;

namespace Medley.Torch.Tests;

/// <summary>
/// The fused attention op (native/src/ops_attention.cpp) against the same maths from tensor ops (which the
/// MultiheadAttention and TransformerEncoderLayer fixtures pin to PyTorch): outputs, input gradients and second-order
/// gradients, over shapes that hit the kernel's 8-wide loops and their tails, strided (packed) inputs and the paths
/// that fall back to tensor ops.
/// </summary>
public class FusedAttentionTests
{
    // (N, L, S, E, heads): one query, one key, lengths off the vector width, ViT-like 197 tokens.
    public static TheoryData<int, int, int, int, int> Shapes() => new()
    {
        { 1, 1, 1, 4, 1 }, { 2, 5, 7, 12, 3 }, { 3, 9, 17, 16, 2 }, { 1, 197, 197, 24, 3 }, { 2, 3, 8, 32, 8 },
    };

    private static (Tensor Out, Tensor[] Grads) Run(Func<Tensor, Tensor, Tensor, Tensor> attention, Tensor[] inputs, Tensor upstream)
    {
        var leaves = inputs.Select(t => t.Clone().RequiresGrad_()).ToArray();
        var output = attention(leaves[0], leaves[1], leaves[2]);
        (output * upstream).Sum().Backward();
        return (output.Detach(), leaves.Select(l => l.Grad!).ToArray());
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void SeparateInputsMatchTheTensorOpFormulation(int n, int l, int s, int e, int heads)
    {
        using var scope = DisposeScope.Enter();
        Engine.ManualSeed(3);
        var inputs = new[] { Tensor.Randn(n, l, e), Tensor.Randn(n, s, e), Tensor.Randn(n, s, e) };
        var upstream = Tensor.Randn(n, l, e);
        var (fused, fusedGrads) = Run((q, k, v) => Functional.Attention(q, k, v, heads), inputs, upstream);
        var (reference, referenceGrads) = Run((q, k, v) => Functional.AttentionReference(q, k, v, heads), inputs, upstream);
        AssertClose.Equal(reference, fused, what: "output");
        foreach (var (name, i) in new[] { ("q", 0), ("k", 1), ("v", 2) })
            AssertClose.Equal(referenceGrads[i], fusedGrads[i], rtol: 1e-4, atol: 1e-5, what: $"d{name}");
        using (Engine.NoGrad())
            AssertClose.Equal(reference, Functional.Attention(inputs[0], inputs[1], inputs[2], heads), what: "no-grad output");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void PackedSelfAttentionMatchesItsThreeColumnBlocks(int n, int l, int s, int e, int heads)
    {
        _ = s;   // self-attention: keys are the queries
        using var scope = DisposeScope.Enter();
        Engine.ManualSeed(5);
        var qkv = Tensor.Randn(n, l, 3 * e);
        var upstream = Tensor.Randn(n, l, e);
        var packed = qkv.Clone().RequiresGrad_();
        var output = Functional.PackedSelfAttention(packed, heads);
        (output * upstream).Sum().Backward();
        var split = qkv.Clone().RequiresGrad_();
        var expected = Functional.AttentionReference(split.Narrow(2, 0, e), split.Narrow(2, e, e), split.Narrow(2, 2 * e, e), heads);
        (expected * upstream).Sum().Backward();
        AssertClose.Equal(expected, output, what: "output");
        AssertClose.Equal(split.Grad!, packed.Grad!, rtol: 1e-4, atol: 1e-5, what: "dqkv");
        using (Engine.NoGrad()) AssertClose.Equal(expected, Functional.PackedSelfAttention(qkv, heads), what: "no-grad output");
    }

    [Fact]
    public void LargeScoresStayFiniteAndNormalised()
    {
        using var scope = DisposeScope.Enter();
        Engine.ManualSeed(7);
        // Scores of several hundred: exp overflows unless the row maximum is subtracted first.
        var q = Tensor.Randn(2, 11, 8) * 30;
        var k = Tensor.Randn(2, 13, 8) * 30;
        var v = Tensor.Randn(2, 13, 8);
        var fused = Functional.Attention(q, k, v, 2);
        Assert.False(fused.IsNan().Any().Item<bool>());
        AssertClose.Equal(Functional.AttentionReference(q, k, v, 2), fused, rtol: 1e-4, atol: 1e-5, what: "output");
        // Attending with v = identity-like one-hot rows returns the attention weights, whose rows sum to one.
        var ones = Tensor.Ones(2, 13, 8);
        AssertClose.Equal(ones.Narrow(1, 0, 11), Functional.Attention(q, k, ones, 2), what: "weights sum to 1");
    }

    [Fact]
    public void SecondOrderGradientsMatch()
    {
        using var scope = DisposeScope.Enter();
        Engine.ManualSeed(9);
        var inputs = new[] { Tensor.Randn(2, 4, 6), Tensor.Randn(2, 5, 6), Tensor.Randn(2, 5, 6) };
        Tensor[] Twice(Func<Tensor, Tensor, Tensor, Tensor> attention)
        {
            var leaves = inputs.Select(t => t.Clone().RequiresGrad_()).ToArray();
            attention(leaves[0], leaves[1], leaves[2]).Pow(2).Sum().Backward(createGraph: true);
            // The gradients carry a graph; a second backward adds the second-order term to them.
            leaves.Select(x => x.Grad!.Pow(2).Sum()).Aggregate((a, b) => a + b).Backward();
            return leaves.Select(x => x.Grad!.Detach()).ToArray();
        }
        var fused = Twice((q, k, v) => Functional.Attention(q, k, v, 2));
        var reference = Twice((q, k, v) => Functional.AttentionReference(q, k, v, 2));
        for (var i = 0; i < 3; i++) AssertClose.Equal(reference[i], fused[i], rtol: 1e-4, atol: 1e-5, what: $"input {i}");
    }

    [Fact]
    public void InputsTheKernelDoesNotTakeRunAsTensorOps()
    {
        using var scope = DisposeScope.Enter();
        Engine.ManualSeed(13);
        // Float64, and a key whose last dimension is strided: both take the tensor-op path with the same result.
        var q = Tensor.Randn(2, 3, 8).To(DType.Float64);
        var k = Tensor.Randn(2, 4, 8).To(DType.Float64);
        var v = Tensor.Randn(2, 4, 8).To(DType.Float64);
        AssertClose.Equal(Functional.AttentionReference(q, k, v, 4), Functional.Attention(q, k, v, 4), what: "float64");
        var wide = Tensor.Randn(2, 4, 16);
        var strided = wide.View(2, 4, 8, 2).Select(3, 0);
        var qf = Tensor.Randn(2, 3, 8);
        AssertClose.Equal(Functional.AttentionReference(qf, strided, strided, 2), Functional.Attention(qf, strided, strided, 2), what: "strided key");
    }

    [Fact]
    public void BadShapesAreRejectedBeforeTheNativeCall()
    {
        using var scope = DisposeScope.Enter();
        var q = Tensor.Randn(2, 3, 8);
        Assert.Contains("heads must divide", Assert.Throws<ArgumentException>(() => Functional.Attention(q, q, q, 3)).Message);
        Assert.Contains("share batch", Assert.Throws<ArgumentException>(() => Functional.Attention(q, Tensor.Randn(1, 3, 8), q, 2)).Message);
        Assert.Contains("(N, L, 3E)", Assert.Throws<ArgumentException>(() => Functional.PackedSelfAttention(q, 2)).Message);
        Assert.Contains("3-d", Assert.Throws<ArgumentException>(() => Functional.Attention(Tensor.Randn(3, 8), q, q, 2)).Message);
    }

}

/// <summary>The fused attention's autograd node frees what it saved: the live-tensor count stays flat over steps.</summary>
[Collection(SerialCollection.Name)]
public class FusedAttentionMemoryTests
{
    [Fact]
    public void RepeatedTrainingStepsLeaveNoLiveTensors()
    {
        using var outer = DisposeScope.Enter();
        var mha = new MultiheadAttention(16, 4, batchFirst: true);
        var x = Tensor.Randn(2, 9, 16);
        long? baseline = null;
        for (var step = 0; step < 50; step++)
        {
            using (var scope = DisposeScope.Enter())
            {
                mha.ZeroGrad();
                mha.SelfAttention(x).Pow(2).Mean().Backward();
            }
            if (step == 5) baseline = LiveTensorCount.Settled();
        }
        Assert.Equal(baseline, Engine.LiveTensors);
        mha.Dispose();
    }
}
