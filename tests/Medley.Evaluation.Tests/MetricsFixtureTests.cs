using System.Text.Json;
using Medley.Evaluation.Metrics;

namespace Medley.Evaluation.Tests;

/// <summary>Every metric against scikit-learn 1.2 on the committed prediction sets (fixtures/metrics.json), at 1e-9.</summary>
public class MetricsFixtureTests
{
    private static readonly JsonElement[] Cases = JsonFixture.Load("metrics").EnumerateArray().ToArray();

    public static TheoryData<string> Names(string kind)
    {
        var data = new TheoryData<string>();
        foreach (var c in Cases.Where(c => c.GetProperty("kind").GetString() == kind)) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    public static TheoryData<string> BinaryNames => Names("binary");
    public static TheoryData<string> MulticlassNames => Names("multiclass");
    public static TheoryData<string> MultilabelNames => Names("multilabel");

    private static JsonElement Case(string name) => Cases.Single(c => c.GetProperty("name").GetString() == name);

    private static void CheckPrf(JsonElement e, PrecisionRecallF1 prf)
    {
        Near.Equal(e.GetProperty("precision").Doubles(), prf.Precision, "precision");
        Near.Equal(e.GetProperty("recall").Doubles(), prf.Recall, "recall");
        Near.Equal(e.GetProperty("f1").Doubles(), prf.F1, "f1");
        Assert.Equal(e.GetProperty("support").Doubles().Select(v => (long)v), prf.Support);
        foreach (var (avg, key) in new[] { (Average.Macro, "macro"), (Average.Micro, "micro"), (Average.Weighted, "weighted") })
        {
            Near.Equal(e.GetProperty("precision_" + key).D(), prf.AveragePrecision(avg), "precision_" + key);
            Near.Equal(e.GetProperty("recall_" + key).D(), prf.AverageRecall(avg), "recall_" + key);
            Near.Equal(e.GetProperty("f1_" + key).D(), prf.AverageF1(avg), "f1_" + key);
        }
    }

    private static void CheckLabelMetrics(JsonElement e, int[] y, int[] p)
    {
        Near.Equal(e.GetProperty("accuracy").D(), Classification.Accuracy(y, p), "accuracy");
        Near.Equal(e.GetProperty("balanced_accuracy").D(), Classification.BalancedAccuracy(y, p), "balanced_accuracy");
        Near.Equal(e.GetProperty("kappa").D(), Classification.CohenKappa(y, p), "kappa");
        Near.Equal(e.GetProperty("kappa_linear").D(), Classification.CohenKappa(y, p, KappaWeighting.Linear), "kappa_linear");
        Near.Equal(e.GetProperty("kappa_quadratic").D(), Classification.CohenKappa(y, p, KappaWeighting.Quadratic), "kappa_quadratic");
    }

    private static void CheckRanking(JsonElement e, RankingSummary auroc, RankingSummary ap)
    {
        Near.Equal(e.GetProperty("auroc_per_class").Doubles(), auroc.PerClass, "auroc_per_class");
        Near.Equal(e.GetProperty("auroc_macro").D(), auroc.Macro, "auroc_macro");
        Near.Equal(e.GetProperty("auroc_weighted").D(), auroc.Weighted, "auroc_weighted");
        Near.Equal(e.GetProperty("auroc_micro").D(), auroc.Micro, "auroc_micro");
        Assert.Equal(e.GetProperty("undefined").Ints(), auroc.UndefinedClasses);
        Near.Equal(e.GetProperty("ap_per_class").Doubles(), ap.PerClass, "ap_per_class");
        Near.Equal(e.GetProperty("ap_macro").D(), ap.Macro, "ap_macro");
        Near.Equal(e.GetProperty("ap_weighted").D(), ap.Weighted, "ap_weighted");
        Near.Equal(e.GetProperty("ap_micro").D(), ap.Micro, "ap_micro");
    }

    [Theory]
    [MemberData(nameof(BinaryNames))]
    public void BinaryMetricsMatchSklearn(string name)
    {
        var c = Case(name);
        var e = c.GetProperty("expected");
        var y = c.GetProperty("y_true").Ints();
        var s = c.GetProperty("scores").Doubles();
        var p = Classification.Threshold(s);
        Assert.Equal(c.GetProperty("y_pred").Ints(), p);

        CheckLabelMetrics(e, y, p);
        CheckPrf(e, PrecisionRecallF1.Compute(y, p, [0, 1]));
        var cm = ConfusionMatrix.Compute(y, p, [0, 1]);
        var expectedCm = e.GetProperty("confusion").IntMatrix();
        for (var i = 0; i < 2; i++)
            for (var j = 0; j < 2; j++) Assert.Equal(expectedCm[i, j], cm.Counts[i, j]);

        var roc = BinaryCurves.Roc(y, s);
        Near.Equal(e.GetProperty("roc_fpr").Doubles(), roc.FalsePositiveRate, "roc_fpr");
        Near.Equal(e.GetProperty("roc_tpr").Doubles(), roc.TruePositiveRate, "roc_tpr");
        Assert.Equal(double.PositiveInfinity, roc.Thresholds[0]);
        Near.Equal(e.GetProperty("roc_thresholds_after_first").Doubles(), roc.Thresholds[1..], "roc_thresholds");
        Near.Equal(e.GetProperty("auroc").D(), BinaryCurves.Auroc(y, s), "auroc");

        var pr = BinaryCurves.PrecisionRecall(y, s);
        Near.Equal(e.GetProperty("pr_precision").Doubles(), pr.Precision, "pr_precision");
        Near.Equal(e.GetProperty("pr_recall").Doubles(), pr.Recall, "pr_recall");
        Near.Equal(e.GetProperty("pr_thresholds").Doubles(), pr.Thresholds, "pr_thresholds");
        Near.Equal(e.GetProperty("ap").D(), BinaryCurves.AveragePrecision(y, s), "ap");

        Near.Equal(e.GetProperty("brier").D(), Calibration.BrierScore(y, s), "brier");
        Near.Equal(e.GetProperty("log_loss").D(), Calibration.LogLoss(y, s), "log_loss");
        Near.Equal(e.GetProperty("ece").D(), Calibration.ExpectedCalibrationError(y, s), "ece");

        foreach (var (crit, key) in new[] { (ThresholdCriterion.F1, "tuned_f1"), (ThresholdCriterion.YoudenJ, "tuned_youden") })
        {
            var t = ThresholdTuning.Tune(y, s, crit);
            var exp = e.GetProperty(key).Doubles();
            Near.Equal(exp[0], t.Threshold, key + ".threshold");
            Near.Equal(exp[1], t.Value, key + ".value");
        }
    }

    [Theory]
    [MemberData(nameof(MulticlassNames))]
    public void MulticlassMetricsMatchSklearn(string name)
    {
        var c = Case(name);
        var e = c.GetProperty("expected");
        var k = c.GetProperty("classes").GetInt32();
        var y = c.GetProperty("y_true").Ints();
        var probs = c.GetProperty("probs").DoubleMatrix();
        var p = Classification.ArgMax(probs);
        Assert.Equal(c.GetProperty("y_pred").Ints(), p);

        CheckLabelMetrics(e, y, p);
        var prf = PrecisionRecallF1.Compute(y, p);
        Assert.Equal(e.GetProperty("prf_labels").Ints(), prf.Labels);
        CheckPrf(e, prf);
        var cm = ConfusionMatrix.Compute(y, p, Enumerable.Range(0, k).ToArray());
        var expectedCm = e.GetProperty("confusion").IntMatrix();
        for (var i = 0; i < k; i++)
            for (var j = 0; j < k; j++) Assert.Equal(expectedCm[i, j], cm.Counts[i, j]);

        CheckRanking(e, Ranking.AurocOneVsRest(y, probs), Ranking.AveragePrecisionOneVsRest(y, probs));
        Near.Equal(e.GetProperty("log_loss").D(), Calibration.LogLoss(y, probs), "log_loss");
        Near.Equal(e.GetProperty("brier").D(), Calibration.BrierScore(y, probs), "brier");
        Near.Equal(e.GetProperty("ece").D(), Calibration.ExpectedCalibrationError(y, probs), "ece");
    }

    [Theory]
    [MemberData(nameof(MultilabelNames))]
    public void MultilabelMetricsMatchSklearn(string name)
    {
        var c = Case(name);
        var e = c.GetProperty("expected");
        var y = c.GetProperty("y_true").IntMatrix();
        var s = c.GetProperty("scores").DoubleMatrix();
        var labels = y.GetLength(1);
        var p = MultiLabel.Predict(s, Enumerable.Repeat(0.5, labels).ToArray());
        var expectedP = c.GetProperty("y_pred").IntMatrix();
        Assert.Equal(expectedP.Cast<int>(), p.Cast<int>());

        Near.Equal(e.GetProperty("hamming").D(), MultiLabel.HammingLoss(y, p), "hamming");
        Near.Equal(e.GetProperty("subset_accuracy").D(), MultiLabel.SubsetAccuracy(y, p), "subset_accuracy");
        CheckPrf(e, PrecisionRecallF1.ComputeMultiLabel(y, p));
        Near.Equal(e.GetProperty("f1_micro").D(), MultiLabel.F1(y, p, Average.Micro), "MultiLabel.F1 micro");
        CheckRanking(e, Ranking.AurocMultiLabel(y, s), Ranking.AveragePrecisionMultiLabel(y, s));

        foreach (var (crit, key) in new[] { (ThresholdCriterion.F1, "tuned_f1"), (ThresholdCriterion.YoudenJ, "tuned_youden") })
        {
            var tuned = ThresholdTuning.TunePerLabel(y, s, crit);
            var exp = e.GetProperty(key).EnumerateArray().Select(x => x.Doubles()).ToArray();
            for (var j = 0; j < labels; j++)
            {
                Near.Equal(exp[j][0], tuned[j].Threshold, $"{key}[{j}].threshold");
                Near.Equal(exp[j][1], tuned[j].Value, $"{key}[{j}].value");
            }
        }
    }
}
