using System.Globalization;
using Medley.Data.Spec;

namespace Medley.Data.Readers;

/// <summary>Numeric list options of image and volume modalities (e.g. `crop: [32, 64, 64]`), checked with clear messages.</summary>
internal static class OptionLists
{
    /// <summary>A list of exactly <paramref name="count"/> numbers, or null when the key is absent.</summary>
    public static double[]? Numbers(SpecOptions o, string key, int count)
    {
        if (!o.Has(key)) return null;
        var items = o.StringList(key);
        if (items.Count != count) throw o.Error(key, $"'{key}' needs {count} numbers, got {items.Count}");
        return items.Select(s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v : throw o.Error(key, $"'{key}': '{s}' is not a number")).ToArray();
    }

    /// <summary>A list of <paramref name="count"/> positive integers, or null when the key is absent.</summary>
    public static int[]? PositiveInts(SpecOptions o, string key, int count)
    {
        var numbers = Numbers(o, key, count);
        if (numbers == null) return null;
        foreach (var n in numbers)
            if (n < 1 || n != Math.Floor(n)) throw o.Error(key, $"'{key}' needs positive whole numbers, got {n.ToString(CultureInfo.InvariantCulture)}");
        return numbers.Select(n => (int)n).ToArray();
    }

    /// <summary>The absolute file of a row's cell (relative to the modality root), or null for an empty cell.</summary>
    public static string? FileOf(ModalityContext context, SampleRow row, string column) =>
        row.Cell(column) is { Length: > 0 } cell ? context.Dataset.Resolve(cell, context.Root) : null;
}
