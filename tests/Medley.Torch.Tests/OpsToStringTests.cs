namespace Medley.Torch.Tests;

/// <summary>Tensor.ToString: shape, dtype, values, and summaries for large tensors.</summary>
public class OpsToStringTests
{
    [Fact]
    public void ShowsShapeDtypeAndValues()
    {
        using var scope = DisposeScope.Enter();
        var text = Tensor.From(new float[] { 1, 2.5f, -3, 4, 5, 6 }, new long[] { 2, 3 }).ToString();
        Assert.StartsWith("tensor(shape=[2, 3], dtype=float32)", text);
        Assert.Contains("[[1, 2.5, -3],", text);
        Assert.Contains("[4, 5, 6]]", text);
    }

    [Fact]
    public void IntegerBoolAndScalarTensors()
    {
        using var scope = DisposeScope.Enter();
        Assert.Contains("[0, 1, 2]", Tensor.Arange(3).ToString());
        Assert.Contains("dtype=int64", Tensor.Arange(3).ToString());
        var mask = Tensor.Arange(3).Gt(0L).ToString();
        Assert.Contains("dtype=bool", mask);
        Assert.Contains("[false, true, true]", mask);
        var scalar = Tensor.Scalar(2.5).ToString();
        Assert.Contains("shape=[]", scalar);
        Assert.Contains("dtype=float64", scalar);
        Assert.EndsWith("2.5", scalar);
        Assert.Contains("requires_grad=true", Tensor.Ones(2).RequiresGrad_().ToString());
    }

    [Fact]
    public void LargeTensorsAreSummarised()
    {
        using var scope = DisposeScope.Enter();
        var text = Tensor.Arange(1000).View(100, 10).ToString();
        Assert.Contains("shape=[100, 10]", text);
        Assert.Contains("...", text);
        Assert.Contains("[0, 1, 2, ..., 7, 8, 9]", text);
        Assert.Contains("[990, 991, 992, ..., 997, 998, 999]", text);
        Assert.DoesNotContain("500", text);
        Assert.True(text.Length < 600, $"summary is {text.Length} characters long");
    }

    [Fact]
    public void DisposedTensorSaysSo()
    {
        var t = Tensor.Ones(2);
        t.Dispose();
        Assert.Equal("tensor(<disposed>)", t.ToString());
    }
}
