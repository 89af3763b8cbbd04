using Medley.Data.Spec;
using Medley.Evaluation.Metrics;

namespace Medley.Training;

/// <summary>
/// The scalar metrics of a prediction set (binary/multiclass: accuracy, balanced_accuracy, f1_macro, auroc, kappa,
/// ece; multilabel: auroc_macro, auroc_micro, f1_macro, f1_micro, hamming_loss, subset_accuracy) plus "loss".
/// Used per epoch on validation (early stopping) and for the test metrics. A metric that is undefined on this data
/// (e.g. AUROC with one class present) is left out, never faked.
/// </summary>
public static class ValidationMetrics
{
    public static readonly IReadOnlyList<string> Names = new[]
    {
        "loss", "accuracy", "balanced_accuracy", "f1_macro", "auroc", "kappa", "ece",
        "auroc_macro", "auroc_micro", "f1_micro", "hamming_loss", "subset_accuracy",
    };

    public static bool IsKnown(string name) => Names.Contains(name);

    /// <summary>Whether a larger value is better (loss, ECE and Hamming loss: smaller is better).</summary>
    public static bool HigherIsBetter(string name) => name is not ("loss" or "ece" or "hamming_loss");

    public static Dictionary<string, double> Compute(Predictions p, int calibrationBins = 15)
    {
        var m = new Dictionary<string, double> { ["loss"] = p.Loss };
        if (p.Count == 0) return m;
        if (p.Task == TaskKind.Multilabel)
        {
            var scores = p.Probabilities;
            var yTrue = p.LabelMatrix!;
            var predicted = MultiLabel.Predict(scores, Enumerable.Repeat(0.5, scores.GetLength(1)).ToArray());
            m["f1_macro"] = MultiLabel.F1(yTrue, predicted, Average.Macro);
            m["f1_micro"] = MultiLabel.F1(yTrue, predicted, Average.Micro);
            m["hamming_loss"] = MultiLabel.HammingLoss(yTrue, predicted);
            m["subset_accuracy"] = MultiLabel.SubsetAccuracy(yTrue, predicted);
            var auroc = Ranking.AurocMultiLabel(yTrue, scores);
            if (!double.IsNaN(auroc.Macro)) m["auroc_macro"] = m["auroc"] = auroc.Macro;
            if (!double.IsNaN(auroc.Micro)) m["auroc_micro"] = auroc.Micro;
            return m;
        }
        var y = p.Labels;
        var pred = p.Predicted();
        var labels = Enumerable.Range(0, p.Classes.Count).ToArray();
        m["accuracy"] = Classification.Accuracy(y, pred);
        m["balanced_accuracy"] = Classification.BalancedAccuracy(y, pred);
        m["f1_macro"] = Classification.F1(y, pred, Average.Macro, labels);
        m["kappa"] = Classification.CohenKappa(y, pred, KappaWeighting.None, labels);
        m["ece"] = Calibration.ExpectedCalibrationError(y, p.Probabilities, calibrationBins);
        if (Auroc(p) is { } a) m["auroc"] = a;
        foreach (var key in m.Keys.ToList()) if (double.IsNaN(m[key])) m.Remove(key);
        return m;
    }

    /// <summary>Binary AUROC, or the macro one-vs-rest AUROC over the classes present; null when undefined.</summary>
    public static double? Auroc(Predictions p)
    {
        var distinct = p.Labels.Distinct().Count();
        if (distinct < 2) return null;
        if (p.Classes.Count == 2) return Ranking.AurocBinary(p.Labels, p.Probabilities);
        var summary = Ranking.AurocOneVsRest(p.Labels, p.Probabilities);
        return double.IsNaN(summary.Macro) ? null : summary.Macro;
    }
}
