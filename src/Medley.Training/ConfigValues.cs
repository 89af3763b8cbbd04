using System.Reflection;
using Medley.Models.Methods;

namespace Medley.Training;

/// <summary>Reads a bound config record back into snake_case key → value pairs (for the resolved config.yaml).</summary>
public static class ConfigValues
{
    public static Dictionary<string, object?> Of(object record)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var p in record.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
            if (p.CanWrite && p.Name != "EqualityContract") values[ConfigBinder.SnakeCase(p.Name)] = p.GetValue(record);
        return values;
    }

    /// <summary>The model's bound config record when it exposes one as a public `Config` property.</summary>
    public static Dictionary<string, object?>? OfModel(object model) =>
        model.GetType().GetProperty("Config", BindingFlags.Public | BindingFlags.Instance)?.GetValue(model) is { } config ? Of(config) : null;
}
