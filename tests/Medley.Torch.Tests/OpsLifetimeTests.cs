namespace Medley.Torch.Tests;

/// <summary>Multi-result ops and in-place helpers leave no native handles behind once their scope ends.</summary>
[Collection(SerialCollection.Name)]
public class OpsLifetimeTests
{
    [Fact]
    public void MultiResultAndInPlaceOpsFreeEverythingWithTheirScope()
    {
        var before = LiveTensorCount.Settled();
        using (var scope = DisposeScope.Enter())
        {
            var x = Tensor.Randn(5, 4);
            Assert.Equal(3, x.Split(2).Length);
            Assert.Equal(2, x.Chunk(2, 1).Length);
            Assert.Equal(4, x.Unbind(1).Length);
            var (values, indices) = x.TopK(2);
            Assert.Equal(new long[] { 5, 2 }, values.Shape);
            Assert.Equal(DType.Int64, indices.DType);
            x.Max(0);
            x.Sort();
            Tensor.Arange(6).Remainder(3L).Unique();
            x.IndexPut_(x.Gt(0.0), 1.0);
            x[0] = Tensor.Zeros(4);
            x.Index(Tensor.From(new long[] { 0, 1 }), null);
            Tensor.Einsum("ij->j", x);
            Assert.True(Engine.LiveTensors > before);
        }
        Assert.Equal(before, Engine.LiveTensors);
    }

    [Fact]
    public void FailedOpsLeaveNoHandles()
    {
        var before = LiveTensorCount.Settled();
        using (var scope = DisposeScope.Enter())
        {
            var x = Tensor.Ones(2, 3);
            Assert.Throws<TorchException>(() => x.Split(new long[] { 1, 1 }, 1));
            Assert.Throws<TorchException>(() => x.TopK(9));
            Assert.Throws<TorchException>(() => x.Max(7));
        }
        Assert.Equal(before, Engine.LiveTensors);
    }
}
