using System.Globalization;

namespace Medley.Evaluation.Reporting;

/// <summary>
/// predictions.csv. Single-label: sample_id,label,predicted,prob_&lt;class&gt;... (labels as class names or indices).
/// Multi-label: label_&lt;name&gt;,prob_&lt;name&gt; per label (0/1 targets).
/// </summary>
public sealed class Predictions
{
    public IReadOnlyList<string> Classes { get; init; } = [];
    public bool MultiLabel { get; init; }
    /// <summary>Single-label: class index per sample. Multi-label: unused (see <see cref="Targets"/>).</summary>
    public int[] Labels { get; init; } = [];
    public int[] Predicted { get; init; } = [];
    /// <summary>[samples, classes] probabilities.</summary>
    public double[,] Probabilities { get; init; } = new double[0, 0];
    /// <summary>Multi-label 0/1 targets [samples, labels].</summary>
    public int[,] Targets { get; init; } = new int[0, 0];

    public int Count => Probabilities.GetLength(0);

    public static Predictions Read(string path)
    {
        var csv = CsvTable.Read(path);
        var probCols = csv.Header.Select((h, i) => (h, i)).Where(x => x.h.StartsWith("prob_", StringComparison.Ordinal)).ToList();
        if (probCols.Count == 0) throw new InvalidDataException($"{path}: no prob_<class> columns (header: {string.Join(",", csv.Header)}).");
        var classes = probCols.Select(p => p.h[5..]).ToList();
        var n = csv.Rows.Count;
        var probs = new double[n, classes.Count];
        for (var r = 0; r < n; r++)
            for (var c = 0; c < classes.Count; c++) probs[r, c] = csv.Number(r, probCols[c].i);

        var labelCol = csv.Column("label");
        if (labelCol < 0)
        {
            var targets = new int[n, classes.Count];
            for (var c = 0; c < classes.Count; c++)
            {
                var col = csv.Column("label_" + classes[c]);
                if (col < 0) throw new InvalidDataException($"{path}: neither a 'label' column nor 'label_{classes[c]}' for prob_{classes[c]}.");
                for (var r = 0; r < n; r++) targets[r, c] = csv.Number(r, col) >= 0.5 ? 1 : 0;
            }
            return new Predictions { Classes = classes, MultiLabel = true, Probabilities = probs, Targets = targets };
        }

        int ClassIndex(string value, int row, string column)
        {
            var v = value.Trim();
            var byName = classes.IndexOf(v);
            if (byName >= 0) return byName;
            if (int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var idx) && idx >= 0 && idx < classes.Count) return idx;
            throw new InvalidDataException($"{path}: line {row + 2}, column '{column}': '{v}' is neither a class ({string.Join(", ", classes)}) nor a class index.");
        }
        var labels = Enumerable.Range(0, n).Select(r => ClassIndex(csv.Rows[r][labelCol], r, "label")).ToArray();
        var predCol = csv.Column("predicted");
        var predicted = predCol >= 0
            ? Enumerable.Range(0, n).Select(r => ClassIndex(csv.Rows[r][predCol], r, "predicted")).ToArray()
            : Metrics.Classification.ArgMax(probs);
        return new Predictions { Classes = classes, Labels = labels, Predicted = predicted, Probabilities = probs };
    }

    /// <summary>Concatenates the predictions of several folds (same classes) for pooled curves.</summary>
    public static Predictions Pool(IReadOnlyList<Predictions> parts)
    {
        var first = parts[0];
        foreach (var p in parts)
            if (!p.Classes.SequenceEqual(first.Classes) || p.MultiLabel != first.MultiLabel)
                throw new InvalidDataException("the folds' predictions.csv files have different classes and cannot be pooled.");
        var n = parts.Sum(p => p.Count);
        var k = first.Classes.Count;
        var probs = new double[n, k];
        var targets = new int[first.MultiLabel ? n : 0, first.MultiLabel ? k : 0];
        var row = 0;
        foreach (var p in parts)
            for (var i = 0; i < p.Count; i++, row++)
                for (var c = 0; c < k; c++)
                {
                    probs[row, c] = p.Probabilities[i, c];
                    if (first.MultiLabel) targets[row, c] = p.Targets[i, c];
                }
        return new Predictions
        {
            Classes = first.Classes, MultiLabel = first.MultiLabel, Probabilities = probs, Targets = targets,
            Labels = parts.SelectMany(p => p.Labels).ToArray(), Predicted = parts.SelectMany(p => p.Predicted).ToArray(),
        };
    }
}
