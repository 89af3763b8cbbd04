using Medley.Models.Methods.CmapFusion;
using Medley.Torch;
using Medley.Torch.Tests;

namespace Medley.Models.Tests;

/// <summary>
/// CMAP-Fusion against the PyTorch reference (bench/reference/cmap_fusion.py via tests/reference/make_cmap_fixtures.py):
/// same weights and inputs give the same logits, features, masks, loss terms and gradients (through the
/// straight-through mask) within 1e-4, for both CMT forms and each ablation switch.
/// </summary>
public class CmapReferenceTests
{
    private const double Tol = 1e-4;

    [Theory]
    [InlineData("vector")]
    [InlineData("tokens")]
    [InlineData("no_vit")]
    [InlineData("no_trim")]
    [InlineData("no_cmt")]
    [InlineData("none")]
    public void MatchesPyTorchReference(string variant)
    {
        using var scope = DisposeScope.Enter();
        using var fx = Fixture.Load("cmap_" + variant);
        var config = TinyConfigs.Variant(variant);
        using var model = new CmapFusionModel(config);
        model.LoadStateDict(fx.WithPrefix("param."));

        var output = model.Forward(fx["image"], fx["labs"]);
        AssertClose.Equal(fx["logits"], output.Logits, Tol, Tol, "logits");
        foreach (var name in new[] { "F_I", "F_L", "mask", "F_prune" })
            AssertClose.Equal(fx[name], output.Feature(name), Tol, Tol, name);
        Assert.Equal(config.UseSmartTrim, output.Features.ContainsKey("S"));
        if (config.UseSmartTrim) AssertClose.Equal(fx["S"], output.Feature("S"), Tol, Tol, "S");

        var loss = model.Loss(output, fx["target"]);
        AssertClose.Equal(fx["loss.ce"], loss.Terms["ce"], Tol, Tol, "ce");
        AssertClose.Equal(fx["loss.alignment"] * config.Lambda1, loss.Terms["alignment"], Tol, Tol, "alignment");
        if (config.UseSmartTrim) AssertClose.Equal(fx["loss.sparsity"] * config.Lambda2, loss.Terms["sparsity"], Tol, Tol, "sparsity");
        else Assert.False(loss.Terms.ContainsKey("sparsity"));
        AssertClose.Equal(fx["loss.total"], loss.Total, Tol, Tol, "total");

        loss.Total.Backward();
        var parameters = model.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        var checkedGrads = 0;
        foreach (var key in fx.Keys.Where(k => k.StartsWith("grad.", StringComparison.Ordinal)))
        {
            var name = key["grad.".Length..];
            var grad = parameters[name].Grad;
            Assert.True(grad != null, $"{name} has no gradient");
            AssertClose.Equal(fx[key], grad!, Tol, Tol, "grad " + name);
            checkedGrads++;
        }
        Assert.True(checkedGrads >= 4, $"only {checkedGrads} gradients compared");
        if (config.UseSmartTrim)
        {
            // The straight-through estimator really reaches W_s.
            var ws = parameters["smart_trim.score.weight"].Grad!;
            Assert.True(ws.Abs().Sum().Item() > 0);
        }
    }

    [Fact]
    public void MaskIsHardAndKeepsAtLeastOneDimPerSample()
    {
        using var scope = DisposeScope.Enter();
        using var fx = Fixture.Load("cmap_tokens");
        using var model = new CmapFusionModel(TinyConfigs.Variant("tokens"));
        model.LoadStateDict(fx.WithPrefix("param."));
        var output = model.Forward(fx["image"], fx["labs"]);
        var mask = output.Feature("mask").Detach().ToArray<float>();
        Assert.All(mask, v => Assert.True(v == 0f || v == 1f));
        var perSample = output.Feature("mask").Detach().Sum(1).ToArray<float>();
        Assert.All(perSample, v => Assert.InRange(v, 1f, 31f));
        // F_prune is exactly F_cat where kept and 0 elsewhere.
        var expected = output.Feature("F_cat") * output.Feature("mask");
        AssertClose.Equal(expected, output.Feature("F_prune"), 0, 0, "F_prune");
    }
}
