using static Medley.Torch.Tests.OpsCaseRunner;

namespace Medley.Torch.Tests;

/// <summary>Shape ops against PyTorch (fixture ops_shape), plus argument errors.</summary>
public class OpsShapeTests
{
    private const string Fx = "ops_shape";

    private static readonly Dictionary<string, Func<Tensor[], Tensor[]>> Cases = new()
    {
        ["permute"] = x => One(x[0].Permute(2, 0, 1)),
        ["transpose_neg"] = x => One(x[0].Transpose(-1, 0)),
        ["t"] = x => One(x[0].T),
        ["squeeze_all"] = x => One(x[0].Squeeze()),
        ["squeeze_dim"] = x => One(x[0].Squeeze(-2)),
        ["unsqueeze"] = x => One(x[0].Unsqueeze(-1)),
        ["expand"] = x => One(x[0].Expand(2, 3, 4)),
        ["expand_keep"] = x => One(x[0].Expand(-1, 5)),
        ["expand_as"] = x => One(x[0].ExpandAs(x[1])),
        ["flatten"] = x => One(x[0].Flatten()),
        ["flatten_from1"] = x => One(x[0].Flatten(1)),
        ["unflatten"] = x => One(x[0].Unflatten(1, 3, -1)),
        ["repeat"] = x => One(x[0].Repeat(2, 1, 2)),
        ["cat0"] = x => One(Tensor.Cat(new[] { x[0], x[1] })),
        ["cat_neg"] = x => One(Tensor.Cat(new[] { x[0], x[1] }, -1)),
        ["cat_int64"] = x => One(Tensor.Cat(new List<Tensor> { x[0], x[1] }, 0)),
        ["stack1"] = x => One(Tensor.Stack(new[] { x[0], x[1] }, 1)),
        ["split"] = x => x[0].Split(2),
        ["split_sizes"] = x => x[0].Split(new long[] { 1, 2 }, -1),
        ["chunk"] = x => x[0].Chunk(3, 0),
        ["unbind"] = x => x[0].Unbind(1),
        ["narrow"] = x => One(x[0].Narrow(1, 1, 3)),
        ["select"] = x => One(x[0].Select(1, -1)),
        ["slice_step"] = x => One(x[0].Slice(0, 1, 5, 2)),
        ["slice_neg"] = x => One(x[0].Slice(1, -3)),
        ["flip"] = x => One(x[0].Flip(0, -1)),
        ["roll_dim"] = x => One(x[0].Roll(2, 1)),
        ["roll_flat"] = x => One(x[0].Roll(3)),
        ["roll_multi"] = x => One(x[0].Roll([1, -1], [0, 1])),
        ["tril"] = x => One(x[0].Tril(-1)),
        ["triu"] = x => One(x[0].Triu(1)),
    };

    public static TheoryData<string> Names => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void MatchesPyTorch(string name) => Run(Fx, name, Cases[name]);

    [Fact]
    public void EveryFixtureCaseIsCovered() => Assert.Equal(CaseNames(Fx), new SortedSet<string>(Cases.Keys, StringComparer.Ordinal));

    [Fact]
    public void CatAndStackRejectEmptyListsNamingTheOp()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Cat(Array.Empty<Tensor>()));
        Assert.Contains("Cat", e.Message);
        e = Assert.Throws<ArgumentException>(() => Tensor.Stack(new List<Tensor>()));
        Assert.Contains("Stack", e.Message);
    }

    [Fact]
    public void CatMismatchedShapesNamesOpAndShapes()
    {
        using var scope = DisposeScope.Enter();
        var e = Assert.Throws<TorchException>(() => Tensor.Cat(new[] { Tensor.Ones(2, 3), Tensor.Ones(2, 4) }, 0));
        Assert.Contains("Cat", e.Message);
        Assert.Contains("[2, 3] float32", e.Message);
        Assert.Contains("[2, 4] float32", e.Message);
    }

    [Fact]
    public void OutOfRangeDimsAndIndicesThrow()
    {
        using var scope = DisposeScope.Enter();
        var x = Tensor.Ones(2, 3);
        var e = Assert.Throws<TorchException>(() => x.Transpose(0, 5));
        Assert.Contains("Transpose", e.Message);
        Assert.Contains("[2, 3]", e.Message);
        Assert.Throws<TorchException>(() => x.Permute(0));
        Assert.Throws<TorchException>(() => x.Select(1, 3));
        Assert.Throws<TorchException>(() => x.Narrow(1, 2, 5));
        Assert.Throws<TorchException>(() => x.Unsqueeze(4));
        Assert.Throws<TorchException>(() => x.Expand(4, 3));
        Assert.Throws<TorchException>(() => x.View(4));
        Assert.Throws<TorchException>(() => Tensor.Ones(2, 2, 2).T);
        Assert.Throws<ArgumentOutOfRangeException>(() => x.Split(1, 2));
        Assert.Throws<ArgumentException>(() => x.Split(0));
        Assert.Throws<ArgumentException>(() => x.Chunk(0));
        Assert.Throws<ArgumentException>(() => x.Slice(0, 0, 1, 0));
        var s = Assert.Throws<TorchException>(() => x.Split(new long[] { 1, 1 }, 1));
        Assert.Contains("Split", s.Message);
    }

    [Fact]
    public void ViewsShareStorage()
    {
        using var scope = DisposeScope.Enter();
        var x = Tensor.Zeros(2, 3);
        x.Transpose(0, 1).Select(0, 1).Fill_(5);
        Assert.Equal(new float[] { 0, 5, 0, 0, 5, 0 }, x.ToArray<float>());
    }

    [Fact]
    public void ToArray2DCopiesRowMajor()
    {
        using var scope = DisposeScope.Enter();
        var x = Tensor.Arange(6).View(2, 3);
        var a = x.ToArray2D<long>();
        Assert.Equal(2, a.GetLength(0));
        Assert.Equal(3, a.GetLength(1));
        Assert.Equal(5L, a[1, 2]);
        Assert.Equal(1L, a[0, 1]);
        Assert.Throws<InvalidOperationException>(() => x.Flatten().ToArray2D<long>());
    }
}
