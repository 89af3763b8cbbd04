using System.Runtime.Intrinsics.X86;

namespace Medley.Torch.Tests;

/// <summary>
/// Linear's own kernels (native/src/gemm_kernels.cpp, used for 8–512 rows) against ATen's linear on the same inputs:
/// outputs and the gradients of input, weight and bias, over shapes that hit the kernels' full tiles and every tail
/// (rows off 6 and 32, widths off 8, 16 and 64), leading batch dimensions, strided inputs, second order, and the
/// inputs that go to ATen. On a CPU without AVX-512 every call goes to ATen and the comparisons still hold.
/// </summary>
public class FusedLinearTests
{
    // (rows M, input width K, output width N)
    public static TheoryData<int, int, int> Shapes() => new()
    {
        { 8, 16, 16 }, { 9, 17, 33 }, { 64, 512, 512 }, { 64, 1536, 128 }, { 64, 128, 1536 }, { 70, 100, 23 },
        { 197, 192, 576 }, { 33, 65, 130 }, { 512, 40, 24 },
    };

    private static bool KernelExpected(int m, int k, int n) => m is >= 8 and <= 512 && k >= 16 && n >= 16;

    private static (Tensor Out, Tensor Dx, Tensor Dw, Tensor? Db) Run(Func<Tensor, Tensor, Tensor?, Tensor> linear,
        Tensor x, Tensor w, Tensor? b, Tensor upstream)
    {
        var (xl, wl, bl) = (x.Clone().RequiresGrad_(), w.Clone().RequiresGrad_(), b?.Clone().RequiresGrad_());
        var output = linear(xl, wl, bl);
        (output * upstream).Sum().Backward();
        return (output.Detach(), xl.Grad!, wl.Grad!, bl?.Grad);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void OutputsAndGradientsMatchAten(int m, int k, int n)
    {
        using var scope = DisposeScope.Enter();
        Engine.ManualSeed(21);
        var (x, w, b, upstream) = (Tensor.Randn(m, k), Tensor.Randn(n, k) * 0.1, Tensor.Randn(n), Tensor.Randn(m, n));
        if (Avx512F.IsSupported && Avx512F.VL.IsSupported) Assert.Equal(KernelExpected(m, k, n), Tensor.LinearTakesKernel(x, w, b));
        foreach (var bias in new[] { b, null })
        {
            var own = Run(Tensor.Linear, x, w, bias, upstream);
            var aten = Run(Tensor.LinearReference, x, w, bias, upstream);
            var tag = bias == null ? "without bias" : "with bias";
            AssertClose.Equal(aten.Out, own.Out, rtol: 1e-4, atol: 1e-4, what: $"output {tag}");
            AssertClose.Equal(aten.Dx, own.Dx, rtol: 1e-4, atol: 1e-4, what: $"dx {tag}");
            AssertClose.Equal(aten.Dw, own.Dw, rtol: 1e-4, atol: 1e-4, what: $"dw {tag}");
            if (bias != null) AssertClose.Equal(aten.Db!, own.Db!, rtol: 1e-4, atol: 1e-4, what: "db");
            using (Engine.NoGrad())
                AssertClose.Equal(aten.Out, Tensor.Linear(x, w, bias), rtol: 1e-4, atol: 1e-4, what: $"no-grad output {tag}");
        }
    }

    [Fact]
    public void LeadingDimensionsAndStridedInputsMatchAten()
    {
        using var scope = DisposeScope.Enter();
        Engine.ManualSeed(22);
        var w = Tensor.Randn(48, 40);
        var b = Tensor.Randn(48);
        var batched = Tensor.Randn(3, 7, 40);                          // 21 rows through [3, 7, 48]
        var strided = Tensor.Randn(40, 30).Transpose(0, 1);             // a transposed view: not contiguous
        foreach (var (x, name) in new[] { (batched, "batched"), (strided, "strided") })
        {
            var upstream = Tensor.Randn(x.Shape[..^1].Append(48L).ToArray());
            var own = Run(Tensor.Linear, x, w, b, upstream);
            var aten = Run(Tensor.LinearReference, x, w, b, upstream);
            Assert.Equal(aten.Out.Shape, own.Out.Shape);
            AssertClose.Equal(aten.Out, own.Out, rtol: 1e-4, atol: 1e-4, what: $"{name} output");
            AssertClose.Equal(aten.Dx, own.Dx, rtol: 1e-4, atol: 1e-4, what: $"{name} dx");
            AssertClose.Equal(aten.Dw, own.Dw, rtol: 1e-4, atol: 1e-4, what: $"{name} dw");
        }
    }

    [Fact]
    public void OnlyTheGradientsAskedForAreMade()
    {
        using var scope = DisposeScope.Enter();
        Engine.ManualSeed(23);
        var x = Tensor.Randn(32, 64);                                   // data: no gradient wanted
        var w = Tensor.Randn(24, 64).RequiresGrad_();
        Tensor.Linear(x, w).Sum().Backward();
        var expected = Tensor.Ones(24, 32).Matmul(x);                   // d(Σ x·wᵀ)/dw = 1ᵀ·x
        AssertClose.Equal(expected, w.Grad!, rtol: 1e-4, atol: 1e-4, what: "dw");
        Assert.Null(x.Grad);
    }

    [Fact]
    public void SecondOrderGradientsMatch()
    {
        using var scope = DisposeScope.Enter();
        Engine.ManualSeed(24);
        var inputs = new[] { Tensor.Randn(16, 20), Tensor.Randn(18, 20), Tensor.Randn(18) };
        Tensor[] Twice(Func<Tensor, Tensor, Tensor?, Tensor> linear)
        {
            var leaves = inputs.Select(t => t.Clone().RequiresGrad_()).ToArray();
            linear(leaves[0], leaves[1], leaves[2]).Pow(2).Sum().Backward(createGraph: true);
            leaves.Select(t => t.Grad!.Pow(2).Sum()).Aggregate((a, c) => a + c).Backward();
            return leaves.Select(t => t.Grad!.Detach()).ToArray();
        }
        var own = Twice(Tensor.Linear);
        var aten = Twice(Tensor.LinearReference);
        for (var i = 0; i < 3; i++) AssertClose.Equal(aten[i], own[i], rtol: 1e-4, atol: 1e-4, what: $"input {i}");
    }

    [Fact]
    public void InputsTheKernelsDoNotTakeGoToAten()
    {
        using var scope = DisposeScope.Enter();
        Engine.ManualSeed(25);
        var w = Tensor.Randn(32, 32);
        var cases = new[]
        {
            (Tensor.Randn(4, 32), w, "4 rows"),
            (Tensor.Randn(600, 32), w, "600 rows"),
            (Tensor.Randn(16, 32).To(DType.Float64), w.To(DType.Float64), "float64"),
            (Tensor.Randn(16, 32), Tensor.Randn(32, 32).Transpose(0, 1), "a transposed weight"),
            (Tensor.Randn(32), w, "a 1-d input"),
        };
        foreach (var (x, weight, name) in cases)
        {
            Assert.False(Tensor.LinearTakesKernel(x, weight), name);
            AssertClose.Equal(Tensor.LinearReference(x, weight), Tensor.Linear(x, weight), what: name);
        }
        var ex = Assert.ThrowsAny<Exception>(() => Tensor.Linear(Tensor.Randn(16, 31), w));
        Assert.Contains("Linear", ex.Message);
    }
}

/// <summary>The linear kernels' autograd node frees what it saved, and two threads give the one-thread result.</summary>
[Collection(SerialCollection.Name)]
public class FusedLinearSerialTests
{
    [Fact]
    public void RepeatedTrainingStepsLeaveNoLiveTensors()
    {
        using var outer = DisposeScope.Enter();
        var layer = new NN.Linear(64, 96);
        var x = Tensor.Randn(32, 64);
        long? baseline = null;
        for (var step = 0; step < 50; step++)
        {
            using (var scope = DisposeScope.Enter())
            {
                layer.ZeroGrad();
                layer.Forward(x).Relu().Pow(2).Mean().Backward();
            }
            if (step == 5) baseline = Engine.LiveTensors;
        }
        Assert.Equal(baseline, Engine.LiveTensors);
        layer.Dispose();
    }

