using Medley.Evaluation.Reporting;
using static Medley.Evaluation.Tests.ReportingRunFixture;

namespace Medley.Evaluation.Tests;

public class ReportingReaderTests
{
    [Fact]
    public void MultilabelMetricsKeepTheirPerLabelValues()
    {
        using var tmp = new TempDir();
        var path = Path.Combine(tmp.Path, "metrics.json");
        File.WriteAllText(path, """{"method": "omnifuse", "task": "multilabel", "classes": ["a", "b"], "test": {"auroc": 0.7, "auroc_macro": 0.7, "auroc_per_label": {"a": 0.6, "b": 0.8}}}""");
        var m = RunMetrics.Read(path);
        Assert.Equal(0.7, m.Test["auroc"]);
        Assert.False(m.Test.ContainsKey("auroc_per_label"));
        Assert.Equal(0.8, m.PerLabel["auroc"]["b"]);

        var cv = Path.Combine(tmp.Path, "cv_metrics.json");
        File.WriteAllText(cv, """{"folds": 2, "repeats": 1, "runs": [{"repeat": 0, "fold": 0, "test": {"auroc": 0.7, "auroc_per_label": {"a": 0.6}}}, {"repeat": 0, "fold": 1, "test": {"auroc": 0.9, "auroc_per_label": {"a": 1.0}}}]}""");
        var folds = CvMetrics.Read(cv).Runs;
        Assert.Equal([0.6, 1.0], folds.Select(f => f.PerLabel["auroc"]["a"]));

        File.WriteAllText(path, """{"test": {"auroc": {"a": 1}}}""");
        Assert.Contains("test.auroc", Assert.ThrowsAny<Exception>(() => RunMetrics.Read(path)).Message);
    }

    [Fact]
    public void FeatureFileReadsFloatAndIntegerDtypes()
    {
        using var tmp = new TempDir();
        var path = Path.Combine(tmp.Path, "f.safetensors");
        var half = new[] { (Half)1.5, (Half)(-2.25) }.SelectMany(h => BitConverter.GetBytes(h)).ToArray();
        var bf16 = new[] { 3.0f, -0.5f }.SelectMany(f => BitConverter.GetBytes((ushort)(BitConverter.SingleToInt32Bits(f) >> 16))).ToArray();
        WriteSafeTensors(path, [
            ("a", "F32", [2, 3], F32([1, 2, 3, 4, 5, 6])),
            ("h", "F16", [2], half),
            ("b", "BF16", [2], bf16),
            ("d", "F64", [1], BitConverter.GetBytes(0.125)),
            ("i", "I64", [3], new long[] { -1, 0, 7 }.SelectMany(BitConverter.GetBytes).ToArray()),
            ("u", "U8", [2], [200, 3]),
        ]);
        var t = FeatureFile.Read(path);
        Assert.Equal(new long[] { 2, 3 }, t["a"].Shape);
        Assert.Equal(3, t["a"].Columns);
        Assert.Equal(6.0, t["a"].ToMatrix()[1, 2]);
        Assert.Equal([1.5, -2.25], t["h"].Values);
        Assert.Equal([3.0, -0.5], t["b"].Values);
        Assert.Equal([0.125], t["d"].Values);
        Assert.Equal([-1.0, 0, 7], t["i"].Values);
        Assert.Equal([200.0, 3], t["u"].Values);
        Assert.False(t.ContainsKey("__metadata__"));
    }

    [Fact]
    public void FeatureFileRejectsInconsistentOffsets()
    {
        using var tmp = new TempDir();
        var path = Path.Combine(tmp.Path, "f.safetensors");
        WriteSafeTensors(path, [("a", "F32", [2, 3], F32([1, 2, 3]))]);
        var e = Assert.Throws<InvalidDataException>(() => FeatureFile.Read(path));
        Assert.Contains("tensor 'a' has data offsets that do not match its shape", e.Message);
    }

