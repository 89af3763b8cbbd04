using Medley.Torch.NN;
using Medley.Torch.Optim;

namespace Medley.Torch.Tests;

/// <summary>GradientClipping against torch.nn.utils.clip_grad_norm_ / clip_grad_value_ (fixture optim_clip).</summary>
public class OptimGradientClippingTests
{
    private static Parameter[] WithGradients(Fixture f)
    {
        var ps = new[] { new Parameter(Tensor.Zeros(3, 4)), new Parameter(Tensor.Zeros(5)) };
        ps[0].Grad = f["grad.p0"].Clone();
        ps[1].Grad = f["grad.p1"].Clone();
        return ps;
    }

    [Theory]
    [InlineData("l2", 1.0, 2.0)]
    [InlineData("l2_loose", 1e3, 2.0)]
    [InlineData("inf", 0.5, double.PositiveInfinity)]
    [InlineData("l1", 2.0, 1.0)]
    public void ClipGradNormMatchesTorch(string name, double maxNorm, double normType)
    {
        using var scope = DisposeScope.Enter();
        using var f = Fixture.Load("optim_clip");
        var ps = WithGradients(f);
        try
        {
            var total = GradientClipping.ClipGradNorm(ps, maxNorm, normType);
            Assert.Empty(total.Shape);
            AssertClose.Equal(f[$"{name}.total"], total, what: $"{name} total norm");
            AssertClose.Equal(f[$"{name}.p0"], ps[0].Grad!, what: $"{name} p0 grad");
            AssertClose.Equal(f[$"{name}.p1"], ps[1].Grad!, what: $"{name} p1 grad");
        }
        finally
        {
            foreach (var p in ps) p.Dispose();
        }
    }

    [Fact]
    public void ClipGradValueMatchesTorch()
    {
        using var scope = DisposeScope.Enter();
        using var f = Fixture.Load("optim_clip");
        var ps = WithGradients(f);
        try
        {
            GradientClipping.ClipGradValue(ps, 1.5);
            AssertClose.Equal(f["value.p0"], ps[0].Grad!, what: "p0 grad");
            AssertClose.Equal(f["value.p1"], ps[1].Grad!, what: "p1 grad");
        }
        finally
        {
            foreach (var p in ps) p.Dispose();
        }
    }

    [Fact]
    public void ParametersWithoutGradientsAreIgnored()
    {
        using var scope = DisposeScope.Enter();
        using var a = new Parameter(Tensor.Ones(2));
        using var b = new Parameter(Tensor.Ones(3));
        Assert.Equal(0.0, GradientClipping.ClipGradNorm(new Tensor[] { a, b }, 1.0).Item());
        b.Grad = Tensor.From(new float[] { 3, 4, 0 });
        var total = GradientClipping.ClipGradNorm(new Tensor[] { a, b }, 1.0);
        Assert.Equal(5.0, total.Item(), 5);
        var clipped = b.Grad!.ToArray<float>();
        Assert.Equal(0.6, clipped[0], 5);
        Assert.Equal(0.8, clipped[1], 5);
        Assert.Null(a.Grad);
    }

    [Fact]
    public void NonFiniteNormAndBadArgumentsThrow()
    {
        using var scope = DisposeScope.Enter();
        using var p = new Parameter(Tensor.Ones(2));
        p.Grad = Tensor.From(new float[] { float.PositiveInfinity, 1 });
        var ps = new Tensor[] { p };
        Assert.Contains("non-finite", Assert.Throws<InvalidOperationException>(() => GradientClipping.ClipGradNorm(ps, 1.0, errorIfNonfinite: true)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipGradNorm(ps, -1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipGradNorm(ps, 1.0, normType: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipGradValue(ps, double.NaN));
    }
}
