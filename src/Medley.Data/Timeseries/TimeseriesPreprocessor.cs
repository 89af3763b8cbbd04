using System.Text.Json;
using Medley.Data.Tabular;

namespace Medley.Data.Timeseries;

/// <summary>
/// Per-variable statistics fitted on the training samples' observations only: 3σ outlier removal, the median used
/// for variables a sample never measured, and the min–max range used for scaling. Serializes to JSON.
/// </summary>
public sealed record TimeseriesPreprocessor(IReadOnlyList<NumericStats> Variables, double? OutlierSigma, bool MinMaxScale)
{
    public static TimeseriesPreprocessor Fit(IReadOnlyList<string> variables, IReadOnlyList<List<double>> values, double? sigma, bool scale)
    {
        // Reuses the tabular fit: the same statistics, one "column" per variable.
        var tab = TabularPreprocessor.Fit(variables, values, Array.Empty<string>(), Array.Empty<List<string>>(), null, sigma, scale, false);
        return new TimeseriesPreprocessor(tab.Numeric, sigma, scale);
    }

    public bool IsOutlier(int variable, double value) =>
        OutlierSigma is { } s && Variables[variable].Std > 0 && Math.Abs(value - Variables[variable].Mean) > s * Variables[variable].Std;

    public double Scale(int variable, double value)
    {
        var v = Variables[variable];
        if (!MinMaxScale) return value;
        return v.Max > v.Min ? (value - v.Min) / (v.Max - v.Min) : 0;
    }

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };
    public string ToJson() => JsonSerializer.Serialize(this, Json);
    public static TimeseriesPreprocessor FromJson(string json) =>
        JsonSerializer.Deserialize<TimeseriesPreprocessor>(json, Json) ?? throw new InvalidDataException("empty time-series preprocessing state");
}
