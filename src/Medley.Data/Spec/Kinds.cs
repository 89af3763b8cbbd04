namespace Medley.Data.Spec;

/// <summary>The prediction task a dataset's labels describe.</summary>
public enum TaskKind { Binary, Multiclass, Multilabel }

/// <summary>What a modality holds; each kind has its own reader and options.</summary>
public enum ModalityKind { Image, Volume, Tabular, Timeseries, Text, Embedding }

/// <summary>Spelling of the kinds in YAML (lower case) and their parsing.</summary>
public static class KindNames
{
    public static readonly IReadOnlyList<string> Tasks = new[] { "binary", "multiclass", "multilabel" };
    public static readonly IReadOnlyList<string> Modalities = new[] { "image", "volume", "tabular", "timeseries", "text", "embedding" };

    public static string Name(this TaskKind kind) => Tasks[(int)kind];
    public static string Name(this ModalityKind kind) => Modalities[(int)kind];

    public static bool TryParseTask(string text, out TaskKind kind)
    {
        var i = IndexOf(Tasks, text);
        kind = (TaskKind)Math.Max(i, 0);
        return i >= 0;
    }

    public static bool TryParseModality(string text, out ModalityKind kind)
    {
        var i = IndexOf(Modalities, text);
        kind = (ModalityKind)Math.Max(i, 0);
        return i >= 0;
    }

    private static int IndexOf(IReadOnlyList<string> names, string text)
    {
        for (var i = 0; i < names.Count; i++)
            if (string.Equals(names[i], text.Trim(), StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }
}
