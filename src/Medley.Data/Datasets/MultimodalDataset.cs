using Medley.Data.Labels;
using Medley.Data.Problems;
using Medley.Data.Readers;
using Medley.Data.Spec;
using Medley.Data.Tables;

namespace Medley.Data.Datasets;

/// <summary>
/// A dataset opened from its spec: the manifest's rows (samples) with ids, groups and labels, and one reader per
/// modality. Preprocessing is fitted with <see cref="Fit"/> on training rows only.
/// </summary>
public sealed class MultimodalDataset
{
    private readonly SampleRow[] _rows;

    public DatasetSpec Spec { get; }
    public CsvTable Manifest { get; }
    public LabelSet Labels { get; }
    /// <summary>One reader per modality, in spec order; null where no reader for the kind exists yet.</summary>
    public IReadOnlyList<IModalityReader?> Readers { get; }

    private MultimodalDataset(DatasetSpec spec, CsvTable manifest, LabelSet labels, SampleRow[] rows, IReadOnlyList<IModalityReader?> readers)
    {
        Spec = spec;
        Manifest = manifest;
        Labels = labels;
        _rows = rows;
        Readers = readers;
    }

    public int Count => _rows.Length;
    public SampleRow Row(int index) => _rows[index];
    public IReadOnlyList<SampleRow> Rows => _rows;
    public IReadOnlyList<string> GroupIds => _rows.Select(r => r.GroupId).ToList();

    public IModalityReader Reader(string modality)
    {
        for (var i = 0; i < Spec.Modalities.Count; i++)
            if (Spec.Modalities[i].Name == modality)
                return Readers[i] ?? throw new InvalidOperationException(
                    $"no reader for {Spec.Modalities[i].Kind.Name()} modalities is available yet (modality '{modality}')");
        throw new ArgumentException($"no modality '{modality}' (modalities: {string.Join(", ", Spec.Modalities.Select(m => m.Name))})");
    }

    /// <summary>Loads the spec and opens the dataset; throws a <see cref="DataException"/> listing every problem.</summary>
    public static MultimodalDataset Open(string specPath) => Open(DatasetSpec.Load(specPath));

    public static MultimodalDataset Open(DatasetSpec spec)
    {
        var problems = new ProblemList();
        var dataset = Open(spec, problems);
        problems.ThrowIfErrors();
        return dataset!;
    }

    /// <summary>
    /// Opens the dataset collecting problems (for `data check`) instead of throwing; returns null only when nothing
    /// usable remains (unreadable manifest, missing id columns).
    /// </summary>
    public static MultimodalDataset? Open(DatasetSpec spec, ProblemList problems)
    {
        CsvTable manifest;
        try { manifest = CsvTable.Read(spec.ManifestPath); }
        catch (DataException e) { problems.AddRange(e.Problems); return null; }

        foreach (var (key, column) in new[] { ("sample_id", spec.SampleIdColumn), ("group_id", spec.GroupIdColumn) })
            if (!manifest.HasColumn(column))
                problems.Error(manifest.Path, 1, column, $"the {key} column '{column}' (from {spec.SpecPath}) is not in the manifest (columns: {string.Join(", ", manifest.Columns)})");
        foreach (var column in spec.Exclude.Where(c => !manifest.HasColumn(c)))
            problems.Warning(spec.SpecPath, null, "exclude", $"excluded column '{column}' is not in the manifest");
        var labels = LabelSet.Read(spec.Label, manifest, spec.SpecPath, problems);
        if (!manifest.HasColumn(spec.SampleIdColumn) || !manifest.HasColumn(spec.GroupIdColumn)) return null;

        var rows = ReadRows(spec, manifest, problems);
        var readers = new List<IModalityReader?>();
        foreach (var modality in spec.Modalities)
        {
            var factory = ModalityReaders.Find(modality.Kind);
            if (factory == null)
            {
                problems.Warning(spec.SpecPath, modality.Line, modality.Name, $"no reader for {modality.Kind.Name()} modalities is available yet; its files are not checked");
                readers.Add(null);
                continue;
            }
            try { readers.Add(factory.Create(new ModalityContext(spec, modality, manifest))); }
            catch (DataException e)
            {
                problems.AddRange(e.Problems);
                readers.Add(null);
            }
        }
        return new MultimodalDataset(spec, manifest, labels, rows, readers);
    }

    private static SampleRow[] ReadRows(DatasetSpec spec, CsvTable manifest, ProblemList problems)
    {
        var idCol = manifest.ColumnIndex(spec.SampleIdColumn);
        var groupCol = manifest.ColumnIndex(spec.GroupIdColumn);
        var firstLine = new Dictionary<string, int>(StringComparer.Ordinal);
        var rows = new SampleRow[manifest.RowCount];
        for (var r = 0; r < manifest.RowCount; r++)
        {
            var id = manifest.Cell(r, idCol);
            var group = manifest.Cell(r, groupCol);
            var line = manifest.Lines[r];
            if (id.Length == 0) problems.Error(manifest.Path, line, spec.SampleIdColumn, "empty sample id");
            else if (firstLine.TryGetValue(id, out var first))
                problems.Error(manifest.Path, line, spec.SampleIdColumn, $"duplicate sample id '{id}' (first on line {first})");
            else firstLine[id] = line;
            if (group.Length == 0) problems.Error(manifest.Path, line, spec.GroupIdColumn, "empty group id");
            rows[r] = new SampleRow(manifest, r, id, group);
        }
        return rows;
    }

    /// <summary>
    /// Fits every reader's preprocessing on the given (training) rows only. Call once per split before reading;
    /// the state is available from <see cref="SavePreprocessing"/>.
    /// </summary>
    public void Fit(IReadOnlyList<int> trainIndices)
    {
        var rows = trainIndices.Select(i => _rows[i]).ToList();
        foreach (var reader in Readers.OfType<IFittableReader>()) reader.Fit(rows);
    }

    /// <summary>The fitted preprocessing of every fittable modality as JSON, keyed by modality name.</summary>
    public Dictionary<string, string> SavePreprocessing() =>
        Readers.OfType<IFittableReader>().ToDictionary(r => r.Spec.Name, r => r.SaveState());

    public void LoadPreprocessing(IReadOnlyDictionary<string, string> state)
    {
        foreach (var reader in Readers.OfType<IFittableReader>())
            if (state.TryGetValue(reader.Spec.Name, out var json)) reader.LoadState(json);
    }
}
