using Medley.Data.Problems;
using Medley.Data.Readers;
using Medley.Data.Spec;
using Medley.Torch;
using Medley.Torch.Serialization;

namespace Medley.Data.Embeddings;

/// <summary>
/// A precomputed vector or token matrix per sample (a frozen encoder's output): either a .npy or .safetensors file
/// per sample named in `column` (relative to `root`), or one whole-dataset .safetensors `file` holding a tensor per
/// sample named by its sample id (`key_by: sample_id`, the default) or by a manifest column (`key_by: COLUMN`).
/// Floating data becomes float32; int64 stays int64. Every sample must have the same shape (`shape` in the spec, or
/// the first one read). Empty cell, missing file or (whole-dataset file) no tensor for the sample = absent.
/// </summary>
public sealed class EmbeddingReader : IModalityReader, ISummarizingReader
{
    private readonly ModalityContext _context;
    private readonly string? _column;
    private readonly string? _key;
    private readonly SafetensorsSampleFile? _datasetFile;
    private readonly string? _keyColumn; // null: the sample id names the tensor
    private long[]? _shape;
    private readonly object _lock = new();

    public EmbeddingReader(ModalityContext context)
    {
        _context = context;
        var o = context.Options;
        if (o.Has("column") == o.Has("file"))
            throw o.Error("column", "an embedding modality reads either a file per sample ('column') or one whole-dataset safetensors file ('file'), exactly one of them");
        if (o.Has("column"))
        {
            _column = context.RequireColumn("column");
            if (o.Has("key_by")) throw o.Error("key_by", "'key_by' goes with 'file' (a whole-dataset safetensors file), not with 'column'");
        }
        else
        {
            var path = context.SpecPath("file");
            if (!path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
                throw o.Error("file", $"a whole-dataset embedding file must be .safetensors: {path}");
            if (o.Has("key")) throw o.Error("key", "'key' picks a tensor in a per-sample file; a whole-dataset file is keyed by 'key_by'");
            var keyBy = o.String("key_by") ?? "sample_id";
            _keyColumn = keyBy == "sample_id" ? null : context.RequireColumn("key_by");
            try { _datasetFile = SafetensorsSampleFile.Open(path); }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                throw o.Error("file", e.Message);
            }
        }
        _key = o.String("key");
        if (o.Has("shape"))
            _shape = o.StringList("shape").Select(s => long.TryParse(s, out var v) && v > 0 ? v : throw o.Error("shape", $"'{s}' is not a positive size")).ToArray();
    }

    public ModalitySpec Spec => _context.Modality;
    public long[]? ItemShape { get { lock (_lock) return _shape; } }

    private string? FileOf(SampleRow row) => row.Cell(_column!) is { Length: > 0 } cell ? _context.Dataset.Resolve(cell, _context.Root) : null;

    /// <summary>The sample's tensor name in the whole-dataset file.</summary>
    private string DatasetKeyOf(SampleRow row) => _keyColumn == null ? row.SampleId : row.Cell(_keyColumn);

    /// <summary>Whole-dataset file: the sample's key when it has a tensor of the right shape and dtype.</summary>
    private (string? Key, List<DataProblem> Problems) InspectDatasetFile(SampleRow row)
    {
        var problems = new List<DataProblem>();
        var key = DatasetKeyOf(row);
        if (key.Length == 0 || _datasetFile!.ShapeOf(key) is not { } shape) return (null, problems);
        var column = _keyColumn ?? "file";
        if (_datasetFile.DTypeProblem(key) is { } dtypeProblem)
        {
            problems.Add(_context.RowError(row, column, dtypeProblem));
            return (null, problems);
        }
        lock (_lock) _shape ??= shape;
        if (!shape.SequenceEqual(ItemShape!))
        {
            problems.Add(_context.RowError(row, column, $"{_datasetFile.Path}: tensor '{key}' has shape [{string.Join(", ", shape)}] but the modality's samples are [{string.Join(", ", ItemShape!)}]"));
            return (null, problems);
        }
        return (key, problems);
    }

