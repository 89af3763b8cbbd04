using System.Globalization;
using Medley.Data.Problems;

namespace Medley.Data.Spec;

/// <summary>
/// Options of one spec section (a modality's keys besides name/kind), as plain values: a string (scalar),
/// a list of values (sequence) or a nested <see cref="SpecOptions"/> (mapping). Typed getters raise a
/// <see cref="DataException"/> naming the spec file, line and key when a value has the wrong type.
/// </summary>
public sealed class SpecOptions
{
    private readonly Dictionary<string, (object Value, int Line)> _values;

    public string SpecPath { get; }
    /// <summary>Where this section is (for messages), e.g. "modality 'labs'".</summary>
    public string Context { get; }
    public int Line { get; }

    internal SpecOptions(string specPath, string context, int line, Dictionary<string, (object Value, int Line)> values)
    {
        SpecPath = specPath;
        Context = context;
        Line = line;
        _values = values;
    }

    public static SpecOptions Empty(string specPath, string context) => new(specPath, context, 0, new());

    public IEnumerable<string> Keys => _values.Keys;
    public bool Has(string key) => _values.ContainsKey(key);
    public int LineOf(string key) => _values.TryGetValue(key, out var v) ? v.Line : Line;
    public object? Raw(string key) => _values.TryGetValue(key, out var v) ? v.Value : null;

    public DataException Error(string key, string message) =>
        new(DataProblem.Error(SpecPath, LineOf(key), key, $"{Context}: {message}"));

    public string? String(string key)
    {
        if (!_values.TryGetValue(key, out var v)) return null;
        return v.Value as string ?? throw Error(key, $"'{key}' must be a single value, not a list or mapping");
    }

    public string RequiredString(string key) =>
        String(key) is { Length: > 0 } s ? s : throw Error(key, $"'{key}' is required");

    public IReadOnlyList<string> StringList(string key)
    {
        if (!_values.TryGetValue(key, out var v)) return Array.Empty<string>();
        if (v.Value is string s) return new[] { s };
        if (v.Value is List<object> list && list.All(x => x is string)) return list.Cast<string>().ToList();
        throw Error(key, $"'{key}' must be a list of names");
    }

    public int Int(string key, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        var s = String(key);
        if (s == null) return fallback;
        if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i))
            throw Error(key, $"'{key}' must be an integer, not '{s}'");
        if (i < min || i > max) throw Error(key, $"'{key}' must be between {min} and {max}, not {i}");
        return i;
    }

    public double? Double(string key)
    {
        var s = String(key);
        if (s == null || s is "null" or "~" or "none") return null;
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !double.IsFinite(d))
            throw Error(key, $"'{key}' must be a number, not '{s}'");
        return d;
    }

    public bool Bool(string key, bool fallback)
    {
        var s = String(key);
        if (s == null) return fallback;
        return s.ToLowerInvariant() switch
        {
            "true" or "yes" or "on" => true,
            "false" or "no" or "off" => false,
            _ => throw Error(key, $"'{key}' must be true or false, not '{s}'"),
        };
    }

    /// <summary>A value that must be one of <paramref name="allowed"/> (case-insensitive); returns it lower-cased.</summary>
    public string Choice(string key, string fallback, params string[] allowed)
    {
        var s = String(key);
        if (s == null) return fallback;
        var hit = allowed.FirstOrDefault(a => string.Equals(a, s, StringComparison.OrdinalIgnoreCase));
        return hit ?? throw Error(key, $"'{key}' is '{s}'; valid values: {string.Join(", ", allowed)}");
    }

    public SpecOptions? Section(string key)
    {
        if (!_values.TryGetValue(key, out var v)) return null;
        return v.Value as SpecOptions ?? throw Error(key, $"'{key}' must be a mapping (key: value lines)");
    }
}
