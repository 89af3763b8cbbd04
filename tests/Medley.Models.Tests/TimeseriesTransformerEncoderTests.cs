using Medley.Models.Encoders.Modality;
using Medley.Models.Inputs;
using Medley.Torch;

namespace Medley.Models.Tests;

public class TimeseriesTransformerEncoderTests
{
    private static readonly ModalityDescriptor Vitals = ModalityDescriptor.Parse("vitals:timeseries:6x4")[0];

    private static FusionConfig Config(string encoder) =>
        new() { ModalityShapes = "vitals:timeseries:6x4", EmbedDim = 8, TimeseriesEncoder = encoder, TimeseriesHeads = 2, TimeseriesLayers = 2 };

    [Fact]
    public void TheFactoryBuildsEitherEncoderAndTheTransformerTrainsEveryParameter()
    {
        using var scope = DisposeScope.Enter();
        using (var lstm = ModalityEncoderFactory.Create(Vitals, Config("lstm"))) Assert.IsType<TimeseriesLstmEncoder>(lstm);
        using var encoder = ModalityEncoderFactory.Create(Vitals, Config("transformer"));
        Assert.IsType<TimeseriesTransformerEncoder>(encoder);
        Assert.Equal(8, encoder.OutputDim);
        var x = Tensor.Randn(3, 6, 4);
        var v = encoder.Forward(x, null);
        Assert.Equal(new long[] { 3, 8 }, v.Shape);
        v.Pow(2).Sum().Backward();
        Assert.All(encoder.NamedParameters(), p => Assert.True(p.Parameter.Grad is not null && p.Parameter.Grad.Abs().Sum().Item<float>() > 0, $"{p.Name} got no gradient"));
        Assert.Contains("position", encoder.StateDict().Keys);
        Assert.Contains("encoder.layers.1.self_attn.in_proj_weight", encoder.StateDict().Keys);

        // Learned positions make the order of steps matter; shorter series use the first positions.
        encoder.Eval();
        using (Engine.NoGrad())
        {
            var reversed = encoder.Forward(x.IndexSelect(1, Tensor.From(new long[] { 5, 4, 3, 2, 1, 0 })), null);
            Assert.False(encoder.Forward(x, null).AllClose(reversed, 1e-4, 1e-5));
            Assert.Equal(new long[] { 3, 8 }, encoder.Forward(x.Narrow(1, 0, 4), null).Shape);
        }
    }

    [Fact]
    public void UserErrorsNameTheProblem()
    {
        using var scope = DisposeScope.Enter();
        var e = Assert.Throws<ArgumentException>(() => ModalityEncoderFactory.Create(Vitals, Config("gru")));
        Assert.Contains("'gru'", e.Message);
        Assert.Contains("lstm or transformer", e.Message);
        Assert.Contains("divisible", Assert.Throws<ArgumentException>(() => ModalityEncoderFactory.Create(Vitals, Config("transformer") with { TimeseriesHeads = 3 })).Message);
        using var encoder = ModalityEncoderFactory.Create(Vitals, Config("transformer"));
        Assert.Contains("[B, T ≤ 6, 4]", Assert.Throws<ArgumentException>(() => encoder.Forward(Tensor.Randn(2, 6, 5), null)).Message);
        Assert.Throws<ArgumentException>(() => encoder.Forward(Tensor.Randn(2, 7, 4), null));
        Assert.Throws<ArgumentException>(() => encoder.Forward(Tensor.Randn(6, 4), null));
    }
}
