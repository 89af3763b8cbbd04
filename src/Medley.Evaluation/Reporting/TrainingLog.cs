namespace Medley.Evaluation.Reporting;

/// <summary>log.csv: one row per epoch with epoch, train_loss, val_loss, val_&lt;metric&gt;..., lr, seconds.</summary>
public sealed class TrainingLog
{
    public double[] Epochs { get; init; } = [];
    /// <summary>Every numeric column other than epoch, by name.</summary>
    public IReadOnlyDictionary<string, double[]> Columns { get; init; } = new Dictionary<string, double[]>();

    public double[]? this[string column] => Columns.TryGetValue(column, out var v) ? v : null;

    /// <summary>The validation metric columns (val_* other than val_loss), without the prefix.</summary>
    public IEnumerable<string> ValidationMetrics => Columns.Keys.Where(k => k.StartsWith("val_", StringComparison.Ordinal) && k != "val_loss").Select(k => k[4..]);

    public static TrainingLog Read(string path)
    {
        var csv = CsvTable.Read(path);
        var epochCol = csv.Column("epoch");
        if (epochCol < 0) throw new InvalidDataException($"{path}: no 'epoch' column (header: {string.Join(",", csv.Header)}).");
        var columns = new Dictionary<string, double[]>();
        for (var c = 0; c < csv.Header.Count; c++)
        {
            if (c == epochCol) continue;
            var col = c;
            columns[csv.Header[c]] = Enumerable.Range(0, csv.Rows.Count).Select(r => csv.Number(r, col)).ToArray();
        }
        return new TrainingLog { Epochs = Enumerable.Range(0, csv.Rows.Count).Select(r => csv.Number(r, epochCol)).ToArray(), Columns = columns };
    }
}
