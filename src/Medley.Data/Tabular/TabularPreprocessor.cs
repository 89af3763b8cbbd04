using System.Text.Json;

namespace Medley.Data.Tabular;

/// <summary>Fitted statistics of one numeric column (all from training rows).</summary>
public sealed record NumericStats(string Column, double Mean, double Std, double Median, double Min, double Max, int Count);

/// <summary>Fitted levels of one categorical column; the one-hot code adds a final "unknown" level for unseen values.</summary>
public sealed record CategoricalLevels(string Column, IReadOnlyList<string> Levels);

/// <summary>
/// Tabular preprocessing, fitted on training rows only: values beyond <c>OutlierSigma</c> standard deviations from the
/// training mean become missing; missing values take the training median; numbers are min–max scaled with the
/// training range; categoricals are one-hot over the training levels plus "unknown". Optionally one missing-indicator
/// feature per column. Serializes to JSON so it is saved with a model.
/// </summary>
public sealed record TabularPreprocessor(
    IReadOnlyList<NumericStats> Numeric,
    IReadOnlyList<CategoricalLevels> Categorical,
    double? OutlierSigma,
    bool MinMaxScale,
    bool MissingIndicator)
{
    public const string UnknownLevel = "unknown";

    /// <summary>Fits from raw training values: numeric[c] holds column c's valid values (missing/invalid already removed).</summary>
    public static TabularPreprocessor Fit(IReadOnlyList<string> numericColumns, IReadOnlyList<List<double>> numeric,
        IReadOnlyList<string> categoricalColumns, IReadOnlyList<List<string>> categorical,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? declaredLevels, double? outlierSigma, bool minMaxScale, bool missingIndicator)
    {
        var stats = new List<NumericStats>();
        for (var c = 0; c < numericColumns.Count; c++)
        {
            var values = numeric[c];
            var (mean, std) = MeanStd(values);
            // Outliers are removed before the median and range are taken, so one wild value cannot stretch the scale.
            var kept = outlierSigma is { } s && std > 0 ? values.Where(v => Math.Abs(v - mean) <= s * std).ToList() : values.ToList();
            kept.Sort();
            var median = kept.Count == 0 ? 0 : kept.Count % 2 == 1 ? kept[kept.Count / 2] : 0.5 * (kept[kept.Count / 2 - 1] + kept[kept.Count / 2]);
            stats.Add(new NumericStats(numericColumns[c], mean, std, median,
                kept.Count == 0 ? 0 : kept[0], kept.Count == 0 ? 0 : kept[^1], values.Count));
        }
        var levels = new List<CategoricalLevels>();
        for (var c = 0; c < categoricalColumns.Count; c++)
        {
            var col = categoricalColumns[c];
            var list = declaredLevels != null && declaredLevels.TryGetValue(col, out var declared)
                ? declared.ToList()
                : categorical[c].Where(v => v.Length > 0).Distinct().OrderBy(v => v, StringComparer.Ordinal).ToList();
            levels.Add(new CategoricalLevels(col, list));
        }
        return new TabularPreprocessor(stats, levels, outlierSigma, minMaxScale, missingIndicator);
    }

    private static (double Mean, double Std) MeanStd(List<double> values)
    {
        if (values.Count == 0) return (0, 0);
        var mean = values.Average();
        var variance = values.Sum(v => (v - mean) * (v - mean)) / values.Count;
        return (mean, Math.Sqrt(variance));
    }

    /// <summary>Number of output features.</summary>
    public int FeatureCount =>
        Numeric.Count * (MissingIndicator ? 2 : 1) + Categorical.Sum(c => c.Levels.Count + 1) + (MissingIndicator ? Categorical.Count : 0);

    /// <summary>Names of the output features, in order.</summary>
    public IReadOnlyList<string> FeatureNames()
    {
        var names = Numeric.Select(n => n.Column).ToList();
        if (MissingIndicator) names.AddRange(Numeric.Select(n => n.Column + ":missing"));
        foreach (var c in Categorical)
        {
            names.AddRange(c.Levels.Select(l => $"{c.Column}={l}"));
            names.Add($"{c.Column}={UnknownLevel}");
        }
        if (MissingIndicator) names.AddRange(Categorical.Select(c => c.Column + ":missing"));
        return names;
    }

    /// <summary>Transforms one row: numeric values (NaN = missing) and categorical cells ("" = missing).</summary>
    public float[] Apply(IReadOnlyList<double> numeric, IReadOnlyList<string> categorical)
    {
        var features = new float[FeatureCount];
        var k = 0;
        var missing = new bool[Numeric.Count];
        for (var c = 0; c < Numeric.Count; c++)
        {
            var s = Numeric[c];
            var v = numeric[c];
            if (!double.IsNaN(v) && OutlierSigma is { } sigma && s.Std > 0 && Math.Abs(v - s.Mean) > sigma * s.Std) v = double.NaN;
            missing[c] = double.IsNaN(v);
            if (missing[c]) v = s.Median;
            if (MinMaxScale) v = s.Max > s.Min ? (v - s.Min) / (s.Max - s.Min) : 0;
            features[k++] = (float)v;
        }
        if (MissingIndicator)
            foreach (var m in missing) features[k++] = m ? 1 : 0;
        for (var c = 0; c < Categorical.Count; c++)
        {
            var cell = categorical[c];
            var levels = Categorical[c].Levels;
            if (cell.Length > 0)
            {
                var i = IndexOf(levels, cell);
                features[k + (i >= 0 ? i : levels.Count)] = 1;
            }
            k += levels.Count + 1;
        }
        if (MissingIndicator)
            foreach (var cell in categorical) features[k++] = cell.Length == 0 ? 1 : 0;
        return features;
    }

    private static int IndexOf(IReadOnlyList<string> levels, string value)
    {
        for (var i = 0; i < levels.Count; i++) if (levels[i] == value) return i;
        return -1;
    }

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static TabularPreprocessor FromJson(string json) =>
        JsonSerializer.Deserialize<TabularPreprocessor>(json, Json) ?? throw new InvalidDataException("empty tabular preprocessing state");
}
