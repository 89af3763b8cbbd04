using Medley.Data.Problems;
using Medley.Data.Spec;
using Medley.Data.Tables;

namespace Medley.Data.Readers;

/// <summary>What a reader factory gets: the dataset spec, its modality's spec and the manifest; helpers check columns.</summary>
public sealed record ModalityContext(DatasetSpec Dataset, ModalitySpec Modality, CsvTable Manifest)
{
    public SpecOptions Options => Modality.Options;

    /// <summary>Checks that the column named by option <paramref name="key"/> exists and is not excluded; returns its name.</summary>
    public string RequireColumn(string key) => CheckColumn(key, Options.RequiredString(key));

    /// <summary>Checks a column name taken from option <paramref name="key"/>.</summary>
    public string CheckColumn(string key, string column)
    {
        if (!Manifest.HasColumn(column))
            throw Options.Error(key, $"column '{column}' is not in the manifest {Manifest.Path} (columns: {string.Join(", ", Manifest.Columns)})");
        if (Dataset.Exclude.Contains(column))
            throw Options.Error(key, $"column '{column}' is listed under 'exclude' and can never be an input");
        if (Dataset.Label.Columns.Contains(column))
            throw Options.Error(key, $"column '{column}' is a label column and can never be an input");
        return column;
    }

    /// <summary>The folder that relative file paths in this modality start from: option 'root' (relative to the spec) or the spec's folder.</summary>
    public string Root => Options.String("root") is { } r ? Dataset.Resolve(r) : Dataset.Directory;

    /// <summary>A path written in the spec (relative to the spec's folder).</summary>
    public string SpecPath(string key) => Dataset.Resolve(Options.RequiredString(key));

    public DataProblem RowError(SampleRow row, string column, string message) =>
        DataProblem.Error(Manifest.Path, row.Line, column, $"sample '{row.SampleId}', modality '{Modality.Name}': {message}");
}
