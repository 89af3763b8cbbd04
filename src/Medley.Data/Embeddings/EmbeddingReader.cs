using Medley.Data.Problems;
using Medley.Data.Readers;
using Medley.Data.Spec;
using Medley.Torch;
using Medley.Torch.Serialization;

namespace Medley.Data.Embeddings;

/// <summary>
/// A precomputed vector or token matrix per sample (a frozen encoder's output) from a .npy or .safetensors file
/// named in `column` (relative to `root`). Floating data becomes float32; int64 stays int64. Every sample must have
/// the same shape (`shape` in the spec, or the first file's). Empty cell or missing file = absent.
/// </summary>
public sealed class EmbeddingReader : IModalityReader, ISummarizingReader
{
    private readonly ModalityContext _context;
    private readonly string _column;
    private readonly string? _key;
    private long[]? _shape;
    private readonly object _lock = new();

    public EmbeddingReader(ModalityContext context)
    {
        _context = context;
        var o = context.Options;
        _column = context.RequireColumn("column");
        _key = o.String("key");
        if (o.Has("shape"))
            _shape = o.StringList("shape").Select(s => long.TryParse(s, out var v) && v > 0 ? v : throw o.Error("shape", $"'{s}' is not a positive size")).ToArray();
    }

    public ModalitySpec Spec => _context.Modality;
    public long[]? ItemShape { get { lock (_lock) return _shape; } }

    private string? FileOf(SampleRow row) => row.Cell(_column) is { Length: > 0 } cell ? _context.Dataset.Resolve(cell, _context.Root) : null;

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
        var (file, problems) = Inspect(row);
        return file == null ? ModalityValue.Missing(problems) : ModalityValue.PresentOnly(problems);
    }

    public ModalityValue Read(SampleRow row)
    {
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
        yield return ItemShape is { } s ? $"shape per sample: [{string.Join(", ", s)}]" : "no embedding files found";
    }
}

/// <summary>Makes <see cref="EmbeddingReader"/>s.</summary>
public sealed class EmbeddingReaderFactory : IModalityReaderFactory
{
    public ModalityKind Kind => ModalityKind.Embedding;
    public IReadOnlyList<string> OptionKeys { get; } = new[] { "column", "root", "key", "shape" };
    public IModalityReader Create(ModalityContext context) => new EmbeddingReader(context);
}
