using System.Globalization;

namespace Medley.Evaluation.Reporting;

/// <summary>A small comma-separated table with a header row (quoted fields allowed), read whole.</summary>
internal sealed class CsvTable
{
    public string Path { get; }
    public IReadOnlyList<string> Header { get; }
    public IReadOnlyList<string[]> Rows { get; }

    private CsvTable(string path, IReadOnlyList<string> header, IReadOnlyList<string[]> rows) { Path = path; Header = header; Rows = rows; }

    public static CsvTable Read(string path)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Trim().Length > 0).ToList();
        if (lines.Count == 0) throw new InvalidDataException($"{path}: the file is empty (a header row is expected).");
        var header = Split(lines[0]).Select(h => h.Trim()).ToList();
        var rows = new List<string[]>();
        for (var i = 1; i < lines.Count; i++)
        {
            var cells = Split(lines[i]);
            if (cells.Length != header.Count)
                throw new InvalidDataException($"{path}: line {i + 1} has {cells.Length} fields but the header has {header.Count}.");
            rows.Add(cells);
        }
        return new CsvTable(path, header, rows);
    }

    public int Column(string name) => Header.ToList().IndexOf(name);

    public double Number(int row, int column)
    {
        var s = Rows[row][column].Trim();
        if (s.Length == 0) return double.NaN;
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)) return v;
        throw new InvalidDataException($"{Path}: line {row + 2}, column '{Header[column]}': '{s}' is not a number.");
    }

    private static string[] Split(string line)
    {
        var cells = new List<string>();
        var cur = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { cur.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cur.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { cells.Add(cur.ToString()); cur.Clear(); }
            else cur.Append(c);
        }
        cells.Add(cur.ToString());
        return cells.ToArray();
    }
}
