namespace Medley.Data.Spec;

/// <summary>How labels are read: the task kind, the column(s) and the class names (listed or taken from the data).</summary>
/// <param name="Columns">One column for binary/multiclass; one 0/1 column per class for multilabel.</param>
/// <param name="Classes">Class names in index order when listed in the spec; null = from the data (sorted).</param>
public sealed record LabelSpec(TaskKind Task, IReadOnlyList<string> Columns, IReadOnlyList<string>? Classes, int Line);

/// <summary>One modality: its name (the key of its tensors in a batch), kind and kind-specific options.</summary>
public sealed record ModalitySpec(string Name, ModalityKind Kind, SpecOptions Options, int Line);

/// <summary>
/// A dataset spec (YAML): where the manifest is, which columns are the sample id, the group (patient) id and the
/// labels, which columns must never be inputs, and the modalities. Paths are resolved relative to the spec file.
/// </summary>
public sealed record DatasetSpec(
    string SpecPath,
    string? Name,
    string ManifestPath,
    string SampleIdColumn,
    string GroupIdColumn,
    LabelSpec Label,
    IReadOnlyList<string> Exclude,
    IReadOnlyList<ModalitySpec> Modalities)
{
    /// <summary>The folder holding the spec; relative paths in the spec start here.</summary>
    public string Directory => System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(SpecPath)) ?? ".";

    /// <summary>Resolves a path written in the spec (or a manifest cell) against <paramref name="root"/> or the spec folder.</summary>
    public string Resolve(string path, string? root = null) =>
        System.IO.Path.GetFullPath(System.IO.Path.Combine(root ?? Directory, path));

    public static DatasetSpec Load(string path) => SpecLoader.Load(path);
}
