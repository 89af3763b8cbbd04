using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Medley.Evaluation.Reporting;

/// <summary>
/// Typed access to one JSON file of a run directory. Every problem becomes an <see cref="InvalidDataException"/>
/// whose message names the file and the key, so a malformed file is easy to find.
/// </summary>
internal sealed class JsonFile
{
    public string Path { get; }
    public JsonObject Root { get; }

    private JsonFile(string path, JsonObject root) { Path = path; Root = root; }

    public static JsonFile Read(string path)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message})", e);
        }
        if (node is not JsonObject obj) throw new InvalidDataException($"{path}: the top level must be a JSON object.");
        return new JsonFile(path, obj);
    }

    public InvalidDataException Error(string what) => new($"{Path}: {what}");

    public JsonObject? Object(JsonObject parent, string key, string where)
    {
        var n = parent[key];
        if (n is null) return null;
        return n as JsonObject ?? throw Error($"'{where}{key}' must be an object.");
    }

    public JsonArray? Array(JsonObject parent, string key, string where)
    {
        var n = parent[key];
        if (n is null) return null;
        return n as JsonArray ?? throw Error($"'{where}{key}' must be an array.");
    }

    public string? String(JsonObject parent, string key, string where)
    {
        var n = parent[key];
        if (n is null) return null;
        if (n is JsonValue v && v.TryGetValue<string>(out var s)) return s;
        throw Error($"'{where}{key}' must be a string.");
    }

    /// <summary>A number; JSON null and the strings "NaN"/"Infinity" read as non-finite values (metrics can be undefined).</summary>
    public double Number(JsonNode? n, string where)
    {
        if (n is null) return double.NaN;
        if (n is JsonValue v)
        {
            if (v.TryGetValue<double>(out var d)) return d;
            if (v.TryGetValue<string>(out var s) &&
                double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)) return parsed;
        }
        throw Error($"'{where}' must be a number (got {n.ToJsonString()}).");
    }

    public double? OptionalNumber(JsonObject parent, string key, string where) =>
        parent.ContainsKey(key) ? Number(parent[key], where + key) : null;

    public int Integer(JsonNode? n, string where)
    {
        var d = Number(n, where);
        if (!double.IsFinite(d) || d != Math.Floor(d)) throw Error($"'{where}' must be an integer (got {n?.ToJsonString() ?? "null"}).");
        return (int)d;
    }

    /// <summary>An object of numbers, e.g. {"accuracy": 0.9, ...}; entries that are not numbers are an error.</summary>
    public Dictionary<string, double> NumberMap(JsonObject? obj, string where)
    {
        var result = new Dictionary<string, double>();
        if (obj is null) return result;
        foreach (var (k, v) in obj) result[k] = Number(v, where + k);
        return result;
    }

    /// <summary>
    /// A test-metrics object: its numbers, plus the per-label objects of multi-label runs ("auroc_per_label":
    /// {label: value}) keyed by metric name without the suffix.
    /// </summary>
    public (Dictionary<string, double> Numbers, Dictionary<string, Dictionary<string, double>> PerLabel) MetricMap(JsonObject? obj, string where)
    {
        var numbers = new Dictionary<string, double>();
        var perLabel = new Dictionary<string, Dictionary<string, double>>();
        if (obj is null) return (numbers, perLabel);
        foreach (var (k, v) in obj)
        {
            if (v is JsonObject labels && k.EndsWith("_per_label", StringComparison.Ordinal))
                perLabel[k[..^"_per_label".Length]] = NumberMap(labels, where + k + ".");
            else numbers[k] = Number(v, where + k);
        }
        return (numbers, perLabel);
    }

    public double[] Numbers(JsonArray? array, string where) =>
        array is null ? [] : array.Select((n, i) => Number(n, $"{where}[{i}]")).ToArray();
}
