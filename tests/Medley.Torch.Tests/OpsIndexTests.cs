using static Medley.Torch.Tests.OpsCaseRunner;

namespace Medley.Torch.Tests;

/// <summary>Indexing ops against PyTorch (fixture ops_index), plus mask/index errors.</summary>
public class OpsIndexTests
{
    private const string Fx = "ops_index";

    private static readonly Dictionary<string, Func<Tensor[], Tensor[]>> Cases = new()
    {
        ["index_select"] = x => One(x[0].IndexSelect(1, x[1])),
        ["masked_select"] = x => One(x[0].MaskedSelect(x[1])),
        ["masked_select_bcast"] = x => One(x[0].MaskedSelect(x[1])),
        ["masked_fill"] = x => One(x[0].MaskedFill(x[1], -1.5)),
        ["masked_fill_int"] = x => One(x[0].MaskedFill(x[1], 7)),
        ["gather"] = x => One(x[0].Gather(1, x[1])),
        ["scatter"] = x => One(x[0].Scatter(0, x[1], x[2])),
        ["scatter_value"] = x => One(x[0].Scatter(0, x[1], 7.0)),
        ["scatter_add"] = x => One(x[0].ScatterAdd(0, x[1], x[2])),
        ["index_long"] = x => One(x[0][x[1]]),
        ["index_mask_rows"] = x => One(x[0][x[1]]),
        ["index_mask_full"] = x => One(x[0].Index(x[1])),
        ["index_ints"] = x => One(x[0].Index(1, -1)),
        ["indexer_neg"] = x => One(x[0][-2]),
        ["index_put_mask"] = x => One(x[0].Clone().IndexPut_(x[1], 3.0)),
        ["index_put_acc"] = x => One(x[0].Clone().IndexPut_(x[1], x[2], accumulate: true)),
        ["nonzero"] = x => One(x[0].Nonzero()),
        ["where"] = x => One(Tensor.Where(x[0], x[1], x[2])),
        ["where_scalar"] = x => One(Tensor.Where(x[0], x[1], -2.0)),
    };

    public static TheoryData<string> Names => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void MatchesPyTorch(string name) => Run(Fx, name, Cases[name]);

    [Fact]
    public void EveryFixtureCaseIsCovered() => Assert.Equal(CaseNames(Fx), new SortedSet<string>(Cases.Keys, StringComparer.Ordinal));

    [Fact]
    public void MaskAssignmentAndInPlaceFillWriteIntoTheTensor()
    {
        using var scope = DisposeScope.Enter();
        var x = Tensor.From(new float[] { 1, -2, 3, -4 });
        x[x.Lt(0.0)] = Tensor.Scalar(0f);
        Assert.Equal(new float[] { 1, 0, 3, 0 }, x.ToArray<float>());
        x.MaskedFill_(x.Gt(2.0), -1.0);
        Assert.Equal(new float[] { 1, 0, -1, 0 }, x.ToArray<float>());
        x[1] = Tensor.Scalar(9f);
        Assert.Equal(new float[] { 1, 9, -1, 0 }, x.ToArray<float>());
        var m = Tensor.From(new long[] { 1, 2, 3, 4 }, new long[] { 2, 2 });
        m.MaskedFill_(m.Eq(4L), 0L);
        Assert.Equal(DType.Int64, m.DType);
        Assert.Equal(new long[] { 1, 2, 3, 0 }, m.ToArray<long>());
        Assert.Equal(2L, m[0, 1].ItemLong());
    }

    [Fact]
    public void MasksMustBeBool()
    {
        using var scope = DisposeScope.Enter();
        var x = Tensor.Ones(2, 2);
        var u8 = Tensor.From(new byte[] { 1, 0, 0, 1 }, new long[] { 2, 2 });
        var e = Assert.Throws<ArgumentException>(() => x.MaskedFill(u8, 0.0));
        Assert.Contains("MaskedFill", e.Message);
        Assert.Contains("uint8", e.Message);
        Assert.Throws<ArgumentException>(() => x.MaskedSelect(u8));
        Assert.Throws<ArgumentException>(() => x.MaskedFill_(x, 0.0));
        Assert.Throws<ArgumentException>(() => Tensor.Where(u8, x, x));
    }

    [Fact]
    public void BadIndicesThrowNamingTheOp()
    {
        using var scope = DisposeScope.Enter();
        var x = Tensor.Ones(3, 4);
        var e = Assert.Throws<TorchException>(() => x.IndexSelect(1, Tensor.From(new long[] { 0, 9 })));
        Assert.Contains("IndexSelect", e.Message);
        Assert.Contains("[3, 4] float32", e.Message);
        Assert.Throws<TorchException>(() => x.IndexSelect(0, Tensor.From(new float[] { 0 })));
        Assert.Throws<TorchException>(() => x.Gather(1, Tensor.From(new long[] { 5, 0, 0 }, new long[] { 3, 1 })));
        Assert.Throws<TorchException>(() => x.Gather(3, Tensor.Zeros(new long[] { 3, 1 }, DType.Int64)));
        Assert.Throws<TorchException>(() => x.Scatter(0, Tensor.From(new long[] { 7 }, new long[] { 1, 1 }), 1.0));
        Assert.Throws<TorchException>(() => x[3]);
        Assert.Throws<TorchException>(() => x[-4]);
        Assert.Throws<TorchException>(() => x[Tensor.From(new long[] { 0, 3 })]);
        Assert.Throws<TorchException>(() => x.Index(0, 0, 0));
        var w = Assert.Throws<TorchException>(() => Tensor.Where(Tensor.Ones(new long[] { 2 }, DType.Bool), x, x));
        Assert.Contains("Where", w.Message);
        Assert.Throws<TorchException>(() => x.MaskedFill(Tensor.Ones(new long[] { 2 }, DType.Bool), 1.0));
    }
}
