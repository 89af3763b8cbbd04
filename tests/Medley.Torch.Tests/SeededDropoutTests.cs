using Medley.Torch.NN;
using F = Medley.Torch.NN.Functional;

namespace Medley.Torch.Tests;

/// <summary>Seeds libtorch's global generator, so it runs alone (a parallel test drawing numbers would shift it).</summary>
[Collection(SerialCollection.Name)]
public class SeededDropoutTests
{
    [Fact]
    public void DropoutWithTheSameSeedDrawsPyTorchsMask()
    {
        // Python and Medley share libtorch's CPU generator, so the same seed gives the same mask.
        using var scope = DisposeScope.Enter();
        using var f = Fixture.Load("nn_layers_extra");
        using var dropout = new Dropout(0.3);
        dropout.Train();
        var x = f["dropout.x"].Detach().RequiresGrad_();
        Engine.ManualSeed(123);
        var output = dropout.Forward(x);
        AssertClose.Equal(f["dropout.out"], output, what: "dropout output");
        (output * f["dropout.r"]).Sum().Backward();
        AssertClose.Equal(f["dropout.grad.x"], x.Grad!, what: "dropout grad x");
    }

    [Fact]
    public void DropoutFollowsTrainingFlagAndGlobalSeed()
    {
        using var scope = DisposeScope.Enter();
        var x = Tensor.Ones(200, 50);
        Assert.Equal(x.ToArray<float>(), F.Dropout(x, 0.3, training: false).ToArray<float>());
        Engine.ManualSeed(11);
        var a = F.Dropout(x, 0.3).ToArray<float>();
        Engine.ManualSeed(11);
        var b = F.Dropout(x, 0.3).ToArray<float>();
        Assert.Equal(a, b);
        Assert.All(a, v => Assert.True(v == 0f || Math.Abs(v - 1 / 0.7f) < 1e-6));
        var zeroFraction = a.Count(v => v == 0) / (double)a.Length;
        Assert.InRange(zeroFraction, 0.25, 0.35);
        // Dropout2d zeroes whole channels
        var y = F.Dropout2d(Tensor.Ones(8, 16, 3, 3), 0.5).Reshape(8 * 16, 9).ToArray<float>();
        for (var c = 0; c < 8 * 16; c++)
        {
            var row = y.Skip(c * 9).Take(9).Distinct().ToArray();
            Assert.Single(row);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => F.Dropout(x, 1.5));
        Assert.Throws<ArgumentException>(() => F.Dropout2d(Tensor.Ones(3, 3), 0.5));
    }
}
