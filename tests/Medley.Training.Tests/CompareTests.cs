using System.Text.Json.Nodes;
using Medley.Evaluation.Reporting;
using Medley.Training.Experiments;

namespace Medley.Training.Tests;

/// <summary>medley compare's star logic (hand-computed paired t-tests), combinations, --set keys only some methods have, and the missing sweep's two curves.</summary>
[Collection(global::Medley.Torch.Tests.SerialCollection.Name)]
public sealed class CompareTests
{
    private static IReadOnlyDictionary<(int, int), double> Folds(params double[] v) =>
        v.Select((x, i) => (x, i)).ToDictionary(p => (0, p.i), p => p.x);

    [Fact]
    public void StarOnlyWhenTheBestBeatsEveryOtherMethod()
    {
        // A − B = 0.10, 0.11, 0.12: mean 0.11, sd 0.01, t = 0.11 / (0.01/√3) = 19.0526, df 2;
        // two-sided p for df 2 = 1 − t/√(t² + 2) = 0.0027415.
        // A − C = 0.20, 0.05, 0.05: mean 0.10, sd √0.0075, t = 2.0, p = 1 − 2/√6 = 0.183503.
        var column = ModalityComparison.Column(new Dictionary<string, IReadOnlyDictionary<(int, int), double>>
        {
            ["A"] = Folds(0.90, 0.80, 0.85),
            ["B"] = Folds(0.80, 0.69, 0.73),
            ["C"] = Folds(0.70, 0.75, 0.80),
        });
        Assert.Equal("A", column.Best);
        Assert.False(column.Star); // not significantly better than C
        Assert.Equal(19.0526, column.Tests["B"]!.Statistic, 3);
        Assert.Equal(1 - 19.05256 / Math.Sqrt(19.05256 * 19.05256 + 2), column.Tests["B"]!.PValue, 5);
        Assert.Equal(2.0, column.Tests["C"]!.Statistic, 9);
        Assert.Equal(1 - 2 / Math.Sqrt(6), column.Tests["C"]!.PValue, 9);

        var starred = ModalityComparison.Column(new Dictionary<string, IReadOnlyDictionary<(int, int), double>>
        {
            ["A"] = Folds(0.90, 0.80, 0.85),
            ["B"] = Folds(0.80, 0.69, 0.73),
            ["C"] = Folds(0.70, 0.59, 0.63), // A − C = 0.20, 0.21, 0.22: t = 0.21/(0.01/√3), p ≈ 0.00075
        });
        Assert.True(starred.Star);
        Assert.True(starred.Tests.Values.All(t => t!.PValue < 0.05));
        // One method alone, or a tie on every fold (undefined test), gives no star.
        Assert.False(ModalityComparison.Column(new Dictionary<string, IReadOnlyDictionary<(int, int), double>> { ["A"] = Folds(0.9, 0.8) }).Star);
        Assert.False(ModalityComparison.Column(new Dictionary<string, IReadOnlyDictionary<(int, int), double>> { ["A"] = Folds(0.9, 0.8), ["B"] = Folds(0.9, 0.8) }).Star);
    }

    [Fact]
    public void CombinationsAreEveryNonEmptySubsetOrTheGivenOnes()
    {
        var all = ModalityComparison.AllCombinations(["a", "b", "c"]).Select(ModalityComparison.Name).ToList();
        Assert.Equal(["a", "b", "c", "a+b", "a+c", "b+c", "a+b+c"], all);
        Assert.Equal(["a+c", "b"], ModalityComparison.ParseCombinations("c+a, b", ["a", "b", "c"]).Select(ModalityComparison.Name));
        var e = Assert.Throws<ArgumentException>(() => ModalityComparison.ParseCombinations("a+x", ["a", "b"]));
        Assert.Contains("'x' is not a modality", e.Message);
        Assert.Throws<ArgumentException>(() => ModalityComparison.ParseCombinations("a,a", ["a", "b"]));
    }

