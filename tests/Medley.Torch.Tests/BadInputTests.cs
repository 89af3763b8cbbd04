using Medley.Torch.NN;

namespace Medley.Torch.Tests;

/// <summary>User errors give .NET exceptions with clear messages, never a process crash.</summary>
public class BadInputTests
{
    // ---- creation ---------------------------------------------------------------------------------------------

    [Fact]
    public void FromWithWrongLengthOrNegativeShape()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.From(new float[] { 1, 2, 3, 4, 5 }, new long[] { 2, 3 }));
        Assert.Contains("[2, 3] holds 6 values but the array has 5", e.Message);
        Assert.Contains("negative", Assert.Throws<ArgumentException>(() => Tensor.From(new float[] { 1 }, new long[] { -1 })).Message);
        Assert.Contains("negative", Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, -3)).Message);
        Assert.Contains("int64", Assert.Throws<ArgumentException>(() => Tensor.From(new long[] { 1 }, requiresGrad: true)).Message);
        Assert.Throws<ArgumentNullException>(() => Tensor.From((float[])null!));
    }

    [Fact]
    public void BadFactoryArguments()
    {
        Assert.Throws<ArgumentException>(() => Tensor.Arange(0, 5, 0));
        Assert.Throws<ArgumentException>(() => Tensor.Randint(5, 5, new long[] { 2 }));
        Assert.Throws<ArgumentException>(() => Tensor.Linspace(0, 1, -2));
        Assert.Contains("Eye", Assert.Throws<TorchException>(() => Tensor.Eye(-1)).Message);
        Assert.Contains("Randperm", Assert.Throws<TorchException>(() => Tensor.Randperm(-3)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Engine.Threads = 0);
    }

    [Fact]
    public void FactoriesHonourRequiresGradAndRejectItForIntegers()
    {
        using var scope = DisposeScope.Enter();
        Assert.True(Tensor.Ones(new long[] { 2 }, requiresGrad: true).RequiresGrad);
        Assert.True(Tensor.Randn(new long[] { 2 }, requiresGrad: true).RequiresGrad);
        Assert.False(Tensor.Zeros(2).RequiresGrad);
        Assert.Throws<TorchException>(() => Tensor.Zeros(new long[] { 2 }, DType.Int64, requiresGrad: true));
    }

    [Fact]
    public void UnknownDTypeOrDeviceNumbersAreRejected()
    {
        using var scope = DisposeScope.Enter();
        var t = Tensor.Ones(2);
        // Each of these aborted the process inside c10 before the C# checks.
        Assert.Contains("99 is not a known dtype", Assert.Throws<ArgumentException>(() => t.To((DType)99)).Message);
        Assert.Throws<ArgumentException>(() => t.To((DType)(-1)));
        Assert.Throws<ArgumentException>(() => Tensor.Zeros(new long[] { 2 }, (DType)42));
        Assert.Throws<ArgumentException>(() => Tensor.Arange(0, 3, 1, (DType)(-2)));
        Assert.Contains("77 is not a known device type", Assert.Throws<ArgumentException>(() => t.To(new Device((DeviceType)77))).Message);
        Assert.Throws<ArgumentException>(() => Tensor.Ones(new long[] { 2 }, device: new Device((DeviceType)(-1))));
        Assert.Throws<ArgumentException>(() => Tensor.From(new float[] { 1 }, device: new Device(DeviceType.CPU, -5)));
        Assert.Throws<ArgumentException>(() => Device.Parse("tpu:0"));
    }

    [Fact]
    public void CudaOnACpuOnlyBuildIsAManagedError()
    {
        using var scope = DisposeScope.Enter();
        var t = Tensor.Ones(2);
        try
        {
            using var moved = t.To(Device.CUDA(0));
            Assert.Equal(DeviceType.CUDA, moved.Device.Type); // a CUDA machine: moving works
        }
        catch (TorchException e)
        {
            Assert.Contains("To(cuda:0)", e.Message);
        }
    }

    // ---- shapes and dtypes ------------------------------------------------------------------------------------

    [Fact]
    public void ShapeMismatchesNameTheOpAndShapes()
    {
        using var scope = DisposeScope.Enter();
        var a = Tensor.Ones(2, 3);
        var add = Assert.Throws<TorchException>(() => a + Tensor.Ones(4, 5));
        Assert.Contains("Add", add.Message);
        Assert.Contains("[2, 3] float32, [4, 5] float32", add.Message);
        var mm = Assert.Throws<TorchException>(() => a.Matmul(Tensor.Ones(2, 3)));
        Assert.Contains("Matmul", mm.Message);
        Assert.Contains("cannot be multiplied", mm.Message);
        var reshape = Assert.Throws<TorchException>(() => a.Reshape(4, 2));
        Assert.Contains("Reshape([4, 2])", reshape.Message);
        Assert.Throws<TorchException>(() => a.CopyFrom(Tensor.Ones(3, 2)));
        Assert.Throws<TorchException>(() => a.Add_(Tensor.Ones(5)));
        var linear = Assert.Throws<ArgumentException>(() => new Linear(3, 2).Forward(Tensor.Ones(4, 5)));
        Assert.Contains("last dimension is 3", linear.Message);
    }

    [Fact]
    public void WrongDTypesAreManagedErrors()
    {
        using var scope = DisposeScope.Enter();
        var f32 = Tensor.Ones(2, 2);
        var f64 = Tensor.Ones(new long[] { 2, 2 }, DType.Float64);
        var mm = Assert.Throws<TorchException>(() => f32.Matmul(f64));
        Assert.Contains("[2, 2] float32, [2, 2] float64", mm.Message);
        var ints = Tensor.From(new long[] { 1, 2 });
        Assert.Contains("RequiresGrad", Assert.Throws<TorchException>(() => ints.RequiresGrad = true).Message);
        var toArray = Assert.Throws<InvalidOperationException>(() => f32.ToArray<double>());
        Assert.Contains("ToArray<Double> needs a float64 tensor but this one is [2, 2] float32", toArray.Message);
        Assert.Throws<InvalidOperationException>(() => ints.ToArray<int>());
        Assert.Contains("Linear", Assert.Throws<TorchException>(() => Tensor.Linear(ints.Reshape(1, 2), f32)).Message);
    }

    [Fact]
    public void IndexOutOfRangeIsAnArgumentError()
    {
        using var scope = DisposeScope.Enter();
        var t = Tensor.Ones(2, 3);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => t.Size(2));
        Assert.Contains("dimension 2 is out of range for a 2-d tensor of shape [2, 3]", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => t.Size(-3));
        Assert.Equal(3, t.Size(-1));
        Assert.Contains("Item", Assert.Throws<TorchException>(() => t.Item()).Message);
        Assert.Throws<InvalidOperationException>(() => t.Item<float>());
    }

    // ---- lifetime -----------------------------------------------------------------------------------------------

    [Fact]
    public void DisposedTensorsThrowObjectDisposed()
    {
        var t = Tensor.Ones(2);
        var other = Tensor.Ones(2);
        t.Dispose();
        t.Dispose(); // idempotent
        Assert.Throws<ObjectDisposedException>(() => t.Shape);
        Assert.Throws<ObjectDisposedException>(() => t.ToArray<float>());
        Assert.Throws<ObjectDisposedException>(() => other + t);
        Assert.Throws<ObjectDisposedException>(() => t.Backward());
        Assert.Equal("tensor(<disposed>)", t.ToString());
        other.Dispose();

        Tensor scoped;
        using (DisposeScope.Enter()) scoped = Tensor.Ones(1);
        Assert.True(scoped.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => scoped.Item());

        var module = new Linear(2, 2);
        module.Dispose();
        Assert.Throws<ObjectDisposedException>(() => module.Forward(Tensor.Ones(1, 2).DetachFromScope()));

        var g = new Generator(1);
        g.Dispose();
        Assert.Throws<ObjectDisposedException>(() => Tensor.Rand(new long[] { 2 }, g));
    }

    [Fact]
    public void ScopesDisposedOutOfOrderAreRejected()
    {
        var outer = DisposeScope.Enter();
        var inner = DisposeScope.Enter();
        Assert.Throws<InvalidOperationException>(() => outer.Dispose());
        inner.Dispose();
    }

    // ---- autograd -----------------------------------------------------------------------------------------------

    [Fact]
    public void BackwardMisuseIsAManagedError()
    {
        using var scope = DisposeScope.Enter();
        var x = Tensor.Ones(new long[] { 3 }, requiresGrad: true);
        var y = x * 2.0;
        var nonScalar = Assert.Throws<TorchException>(() => y.Backward());
        Assert.Contains("Backward", nonScalar.Message);
        Assert.Contains("scalar outputs", nonScalar.Message);
        var wrongGradShape = Assert.Throws<TorchException>(() => y.Backward(Tensor.Ones(4)));
        Assert.Contains("[4] float32", wrongGradShape.Message);
        Assert.Contains("does not require grad", Assert.Throws<TorchException>(() => Tensor.Ones(1).Sum().Backward()).Message);
        var loss = (x * x).Sum();
        loss.Backward();
        Assert.Contains("second time", Assert.Throws<TorchException>(() => loss.Backward()).Message);
    }

    // ---- state dicts --------------------------------------------------------------------------------------------

    private static Dictionary<string, Tensor> LinearState(long outF, long inF, bool bias = true)
    {
        var d = new Dictionary<string, Tensor> { ["weight"] = Tensor.Full(new long[] { outF, inF }, 7) };
        if (bias) d["bias"] = Tensor.Full(new long[] { outF }, 7);
        return d;
    }

    [Fact]
    public void StrictLoadListsMissingAndUnexpectedKeysAndCopiesNothing()
    {
        using var scope = DisposeScope.Enter();
        using var model = new Linear(3, 2);
        var before = model.Weight.ToArray<float>();
        var state = LinearState(2, 3, bias: false);
        state["extra.running_mean"] = Tensor.Zeros(2);
        var e = Assert.Throws<StateDictException>(() => model.LoadStateDict(state));
        Assert.Contains("missing keys (1): bias", e.Message);
        Assert.Contains("unexpected keys (1): extra.running_mean", e.Message);
        Assert.Equal(new[] { "bias" }, e.Result.MissingKeys);
        Assert.Equal(before, model.Weight.ToArray<float>()); // nothing copied
    }

    [Fact]
    public void NonStrictLoadReportsKeysAndCopiesTheRest()
    {
        using var scope = DisposeScope.Enter();
        using var model = new Linear(3, 2);
        var state = LinearState(2, 3, bias: false);
        state["head.weight"] = Tensor.Zeros(1);
        var result = model.LoadStateDict(state, strict: false);
        Assert.Equal(new[] { "bias" }, result.MissingKeys);
        Assert.Equal(new[] { "head.weight" }, result.UnexpectedKeys);
        Assert.All(model.Weight.ToArray<float>(), v => Assert.Equal(7f, v));
    }

    [Fact]
    public void MisShapedKeysFailEvenWhenNotStrict()
    {
        using var scope = DisposeScope.Enter();
        using var model = new Linear(3, 2);
        var before = model.Bias!.ToArray<float>();
        var state = LinearState(3, 2);
        foreach (var strict in new[] { true, false })
        {
            var e = Assert.Throws<StateDictException>(() => model.LoadStateDict(state, strict));
            Assert.Contains("weight: checkpoint has shape [3, 2], model expects [2, 3]", e.Message);
            Assert.Contains("bias: checkpoint has shape [3], model expects [2]", e.Message);
            Assert.Equal(2, e.ShapeMismatches.Count);
        }
        Assert.Equal(before, model.Bias!.ToArray<float>());
    }

    [Fact]
    public void LoadConvertsDTypeLikePyTorchAndRejectsDisposedSources()
    {
        using var scope = DisposeScope.Enter();
        using var model = new Linear(3, 2);
        var state = LinearState(2, 3);
        state["weight"] = state["weight"].To(DType.Float64);
        model.LoadStateDict(state);
        Assert.Equal(DType.Float32, model.Weight.DType);
        Assert.All(model.Weight.ToArray<float>(), v => Assert.Equal(7f, v));
        state["bias"].Dispose();
        Assert.Throws<ObjectDisposedException>(() => model.LoadStateDict(state));
    }
}
