using Medley.Torch.Serialization;

namespace Medley.Torch.Tests;

/// <summary>
/// A committed reference fixture (tests/Medley.Torch.Tests/Fixtures/NAME.safetensors, made by a script in
/// tests/reference/). Owns its tensors; dispose it at the end of the test.
/// </summary>
public sealed class Fixture : IDisposable
{
    private readonly Dictionary<string, Tensor> _tensors;
    public string Name { get; }

    private Fixture(string name, Dictionary<string, Tensor> tensors)
    {
        Name = name;
        _tensors = tensors;
    }

    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Fixtures");

    public static Fixture Load(string name)
    {
        var path = Path.Combine(Directory, name + ".safetensors");
        var tensors = SafeTensors.Load(path);
        foreach (var t in tensors.Values) t.DetachFromScope();
        return new Fixture(name, tensors);
    }

    public Tensor this[string key] => _tensors.TryGetValue(key, out var t)
        ? t
        : throw new KeyNotFoundException($"fixture {Name} has no tensor '{key}' (it has: {string.Join(", ", _tensors.Keys.Take(30))})");

    public bool Has(string key) => _tensors.ContainsKey(key);
    public IEnumerable<string> Keys => _tensors.Keys;

    /// <summary>Tensors whose names start with prefix, with the prefix removed (e.g. a module's state dict).</summary>
    public Dictionary<string, Tensor> WithPrefix(string prefix) =>
        _tensors.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key.Substring(prefix.Length), kv => kv.Value);

    public void Dispose()
    {
        foreach (var t in _tensors.Values) t.Dispose();
    }
}

public static class AssertClose
{
    /// <summary>
    /// Fails unless |actual − expected| ≤ atol + rtol·|expected| everywhere (shapes equal); the message names the
    /// worst element. Compared in float64.
    /// </summary>
    public static void Equal(Tensor expected, Tensor actual, double rtol = 1e-5, double atol = 1e-6, string what = "")
    {
        Assert.True(expected.Shape.SequenceEqual(actual.Shape),
            $"{what}: shape {Tensor.ShapeText(actual.Shape)} differs from expected {Tensor.ShapeText(expected.Shape)}");
        double[] e, a;
        using (var ed = expected.Detach().To(DType.Float64)) e = ed.ToArray<double>();
        using (var ad = actual.Detach().To(DType.Float64)) a = ad.ToArray<double>();
        var worst = -1;
        var worstExcess = 0.0;
        for (var i = 0; i < e.Length; i++)
        {
            var diff = Math.Abs(a[i] - e[i]);
            var allowed = atol + rtol * Math.Abs(e[i]);
            var nanMismatch = double.IsNaN(e[i]) != double.IsNaN(a[i]);
            if (nanMismatch || diff > allowed)
            {
                var excess = nanMismatch ? double.PositiveInfinity : diff - allowed;
                if (worst < 0 || excess > worstExcess)
                {
                    worst = i;
                    worstExcess = excess;
                }
            }
        }
        Assert.True(worst < 0,
            worst < 0 ? "" : $"{what}: element {worst} is {a[worst]:R}, expected {e[worst]:R} (rtol {rtol}, atol {atol})");
    }
}
