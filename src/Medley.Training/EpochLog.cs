using System.Globalization;
using System.Text;

namespace Medley.Training;

/// <summary>One epoch's figures: the mean training loss, the validation metrics (with "loss"), lr in effect and wall time.</summary>
public sealed record EpochRecord(int Epoch, double TrainLoss, IReadOnlyDictionary<string, double> Validation, double LearningRate, double Seconds)
{
    /// <summary>What the training strategy measured this epoch (its own columns, after "seconds").</summary>
    public IReadOnlyDictionary<string, double> Strategy { get; init; } = new Dictionary<string, double>();
}

/// <summary>
/// log.csv: <c>epoch,train_loss,val_loss,val_&lt;metric&gt;...,lr,seconds</c>, rewritten atomically after every epoch.
/// On resume the rows up to the checkpoint's epoch are read back, so the log continues seamlessly.
/// </summary>
public sealed class EpochLog
{
    private readonly string _path;
    private readonly List<EpochRecord> _rows = new();

    public EpochLog(string path) => _path = path;

    public IReadOnlyList<EpochRecord> Rows => _rows;

    public void Add(EpochRecord record)
    {
        _rows.Add(record);
        Write();
    }

    /// <summary>Reads back the rows of epochs ≤ <paramref name="upToEpoch"/> from an existing log.</summary>
    public void Restore(int upToEpoch)
    {
        _rows.Clear();
        if (!File.Exists(_path)) return;
        var lines = File.ReadAllLines(_path);
        if (lines.Length == 0) return;
        var header = lines[0].Split(',');
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split(',');
            if (cells.Length != header.Length) continue;
            double Num(string s) => s.Length == 0 ? double.NaN : double.Parse(s, CultureInfo.InvariantCulture);
            var epoch = int.Parse(cells[0], CultureInfo.InvariantCulture);
            if (epoch > upToEpoch) continue;
            var val = new Dictionary<string, double>();
            for (var i = 0; i < header.Length; i++)
                if (header[i].StartsWith("val_", StringComparison.Ordinal) && cells[i].Length > 0) val[header[i][4..]] = Num(cells[i]);
            var seconds = Array.IndexOf(header, "seconds");
            var strategy = new Dictionary<string, double>();
            for (var i = seconds + 1; i < header.Length; i++)
                if (cells[i].Length > 0) strategy[header[i]] = Num(cells[i]);
            _rows.Add(new EpochRecord(epoch, Num(cells[Array.IndexOf(header, "train_loss")]), val,
                Num(cells[Array.IndexOf(header, "lr")]), Num(cells[seconds])) { Strategy = strategy });
        }
    }

    private void Write()
    {
        var metrics = new List<string> { "loss" };
        foreach (var name in ValidationMetrics.Names)
            if (name != "loss" && _rows.Any(r => r.Validation.ContainsKey(name))) metrics.Add(name);
        var sb = new StringBuilder();
        var extra = _rows.SelectMany(r => r.Strategy.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        sb.Append("epoch,train_loss,").Append(string.Join(",", metrics.Select(m => "val_" + m))).Append(",lr,seconds")
            .Append(string.Concat(extra.Select(e => "," + e))).Append('\n');
        static string F(double v) => double.IsNaN(v) ? "" : v.ToString("R", CultureInfo.InvariantCulture);
        foreach (var r in _rows)
        {
            sb.Append(r.Epoch.ToString(CultureInfo.InvariantCulture)).Append(',').Append(F(r.TrainLoss));
            foreach (var m in metrics) sb.Append(',').Append(r.Validation.TryGetValue(m, out var v) ? F(v) : "");
            sb.Append(',').Append(F(r.LearningRate)).Append(',').Append(r.Seconds.ToString("F3", CultureInfo.InvariantCulture));
            foreach (var e in extra) sb.Append(',').Append(r.Strategy.TryGetValue(e, out var v) ? F(v) : "");
            sb.Append('\n');
        }
        AtomicFile.WriteAllText(_path, sb.ToString());
    }
}
