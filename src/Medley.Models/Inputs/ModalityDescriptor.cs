using System.Globalization;

namespace Medley.Models.Inputs;

/// <summary>
/// One input modality of a fusion model: its dataset name, its kind (image, volume, tabular, timeseries, text,
/// embedding) and the shape of one sample's tensor. A run derives these from the data; they travel in the model
/// config as the string "name:kind:d1xd2x...;name:kind:..." so a saved run rebuilds the same model. Text adds its
/// vocabulary size as a fourth field ("report:text:128:30522"): token ids index an embedding table of that size.
/// </summary>
public sealed record ModalityDescriptor(string Name, string Kind, long[] Shape, int Vocab = 0)
{
    public static readonly IReadOnlyList<string> Kinds = new[] { "image", "volume", "tabular", "timeseries", "text", "embedding" };

    public override string ToString() =>
        $"{Name}:{Kind}:{string.Join("x", Shape.Select(s => s.ToString(CultureInfo.InvariantCulture)))}" +
        (Vocab > 0 ? $":{Vocab.ToString(CultureInfo.InvariantCulture)}" : "");

    public static string Format(IEnumerable<ModalityDescriptor> modalities) => string.Join(";", modalities);

    /// <summary>Parses <see cref="Format"/>'s string; errors name the config key and the bad entry.</summary>
    public static IReadOnlyList<ModalityDescriptor> Parse(string text, string key = "modality_shapes")
    {
        var list = new List<ModalityDescriptor>();
        foreach (var entry in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = entry.Split(':');
            if (parts.Length is < 3 or > 4 || parts[0].Length == 0)
                throw new ArgumentException($"{key}: '{entry}' is not name:kind:shape (e.g. image:image:3x64x64).");
            if (!Kinds.Contains(parts[1]))
                throw new ArgumentException($"{key}: modality '{parts[0]}' has unknown kind '{parts[1]}' (kinds: {string.Join(", ", Kinds)}).");
            var dims = parts[2].Split('x', StringSplitOptions.RemoveEmptyEntries);
            var shape = new long[dims.Length];
            for (var i = 0; i < dims.Length; i++)
                if (!long.TryParse(dims[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out shape[i]) || shape[i] <= 0)
                    throw new ArgumentException($"{key}: modality '{parts[0]}' has a bad shape '{parts[2]}' (positive sizes joined by x).");
            var vocab = 0;
            if (parts.Length == 4 && (!int.TryParse(parts[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out vocab) || vocab <= 0))
                throw new ArgumentException($"{key}: modality '{parts[0]}' has a bad vocabulary size '{parts[3]}'.");
            if (parts[1] == "text" && vocab == 0)
                throw new ArgumentException($"{key}: text modality '{parts[0]}' needs its vocabulary size (name:text:length:vocab).");
            if (list.Any(m => m.Name == parts[0])) throw new ArgumentException($"{key}: modality '{parts[0]}' is listed twice.");
            list.Add(new ModalityDescriptor(parts[0], parts[1], shape, vocab));
        }
        return list;
    }

    /// <summary>
    /// The descriptors a model uses: all derived ones, or those named in <paramref name="selected"/> (in that order).
    /// </summary>
    public static IReadOnlyList<ModalityDescriptor> Select(string? derived, IReadOnlyList<string> selected, string method)
    {
        if (string.IsNullOrWhiteSpace(derived))
            throw new ArgumentException($"{method}: 'modality_shapes' is empty; it is derived from the dataset by `medley train/cv`, or set it as name:kind:shape;... when building the model directly.");
        var all = Parse(derived);
        if (selected.Count == 0) return all;
        return selected.Select(name => all.FirstOrDefault(m => m.Name == name)
            ?? throw new ArgumentException($"{method}: 'modalities' names '{name}', which the dataset does not have (it has: {string.Join(", ", all.Select(m => m.Name))}).")).ToList();
    }
}
