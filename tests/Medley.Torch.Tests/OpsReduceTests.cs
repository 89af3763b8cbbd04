using static Medley.Torch.Tests.OpsCaseRunner;

namespace Medley.Torch.Tests;

/// <summary>Reductions, scans, top-k, sort and unique against PyTorch (fixture ops_reduce).</summary>
public class OpsReduceTests
{
    private const string Fx = "ops_reduce";

    private static readonly Dictionary<string, Func<Tensor[], Tensor[]>> Cases = new()
    {
        ["sum_dims_keep"] = x => One(x[0].Sum([0, 2], keepDim: true)),
        ["sum_neg"] = x => One(x[0].Sum(-1)),
        ["sum_f32"] = x => One(x[0].Sum(1)),
        ["sum_int"] = x => One(x[0].Sum(0)),
        ["sum_bool"] = x => One(x[0].Sum()),
        ["mean_keep"] = x => One(x[0].Mean(1, keepDim: true)),
        ["mean_dims"] = x => One(x[0].Mean([0, -1])),
        ["var_all"] = x => One(x[0].Var()),
        ["var_dim"] = x => One(x[0].Var(1, unbiased: false, keepDim: true)),
        ["var_corr"] = x => One(x[0].Var([0, 2], correction: 0)),
        ["std_all"] = x => One(x[0].Std()),
        ["std_dim"] = x => One(x[0].Std(-1)),
        ["std_dims"] = x => One(x[0].Std([0, 1], unbiased: true, keepDim: true)),
        ["max_all"] = x => One(x[0].Max()),
        ["min_all"] = x => One(x[0].Min()),
        ["max_dim"] = x => Two(x[0].Max(1, keepDim: true)),
        ["min_dim"] = x => Two(x[0].Min(-1)),
        ["max_u8"] = x => One(x[0].Max()),
        ["amax"] = x => One(x[0].Amax([0, 2])),
        ["amin"] = x => One(x[0].Amin(1, keepDim: true)),
        ["argmax_all"] = x => One(x[0].Argmax()),
        ["argmax_dim"] = x => One(x[0].Argmax(1, keepDim: true)),
        ["argmin_dim"] = x => One(x[0].Argmin(-1)),
        ["prod_all"] = x => One(x[0].Prod()),
        ["prod_dim"] = x => One(x[0].Prod(1)),
        ["logsumexp"] = x => One(x[0].LogSumExp([1, 2])),
        ["logsumexp_keep"] = x => One(x[0].LogSumExp(0, keepDim: true)),
        ["norm_all"] = x => One(x[0].Norm()),
        ["norm_p1"] = x => One(x[0].Norm(1, [1], keepDim: true)),
        ["norm_inf"] = x => One(x[0].Norm(double.PositiveInfinity, -1)),
        ["norm_dims"] = x => One(x[0].Norm(2, [0, 2])),
        ["all_all"] = x => One(x[0].All()),
        ["all_dim"] = x => One(x[0].All(1)),
        ["any_dim"] = x => One(x[0].Any(0, keepDim: true)),
        ["any_all"] = x => One(x[0].Any()),
        ["cumsum"] = x => One(x[0].Cumsum(1)),
        ["cumsum_int"] = x => One(x[0].Cumsum(0)),
        ["cumprod"] = x => One(x[0].Cumprod(-1)),
        ["topk"] = x => Two(x[0].TopK(3)),
        ["topk_small"] = x => Two(x[0].TopK(2, dim: 0, largest: false)),
        ["sort_desc"] = x => Two(x[0].Sort(1, descending: true)),
        ["sort_int"] = x => Two(x[0].Sort(stable: true)),
        ["argsort"] = x => One(x[0].Argsort(0)),
        ["unique"] = x => One(x[0].Unique()),
        ["unique_counts"] = x =>
        {
            var (values, inverse, counts) = x[0].UniqueWithCounts();
            return new[] { values, inverse, counts };
        },
        ["count_nonzero"] = x => One(x[0].CountNonzero()),
        ["count_nonzero_dim"] = x => One(x[0].CountNonzero(1)),
        ["count_nonzero_u8"] = x => One(x[0].CountNonzero(0)),
        ["bincount"] = x => One(x[0].Bincount(x[1], minLength: 6)),
    };

    public static TheoryData<string> Names => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void MatchesPyTorch(string name) => Run(Fx, name, Cases[name]);

    [Fact]
    public void EveryFixtureCaseIsCovered() => Assert.Equal(CaseNames(Fx), new SortedSet<string>(Cases.Keys, StringComparer.Ordinal));

    [Fact]
    public void BadArgumentsThrowNamingTheOp()
    {
        using var scope = DisposeScope.Enter();
        var x = Tensor.Ones(2, 3);
        var e = Assert.Throws<TorchException>(() => x.Sum(5));
        Assert.Contains("Sum", e.Message);
        Assert.Contains("[2, 3] float32", e.Message);
        Assert.Throws<TorchException>(() => x.Max(-3));
        Assert.Throws<TorchException>(() => x.TopK(4));
        Assert.Throws<ArgumentException>(() => x.TopK(-1));
        Assert.Throws<ArgumentException>(() => x.Norm(2, ReadOnlySpan<long>.Empty));
        var m = Assert.Throws<TorchException>(() => Tensor.Arange(4).Mean());
        Assert.Contains("Mean", m.Message);
        Assert.Contains("int64", m.Message);
        Assert.Throws<TorchException>(() => Tensor.Arange(4).Mean(0));
        Assert.Throws<TorchException>(() => Tensor.Zeros(0).Max());
        Assert.Throws<TorchException>(() => Tensor.From(new long[] { -1, 2 }).Bincount());
    }

    [Fact]
    public void MaxAndMinPerDimReturnValuesAndIndices()
    {
        using var scope = DisposeScope.Enter();
        var x = Tensor.From(new float[] { 1, 5, 3, 7, 2, 0 }, new long[] { 2, 3 });
        var (values, indices) = x.Max(1);
        Assert.Equal(new float[] { 5, 7 }, values.ToArray<float>());
        Assert.Equal(new long[] { 1, 0 }, indices.ToArray<long>());
        var (minValues, minIndices) = x.Min(0, keepDim: true);
        Assert.Equal(new long[] { 1, 3 }, minValues.Shape);
        Assert.Equal(new long[] { 0, 1, 1 }, minIndices.ToArray<long>());
    }
}
