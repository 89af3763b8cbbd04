using static Medley.Torch.Tests.OpsCaseRunner;

namespace Medley.Torch.Tests;

/// <summary>Element-wise math, activations, comparisons and linear algebra against PyTorch (fixture ops_math).</summary>
public class OpsMathTests
{
    private const string Fx = "ops_math";

    private static readonly Dictionary<string, Func<Tensor[], Tensor[]>> Cases = BuildCases();

    private static Dictionary<string, Func<Tensor[], Tensor[]>> BuildCases()
    {
        var c = new Dictionary<string, Func<Tensor[], Tensor[]>>
        {
            ["abs"] = x => One(x[0].Abs()),
            ["sqrt"] = x => One(x[0].Sqrt()),
            ["rsqrt"] = x => One(x[0].Rsqrt()),
            ["exp"] = x => One(x[0].Exp()),
            ["log"] = x => One(x[0].Log()),
            ["log1p"] = x => One(x[0].Log1p()),
            ["expm1"] = x => One(x[0].Expm1()),
            ["sin"] = x => One(x[0].Sin()),
            ["cos"] = x => One(x[0].Cos()),
            ["sign"] = x => One(x[0].Sign()),
            ["reciprocal"] = x => One(x[0].Reciprocal()),
            ["square"] = x => One(x[0].Square()),
            ["erf"] = x => One(x[0].Erf()),
            ["erfinv"] = x => One(x[0].Erfinv()),
            ["relu"] = x => One(x[0].Relu()),
            ["relu_f32"] = x => One(x[0].Relu()),
            ["sigmoid"] = x => One(x[0].Sigmoid()),
            ["tanh"] = x => One(x[0].Tanh()),
            ["silu"] = x => One(x[0].Silu()),
            ["hardswish"] = x => One(x[0].Hardswish()),
            ["leaky_relu"] = x => One(x[0].LeakyRelu(0.2)),
            ["gelu"] = x => One(x[0].Gelu()),
            ["gelu_tanh"] = x => One(x[0].Gelu("tanh")),
            ["softplus"] = x => One((x[0] * 3).Softplus(beta: 2, threshold: 5)),
            ["elu"] = x => One(x[0].Elu(0.5)),
            ["softmax"] = x => One(x[0].Softmax(-1)),
            ["log_softmax"] = x => One(x[0].LogSoftmax(0)),
            ["pow_scalar"] = x => One(x[0].Pow(2.5)),
            ["pow_int"] = x => One(x[0].Pow(2)),
            ["pow_tensor"] = x => One(x[0].Pow(x[1])),
            ["clamp"] = x => One(x[0].Clamp(-0.5, 0.5)),
            ["clamp_min"] = x => One(x[0].Clamp(min: 0.0)),
            ["clamp_int"] = x => One(x[0].Clamp(1, 3)),
            ["clamp_tensor"] = x => One(x[0].Clamp(x[1], x[2])),
            ["nan_to_num_plain"] = x => One(x[0].NanToNum()),
            ["floor"] = x => One(x[0].Floor()),
            ["ceil"] = x => One(x[0].Ceil()),
            ["round"] = x => One(x[0].Round()),
            ["minimum"] = x => One(x[0].Minimum(x[1])),
            ["maximum"] = x => One(x[0].Maximum(x[1])),
            ["lerp"] = x => One(x[0].Lerp(x[1], 0.3)),
            ["lerp_tensor"] = x => One(x[0].Lerp(x[1], x[2])),
            ["remainder"] = x => One(x[0].Remainder(x[1])),
            ["remainder_scalar"] = x => One(x[0].Remainder(-1.5)),
            ["remainder_int"] = x => One(x[0].Remainder(3)),
            ["floor_divide"] = x => One(x[0].FloorDivide(x[1])),
            ["floor_divide_int"] = x => One(x[0].FloorDivide(x[1])),
            ["floor_divide_scalar"] = x => One(x[0].FloorDivide(2)),
            ["addcmul"] = x => One(x[0].Addcmul(x[1], x[2], 0.5)),
            ["addcdiv"] = x => One(x[0].Addcdiv(x[1], x[2], -2)),
            ["logical_and"] = x => One(x[0].LogicalAnd(x[1])),
            ["logical_or"] = x => One(x[0].LogicalOr(x[1])),
            ["logical_xor"] = x => One(x[0].LogicalXor(x[1])),
            ["logical_not"] = x => One(x[0].LogicalNot()),
            ["logical_not_u8"] = x => One(x[0].LogicalNot()),
            ["isnan"] = x => One(x[0].IsNan()),
            ["isinf"] = x => One(x[0].IsInf()),
            ["isfinite"] = x => One(x[0].IsFinite()),
            ["nan_to_num"] = x => One(x[0].NanToNum(0.5, 100.0, -100.0)),
            ["nan_to_num_default"] = x => One(x[0].NanToNum()),
            ["mm"] = x => One(x[0].Mm(x[1])),
            ["bmm"] = x => One(x[0].Bmm(x[1])),
            ["baddbmm"] = x => One(x[0].Baddbmm(x[1], x[2], beta: 0.5, alpha: 2)),
            ["outer"] = x => One(x[0].Outer(x[1])),
            ["dot"] = x => One(x[0].Dot(x[1])),
            ["einsum_bmm"] = x => One(Tensor.Einsum("bij,bjk->bik", x[0], x[1])),
            ["einsum_diag"] = x => One(Tensor.Einsum("ii->i", x[0])),
            ["einsum_outer"] = x => One(Tensor.Einsum("i,j->ij", x[0], x[1])),
        };
        AddComparison(c, "eq", (a, b) => a.Eq(b), (a, s) => a.Eq(s), (a, s) => a.Eq(s));
        AddComparison(c, "ne", (a, b) => a.Ne(b), (a, s) => a.Ne(s), (a, s) => a.Ne(s));
        AddComparison(c, "lt", (a, b) => a.Lt(b), (a, s) => a.Lt(s), (a, s) => a.Lt(s));
        AddComparison(c, "le", (a, b) => a.Le(b), (a, s) => a.Le(s), (a, s) => a.Le(s));
        AddComparison(c, "gt", (a, b) => a.Gt(b), (a, s) => a.Gt(s), (a, s) => a.Gt(s));
        AddComparison(c, "ge", (a, b) => a.Ge(b), (a, s) => a.Ge(s), (a, s) => a.Ge(s));
        return c;
    }