    [Fact]
    public void SetKeysGoToTheMethodsThatHaveThem()
    {
        var configs = new List<RunConfig> { new() { Method = "cmap-fusion" }, new() { Method = "lab-only" } };
        var skipped = SharedOverrides.Apply(configs, ["model.use_vit=false", "training.epochs=2", "dim=8"]);
        Assert.Equal("false", configs[0].Model["use_vit"]);
        Assert.False(configs[1].Model.ContainsKey("use_vit"));
        Assert.Equal(["model.use_vit=false"], skipped["lab-only"]);
        Assert.Empty(skipped["cmap-fusion"]);
        Assert.All(configs, c => Assert.Equal("2", c.Training["epochs"]));
        Assert.All(configs, c => Assert.Equal("8", c.Model["dim"]));
        var e = Assert.Throws<ArgumentException>(() => SharedOverrides.Apply(configs, ["model.no_such_key=1"]));
        Assert.Contains("no compared method", e.Message);

        // cv --compare with a key only cmap-fusion has is accepted (it used to be rejected); a key nobody has is one line.
        using var data = new ToyDataset(20);
        var r = CliRunner.Run("cv", "--spec", data.Spec, "--compare", "cmap-fusion,lab-only", "--set", "model.bogus_key=1", "--out", data.Path_("cv"));
        Assert.Equal(1, r.Code);
        Assert.Contains("no compared method", r.Err);
        Assert.Single(r.Err.Trim().Split('\n'));
    }

    [Fact]
    public void CompareRefusesMethodsWithoutModalitiesKey()
    {
        using var data = new ToyDataset(20);
        var r = CliRunner.Run("compare", "--spec", data.Spec, "--methods", "cmap-fusion,lab-only", "--folds", "2", "--out", data.Path_("cmp"));
        Assert.Equal(1, r.Code);
        Assert.Contains("no 'modalities' key", r.Err);
        Assert.False(File.Exists(data.Path_("cmp/compare.json")));
    }

    [Fact]
    public void MissingSweepWritesOneCurvePerVariantPerTarget()
    {
        using var data = new ToyDataset(40, ToyDataset.Rule.Xor);
        var outDir = data.Path_("miss");
        var r = CliRunner.Run("sweep", "missing", "--spec", data.Spec, "--method", "cmap-fusion", "--levels", "0,0.5", "--targets", "labs",
            "--with", "plain", "--with", "no smarttrim:use_smart_trim=false", "--folds", "2", "--metric", "accuracy",
            "--set", "dim=16", "--set", "vit_layers=1", "--set", "vit_heads=2", "--set", "vit_mlp_dim=32", "--set", "patch_size=8", "--set", "cmt_heads=2",
            "--set", "epochs=1", "--set", "batch_size=16", "--set", "warmup_epochs=0", "--set", "workers=0", "--set", "latency_runs=0", "--out", outDir);
        Assert.True(r.Code == 0, r.Err + r.Out);
        var sweep = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "sweep_missing_labs.json")))!;
        Assert.Equal("missing", sweep["kind"]!.GetValue<string>());
        Assert.Equal("labs", sweep["target"]!.GetValue<string>());
        Assert.Equal(["plain", "no smarttrim"], sweep["results"]!.AsObject().Select(kv => kv.Key));
        Assert.All(sweep["results"]!.AsObject(), kv => Assert.Equal(2, kv.Value!.AsArray().Count));
        // Rate 0 is trained once per variant; rate 0.5 sets training.missing in every fold's config.
        Assert.True(File.Exists(Path.Combine(outDir, "plain/none/r0_f0/metrics.json")));
        Assert.Contains("missing: \"labs=0.5\"", File.ReadAllText(Path.Combine(outDir, "no-smarttrim/labs_0.5/r0_f1/config.yaml")));
        Assert.Contains("use_smart_trim: false", File.ReadAllText(Path.Combine(outDir, "no-smarttrim/labs_0.5/r0_f1/config.yaml")));
        var read = Sweep.Read(Path.Combine(outDir, "sweep_missing_labs.json"));
        Assert.Equal(2, read.Results.Count);
        var html = File.ReadAllText(Path.Combine(outDir, "report.html"));
        Assert.Contains("robustness-missing-labs", html);
        Assert.Contains("missing labs", html);
    }
}
