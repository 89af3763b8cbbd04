using Medley.Torch.NN;
using Medley.Torch.Serialization;

namespace Medley.Torch.Tests;

[Collection(SerialCollection.Name)]
public class CoreTests
{
    [Fact]
    public void FromArrayRoundTripsValuesAndShape()
    {
        using var t = Tensor.From(new float[] { 1, 2, 3, 4, 5, 6 }, new long[] { 2, 3 });
        Assert.Equal(new long[] { 2, 3 }, t.Shape);
        Assert.Equal(DType.Float32, t.DType);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, t.ToArray<float>());
    }

    [Fact]
    public void ScopeFreesEverythingButKeptTensors()
    {
        var before = LiveTensorCount.Settled();
        Tensor kept;
        using (var scope = DisposeScope.Enter())
        {
            var a = Tensor.Ones(3, 3);
            var b = a + a;
            var c = b * 2.0;
            kept = scope.Keep(c.Sum());
        }
        Assert.Equal(before + 1, Engine.LiveTensors);
        Assert.Equal(36.0, kept.Item(), 6);
        kept.Dispose();
        Assert.Equal(before, Engine.LiveTensors);
    }

    [Fact]
    public void ShapeMismatchIsAManagedExceptionNamingOpAndShapes()
    {
        using var scope = DisposeScope.Enter();
        var a = Tensor.Ones(2, 3);
        var b = Tensor.Ones(4, 5);
        var e = Assert.Throws<TorchException>(() => a.Matmul(b));
        Assert.Contains("Matmul", e.Message);
        Assert.Contains("[2, 3] float32", e.Message);
        Assert.Contains("[4, 5] float32", e.Message);
    }

    [Fact]
    public void BackwardComputesGradients()
    {
        using var scope = DisposeScope.Enter();
        var x = Tensor.From(new float[] { 1, 2, 3 }, requiresGrad: true);
        var y = (x * x).Sum();
        y.Backward();
        Assert.Equal(new float[] { 2, 4, 6 }, x.Grad!.ToArray<float>());
    }

    [Fact]
    public void SafeTensorsRoundTripAndStateDictLoad()
    {
        var path = Path.Combine(Path.GetTempPath(), $"medley-{Guid.NewGuid():N}.safetensors");
        try
        {
            using var source = new Linear(4, 3);
            var sd = source.StateDict();
            SafeTensors.Save(path, sd);
            foreach (var t in sd.Values) t.Dispose();
            using var target = new Linear(4, 3);
            var loaded = SafeTensors.Load(path);
            target.LoadStateDict(loaded);
            foreach (var t in loaded.Values) t.Dispose();
            Assert.Equal(source.Weight.ToArray<float>(), target.Weight.ToArray<float>());
            Assert.Equal(source.Bias!.ToArray<float>(), target.Bias!.ToArray<float>());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void FactoriesHonourRequiresGrad()
    {
        using var scope = DisposeScope.Enter();
        Assert.True(Tensor.Ones(new long[] { 2 }, requiresGrad: true).RequiresGrad);
        Assert.True(Tensor.Randn(new long[] { 2 }, requiresGrad: true).RequiresGrad);
        Assert.True(Tensor.Zeros(new long[] { 2 }, DType.Float64, requiresGrad: true).RequiresGrad);
        Assert.False(Tensor.Zeros(2).RequiresGrad);
    }
}