    private static void AddComparison(Dictionary<string, Func<Tensor[], Tensor[]>> c, string op,
        Func<Tensor, Tensor, Tensor> tensor, Func<Tensor, double, Tensor> scalar, Func<Tensor, long, Tensor> integer)
    {
        c[op + "_tensor"] = x => One(tensor(x[0], x[1]));
        c[op + "_scalar"] = x => One(scalar(x[0], 2.0));
        c[op + "_int"] = x => One(integer(x[0], 2L));
    }

    public static TheoryData<string> Names => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void MatchesPyTorch(string name) => Run(Fx, name, Cases[name]);

    [Fact]
    public void EveryFixtureCaseIsCovered() => Assert.Equal(CaseNames(Fx), new SortedSet<string>(Cases.Keys, StringComparer.Ordinal));

    [Fact]
    public void EqualAndAllCloseAreWholeTensorPredicates()
    {
        using var scope = DisposeScope.Enter();
        var a = Tensor.From(new[] { 1.0, 2.0, 3.0 });
        var b = Tensor.From(new[] { 1.0, 2.0, 3.0 + 1e-9 });
        Assert.True(a.Equal(a.Clone()));
        Assert.False(a.Equal(b));
        Assert.False(a.Equal(a.View(1, 3)));
        Assert.True(a.AllClose(b));
        Assert.False(a.AllClose(b, rtol: 0, atol: 1e-12));
        var nan = Tensor.From(new[] { double.NaN });
        Assert.False(nan.AllClose(nan));
        Assert.True(nan.AllClose(nan, equalNan: true));
        // Comparisons are methods: == stays reference equality.
        var c = a;
        Assert.True(a == c);
        Assert.False(a == a.Clone());
        Assert.Throws<TorchException>(() => a.AllClose(Tensor.Ones(2)));
    }

    [Fact]
    public void InPlaceOpsChangeTheTensor()
    {
        using var scope = DisposeScope.Enter();
        var x = Tensor.From(new float[] { -2, -0.5f, 0.5f, 2 });
        Assert.Same(x, x.Clamp_(-1, 1));
        Assert.Equal(new float[] { -1, -0.5f, 0.5f, 1 }, x.ToArray<float>());
        Assert.Same(x, x.Relu_());
        Assert.Equal(new float[] { 0, 0, 0.5f, 1 }, x.ToArray<float>());
    }

    [Fact]
    public void BadArgumentsThrowNamingTheOp()
    {
        using var scope = DisposeScope.Enter();
        var a = Tensor.Ones(2, 3);
        var e = Assert.Throws<TorchException>(() => a.Minimum(Tensor.Ones(4)));
        Assert.Contains("Minimum", e.Message);
        Assert.Contains("[2, 3] float32", e.Message);
        Assert.Contains("[4] float32", e.Message);
        var m = Assert.Throws<TorchException>(() => a.Mm(Tensor.Ones(2, 3)));
        Assert.Contains("Mm", m.Message);
        Assert.Throws<TorchException>(() => a.Bmm(a));
        Assert.Throws<TorchException>(() => Tensor.Ones(3).Dot(Tensor.Ones(4)));
        var ein = Assert.Throws<TorchException>(() => Tensor.Einsum("ij,jk->ik", a, a));
        Assert.Contains("Einsum", ein.Message);
        Assert.Throws<ArgumentException>(() => Tensor.Einsum("ij->i"));
        Assert.Throws<ArgumentException>(() => Tensor.Einsum("", a));
        Assert.Throws<ArgumentException>(() => a.Gelu("fast"));
        Assert.Throws<ArgumentException>(() => a.Clamp((double?)null, null));
        Assert.Throws<TorchException>(() => a.Addcmul(Tensor.Ones(4), a));
        Assert.Throws<TorchException>(() => a.Softmax(2));
        Assert.Throws<TorchException>(() => Tensor.Ones(new long[] { 2 }, DType.Bool).Lerp(a, 0.5));
    }
}
