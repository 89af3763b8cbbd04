using Medley.Evaluation.Reporting;
using Medley.Training.Experiments;

namespace Medley.Training.Tests;

/// <summary>`medley ablate`: the 7 module combinations on the same folds, comparison.json of kind ablation, the report.</summary>
[Collection(global::Medley.Torch.Tests.SerialCollection.Name)]
public sealed class AblateTests
{
    [Fact]
    public void SevenVariantsWithModuleFlagsEfficiencyAndTTests()
    {
        Assert.Equal(7, AblationRunner.Variants.Distinct().Count());
        Assert.DoesNotContain(AblationRunner.Variants, v => !v.Vit && !v.SmartTrim && !v.Cmt);

        using var data = new ToyDataset(40, ToyDataset.Rule.Xor);
        var splits = CrossValidation.Splits(data.Spec, 0, folds: 2, repeats: 1);
        var json = AblationRunner.Run(data.Spec, Configs.Cmap(1, "evaluation.latency_runs=0"), data.Path_("abl"), splits);
        Assert.Equal("ablation", json["kind"]!.GetValue<string>());

        var cmp = Comparison.Read(data.Path_("abl/comparison.json"));
        Assert.Equal("ablation", cmp.Kind);
        Assert.Equal("vit+smarttrim+cmt", cmp.Reference);
        Assert.Equal(7, cmp.Methods.Count);
        for (var i = 0; i < 7; i++)
        {
            var v = AblationRunner.Variants[i];
            var m = cmp.Methods[i];
            Assert.Equal(v.Name, m.Name);
            Assert.Equal(v.Vit, m.Modules["vit"]);
            Assert.Equal(v.SmartTrim, m.Modules["smarttrim"]);
            Assert.Equal(v.Cmt, m.Modules["cmt"]);
            Assert.Equal(2, m.Runs.Count);
            Assert.True(m.Efficiency["params"] > 0 && m.Efficiency["flops"] > 0);
            var config = File.ReadAllText(data.Path_($"abl/{v.Name}/r0_f0/config.yaml"));
            Assert.Contains($"use_vit: {(v.Vit ? "true" : "false")}", config);
            Assert.Contains($"use_cmt: {(v.Cmt ? "true" : "false")}", config);
            Assert.Equal(i > 0, json["methods"]![i]!.AsObject().ContainsKey("ttest"));
        }
        // Switching modules really changes the model.
        Assert.Equal(7, cmp.Methods.Select(m => (m.Efficiency["params"], m.Efficiency["flops"])).Distinct().Count());

        var report = RunReport.Write(data.Path_("abl"));
        Assert.Contains("ablation-bars", report.Figures);
        Assert.Contains("accuracy-vs-flops", report.Figures);
        Assert.Contains("Ablation", File.ReadAllText(data.Path_("abl/report.html")));

        Assert.Throws<ArgumentException>(() => AblationRunner.Run(data.Spec, Configs.LabOnly(1), data.Path_("abl2"), splits));
    }

    [Fact]
    public void SharedCompareConfigDropsKeysAMethodDoesNotHave()
    {
        var shared = Configs.Cmap(1, "model.use_vit=false", "model.cmt_heads=4");
        shared.Method = "lab-only";
        var (config, ignored) = CrossValidation.WithoutForeignKeys(shared);
        Assert.Contains("use_vit", ignored);
        Assert.Contains("cmt_heads", ignored);
        Assert.DoesNotContain("dim", ignored);
        Assert.Equal("16", config.Model["dim"]);
        Assert.False(config.Model.ContainsKey("use_vit"));
        Assert.True(shared.Model.ContainsKey("use_vit")); // the shared config is not changed
    }
}
