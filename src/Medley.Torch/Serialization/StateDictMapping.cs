using System.Text.RegularExpressions;

namespace Medley.Torch.Serialization;

/// <summary>
/// Composable renaming and conversion rules for importing foreign checkpoints (other frameworks, wrapped models,
/// renamed layers). Name rules run in the order added, each on the previous rule's result; a rule may drop an entry.
/// Conversions (e.g. reshaping or transposing a weight) run afterwards on the final names.
/// <code>
/// var map = new StateDictMapping().StripPrefix("module.").Replace(@"^backbone\.", "encoder.").Drop(@"\.num_batches_tracked$");
/// var weights = map.Load("checkpoint.safetensors");
/// </code>
/// </summary>
public sealed class StateDictMapping
{
    private readonly List<Func<string, string?>> _nameRules = new();
    private readonly List<(Regex Pattern, Func<string, Tensor, Tensor> Convert)> _conversions = new();

    /// <summary>Removes <paramref name="prefix"/> from names that start with it (others pass unchanged).</summary>
    public StateDictMapping StripPrefix(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        return Rule(n => n.StartsWith(prefix, StringComparison.Ordinal) ? n.Substring(prefix.Length) : n);
    }

    /// <summary>Prepends <paramref name="prefix"/> to every name.</summary>
    public StateDictMapping AddPrefix(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        return Rule(n => prefix + n);
    }

    /// <summary>Regex replacement on every name (.NET syntax: $1 for groups).</summary>
    public StateDictMapping Replace(string pattern, string replacement)
    {
        var regex = Compile(pattern);
        ArgumentNullException.ThrowIfNull(replacement);
        return Rule(n => regex.Replace(n, replacement));
    }

    /// <summary>Exact renames; names not in the dictionary pass unchanged.</summary>
    public StateDictMapping Rename(IReadOnlyDictionary<string, string> renames)
    {
        ArgumentNullException.ThrowIfNull(renames);
        var copy = renames.ToDictionary(kv => kv.Key, kv => kv.Value);
        return Rule(n => copy.TryGetValue(n, out var to) ? to : n);
    }

    /// <summary>Drops entries whose (current) name matches the regex.</summary>
    public StateDictMapping Drop(string pattern)
    {
        var regex = Compile(pattern);
        return Rule(n => regex.IsMatch(n) ? null : n);
    }

    /// <summary>Keeps only entries whose (current) name matches the regex.</summary>
    public StateDictMapping KeepOnly(string pattern)
    {
        var regex = Compile(pattern);
        return Rule(n => regex.IsMatch(n) ? n : null);
    }

    /// <summary>A custom name rule: return the new name, or null to drop the entry.</summary>
    public StateDictMapping Rule(Func<string, string?> rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        _nameRules.Add(rule);
        return this;
    }

    /// <summary>
    /// Converts tensors whose final name matches the regex (e.g. <c>t => t.Reshape(...)</c>). The function gets the
    /// final name and the tensor and returns a new tensor; the original is disposed by <see cref="Load"/>.
    /// </summary>
    public StateDictMapping Convert(string pattern, Func<string, Tensor, Tensor> convert)
    {
        ArgumentNullException.ThrowIfNull(convert);
        _conversions.Add((Compile(pattern), convert));
        return this;
    }

    public StateDictMapping Convert(string pattern, Func<Tensor, Tensor> convert)
    {
        ArgumentNullException.ThrowIfNull(convert);
        return Convert(pattern, (_, t) => convert(t));
    }

    /// <summary>The final name for a stored name, or null when a rule drops it.</summary>
    public string? MapName(string name)
    {
        string? current = name;
        foreach (var rule in _nameRules)
        {
            current = rule(current);
            if (current == null) return null;
            if (current.Length == 0) throw new InvalidOperationException($"StateDictMapping: the rules map '{name}' to an empty name.");
        }
        return current;
    }

    /// <summary>The name rules as a rename function (e.g. for <see cref="SafeTensors.Load(string, Func{string, string?}?)"/>).</summary>
    public Func<string, string?> AsRename() => MapName;

    /// <summary>
    /// Maps a state dict's names and applies conversions, returning a new dictionary. Unconverted entries are the
    /// same Tensor objects as in <paramref name="source"/> (still owned by the caller); converted ones are new
    /// tensors in the current DisposeScope. Two names mapping to the same target is an error naming both.
    /// </summary>
    public Dictionary<string, Tensor> Apply(IReadOnlyDictionary<string, Tensor> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var origin = new Dictionary<string, string>();
        var mapped = new Dictionary<string, Tensor>();
        foreach (var (name, tensor) in source)
        {
            var target = MapName(name);
            if (target == null) continue;
            if (origin.TryGetValue(target, out var other))
                throw new InvalidOperationException($"StateDictMapping: both '{other}' and '{name}' map to '{target}'.");
            origin[target] = name;
            mapped[target] = tensor;
        }
        var result = new Dictionary<string, Tensor>();
        var converted = new List<Tensor>();
        try
        {
            foreach (var (name, tensor) in mapped)
            {
                var value = tensor;
                foreach (var (pattern, convert) in _conversions)
                {
                    if (!pattern.IsMatch(name)) continue;
                    try
                    {
                        value = convert(name, value) ?? throw new InvalidOperationException("the conversion returned null");
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        throw new InvalidOperationException($"StateDictMapping: converting '{name}' (stored as '{origin[name]}', {tensor.Describe()}) failed: {e.Message}", e);
                    }
                    if (!ReferenceEquals(value, tensor)) converted.Add(value);
                }
                result[name] = value;
            }
        }
        catch
        {
            foreach (var t in converted) t.Dispose();
            throw;
        }
        // Intermediate results of chained conversions are not returned: free them now.
        var kept = new HashSet<Tensor>(result.Values, ReferenceEqualityComparer.Instance);
        foreach (var t in converted)
            if (!kept.Contains(t)) t.Dispose();
        return result;
    }

    /// <summary>Loads a safetensors checkpoint through these rules (dropped entries are never read into tensors).</summary>
    public Dictionary<string, Tensor> Load(string path)
    {
        var loaded = SafeTensors.Load(path, MapName);
        Dictionary<string, Tensor> result;
        try
        {
            // Names are already final: conversions only.
            result = new StateDictMapping().WithConversionsOf(this).Apply(loaded);
        }
        catch
        {
            foreach (var t in loaded.Values) t.Dispose();
            throw;
        }
        var kept = new HashSet<Tensor>(result.Values, ReferenceEqualityComparer.Instance);
        foreach (var t in loaded.Values)
            if (!kept.Contains(t)) t.Dispose();
        return result;
    }

    private StateDictMapping WithConversionsOf(StateDictMapping other)
    {
        _conversions.AddRange(other._conversions);
        return this;
    }

    private static Regex Compile(string pattern)
    {
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"StateDictMapping: '{pattern}' is not a valid regular expression: {e.Message}", nameof(pattern), e);
        }
    }
}
