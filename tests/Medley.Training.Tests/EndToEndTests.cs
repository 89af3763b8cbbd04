using System.Text.Json.Nodes;
using Medley.Torch;
using Medley.Torch.Serialization;

namespace Medley.Training.Tests;

public sealed class EndToEndTests
{
    [Fact]
    public void CmapFusionRunReportsEfficiencyAndFeatures()
    {
        using var data = new ToyDataset(64, ToyDataset.Rule.Xor);
        var outcome = TrainRun.Run(new RunRequest(data.Spec, Configs.Cmap(epochs: 2), data.Path_("cmap")));
        var m = outcome.Metrics!;
        var eff = m["efficiency"]!.AsObject();
        Assert.True(eff["flops"]!.GetValue<double>() > 0);
        Assert.Equal(eff["flops"]!.GetValue<double>(), 2 * eff["macs"]!.GetValue<double>());
        Assert.True(eff["latency_ms_b1"]!.GetValue<double>() > 0);
        Assert.True(eff["latency_ms_b4"]!.GetValue<double>() > 0);
        Assert.True(eff["peak_rss_mb"]!.GetValue<double>() > 10);
        var f = m["features"]!.AsObject();
        Assert.InRange(f["sparsity"]!.GetValue<double>(), 0, 1);
        Assert.InRange(f["cross_modal_cosine"]!.GetValue<double>(), -1, 1);
        using var scope = DisposeScope.Enter();
        var features = SafeTensors.Load(data.Path_("cmap/features.safetensors"));
        var n = m["samples"]!.GetValue<int>();
        foreach (var key in new[] { "F_I", "F_L", "S", "labels" }) Assert.Equal(n, features[key].Size(0));
        Assert.Contains("image: image", File.ReadAllText(data.Path_("cmap/config.yaml")));
        Assert.Contains("image_size: 16", File.ReadAllText(data.Path_("cmap/config.yaml")));
    }

    [Fact]
    public void CrossValidationAndComparisonOnTheSameFolds()
    {
        using var data = new ToyDataset(90);
        var baseConfig = Configs.LabOnly(epochs: 2);
        var splits = CrossValidation.Splits(data.Spec, 0, folds: 3, repeats: 1);
        var configs = new[] { baseConfig, CrossValidation.ForMethod(Configs.Cmap(epochs: 1, "evaluation.latency_runs=0"), "cmap-fusion") };
        var comparison = CrossValidation.Compare(data.Spec, configs, data.Path_("cmp"), splits);
        foreach (var method in new[] { "lab-only", "cmap-fusion" })
        {
            var cv = JsonNode.Parse(File.ReadAllText(data.Path_($"cmp/{method}/cv_metrics.json")))!;
            Assert.Equal(3, cv["runs"]!.AsArray().Count);
            Assert.Equal(3, cv["folds"]!.GetValue<int>());
            var acc = cv["summary"]!["accuracy"]!;
            var mean = acc["mean"]!.GetValue<double>();
            Assert.InRange(mean, acc["ci95"]![0]!.GetValue<double>(), acc["ci95"]![1]!.GetValue<double>());
            for (var k = 0; k < 3; k++) Assert.True(File.Exists(data.Path_($"cmp/{method}/r0_f{k}/metrics.json")));
        }
        Assert.Equal("compare", comparison["kind"]!.GetValue<string>());
        // Metrics whose fold differences are all equal have no defined t-test and are left out, not faked.
        foreach (var (_, test) in comparison["methods"]![1]!["ttest"]!.AsObject())
            Assert.Equal(2, test!["df"]!.GetValue<double>());
        Assert.Equal(2, Medley.Evaluation.Reporting.Comparison.Read(data.Path_("cmp/comparison.json")).Methods.Count);
        Assert.Equal("lab-only", comparison["reference"]!.GetValue<string>());
        Assert.True(File.Exists(data.Path_("cmp/comparison.json")));
    }
}
