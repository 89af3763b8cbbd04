using System.Globalization;
using System.Reflection;
using System.Text;

namespace Medley.Models.Methods;

/// <summary>
/// Builds a method's config record from a key → value dictionary (YAML/CLI values as strings, or typed values).
/// Keys are the record's property names in snake_case. Unknown keys and unparsable values are
/// ArgumentExceptions that name the key, the method and what was expected.
/// </summary>
public static class ConfigBinder
{
    /// <summary>The keys a config record accepts, in declaration order.</summary>
    public static IReadOnlyList<string> Keys<T>() => Settable(typeof(T)).Select(p => SnakeCase(p.Name)).ToList();

    public static T Bind<T>(IReadOnlyDictionary<string, object?>? values, string method) where T : new()
    {
        var config = new T();
        if (values == null) return config;
        var byKey = Settable(typeof(T)).ToDictionary(p => SnakeCase(p.Name));
        foreach (var (key, value) in values)
        {
            if (!byKey.TryGetValue(key, out var property))
            {
                var near = byKey.Keys.OrderBy(k => Distance(k, key)).First();
                throw new ArgumentException(
                    $"{method}: unknown config key '{key}'{(Distance(near, key) <= 3 ? $" (did you mean '{near}'?)" : "")}. Valid keys: {string.Join(", ", byKey.Keys)}.");
            }
            property.SetValue(config, Convert(value, property.PropertyType, key, method));
        }
        return config;
    }

    private static IEnumerable<PropertyInfo> Settable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.Name != "EqualityContract");

    public static string SnakeCase(string name)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0) sb.Append('_');
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }

    private static object? Convert(object? value, Type type, string key, string method)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (value == null || (value is string s0 && (s0 == "null" || s0 == "~")))
        {
            if (underlying != null || !type.IsValueType) return null;
            throw new ArgumentException($"{method}: '{key}' cannot be null (expected {Describe(type)}).");
        }
        var target = underlying ?? type;
        try
        {
            if (target == typeof(string)) return value.ToString();
            if (target == typeof(string[]))
            {
                // A list of names: "[a, b]", "a,b", or a parsed list.
                IEnumerable<object?> names = value switch
                {
                    string text => text.Trim().TrimStart('[').TrimEnd(']').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                    System.Collections.IEnumerable list => list.Cast<object?>(),
                    _ => throw new FormatException(),
                };
                return names.Select(n => n?.ToString() ?? throw new FormatException()).ToArray();
            }
            if (target == typeof(int[]) || target == typeof(double[]))
            {
                var element = target == typeof(int[]) ? typeof(int) : typeof(double);
                IEnumerable<object?> items = value switch
                {
                    string text => text.Trim().TrimStart('[').TrimEnd(']').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                    System.Collections.IEnumerable list => list.Cast<object?>(),
                    _ => throw new FormatException(),
                };
                var converted = items.Select(v => Convert(v, element, key, method)!).ToList();
                return element == typeof(int) ? converted.Cast<int>().ToArray() : converted.Cast<double>().ToArray();
            }
            if (value is string text2)
            {
                if (target == typeof(int)) return int.Parse(text2, NumberStyles.Integer, CultureInfo.InvariantCulture);
                if (target == typeof(double)) return double.Parse(text2, NumberStyles.Float, CultureInfo.InvariantCulture);
                if (target == typeof(bool))
                    return text2.ToLowerInvariant() switch { "true" or "yes" or "on" or "1" => true, "false" or "no" or "off" or "0" => false, _ => throw new FormatException() };
            }
            if (target == typeof(bool) && value is not bool) throw new FormatException();
            if (target == typeof(int) && value is double dv && dv != Math.Floor(dv)) throw new FormatException();
            return System.Convert.ChangeType(value, target, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException)
        {
            throw new ArgumentException($"{method}: '{key}' must be {Describe(type)}, got '{value}'.");
        }
    }

    private static string Describe(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t == typeof(int) ? "an integer" : t == typeof(double) ? "a number" : t == typeof(bool) ? "true or false"
            : t == typeof(string[]) ? "a list of names like [image, vitals]" : t == typeof(int[]) ? "a list of integers like [32, 64, 128]" : t == typeof(double[]) ? "a list of numbers like [0.1, 0.2]" : "a string";
    }

    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
        return d[a.Length, b.Length];
    }
}