    [Fact]
    public void ConfigIsFlattenedToDottedKeys()
    {
        using var tmp = new TempDir();
        Config(tmp.Path, "cmap-fusion", 42);
        var c = RunConfig.Read(Path.Combine(tmp.Path, "config.yaml"));
        Assert.Equal("cmap-fusion", c["method.name"]);
        Assert.Equal("16", c["method.vit.patch"]);
        Assert.Equal("1.0e-4", c["training.lr"]);
        Assert.Equal("42", c["seed"]);
        Assert.Equal("nv, mel", c["classes"]);
        Assert.Equal("data/synthetic/spec.yaml", c.Find("spec"));
        Assert.Null(c["resolved"]); // the comment line is not a key
    }

    [Fact]
    public void PredictionsAcceptClassIndicesAndMultiLabelColumns()
    {
        using var tmp = new TempDir();
        var single = Path.Combine(tmp.Path, "p.csv");
        File.WriteAllText(single, "sample_id,label,predicted,prob_a,prob_b\n\"x,1\",1,a,0.6,0.4\ny,0,1,0.3,0.7\n");
        var p = Predictions.Read(single);
        Assert.Equal([1, 0], p.Labels);
        Assert.Equal([0, 1], p.Predicted);
        Assert.Equal(0.7, p.Probabilities[1, 1]);

        var multi = Path.Combine(tmp.Path, "m.csv");
        File.WriteAllText(multi, "sample_id,label_x,prob_x,label_y,prob_y\n1,1,0.9,0,0.2\n2,0,0.1,1,0.8\n");
        var m = Predictions.Read(multi);
        Assert.True(m.MultiLabel);
        Assert.Equal(["x", "y"], m.Classes);
        Assert.Equal(1, m.Targets[1, 1]);
        var pooled = Predictions.Pool([m, m]);
        Assert.Equal(4, pooled.Count);
        Assert.Equal(0.8, pooled.Probabilities[3, 1]);
    }

    [Fact]
    public void SweepPointsAreSortedByValueAndStdIsOptional()
    {
        using var tmp = new TempDir();
        var path = Path.Combine(tmp.Path, "sweep.json");
        File.WriteAllText(path, """{"kind": "gamma", "metric": "f1_macro", "results": {"m": [{"value": 0.3, "metric": 0.8}, {"value": 0.1, "metric": 0.7, "std": 0.02}]}}""");
        var s = Medley.Evaluation.Reporting.Sweep.Read(path);
        Assert.Equal("gamma", s.Kind);
        Assert.Equal("f1_macro", s.Metric);
        Assert.Equal([0.1, 0.3], s.Results[0].Points.Select(p => p.Value));
        Assert.True(double.IsNaN(s.Results[0].Points[1].Std));
    }

    [Fact]
    public void ComparisonAcceptsMethodsAsObjectAndWrittenTests()
    {
        using var tmp = new TempDir();
        var path = Path.Combine(tmp.Path, "comparison.json");
        File.WriteAllText(path, """
            {"methods": {"a": {"summary": {"accuracy": {"mean": 0.9, "std": 0.01, "ci95": [0.88, 0.92]}}},
                         "b": {"summary": {"accuracy": {"mean": 0.7, "std": 0.02, "ci95": [0.67, 0.73]}}, "ttest": {"accuracy": {"t": -9.1, "df": 4, "p": 0.0008}}}}}
            """);
        var c = Comparison.Read(path);
        Assert.Equal("a", c.Reference);
        Assert.Equal(0.0008, c.Methods[1].WrittenTests["accuracy"].P);
        Json(Path.Combine(tmp.Path, "metrics.json"), new { method = "a" });
        var html = RunReport.Build(tmp.Path).Html;
        Assert.Contains("t = -9.10 (4), p = 0.0008 *", html);
        Assert.Contains("0.700 ± 0.020 [0.67, 0.73] *", html);
    }
}
