using Medley.Data.Problems;
using Medley.Data.Readers;
using Medley.Data.Spec;
using Medley.Torch;

namespace Medley.Data.Text;

/// <summary>
/// Text from a manifest column (`column`) or from a file per sample (`file_column`, relative to `root`), WordPiece
/// tokenised and encoded to int64 ids [L] with an int64 attention mask [L]. Empty text or no file = absent.
/// </summary>
public sealed class TextModalityReader : ISummarizingReader
{
    private readonly ModalityContext _context;
    private readonly string? _column;
    private readonly string? _fileColumn;
    private readonly int _maxLength;

    public TextModalityReader(ModalityContext context)
    {
        _context = context;
        var o = context.Options;
        if (o.Has("column") == o.Has("file_column"))
            throw o.Error("column", "a text modality takes its text from exactly one of 'column' (text in the manifest) or 'file_column' (a file per sample)");
        _column = o.Has("column") ? context.RequireColumn("column") : null;
        _fileColumn = o.Has("file_column") ? context.RequireColumn("file_column") : null;
        _maxLength = o.Int("max_length", 128, 2, 1 << 20);
        Tokenizer = WordPieceTokenizer.FromFile(context.SpecPath("vocab"), o.Bool("lowercase", true));
    }

    public WordPieceTokenizer Tokenizer { get; }
    public ModalitySpec Spec => _context.Modality;
    public long[]? ItemShape => new long[] { _maxLength };

    /// <summary>The sample's text, or null when absent; a missing file is absent with a warning.</summary>
    private string? TextOf(SampleRow row, List<DataProblem> problems)
    {
        if (_column != null)
        {
            var text = row.Cell(_column);
            return text.Length == 0 ? null : text;
        }
        var cell = row.Cell(_fileColumn!);
        if (cell.Length == 0) return null;
        var path = _context.Dataset.Resolve(cell, _context.Root);
        if (!File.Exists(path))
        {
            problems.Add(DataProblem.Warning(row.ManifestPath, row.Line, _fileColumn,
                $"sample '{row.SampleId}', modality '{Spec.Name}': file not found (treated as missing): {path}"));
            return null;
        }
        try
        {
            var text = File.ReadAllText(path);
            return text.Trim().Length == 0 ? null : text;
        }
        catch (IOException e)
        {
            problems.Add(_context.RowError(row, _fileColumn!, $"cannot read {path}: {e.Message}"));
            return null;
        }
    }

    public ModalityValue Check(SampleRow row)
    {
        var problems = new List<DataProblem>();
        return TextOf(row, problems) == null ? ModalityValue.Missing(problems) : ModalityValue.PresentOnly(problems);
    }

    public ModalityValue Read(SampleRow row)
    {
        var problems = new List<DataProblem>();
        var text = TextOf(row, problems);
        if (text == null) return ModalityValue.Missing(problems);
        var (ids, mask) = Tokenizer.Encode(text, _maxLength, out _);
        return ModalityValue.Of(Tensor.From(ids), Tensor.From(mask), problems);
    }

    public IEnumerable<string> Summarize(IReadOnlyList<SampleRow> rows)
    {
        var lengths = new List<int>();
        foreach (var row in rows)
            if (TextOf(row, new List<DataProblem>()) is { } text) lengths.Add(Tokenizer.Tokenize(text).Count);
        if (lengths.Count == 0) { yield return "no texts"; yield break; }
        lengths.Sort();
        var truncated = lengths.Count(l => l > _maxLength - 2);
        yield return $"word pieces per text: min {lengths[0]}, median {lengths[lengths.Count / 2]}, max {lengths[^1]}; " +
                     $"{truncated} of {lengths.Count} truncated to max_length {_maxLength}";
    }
}

/// <summary>Makes <see cref="TextModalityReader"/>s.</summary>
public sealed class TextReaderFactory : IModalityReaderFactory
{
    public ModalityKind Kind => ModalityKind.Text;
    public IReadOnlyList<string> OptionKeys { get; } = new[] { "column", "file_column", "root", "vocab", "max_length", "lowercase" };
    public IModalityReader Create(ModalityContext context) => new TextModalityReader(context);
}
