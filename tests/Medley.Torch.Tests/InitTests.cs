using Medley.Torch.NN;

namespace Medley.Torch.Tests;

public class InitTests
{
    // PyTorch ran each initialiser after torch.manual_seed(seed); a Generator with the same seed gives the same stream.
    private static void Check(Fixture f, string name, ulong seed, long[] shape, Action<Tensor, Generator> init)
    {
        using var g = new Generator(seed);
        var t = Tensor.Empty(shape);
        init(t, g);
        AssertClose.Equal(f[name], t, rtol: 1e-6, atol: 1e-7, what: name);
    }

    [Fact]
    public void InitialisersReproducePyTorchValuesForTheSameSeed()
    {
        using var scope = DisposeScope.Enter();
        using var f = Fixture.Load("layers_init");
        Check(f, "uniform", 1, new long[] { 5, 7 }, (t, g) => Init.Uniform_(t, -0.5, 1.5, g));
        Check(f, "normal", 2, new long[] { 6, 8 }, (t, g) => Init.Normal_(t, 0.3, 2.0, g));
        Check(f, "xavier_uniform", 3, new long[] { 16, 12, 3 }, (t, g) => Init.XavierUniform_(t, gain: 1.3, generator: g));
        Check(f, "xavier_normal", 4, new long[] { 20, 10 }, (t, g) => Init.XavierNormal_(t, generator: g));
        Check(f, "kaiming_uniform", 5, new long[] { 8, 4, 3, 3 }, (t, g) => Init.KaimingUniform_(t, a: Math.Sqrt(5), generator: g));
        Check(f, "kaiming_uniform_fan_out_relu", 6, new long[] { 8, 4, 3, 3 },
            (t, g) => Init.KaimingUniform_(t, mode: FanMode.FanOut, nonlinearity: "relu", generator: g));
        Check(f, "kaiming_normal", 7, new long[] { 30, 20 }, (t, g) => Init.KaimingNormal_(t, generator: g));
        Check(f, "kaiming_normal_fan_out_relu", 8, new long[] { 16, 8, 3, 3 },
            (t, g) => Init.KaimingNormal_(t, mode: FanMode.FanOut, nonlinearity: "relu", generator: g));
        Check(f, "trunc_normal", 9, new long[] { 40, 25 }, (t, g) => Init.TruncNormal_(t, generator: g));
        Check(f, "trunc_normal_shifted", 10, new long[] { 40, 25 }, (t, g) => Init.TruncNormal_(t, 0.5, 0.2, 0.1, 0.8, g));
        Check(f, "trunc_normal_vit", 11, new long[] { 32, 3, 8, 8 }, (t, g) => Init.TruncNormal_(t, std: Math.Sqrt(1.0 / 192), generator: g));
    }

    [Fact]
    public void GainsMatchPyTorch()
    {
        using var scope = DisposeScope.Enter();
        using var f = Fixture.Load("layers_init");
        var names = new[] { "linear", "conv2d", "sigmoid", "tanh", "relu", "leaky_relu", "selu" };
        var gains = names.Select(n => Init.CalculateGain(n)).Append(Init.CalculateGain("leaky_relu", 0.2)).ToArray();
        AssertClose.Equal(f["gains"], Tensor.From(gains), rtol: 1e-15, atol: 0, what: "gains");
        var e = Assert.Throws<ArgumentException>(() => Init.CalculateGain("swish"));
        Assert.Contains("swish", e.Message);
    }

    [Fact]
    public void FansFollowPyTorchAndNeedTwoDimensions()
    {
        using var scope = DisposeScope.Enter();
        Assert.Equal((4L * 9, 8L * 9), Init.CalculateFanInAndFanOut(Tensor.Empty(8, 4, 3, 3)));
        Assert.Equal((20L, 30L), Init.CalculateFanInAndFanOut(Tensor.Empty(30, 20)));
        var e = Assert.Throws<ArgumentException>(() => Init.XavierUniform_(Tensor.Empty(5)));
        Assert.Contains("fewer than 2 dimensions", e.Message);
        Assert.Throws<ArgumentException>(() => Init.KaimingNormal_(Tensor.Empty(3)));
    }

    [Fact]
    public void TruncNormalStaysInsideTheBoundsWithTheRightSpread()
    {
        using var scope = DisposeScope.Enter();
        using var g = new Generator(123);
        var values = Init.TruncNormal_(Tensor.Empty(200_000), mean: 1, std: 2, a: -1, b: 2, generator: g).ToArray<float>();
        Assert.All(values, v => Assert.InRange(v, -1f, 2f));
        // Mean of N(1, 4) truncated to [-1, 2]: μ + σ(φ(α) − φ(β))/(Φ(β) − Φ(α)) with α = −1, β = 0.5.
        double Phi(double x) => (1 + Init.Erf(x / Math.Sqrt(2))) / 2;
        double phi(double x) => Math.Exp(-x * x / 2) / Math.Sqrt(2 * Math.PI);
        var expectedMean = 1 + 2 * (phi(-1) - phi(0.5)) / (Phi(0.5) - Phi(-1));
        Assert.InRange(values.Average(v => (double)v), expectedMean - 0.01, expectedMean + 0.01);
    }

    [Fact]
    public void ErfMatchesKnownValues()
    {
        // Reference values of erf to 16 digits.
        Assert.Equal(0.0, Init.Erf(0), 15);
        Assert.Equal(0.5204998778130465, Init.Erf(0.5), 15);
        Assert.Equal(0.8427007929497149, Init.Erf(1), 15);
        Assert.Equal(0.9661051464753108, Init.Erf(1.5), 15);
        Assert.Equal(0.9953222650189527, Init.Erf(2), 15);
        Assert.Equal(-0.9999779095030014, Init.Erf(-3), 15);
    }

    [Fact]
    public void ConstantInitialisersWorkOnParametersThatRequireGrad()
    {
        using var scope = DisposeScope.Enter();
        using var linear = new Linear(3, 2);
        Init.Zeros_(linear.Bias!);
        Init.Ones_(linear.Weight);
        Assert.All(linear.Weight.ToArray<float>(), v => Assert.Equal(1f, v));
        Init.Constant_(linear.Weight, 0.25);
        Assert.All(linear.Weight.ToArray<float>(), v => Assert.Equal(0.25f, v));
        Assert.All(linear.Bias!.ToArray<float>(), v => Assert.Equal(0f, v));
        Assert.True(linear.Weight.RequiresGrad && linear.Weight.IsLeaf);
        Init.KaimingUniform_(linear.Weight, a: Math.Sqrt(5));
        Assert.All(linear.Weight.ToArray<float>(), v => Assert.InRange(v, -1 / Math.Sqrt(3), 1 / Math.Sqrt(3)));
    }

    [Fact]
    public void BadArgumentsAreRejectedWithClearMessages()
    {
        using var scope = DisposeScope.Enter();
        var t = Tensor.Empty(4, 4);
        Assert.Throws<ArgumentException>(() => Init.TruncNormal_(t, std: 0));
        Assert.Throws<ArgumentException>(() => Init.TruncNormal_(t, a: 1, b: -1));
        Assert.Throws<ArgumentException>(() => Init.Normal_(t, std: -1));
        Assert.Throws<ArgumentException>(() => Init.Uniform_(t, 2, 1));
        var e = Assert.Throws<ArgumentException>(() => Init.XavierUniform_(Tensor.Zeros(new long[] { 2, 2 }, DType.Int64)));
        Assert.Contains("floating-point", e.Message);
        // Zero-element tensors are left alone, as in PyTorch.
        Init.KaimingUniform_(Tensor.Empty(0, 3));
    }
}
