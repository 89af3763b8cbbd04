using System.Globalization;

namespace Medley.Data.Tabular;

/// <summary>Parses a numeric manifest cell: empty = missing, NaN/Inf/unparseable = invalid (with the reason).</summary>
public static class NumericParser
{
    public enum Outcome { Value, Missing, Invalid }

    public static Outcome Parse(string cell, out double value, out string? reason)
    {
        value = double.NaN;
        reason = null;
        if (cell.Length == 0) return Outcome.Missing;
        if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
        {
            reason = $"'{cell}' is not a number";
            return Outcome.Invalid;
        }
        if (double.IsNaN(v)) { reason = "NaN is not a valid value"; return Outcome.Invalid; }
        if (double.IsInfinity(v)) { reason = $"{cell} (infinite) is not a valid value"; return Outcome.Invalid; }
        value = v;
        return Outcome.Value;
    }
}
