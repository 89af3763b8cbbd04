using System.Text.Json;
using System.Text.Json.Serialization;
using Medley.Data.Datasets;
using Medley.Data.Problems;

namespace Medley.Data.Splits;

/// <summary>One train/validation/test partition, by sample id.</summary>
public sealed record DataSplit(string Name, IReadOnlyList<string> Train, IReadOnlyList<string> Validation, IReadOnlyList<string> Test);

/// <summary>Row indices of one split in a given dataset.</summary>
public sealed record SplitIndices(string Name, int[] Train, int[] Validation, int[] Test);

/// <summary>
/// A set of splits as a run records it (JSON): how they were made (method, seed, ratios or folds × repeats,
/// group column) and every split's sample ids per part. Loading checks them against the dataset, including that
/// no group is in two parts of a split.
/// </summary>
public sealed record SplitFile(
    string Method,
    int Seed,
    string GroupColumn,
    IReadOnlyList<double>? Ratios,
    int? Folds,
    int? Repeats,
    IReadOnlyList<DataSplit> Splits)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public void Save(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir != null) Directory.CreateDirectory(dir);
        File.WriteAllText(path, JsonSerializer.Serialize(this, Json));
    }

    public static SplitFile Load(string path)
    {
        if (!File.Exists(path)) throw new DataException(DataProblem.Error(path, null, null, "split file not found"));
        try
        {
            return JsonSerializer.Deserialize<SplitFile>(File.ReadAllText(path), Json)
                   ?? throw new DataException(DataProblem.Error(path, null, null, "the split file is empty"));
        }
        catch (JsonException e)
        {
            throw new DataException(DataProblem.Error(path, (int?)e.LineNumber + 1, null, $"not a valid split file: {e.Message}"));
        }
    }

    /// <summary>Maps every split's ids to rows of <paramref name="dataset"/>; throws listing unknown ids and group leaks.</summary>
    public IReadOnlyList<SplitIndices> Resolve(MultimodalDataset dataset) => Splits.Select(s => Resolve(s, dataset)).ToList();

    private static SplitIndices Resolve(DataSplit split, MultimodalDataset dataset)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < dataset.Count; i++) index.TryAdd(dataset.Row(i).SampleId, i);
        var problems = new ProblemList();
        var where = $"split '{split.Name}'";
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        int[] Map(IReadOnlyList<string> ids, string part)
        {
            var rows = new List<int>();
            foreach (var id in ids)
            {
                if (!index.TryGetValue(id, out var row)) { problems.Error(dataset.Spec.ManifestPath, null, null, $"{where}: {part} sample '{id}' is not in the dataset"); continue; }
                if (seen.TryGetValue(id, out var other)) { problems.Error(dataset.Spec.ManifestPath, null, null, $"{where}: sample '{id}' is in both {other} and {part}"); continue; }
                seen[id] = part;
                rows.Add(row);
            }
            return rows.ToArray();
        }
        var result = new SplitIndices(split.Name, Map(split.Train, "train"), Map(split.Validation, "validation"), Map(split.Test, "test"));
        var groupPart = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (rows, part) in new[] { (result.Train, "train"), (result.Validation, "validation"), (result.Test, "test") })
            foreach (var row in rows)
            {
                var group = dataset.Row(row).GroupId;
                if (groupPart.TryGetValue(group, out var other) && other != part)
                    problems.Error(dataset.Spec.ManifestPath, dataset.Row(row).Line, dataset.Spec.GroupIdColumn, $"{where}: group '{group}' is in both {other} and {part} (leakage)");
                else groupPart[group] = part;
            }
        problems.ThrowIfErrors();
        return result;
    }

    public SplitIndices Resolve(string name, MultimodalDataset dataset) =>
        Splits.FirstOrDefault(s => s.Name == name) is { } s ? Resolve(s, dataset)
            : throw new ArgumentException($"no split '{name}' (splits: {string.Join(", ", Splits.Select(x => x.Name))})");
}
