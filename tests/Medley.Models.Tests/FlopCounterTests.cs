using Medley.Torch;
using Medley.Torch.Models;
using Medley.Torch.NN;
using Medley.Torch.Profiling;

namespace Medley.Models.Tests;

/// <summary>FlopCounter against hand counts (a multiply-add = 2 FLOPs) and the ViT-B/16 reference figure.</summary>
public class FlopCounterTests
{
    [Fact]
    public void LinearIsBatchTimesInTimesOut()
    {
        using var scope = DisposeScope.Enter();
        using var layer = new Linear(20, 30);
        using var counter = FlopCounter.Start();
        layer.Forward(Tensor.Randn(4, 7, 20));
        Assert.Equal(4L * 7 * 20 * 30, counter.MultiplyAdds);
        Assert.Equal(2L * 4 * 7 * 20 * 30, counter.Total);
        Assert.Equal(counter.MultiplyAdds, counter.ByOp["Linear"]);
        Assert.Equal(counter.Total, counter.FlopsByOp["Linear"]);
    }

    [Fact]
    public void ConvCountsGroupsAndStride()
    {
        using var scope = DisposeScope.Enter();
        // 8 → 12 channels, 3×3, stride 2, padding 1, groups 4: 32×32 → 16×16 output; each output sums 8/4·3·3 products.
        using var conv = new Conv2d(8, 12, 3, stride: 2, padding: 1, groups: 4);
        using var counter = FlopCounter.Start();
        var y = conv.Forward(Tensor.Randn(2, 8, 32, 32));
        Assert.Equal(new long[] { 2, 12, 16, 16 }, y.Shape);
        Assert.Equal(2L * 12 * 16 * 16 * (2 * 3 * 3), counter.ByOp["Conv2d"]);

        // Transposed: each input element meets out/groups · k·k weights.
        using var counter2 = FlopCounter.Start();
        Functional.ConvTranspose2d(Tensor.Randn(1, 4, 5, 5), Tensor.Randn(4, 3, 2, 2), stride: new long[] { 2, 2 });
        Assert.Equal(1L * 4 * 5 * 5 * 3 * 2 * 2, counter2.ByOp["ConvTranspose2d"]);
        // Nested: the outer counter saw both.
        Assert.Equal(counter.ByOp["Conv2d"] + counter2.MultiplyAdds, counter.MultiplyAdds);
    }

    [Fact]
    public void AttentionCountsProjectionsAndBothProducts()
    {
        using var scope = DisposeScope.Enter();
        const int n = 2, l = 5, s = 7, e = 16, h = 4;
        using var mha = new MultiheadAttention(e, h, batchFirst: true);
        using var counter = FlopCounter.Start();
        mha.Forward(Tensor.Randn(n, l, e), Tensor.Randn(n, s, e), Tensor.Randn(n, s, e), needWeights: false);
        long projections = (long)n * l * e * e + 2L * n * s * e * e + (long)n * l * e * e;  // q, k, v, out
        long products = 2L * n * h * l * s * (e / h);                                     // Q·Kᵀ and A·V
        Assert.Equal(projections + products, counter.MultiplyAdds);
        Assert.Equal(2L * n * h * l * s * (e / h), counter.ByOp["Attention"]);
    }

    [Fact]
    public void MatmulMmBaddbmmAndInactiveCounter()
    {
        using var scope = DisposeScope.Enter();
        var a = Tensor.Randn(3, 4, 5);
        var b = Tensor.Randn(5, 6);
        var counter = FlopCounter.Start();
        a.Matmul(b);
        Tensor.Randn(4, 5).Mm(b);
        Tensor.Zeros(3, 4, 6).Baddbmm(a, Tensor.Randn(3, 5, 6));
        Assert.Equal(3L * 4 * 6 * 5, counter.ByOp["Matmul"]);
        Assert.Equal(4L * 6 * 5, counter.ByOp["Mm"]);
        Assert.Equal(3L * 4 * 6 * 5, counter.ByOp["Baddbmm"]);
        var total = counter.MultiplyAdds;
        counter.Dispose();
        a.Matmul(b);   // not counted any more
        Assert.Equal(total, counter.MultiplyAdds);
        Assert.Null(FlopCounter.Current);
    }

    [Fact]
    public void VitB16At224IsAbout17Point6GigaMultiplyAdds()
    {
        using var scope = DisposeScope.Enter();
        using var vit = VisionTransformer.VitB16();
        vit.Eval();
        using var inference = Engine.InferenceMode();
        using var counter = FlopCounter.Start();
        vit.Forward(Tensor.Randn(1, 3, 224, 224));
        // Hand count: patch embedding 196·768·(3·16·16) + 12 blocks × (qkv 197·768·2304 + scores and A·V
        // 2·12·197·197·64 + out 197·768² + MLP 2·197·768·3072) + head 768·1000.
        long perBlock = 197L * 768 * 2304 + 2L * 12 * 197 * 197 * 64 + 197L * 768 * 768 + 2L * 197 * 768 * 3072;
        long expected = 196L * 768 * 768 + 12 * perBlock + 768L * 1000;
        Assert.Equal(expected, counter.MultiplyAdds);
        Assert.InRange(counter.MultiplyAdds / 1e9, 17.5, 17.65);   // the published 17.6 G multiply-adds
        Assert.InRange(counter.Total / 1e9, 35.0, 35.3);           // 35.1 GFLOPs
    }
}
