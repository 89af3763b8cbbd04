using Medley.Torch.NN;

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
}
