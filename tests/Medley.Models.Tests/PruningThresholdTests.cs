using Medley.Models.Fusion;
using Medley.Models.Methods;
using Medley.Models.Methods.CmapFusion;
using Medley.Torch;
using Medley.Torch.Tests;

namespace Medley.Models.Tests;

/// <summary>
/// Pruning must not move SmartTrim's threshold. Removing dims whose S is low raises mean(S) over the rest, so a pruned
/// model that computed τ over the kept dims only masked many more dims than the original (on the synthetic XOR task
/// accuracy fell from 0.99 to 0.69), and SmartTrim's score lost the removed features' input. The removed dims'
/// importances now stay in τ's statistics as constants and their mean input is folded into the score's bias.
/// </summary>
public class PruningThresholdTests
{
    [Theory]
    [InlineData("tokens")]
    [InlineData("no_vit")]
    [InlineData("no_cmt")]
    public void PrunedModelWithRemovedImportanceEqualsTheUnmaskedOriginal(string variant)
    {
        using var scope = DisposeScope.Enter();
        Engine.ManualSeed(21);
        var config = TinyConfigs.Variant(variant);
        using var model = new CmapFusionModel(config);
        model.Eval();
        // One sample: the removed dims' S is then exactly known, and they must be dims the original masked off.
        var image = Tensor.Randn(1, config.InChannels, config.ImageSize, config.ImageSize);
        var labs = Tensor.Rand(1, config.LabSteps, config.LabVariables);
        var original = model.Forward(image, labs);
        var mask = original.Feature("mask").ToArray<float>();
        var s = original.Feature("S").To(DType.Float64).ToArray<double>();
        var fCat = original.Feature("F_cat").To(DType.Float64).ToArray<double>();
        var d = config.Dim;
        var off = Enumerable.Range(0, 2 * d).Where(i => mask[i] == 0f).ToList();
        // Remove most masked-off dims but leave at least one per side.
        var removeImage = off.Where(i => i < d).Skip(1).ToHashSet();
        var removeLab = off.Where(i => i >= d).Skip(1).ToHashSet();
        Assert.True(removeImage.Count + removeLab.Count >= 4, "too few masked-off dims to make the test meaningful");
        var imageKeep = Enumerable.Range(0, d).Where(i => !removeImage.Contains(i)).ToArray();
        var labKeep = Enumerable.Range(0, d).Where(i => !removeLab.Contains(d + i)).ToArray();

        var (pruned, _) = CmapFusionPruning.Prune(model, imageKeep, labKeep, meanImportance: s, meanFeatures: fCat);
        using var p = pruned;
        Assert.Equal(removeImage.Count + removeLab.Count, pruned.Config.RemovedImportance!.Length);
        var after = pruned.Forward(image, labs);
        var cols = Tensor.From(imageKeep.Select(i => (long)i).Concat(labKeep.Select(i => (long)(d + i))).ToArray());
        AssertClose.Equal(original.Feature("S").IndexSelect(1, cols), after.Feature("S"), 1e-5, 1e-6, "S");
        AssertClose.Equal(original.Feature("mask").IndexSelect(1, cols), after.Feature("mask"), 0, 0, "mask");
        AssertClose.Equal(original.Logits, after.Logits, 1e-5, 1e-5, "logits");

        // Without the compensations the pruned model masks differently: the old behaviour (0.99 → 0.69 on XOR).
        var (naive, _) = CmapFusionPruning.Prune(model, imageKeep, labKeep);
        using var n = naive;
        Assert.False(naive.Forward(image, labs).Feature("S").AllClose(after.Feature("S"), 1e-5, 1e-6), "naive pruning gives the same S");
    }

    [Fact]
    public void RemovedImportanceTravelsThroughTheConfig()
    {
        var values = new Dictionary<string, object?>
        {
            ["num_classes"] = 2, ["lab_steps"] = 1, ["lab_variables"] = 3, ["dim"] = 8, ["use_vit"] = false, ["cnn_channels"] = "[4, 4, 4]",
            ["cmt_heads"] = 2, ["image_keep"] = "[0, 1, 2, 3, 4, 5]", ["lab_keep"] = "[0, 1, 2, 3, 4, 5, 6]", ["removed_importance"] = "[0.1, 0.2, 0.05]",
        };
        using var model = (CmapFusionModel)MethodRegistry.Create("cmap-fusion", values);
        Assert.Equal(new[] { 0.1, 0.2, 0.05 }, model.SmartTrim!.RemovedImportance);
        values["removed_importance"] = "[1.5]";
        var error = Assert.Throws<ArgumentException>(() => MethodRegistry.Create("cmap-fusion", values));
        Assert.Contains("[0, 1]", error.Message);
    }
}
