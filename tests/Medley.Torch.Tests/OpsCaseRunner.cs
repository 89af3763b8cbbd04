namespace Medley.Torch.Tests;

/// <summary>
/// Runs one case of an ops fixture (tests/reference/make_ops_fixtures.py): feeds NAME.in* to the op, compares the
/// result(s) with NAME.out / NAME.out0.. (values and dtype) and, where NAME.grad&lt;i&gt; exists, the gradient of
/// sum(NAME.w * first output) with respect to input i.
/// </summary>
internal static class OpsCaseRunner
{
    private static readonly Dictionary<string, Lazy<Fixture>> Fixtures = new()
    {
        ["ops_shape"] = new(() => Fixture.Load("ops_shape")),
        ["ops_index"] = new(() => Fixture.Load("ops_index")),
        ["ops_math"] = new(() => Fixture.Load("ops_math")),
        ["ops_reduce"] = new(() => Fixture.Load("ops_reduce")),
    };

    public static Fixture Get(string fixture) => Fixtures[fixture].Value;

    /// <summary>The case names stored in a fixture (the part before the first '.').</summary>
    public static SortedSet<string> CaseNames(string fixture) =>
        new(Get(fixture).Keys.Select(k => k.Substring(0, k.IndexOf('.'))), StringComparer.Ordinal);

    public static void Run(string fixture, string name, Func<Tensor[], Tensor[]> op)
    {
        using var scope = DisposeScope.Enter();
        var fx = Get(fixture);
        var inputs = new List<Tensor>();
        for (var i = 0; fx.Has($"{name}.in{i}"); i++)
        {
            var x = fx[$"{name}.in{i}"];
            inputs.Add(fx.Has($"{name}.grad{i}") ? x.Clone().RequiresGrad_() : x);
        }
        var outputs = op(inputs.ToArray());
        if (fx.Has($"{name}.out"))
        {
            Assert.Single(outputs);
            Compare(fx[$"{name}.out"], outputs[0], $"{name} output");
        }
        else
        {
            var count = 0;
            while (fx.Has($"{name}.out{count}")) count++;
            Assert.True(count > 0, $"fixture has no outputs for case {name}");
            Assert.Equal(count, outputs.Length);
            for (var j = 0; j < count; j++) Compare(fx[$"{name}.out{j}"], outputs[j], $"{name} output {j}");
        }
        if (!fx.Has($"{name}.w")) return;
        (outputs[0] * fx[$"{name}.w"]).Sum().Backward();
        for (var i = 0; i < inputs.Count; i++)
        {
            if (!fx.Has($"{name}.grad{i}")) continue;
            var grad = inputs[i].Grad;
            Assert.True(grad != null, $"{name}: input {i} got no gradient");
            Compare(fx[$"{name}.grad{i}"], grad!, $"{name} gradient of input {i}");
        }
    }

    private static void Compare(Tensor expected, Tensor actual, string what)
    {
        Assert.True(expected.DType == actual.DType, $"{what}: dtype {actual.DType.Name()} differs from expected {expected.DType.Name()}");
        AssertClose.Equal(expected, actual, rtol: 1e-5, what: what);
    }

    public static Tensor[] One(Tensor t) => new[] { t };
    public static Tensor[] Two((Tensor, Tensor) pair) => new[] { pair.Item1, pair.Item2 };
}
