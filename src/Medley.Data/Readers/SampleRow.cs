using Medley.Data.Tables;

namespace Medley.Data.Readers;

/// <summary>One manifest row as a reader sees it: its position, ids, file line and cells by column name.</summary>
public sealed class SampleRow
{
    private readonly CsvTable _table;

    internal SampleRow(CsvTable table, int index, string sampleId, string groupId)
    {
        _table = table;
        Index = index;
        SampleId = sampleId;
        GroupId = groupId;
    }

    /// <summary>0-based position in the manifest (after header).</summary>
    public int Index { get; }
    public string SampleId { get; }
    public string GroupId { get; }
    /// <summary>1-based line of this row in the manifest file.</summary>
    public int Line => _table.Lines[Index];
    public string ManifestPath => _table.Path;

    /// <summary>The trimmed cell of <paramref name="column"/> ("" when empty).</summary>
    public string Cell(string column) => _table.Cell(Index, _table.ColumnIndex(column));
}
