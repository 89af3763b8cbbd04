using Medley.Torch.NN;

namespace Medley.Torch.Tests;

/// <summary>The multi-step ops (packed LSTM, normalize, layers with padding modes) free their temporaries.</summary>
[Collection(SerialCollection.Name)]
public class LayerMemoryTests
{
    [Fact]
    public void ForwardAndBackwardLeaveNoLiveTensorsBehind()
    {
        using var lstm = new LSTM(4, 3, numLayers: 2, batchFirst: true, bidirectional: true);
        using var conv = new Conv2d(2, 3, [3, 3], "same", paddingMode: PaddingMode.Reflect);
        using var bn = new BatchNorm1d(4);
        var before = LiveTensorCount.Settled();
        using (var scope = DisposeScope.Enter())
        {
            var x = Tensor.Randn(3, 5, 4).RequiresGrad_();
            var (o, (h, c)) = lstm.Forward(x, null, new long[] { 2, 5, 3 });
            var y = conv.Forward(Tensor.Randn(1, 2, 5, 5));
            var z = Functional.Normalize(bn.Forward(Tensor.Randn(6, 4)));
            (o.Sum() + h.Sum() + c.Sum() + y.Sum() + z.Sum()).Backward();
        }
        lstm.ZeroGrad();
        conv.ZeroGrad();
        bn.ZeroGrad();
        Assert.Equal(before, Engine.LiveTensors);
    }
}
