using System.Globalization;

namespace Medley.Evaluation.Reporting;

/// <summary>Display names and ordering of metric keys (accuracy → "Accuracy", kappa → "κ").</summary>
internal static class MetricNames
{
    private static readonly (string Key, string Label)[] Known =
    [
        ("accuracy", "Accuracy"), ("balanced_accuracy", "Balanced acc."), ("f1_macro", "Macro F1"), ("f1", "F1"),
        ("auroc", "AUROC"), ("auprc", "AUPRC"), ("kappa", "κ"), ("ece", "ECE"), ("brier", "Brier"), ("loss", "Loss"),
        ("sparsity", "Sparsity"), ("cross_modal_cosine", "Cross-modal cos"),
    ];

    public static string Label(string key) =>
        Known.FirstOrDefault(k => k.Key == key).Label ?? CultureInfo.InvariantCulture.TextInfo.ToTitleCase(key.Replace('_', ' '));

    /// <summary>Known metrics in their usual order, then the others alphabetically.</summary>
    public static List<string> Order(IEnumerable<string> keys)
    {
        var set = keys.Distinct().ToList();
        var known = Known.Select(k => k.Key).Where(set.Contains).ToList();
        return known.Concat(set.Except(known).OrderBy(k => k, StringComparer.Ordinal)).ToList();
    }

    /// <summary>The metric plotted when only one can be: accuracy if present, else the first in order.</summary>
    public static string? Main(IEnumerable<string> keys) => Order(keys).FirstOrDefault();

    public static string F(double v, int digits = 3) =>
        double.IsNaN(v) ? "–" : v.ToString("F" + digits, CultureInfo.InvariantCulture);

    public static string Format(MetricSummary s, int digits = 3)
    {
        if (double.IsNaN(s.Std)) return F(s.Mean, digits);
        var ci = double.IsNaN(s.CiLow) ? "" : $" [{F(s.CiLow, digits - 1)}, {F(s.CiHigh, digits - 1)}]";
        return $"{F(s.Mean, digits)} ± {F(s.Std, digits)}{ci}";
    }
}
