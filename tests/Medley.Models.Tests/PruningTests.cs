using Medley.Models.Methods.CmapFusion;
using Medley.Torch;
using Medley.Torch.Tests;

namespace Medley.Models.Tests;

/// <summary>Structured pruning: a really smaller model whose outputs equal the original's with those dims forced off.</summary>
public class PruningTests
{
    private static (Tensor Image, Tensor Labs) Batch(CmapFusionConfig c, int b = 6) =>
        (Tensor.Randn(b, c.InChannels, c.ImageSize, c.ImageSize), Tensor.Rand(b, c.LabSteps, c.LabVariables));

    [Theory]
    [InlineData("vector")]
    [InlineData("tokens")]
    [InlineData("no_vit")]
    [InlineData("no_cmt")]
    public void PrunedModelEqualsMaskedOriginal(string variant)
    {
        using var scope = DisposeScope.Enter();
        Engine.ManualSeed(11);
        var config = TinyConfigs.Variant(variant);
        using var model = new CmapFusionModel(config);
        var imageKeep = new[] { 0, 2, 3, 7, 8, 12, 15 };
        var labKeep = new[] { 1, 2, 5, 9, 10, 11 };
        var (pruned, report) = CmapFusionPruning.Prune(model, imageKeep, labKeep);
        using var _ = pruned;
        Assert.Equal(7, pruned.ImageDim);
        Assert.Equal(6, pruned.LabDim);
        Assert.True(report.ParametersAfter < report.ParametersBefore, $"{report.ParametersAfter} ≥ {report.ParametersBefore}");
        Assert.Equal(model.ParameterCount(), report.ParametersBefore);
        Assert.Equal(pruned.ParameterCount(), report.ParametersAfter);
        Assert.Equal(19, report.DimsRemoved);

        model.ForceKeep(imageKeep, labKeep);
        var (image, labs) = Batch(config);
        var a = model.Forward(image, labs);
        var b = pruned.Forward(image, labs);
        AssertClose.Equal(a.Logits, b.Logits, 1e-5, 1e-5, "logits");
        foreach (var (name, value) in a.AuxiliaryLosses) AssertClose.Equal(value, b.AuxiliaryLosses[name], 1e-5, 1e-6, name);
        using var cols = Tensor.From(imageKeep.Select(i => (long)i).Concat(labKeep.Select(i => (long)(16 + i))).ToArray());
        AssertClose.Equal(a.Feature("F_prune").IndexSelect(1, cols), b.Feature("F_prune"), 1e-5, 1e-6, "F_prune");
        AssertClose.Equal(a.Feature("mask").IndexSelect(1, cols), b.Feature("mask"), 0, 0, "mask");
        // The dims forced off really are off in the original.
        Assert.Equal(0.0, a.Feature("F_prune").Sum().Item() - a.Feature("F_prune").IndexSelect(1, cols).Sum().Item(), 4);

        // And forcing off changed the original (the test is not vacuous).
        model.ClearForcedDims();
        var c = model.Forward(image, labs);
        Assert.False(c.Logits.AllClose(a.Logits, 1e-6, 1e-7));
    }

    [Fact]
    public void PrunesRarelyKeptDimsFromMaskUsageAndComposes()
    {
        using var scope = DisposeScope.Enter();
        Engine.ManualSeed(5);
        var config = TinyConfigs.Variant("tokens");
        using var model = new CmapFusionModel(config);
        var batches = Enumerable.Range(0, 3).Select(_ => Batch(config)).ToList();
        var usage = CmapFusionPruning.CollectMaskUsage(model, batches);
        Assert.Equal(18, usage.Samples);
        var rates = usage.KeepRates;
        Assert.Equal(32, rates.Length);
        Assert.All(rates, r => Assert.InRange(r, 0, 1));
        Assert.True(model.Training);

        // A threshold in the middle of the observed rates removes some dims but not all.
        var threshold = rates.OrderBy(r => r).ElementAt(16);
        var (pruned, report) = CmapFusionPruning.Prune(model, rates, threshold);
        using var _ = pruned;
        var expectedKept = rates.Count(r => r >= threshold);
        Assert.True(report.ImageKeep.Length + report.LabKeep.Length >= expectedKept);
        Assert.All(report.ImageKeep, i => Assert.True(rates[i] >= threshold || report.ImageKeep.Length == 1));
        Assert.True(report.ParametersAfter < report.ParametersBefore);

        // Pruning the pruned model again keeps indices in the original coordinates.
        var (twice, report2) = CmapFusionPruning.Prune(pruned, new[] { 0 }, new[] { pruned.LabDim - 1 });
        using var __ = twice;
        Assert.Equal(new[] { report.ImageKeep[0] }, report2.ImageKeep);
        Assert.Equal(new[] { report.LabKeep[^1] }, report2.LabKeep);
        Assert.Equal(report2.ImageKeep, twice.Config.ImageKeep);
        var (image, labs) = batches[0];
        pruned.ForceKeep(new[] { 0 }, new[] { pruned.LabDim - 1 });
        AssertClose.Equal(pruned.Forward(image, labs).Logits, twice.Forward(image, labs).Logits, 1e-5, 1e-5, "twice");
    }

    [Fact]
    public void SelectKeptKeepsOneDimPerModalityAtLeast()
    {
        var rates = new double[] { 0, 0.005, 0, 0.5, 0.9, 0.001 };
        var (image, lab) = CmapFusionPruning.SelectKept(rates, 3, 3);
        Assert.Equal(new[] { 1 }, image);   // none reach 1%: the most-kept one stays
        Assert.Equal(new[] { 0, 1 }, lab);
        Assert.Throws<ArgumentException>(() => CmapFusionPruning.SelectKept(rates, 2, 2));
        Assert.Throws<ArgumentException>(() => CmapFusionPruning.SelectKept(rates, 3, 3, threshold: 1.5));
    }

    [Fact]
    public void BadPruningRequestsAreClearErrors()
    {
        using var scope = DisposeScope.Enter();
        using var noTrim = new CmapFusionModel(TinyConfigs.Variant("no_trim"));
        var e = Assert.Throws<InvalidOperationException>(() => CmapFusionPruning.Prune(noTrim, new[] { 0 }, new[] { 0 }));
        Assert.Contains("SmartTrim", e.Message);
        using var model = new CmapFusionModel(TinyConfigs.Base);
        Assert.Throws<ArgumentException>(() => CmapFusionPruning.Prune(model, new[] { 3, 1 }, new[] { 0 }));
        Assert.Throws<ArgumentException>(() => CmapFusionPruning.Prune(model, new[] { 16 }, new[] { 0 }));
        Assert.Throws<ArgumentException>(() => CmapFusionPruning.Prune(model, Array.Empty<int>(), new[] { 0 }));
        Assert.Throws<ArgumentException>(() => model.ForceKeep(new[] { 0 }, new[] { 99 }));
    }
}
