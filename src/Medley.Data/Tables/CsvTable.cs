using System.Text;
using Medley.Data.Problems;

namespace Medley.Data.Tables;

/// <summary>
/// A CSV file read fully into memory (RFC 4180: quoted fields, doubled quotes, newlines inside quotes), with
/// the file line of every row so problems can name it. Cells are kept as strings; typing is the reader's job.
/// </summary>
public sealed class CsvTable
{
    private readonly Dictionary<string, int> _columnIndex;

    public string Path { get; }
    public IReadOnlyList<string> Columns { get; }
    public IReadOnlyList<string[]> Rows { get; }
    /// <summary>1-based file line where each row starts (the header is line 1).</summary>
    public IReadOnlyList<int> Lines { get; }

    private CsvTable(string path, List<string> columns, List<string[]> rows, List<int> lines)
    {
        Path = path;
        Columns = columns;
        Rows = rows;
        Lines = lines;
        _columnIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < columns.Count; i++) _columnIndex.TryAdd(columns[i], i);
    }

    public int RowCount => Rows.Count;
    public bool HasColumn(string name) => _columnIndex.ContainsKey(name);
    public int ColumnIndex(string name) =>
        _columnIndex.TryGetValue(name, out var i) ? i
            : throw new DataException(DataProblem.Error(Path, 1, name, $"no column '{name}' (columns: {string.Join(", ", Columns)})"));

    /// <summary>The cell of a row, trimmed of surrounding whitespace ("" when empty).</summary>
    public string Cell(int row, int column) => Rows[row][column];

    /// <summary>Reads a CSV file; a malformed file (ragged rows, unclosed quote, duplicate header) raises a DataException listing every row at fault.</summary>
    public static CsvTable Read(string path)
    {
        if (!File.Exists(path))
            throw new DataException(DataProblem.Error(path, null, null, "file not found"));
        return Parse(File.ReadAllText(path), path);
    }

    public static CsvTable Parse(string text, string path)
    {
        var problems = new ProblemList();
        var records = SplitRecords(text, path, problems);
        if (records.Count == 0)
            throw new DataException(DataProblem.Error(path, 1, null, "the file is empty (no header row)"));
        var header = records[0].Fields.Select(f => f.Trim()).ToList();
        if (header.Count > 0 && header[0].Length > 0 && header[0][0] == '\uFEFF') header[0] = header[0][1..];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < header.Count; i++)
        {
            if (header[i].Length == 0) problems.Error(path, 1, null, $"header column {i + 1} has no name");
            else if (!seen.Add(header[i])) problems.Error(path, 1, header[i], $"column '{header[i]}' appears twice in the header");
        }
        var rows = new List<string[]>();
        var lines = new List<int>();
        foreach (var (fields, line) in records.Skip(1))
        {
            if (fields.Count == 1 && fields[0].Length == 0) continue; // blank line
            if (fields.Count != header.Count)
            {
                problems.Error(path, line, null, $"row has {fields.Count} fields but the header has {header.Count}");
                continue;
            }
            rows.Add(fields.Select(f => f.Trim()).ToArray());
            lines.Add(line);
        }
        problems.ThrowIfErrors();
        return new CsvTable(path, header, rows, lines);
    }

    private static List<(List<string> Fields, int Line)> SplitRecords(string text, string path, ProblemList problems)
    {
        var records = new List<(List<string>, int)>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var inQuotes = false;
        var quoteStartLine = 0;
        var any = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                    else inQuotes = false;
                }
                else
                {
                    if (c == '\n') line++;
                    field.Append(c);
                }
                continue;
            }
            switch (c)
            {
                case '"':
                    inQuotes = true;
                    quoteStartLine = line;
                    any = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    any = true;
                    break;
                case '\r':
                    break;
                case '\n':
                    fields.Add(field.ToString());
                    field.Clear();
                    records.Add((fields, recordLine));
                    fields = new List<string>();
                    line++;
                    recordLine = line;
                    any = false;
                    break;
                default:
                    field.Append(c);
                    any = true;
                    break;
            }
        }
        if (inQuotes) problems.Error(path, quoteStartLine, null, "a quoted field is never closed");
        if (any || field.Length > 0)
        {
            fields.Add(field.ToString());
            records.Add((fields, recordLine));
        }
        return records;
    }
}
