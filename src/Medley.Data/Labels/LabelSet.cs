using System.Globalization;
using Medley.Data.Problems;
using Medley.Data.Spec;
using Medley.Data.Tables;
using Medley.Torch;

namespace Medley.Data.Labels;

/// <summary>
/// The encoded labels of every manifest row. Binary: class 0/1 (the second class is positive); multiclass: class
/// index; multilabel: a 0/1 vector over the label columns. Rows with a bad label get no label (-1) and a problem.
/// </summary>
public sealed class LabelSet
{
    private readonly int[] _classIndex;     // binary / multiclass, -1 = invalid
    private readonly bool[][]? _multi;     // multilabel, null entry = invalid

    public TaskKind Task { get; }
    public IReadOnlyList<string> ClassNames { get; }
    public int ClassCount => ClassNames.Count;

    private LabelSet(TaskKind task, IReadOnlyList<string> classes, int[] classIndex, bool[][]? multi)
    {
        Task = task;
        ClassNames = classes;
        _classIndex = classIndex;
        _multi = multi;
    }

    public bool IsValid(int row) => Task == TaskKind.Multilabel ? _multi![row] != null : _classIndex[row] >= 0;

    /// <summary>Class index of a binary/multiclass row.</summary>
    public int ClassOf(int row) => Task == TaskKind.Multilabel
        ? throw new InvalidOperationException("a multilabel row has no single class")
        : _classIndex[row];

    /// <summary>Per-class indicator of a row (one-hot for binary/multiclass).</summary>
    public bool[] Indicators(int row)
    {
        if (Task == TaskKind.Multilabel) return (bool[])_multi![row].Clone();
        var v = new bool[ClassCount];
        if (_classIndex[row] >= 0) v[_classIndex[row]] = true;
        return v;
    }

    /// <summary>Labels of the given rows: binary float32 [B], multiclass int64 [B], multilabel float32 [B, C].</summary>
    public Tensor ToTensor(IReadOnlyList<int> rows)
    {
        switch (Task)
        {
            case TaskKind.Binary:
                return Tensor.From(rows.Select(r => (float)_classIndex[r]).ToArray());
            case TaskKind.Multiclass:
                return Tensor.From(rows.Select(r => (long)_classIndex[r]).ToArray());
            default:
                var flat = new float[rows.Count * ClassCount];
                for (var i = 0; i < rows.Count; i++)
                    for (var c = 0; c < ClassCount; c++) flat[i * ClassCount + c] = _multi![rows[i]][c] ? 1f : 0f;
                return Tensor.From(flat, new long[] { rows.Count, ClassCount });
        }
    }

    /// <summary>Number of rows of each class (multilabel: positives per class) among <paramref name="rows"/>.</summary>
    public int[] Counts(IEnumerable<int> rows)
    {
        var counts = new int[ClassCount];
        foreach (var r in rows)
        {
            if (!IsValid(r)) continue;
            var ind = Indicators(r);
            for (var c = 0; c < ClassCount; c++) if (ind[c]) counts[c]++;
        }
        return counts;
    }

    /// <summary>Encodes the label column(s) of every row, adding a problem for each empty or undeclared value.</summary>
    public static LabelSet Read(LabelSpec spec, CsvTable table, string specPath, ProblemList problems)
    {
        foreach (var c in spec.Columns.Where(c => !table.HasColumn(c)))
            problems.Error(table.Path, 1, c, $"label column '{c}' is not in the manifest (columns: {string.Join(", ", table.Columns)})");
        if (spec.Columns.Any(c => !table.HasColumn(c)))
            return new LabelSet(spec.Task, spec.Classes ?? Array.Empty<string>(), Enumerable.Repeat(-1, table.RowCount).ToArray(),
                spec.Task == TaskKind.Multilabel ? new bool[table.RowCount][] : null);
        return spec.Task == TaskKind.Multilabel ? ReadMulti(spec, table, problems) : ReadSingle(spec, table, specPath, problems);
    }

    private static LabelSet ReadSingle(LabelSpec spec, CsvTable table, string specPath, ProblemList problems)
    {
        var column = spec.Columns[0];
        var ci = table.ColumnIndex(column);
        var values = Enumerable.Range(0, table.RowCount).Select(r => table.Cell(r, ci)).ToArray();
        IReadOnlyList<string> classes = spec.Classes ?? SortClasses(values.Where(v => v.Length > 0).Distinct());
        if (spec.Classes == null && spec.Task == TaskKind.Binary && classes.Count != 2)
            problems.Error(specPath, spec.Line, "classes",
                $"label column '{column}' has {classes.Count} distinct values ({string.Join(", ", classes.Take(10))}) but a binary task needs exactly 2; list them under 'classes' (negative first)");
        var lookup = classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        var index = new int[table.RowCount];
        for (var r = 0; r < table.RowCount; r++)
        {
            index[r] = -1;
            if (values[r].Length == 0)
                problems.Error(table.Path, table.Lines[r], column, "empty label");
            else if (!lookup.TryGetValue(values[r], out index[r]))
            {
                index[r] = -1;
                problems.Error(table.Path, table.Lines[r], column, $"label '{values[r]}' is not one of the declared classes ({string.Join(", ", classes)})");
            }
        }
        return new LabelSet(spec.Task, classes, index, null);
    }

    private static LabelSet ReadMulti(LabelSpec spec, CsvTable table, ProblemList problems)
    {
        var cols = spec.Columns.Select(table.ColumnIndex).ToArray();
        var multi = new bool[table.RowCount][];
        for (var r = 0; r < table.RowCount; r++)
        {
            var v = new bool[cols.Length];
            var ok = true;
            for (var c = 0; c < cols.Length; c++)
            {
                var cell = table.Cell(r, cols[c]);
                switch (cell.ToLowerInvariant())
                {
                    case "1" or "1.0" or "true" or "yes": v[c] = true; break;
                    case "0" or "0.0" or "false" or "no": break;
                    case "":
                        problems.Error(table.Path, table.Lines[r], spec.Columns[c], "empty label");
                        ok = false;
                        break;
                    default:
                        problems.Error(table.Path, table.Lines[r], spec.Columns[c], $"multilabel value '{cell}' must be 0 or 1");
                        ok = false;
                        break;
                }
            }
            multi[r] = ok ? v : null!;
        }
        return new LabelSet(TaskKind.Multilabel, spec.Columns.ToList(), Array.Empty<int>(), multi);
    }

    /// <summary>Class names found in the data: numerically when all are numbers, otherwise ordinally.</summary>
    private static List<string> SortClasses(IEnumerable<string> values)
    {
        var list = values.ToList();
        if (list.All(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
            return list.OrderBy(v => double.Parse(v, CultureInfo.InvariantCulture)).ToList();
        return list.OrderBy(v => v, StringComparer.Ordinal).ToList();
    }
}