    [Fact]
    public void TwoThreadsGiveTheOneThreadResult()
    {
        using var scope = DisposeScope.Enter();
        Engine.ManualSeed(26);
        var (x, w, b, upstream) = (Tensor.Randn(64, 256), Tensor.Randn(512, 256), Tensor.Randn(512), Tensor.Randn(64, 512));
        (Tensor, Tensor, Tensor) Pass()
        {
            var (xl, wl) = (x.Clone().RequiresGrad_(), w.Clone().RequiresGrad_());
            var y = Tensor.Linear(xl, wl, b);
            (y * upstream).Sum().Backward();
            return (y.Detach(), xl.Grad!, wl.Grad!);
        }
        var before = Engine.Threads;
        try
        {
            Engine.Threads = 1;
            var one = Pass();
            Engine.Threads = 2;
            var two = Pass();
            // Each output element is summed in the same order whatever the split, so the results are identical.
            AssertClose.Equal(one.Item1, two.Item1, rtol: 0, atol: 0, what: "output");
            AssertClose.Equal(one.Item2, two.Item2, rtol: 0, atol: 0, what: "dx");
            AssertClose.Equal(one.Item3, two.Item3, rtol: 0, atol: 0, what: "dw");
        }
        finally
        {
            Engine.Threads = before;
        }
    }
}
