using Medley.Models.Methods;

namespace Medley.Training.Experiments;

/// <summary>
/// --set overrides for several compared methods at once (cv --compare, compare): each key is applied to the methods
/// that have it and skipped for the others; a key no method has is an error (the first method's message, which lists
/// its keys and suggests a spelling).
/// </summary>
public static class SharedOverrides
{
    /// <summary>Applies the assignments; returns per method the assignments it did not take (method → "key=value" list).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Apply(IReadOnlyList<RunConfig> configs, IEnumerable<string> assignments)
    {
        var skipped = configs.ToDictionary(c => c.Method!, _ => new List<string>());
        foreach (var assignment in assignments)
        {
            ArgumentException? first = null;
            var taken = 0;
            foreach (var c in configs)
            {
                try
                {
                    // RunConfig.Apply checks before it writes: a rejected key leaves the config unchanged.
                    c.Apply([assignment], MethodRegistry.Get(c.Method!).ConfigKeys);
                    taken++;
                }
                catch (ArgumentException e)
                {
                    first ??= e;
                    skipped[c.Method!].Add(assignment);
                }
            }
            if (taken == 0)
                throw new ArgumentException(configs.Count == 1 ? first!.Message
                    : $"{first!.Message} (no compared method — {string.Join(", ", configs.Select(c => c.Method))} — has this key)");
        }
        return skipped.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value);
    }
}
