using Medley.Torch.NN;

namespace Medley.Torch.Tests;

/// <summary>
/// One case of tests/reference/make_layers_fixtures.py: "case.sd.*" (state dict), "case.in.*" (inputs),
/// "case.upstream" (R, the loss is sum(out·R)), "case.out", "case.grad.in.*" and "case.grad.sd.*".
/// </summary>
internal sealed class LayerReference
{
    private readonly Fixture _fixture;
    public string Case { get; }

    public LayerReference(Fixture fixture, string @case)
    {
        _fixture = fixture;
        Case = @case;
    }

    public Tensor this[string key] => _fixture[$"{Case}.{key}"];

    /// <summary>Loads the PyTorch module's state dict strictly.</summary>
    public void LoadInto(Module module) => module.LoadStateDict(_fixture.WithPrefix($"{Case}.sd."));

    /// <summary>An input; floating inputs become fresh leaves that require grad when asked.</summary>
    public Tensor Input(string name, bool requiresGrad = false)
    {
        var t = _fixture[$"{Case}.in.{name}"];
        return requiresGrad ? t.Clone().RequiresGrad_() : t;
    }

    public bool Has(string key) => _fixture.Has($"{Case}.{key}");

    /// <summary>Backpropagates sum(output·R).</summary>
    public void Backward(Tensor output) => (output * this["upstream"]).Sum().Backward();

    public void CheckOutput(Tensor output, double rtol = 1e-5, double atol = 1e-6) =>
        AssertClose.Equal(this["out"], output, rtol, atol, $"{Case} output");

    public void CheckInputGrad(string name, Tensor input, double rtol = 1e-5, double atol = 1e-6)
    {
        Assert.NotNull(input.Grad);
        AssertClose.Equal(this[$"grad.in.{name}"], input.Grad!, rtol, atol, $"{Case} grad of input {name}");
    }

    /// <summary>
    /// Every parameter's gradient, and that the module has exactly PyTorch's parameters. With
    /// <paramref name="atolOfScale"/> the absolute tolerance becomes that fraction of the largest gradient magnitude in
    /// the model: for gradients summed over many terms, float32 rounding is relative to that scale, not to each element
    /// (a gradient that is exactly zero in exact arithmetic comes out as rounding noise).
    /// </summary>
    public void CheckParameterGrads(Module module, double rtol = 1e-5, double atol = 1e-6, double atolOfScale = 0)
    {
        var prefix = $"{Case}.grad.sd.";
        var expected = _fixture.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Select(k => k[prefix.Length..]).OrderBy(k => k).ToList();
        var parameters = module.NamedParameters().ToList();
        Assert.Equal(expected, parameters.Select(p => p.Name).OrderBy(k => k).ToList());
        var scale = atolOfScale == 0 ? 0 : expected.Max(k => _fixture[prefix + k].Abs().Max().Item());
        var tolerance = Math.Max(atol, atolOfScale * scale);
        foreach (var (name, p) in parameters)
        {
            Assert.True(p.Grad != null, $"{Case}: no gradient for {name}");
            AssertClose.Equal(_fixture[prefix + name], p.Grad!, rtol, tolerance, $"{Case} grad of {name}");
        }
    }
}
