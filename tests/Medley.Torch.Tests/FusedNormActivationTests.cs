using Medley.Torch.NN;

namespace Medley.Torch.Tests;

/// <summary>
/// The fused float32 GELU and layer-norm kernels (native/src/fused_norm_act.cpp) against ATen's float64 ops, which
/// the functional and layer fixtures pin to PyTorch: values, gradients, second order, vector tails, and the inputs
/// that fall back to ATen.
/// </summary>
public class FusedNormActivationTests
{
    private static Tensor AsDouble(Tensor t) => t.Detach().To(DType.Float64);

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(9)]
    [InlineData(1003)]
    [InlineData(197 * 768)]
    public void GeluMatchesTheExactFormInValueAndGradient(int count)
    {
        using var scope = DisposeScope.Enter();
        Engine.ManualSeed(21);
        var x = (Tensor.Randn(count) * 3).RequiresGrad_();
        var y = Functional.Gelu(x);
        var upstream = Tensor.Randn(count);
        (y * upstream).Sum().Backward();
        var x64 = AsDouble(x).RequiresGrad_();
        var y64 = Functional.Gelu(x64);
        (y64 * AsDouble(upstream)).Sum().Backward();
        AssertClose.Equal(y64.To(DType.Float32), y, rtol: 1e-5, atol: 1e-6, what: "gelu");
        AssertClose.Equal(x64.Grad!.To(DType.Float32), x.Grad!, rtol: 1e-5, atol: 1e-6, what: "gelu grad");
        using (Engine.NoGrad()) AssertClose.Equal(y.Detach(), x.Gelu(), what: "Tensor.Gelu and no-grad");
    }

    [Fact]
    public void GeluSaturatesAndTreatsSpecialValuesAsTorchDoes()
    {
        using var scope = DisposeScope.Enter();
        var x = Tensor.From(new[] { -100f, -12f, -6f, -0f, 0f, 1e-20f, 6f, 12f, 100f, float.NegativeInfinity, float.PositiveInfinity, float.NaN });
        var y = Functional.Gelu(x).ToArray<float>();
        var expected = Functional.Gelu(x.To(DType.Float64)).ToArray<double>();
        for (var i = 0; i < y.Length - 3; i++) Assert.Equal(expected[i], y[i], 6);
        Assert.True(float.IsNaN(y[^3]));             // −inf · Φ(−inf) = −inf · 0: NaN, as torch's gelu gives
        Assert.Equal(float.PositiveInfinity, y[^2]);
        Assert.True(float.IsNaN(y[^1]));
    }

    [Fact]
    public void GeluSecondOrderGradientMatchesAten()
    {
        using var scope = DisposeScope.Enter();
        Engine.ManualSeed(22);
        var x = Tensor.Randn(37);
        Tensor Twice(Tensor input)
        {
            var leaf = input.Clone().RequiresGrad_();
            Functional.Gelu(leaf).Pow(2).Sum().Backward(createGraph: true);
            leaf.Grad!.Pow(2).Sum().Backward();
            return leaf.Grad!.Detach();
        }
        AssertClose.Equal(Twice(x.To(DType.Float64)).To(DType.Float32), Twice(x), rtol: 1e-4, atol: 1e-5, what: "second order");
    }

    [Theory]
    [InlineData(3, 1)]
    [InlineData(4, 5)]
    [InlineData(2, 8)]
    [InlineData(197, 192)]
    [InlineData(6, 768)]
    public void LayerNormMatchesInValueAndGradients(int rows, int cols)
    {
        using var scope = DisposeScope.Enter();
        Engine.ManualSeed(23);
        var x = (Tensor.Randn(2, rows, cols) * 2 + 0.5).RequiresGrad_();
        var w = Tensor.Randn(cols).RequiresGrad_();
        var b = Tensor.Randn(cols).RequiresGrad_();
        var upstream = Tensor.Randn(2, rows, cols);
        var y = Functional.LayerNorm(x, new long[] { cols }, w, b, 1e-5);
        (y * upstream).Sum().Backward();
        var (x64, w64, b64) = (AsDouble(x).RequiresGrad_(), AsDouble(w).RequiresGrad_(), AsDouble(b).RequiresGrad_());
        var y64 = Functional.LayerNorm(x64, new long[] { cols }, w64, b64, 1e-5);
        (y64 * AsDouble(upstream)).Sum().Backward();
        AssertClose.Equal(y64.To(DType.Float32), y, rtol: 1e-4, atol: 1e-5, what: "y");
        AssertClose.Equal(x64.Grad!.To(DType.Float32), x.Grad!, rtol: 1e-4, atol: 1e-4, what: "dx");
        AssertClose.Equal(w64.Grad!.To(DType.Float32), w.Grad!, rtol: 1e-4, atol: 1e-4, what: "dw");
        AssertClose.Equal(b64.Grad!.To(DType.Float32), b.Grad!, rtol: 1e-4, atol: 1e-4, what: "db");
    }

    [Fact]
    public void LayerNormWithoutAffineOverTwoDimsAndWithALargeMean()
    {
        using var scope = DisposeScope.Enter();
        Engine.ManualSeed(24);
        // Values around 1e4 with unit spread: a one-pass E[x²] − E[x]² in float32 would lose the variance.
        var x = Tensor.Randn(5, 3, 40) + 1e4;
        var y = Functional.LayerNorm(x, new long[] { 3, 40 }, eps: 1e-5);
        var y64 = Functional.LayerNorm(x.To(DType.Float64), new long[] { 3, 40 }, eps: 1e-5);
        AssertClose.Equal(y64.To(DType.Float32), y, rtol: 1e-3, atol: 2e-3, what: "no affine, 2-d normalized shape");
    }

    [Fact]
    public void LayerNormSecondOrderAndStridedInputsMatchAten()
    {
        using var scope = DisposeScope.Enter();
        Engine.ManualSeed(25);
        var x = Tensor.Randn(4, 12);
        var w = Tensor.Randn(12);
        var b = Tensor.Randn(12);
        Tensor Twice(Tensor input, Tensor weight, Tensor bias)
        {
            var leaf = input.Clone().RequiresGrad_();
            Functional.LayerNorm(leaf, new long[] { 12 }, weight, bias).Pow(3).Sum().Backward(createGraph: true);
            leaf.Grad!.Pow(2).Sum().Backward();
            return leaf.Grad!.Detach();
        }
        AssertClose.Equal(Twice(x.To(DType.Float64), w.To(DType.Float64), b.To(DType.Float64)).To(DType.Float32), Twice(x, w, b),
            rtol: 1e-3, atol: 1e-3, what: "second order");
        // Weight without bias while training: ATen's op, same values and gradient.
        var leafA = x.Clone().RequiresGrad_();
        var leafB = x.To(DType.Float64).RequiresGrad_();
        Functional.LayerNorm(leafA, new long[] { 12 }, w).Sum().Backward();
        Functional.LayerNorm(leafB, new long[] { 12 }, w.To(DType.Float64)).Sum().Backward();
        AssertClose.Equal(leafB.Grad!.To(DType.Float32), leafA.Grad!, rtol: 1e-4, atol: 1e-4, what: "weight only");
        // A transposed (non-contiguous) input takes ATen's kernel and agrees.
        var t = Tensor.Randn(12, 4).Transpose(0, 1);
        AssertClose.Equal(Functional.LayerNorm(t.Contiguous(), new long[] { 12 }, w), Functional.LayerNorm(t, new long[] { 12 }, w), what: "strided");
    }
}