    /// <summary>Validates the file's header (dtype, order, length, shape) without loading the data.</summary>
    private (string? File, List<DataProblem> Problems) Inspect(SampleRow row)
    {
        var problems = new List<DataProblem>();
        var file = FileOf(row);
        if (file == null) return (null, problems);
        if (!File.Exists(file))
        {
            problems.Add(DataProblem.Warning(row.ManifestPath, row.Line, _column, $"sample '{row.SampleId}', modality '{Spec.Name}': file not found (treated as missing): {file}"));
            return (null, problems);
        }
        try
        {
            var shape = file.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) ? SafetensorsShape(file)
                : file.EndsWith(".npy", StringComparison.OrdinalIgnoreCase) ? NpyFile.ReadHeader(file).Shape
                : throw new InvalidDataException($"{file}: unknown embedding format (use .npy or .safetensors)");
            lock (_lock) _shape ??= shape;
            if (!shape.SequenceEqual(ItemShape!))
                throw new InvalidDataException($"{file} has shape [{string.Join(", ", shape)}] but the modality's samples are [{string.Join(", ", ItemShape!)}]");
            return (file, problems);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            problems.Add(_context.RowError(row, _column, e.Message));
            return (null, problems);
        }
    }

    private long[] SafetensorsShape(string file)
    {
        var header = SafeTensors.ReadHeader(file);
        return header[PickKey(header.Keys, file)].Shape;
    }

    private string PickKey(IEnumerable<string> keys, string file)
    {
        var names = keys.ToList();
        if (_key != null)
            return names.Contains(_key) ? _key : throw new InvalidDataException($"{file} has no tensor '{_key}' (tensors: {string.Join(", ", names)})");
        return names.Count == 1 ? names[0]
            : throw new InvalidDataException($"{file} holds {names.Count} tensors ({string.Join(", ", names.Take(10))}); set 'key' to choose one");
    }

    public ModalityValue Check(SampleRow row)
    {
        if (_datasetFile != null)
        {
            var (key, keyProblems) = InspectDatasetFile(row);
            return key == null ? ModalityValue.Missing(keyProblems) : ModalityValue.PresentOnly(keyProblems);
        }
        var (file, problems) = Inspect(row);
        return file == null ? ModalityValue.Missing(problems) : ModalityValue.PresentOnly(problems);
    }

    public ModalityValue Read(SampleRow row)
    {
        if (_datasetFile != null)
        {
            var (key, keyProblems) = InspectDatasetFile(row);
            if (key == null) return ModalityValue.Missing(keyProblems);
            try
            {
                return ModalityValue.Of(_datasetFile.Read(key), problems: keyProblems);
            }
            catch (InvalidDataException e)
            {
                keyProblems.Add(_context.RowError(row, _keyColumn ?? "file", e.Message));
                return ModalityValue.Missing(keyProblems);
            }
        }
        var (file, problems) = Inspect(row);
        if (file == null) return ModalityValue.Missing(problems);
        using var scope = DisposeScope.Enter();
        Tensor raw;
        if (file.EndsWith(".npy", StringComparison.OrdinalIgnoreCase)) raw = NpyFile.Load(file);
        else
        {
            var all = SafeTensors.Load(file);
            raw = all[PickKey(all.Keys, file)];
        }
        var value = raw.DType.IsFloatingPoint() && raw.DType != DType.Float32 ? raw.To(DType.Float32) : raw;
        return ModalityValue.Of(scope.Keep(value), problems: problems);
    }

    public IEnumerable<string> Summarize(IReadOnlyList<SampleRow> rows)
    {
        if (_datasetFile != null)
        {
            var keys = rows.Select(DatasetKeyOf).Where(k => k.Length > 0).ToHashSet(StringComparer.Ordinal);
            var found = keys.Count(_datasetFile.Contains);
            yield return $"{_datasetFile.Path}: a tensor for {found} of {rows.Count} samples; " +
                         $"{_datasetFile.Keys.Count(k => !keys.Contains(k))} tensors match no sample";
        }
        yield return ItemShape is { } s ? $"shape per sample: [{string.Join(", ", s)}]" : "no embedding files found";
    }
}

/// <summary>Makes <see cref="EmbeddingReader"/>s.</summary>
public sealed class EmbeddingReaderFactory : IModalityReaderFactory
{
    public ModalityKind Kind => ModalityKind.Embedding;
    public IReadOnlyList<string> OptionKeys { get; } = new[] { "column", "root", "key", "shape", "file", "key_by" };
    public IModalityReader Create(ModalityContext context) => new EmbeddingReader(context);
}
