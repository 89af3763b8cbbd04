using Medley.Evaluation.Metrics;

namespace Medley.Evaluation.Tests;

/// <summary>Documented edge cases and user errors of the metrics (the sklearn comparisons are in MetricsFixtureTests).</summary>
public class MetricsBehaviourTests
{
    [Fact]
    public void AurocIsNaNAndFlaggedWhenOnlyOneClassIsPresent()
    {
        Assert.True(double.IsNaN(BinaryCurves.Auroc([1, 1, 1], [0.2, 0.4, 0.9])));
        Assert.False(BinaryCurves.TryAuroc([0, 0], [0.1, 0.3], out _));
        var summary = Ranking.AurocOneVsRest([0, 0, 2, 2], new double[,] { { .8, .1, .1 }, { .6, .2, .2 }, { .1, .2, .7 }, { .3, .3, .4 } });
        Assert.Equal([1], summary.UndefinedClasses);
        Assert.False(summary.AllDefined);
        Assert.True(double.IsNaN(summary.PerClass[1]));
        Assert.Equal(1.0, summary.Macro, 12);
        Assert.Equal(2, summary.Support[2]);
    }

    [Fact]
    public void RocCurveHandlesTiesAsDiagonalSegments()
    {
        // Two samples tied at 0.5, one positive and one negative: the curve moves diagonally, AUC counts the tie as half.
        var roc = BinaryCurves.Roc([1, 0], [0.5, 0.5]);
        Assert.Equal([0.0, 1.0], roc.FalsePositiveRate);
        Assert.Equal([0.0, 1.0], roc.TruePositiveRate);
        Assert.Equal(0.5, BinaryCurves.Auroc([1, 0], [0.5, 0.5]), 15);
    }

    [Fact]
    public void ConfusionMatrixUsesTheGivenLabelOrder()
    {
        var cm = ConfusionMatrix.Compute([2, 0, 1, 2], [2, 1, 1, 0], [2, 1, 0]);
        Assert.Equal([2, 1, 0], cm.Labels);
        Assert.Equal(1, cm.Counts[0, 0]); // true 2, pred 2
        Assert.Equal(1, cm.Counts[0, 2]); // true 2, pred 0
        Assert.Equal(1, cm.Counts[2, 1]); // true 0, pred 1
        var norm = cm.RowNormalised();
        Assert.Equal(0.5, norm[0, 0]);
        Assert.Equal(4, cm.Total);
    }

    [Fact]
    public void ZeroDivisionGivesZeroNotNaN()
    {
        var prf = PrecisionRecallF1.Compute([0, 0, 1], [0, 0, 0], [0, 1]);
        Assert.Equal(0, prf.Precision[1]);
        Assert.Equal(0, prf.F1[1]);
        Assert.Equal(0.4, prf.AverageF1(Average.Macro), 12);
    }

    [Fact]
    public void KappaIsNaNWhenChanceAgreementIsPerfect() =>
        Assert.True(double.IsNaN(Classification.CohenKappa([1, 1, 1], [1, 1, 1])));

    [Fact]
    public void EceIsZeroForPerfectlyCalibratedConfidentPredictions()
    {
        Assert.Equal(0, Calibration.ExpectedCalibrationError([0, 1, 1], new double[,] { { 1, 0 }, { 0, 1 }, { 0, 1 } }));
        var bins = Calibration.ReliabilityBins([0, 1], new double[,] { { 0.95, 0.05 }, { 0.4, 0.6 } }, bins: 10);
        Assert.Equal(10, bins.Length);
        Assert.Equal(1, bins[9].Count);
        Assert.Equal(1, bins[5].Count);
        Assert.Equal(0.6, bins[5].MeanConfidence, 15);
    }

    [Fact]
    public void BadInputGivesClearArgumentExceptions()
    {
        var e = Assert.Throws<ArgumentException>(() => Classification.Accuracy([0, 1], [0]));
        Assert.Contains("same samples", e.Message);
        Assert.Contains("only 0 and 1", Assert.Throws<ArgumentException>(() => BinaryCurves.Auroc([0, 2], [0.1, 0.2])).Message);
        Assert.Contains("non-finite", Assert.Throws<ArgumentException>(() => BinaryCurves.Auroc([0, 1], [0.1, double.NaN])).Message);
        Assert.Contains("outside 0..1", Assert.Throws<ArgumentException>(() => Calibration.LogLoss([3], new double[,] { { 0.5, 0.5 } })).Message);
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => Classification.Accuracy([], [])).Message);
        Assert.Contains("must match", Assert.Throws<ArgumentException>(() => MultiLabel.HammingLoss(new int[2, 3], new int[2, 2])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Calibration.ReliabilityBins([0], new double[,] { { 1, 0 } }, 0));
    }
}
