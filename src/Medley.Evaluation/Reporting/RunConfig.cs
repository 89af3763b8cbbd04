namespace Medley.Evaluation.Reporting;

/// <summary>
/// config.yaml flattened to dotted keys ("training.lr" → "1e-4") for the summary. Only block mappings with scalar
/// values are needed for that; sequences are kept as their raw text and anything unparseable is skipped, because
/// the report only displays the values.
/// </summary>
public sealed class RunConfig
{
    public IReadOnlyList<(string Key, string Value)> Entries { get; init; } = [];

    public string? this[string key] => Entries.FirstOrDefault(e => e.Key == key).Value;

    /// <summary>The value of the first key equal to <paramref name="name"/> or ending in ".name".</summary>
    public string? Find(string name) =>
        Entries.FirstOrDefault(e => e.Key == name || e.Key.EndsWith("." + name, StringComparison.Ordinal)).Value;

    public static RunConfig Read(string path)
    {
        var entries = new List<(string, string)>();
        var stack = new List<(int Indent, string Key)>();
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = StripComment(raw);
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith("---", StringComparison.Ordinal)) continue;
            var indent = line.Length - line.TrimStart().Length;
            var text = line.Trim();
            if (text.StartsWith("- ", StringComparison.Ordinal) || text == "-")
            {
                // A sequence item: append it to the parent key's value.
                if (stack.Count == 0) continue;
                var parent = string.Join(".", stack.Select(s => s.Key));
                var i = entries.FindIndex(e => e.Item1 == parent);
                var item = text.TrimStart('-').Trim();
                if (i < 0) entries.Add((parent, item));
                else entries[i] = (parent, entries[i].Item2 + ", " + item);
                continue;
            }
            var colon = text.IndexOf(':');
            if (colon <= 0) continue;
            var key = text[..colon].Trim().Trim('"', '\'');
            var value = text[(colon + 1)..].Trim().Trim('"', '\'');
            while (stack.Count > 0 && stack[^1].Indent >= indent) stack.RemoveAt(stack.Count - 1);
            var full = string.Join(".", stack.Select(s => s.Key).Append(key));
            if (value.Length == 0) stack.Add((indent, key));
            else entries.Add((full, value));
        }
        return new RunConfig { Entries = entries };
    }

    private static string StripComment(string line)
    {
        var quote = '\0';
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote != '\0') { if (c == quote) quote = '\0'; }
            else if (c is '"' or '\'') quote = c;
            else if (c == '#' && (i == 0 || char.IsWhiteSpace(line[i - 1]))) return line[..i];
        }
        return line;
    }
}
