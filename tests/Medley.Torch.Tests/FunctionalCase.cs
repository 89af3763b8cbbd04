namespace Medley.Torch.Tests;

/// <summary>
/// Replays one case of tests/reference/make_nn_fixtures.py: feeds name.&lt;input&gt; to an op, compares name.out, then
/// backpropagates (out * name.r).sum() and compares every name.grad.&lt;input&gt;.
/// </summary>
public static class FunctionalCase
{
    public static void Check(Fixture f, string name, Func<IReadOnlyDictionary<string, Tensor>, Tensor> op, double rtol = 1e-5)
    {
        using var scope = DisposeScope.Enter();
        var inputs = new Dictionary<string, Tensor>();
        foreach (var key in f.Keys.Where(k => k.StartsWith(name + ".", StringComparison.Ordinal)))
        {
            var local = key.Substring(name.Length + 1);
            if (local.Contains('.') || local == "out" || local == "r") continue;
            var t = f[key].Detach();
            if (f.Has($"{name}.grad.{local}")) t.RequiresGrad_();
            inputs[local] = t;
        }
        var output = op(inputs);
        AssertClose.Equal(f[name + ".out"], output, rtol, what: name + " output");
        if (!f.Has(name + ".r")) return;
        (output * f[name + ".r"]).Sum().Backward();
        var checkedGrads = 0;
        foreach (var (local, t) in inputs)
        {
            if (!f.Has($"{name}.grad.{local}")) continue;
            AssertClose.Equal(f[$"{name}.grad.{local}"], t.Grad ?? throw new Xunit.Sdk.XunitException($"{name}: no gradient for {local}"),
                rtol, what: $"{name} grad {local}");
            checkedGrads++;
        }
        Assert.True(checkedGrads > 0, $"{name}: no gradients were compared");
    }
}
