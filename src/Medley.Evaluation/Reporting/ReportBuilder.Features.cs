using System.Globalization;
using Medley.Evaluation.Features;
using Medley.Evaluation.Plots;

namespace Medley.Evaluation.Reporting;

internal sealed partial class ReportBuilder
{
    /// <summary>t-SNE of image and lab features (jointly embedded, by modality and by class) and the SmartTrim importance heatmap; beside a second run's when given.</summary>
    private void Features()
    {
        var runs = new List<(string Label, string Suffix, RunDirectory Run)> { (RunLabel(run), "", run) };
        if (second != null) runs.Add((RunLabel(second), "-compare", second));
        var withFeatures = runs.Where(r => r.Run.AnyFeatures != null).ToList();
        if (withFeatures.Count == 0)
        {
            Note("No features.safetensors: the t-SNE of image and lab features and the SmartTrim importance heatmap are omitted.");
            return;
        }
        foreach (var r in runs.Except(withFeatures)) Note($"{r.Run.Name} has no features.safetensors: its t-SNE and heatmap are not shown.");

        _report.Section("Feature space");
        var tsneCount = 0;
        foreach (var (label, suffix, r) in withFeatures)
        {
            var f = r.AnyFeatures!;
            if (!f.TryGetValue("F_I", out var fi) || !f.TryGetValue("F_L", out var fl))
            {
                Note($"{r.Name}: features.safetensors lacks F_I or F_L, so no t-SNE for it.");
                continue;
            }
            if (fi.Rows != fl.Rows || fi.Columns != fl.Columns)
            {
                Note($"{r.Name}: F_I is {fi.Rows}×{fi.Columns} but F_L is {fl.Rows}×{fl.Columns}; a joint t-SNE needs the same shape.");
                continue;
            }
            if (fi.Rows < 4)
            {
                Note($"{r.Name}: only {fi.Rows} test samples in features.safetensors, too few for a t-SNE.");
                continue;
            }
            var rows = Subsample(fi.Rows, options.MaxTSneSamples);
            var labels = f.TryGetValue("labels", out var lab) && lab.Values.Length == fi.Rows ? lab.Values.Select(v => (int)v).ToArray() : null;
            var classes = ClassNames(r);
            var n = rows.Length;
            var xy = JointTsne(fi, fl, rows);

            var byModality = new ScatterChart { Title = $"By modality — {label}", HideTicks = true, PointRadius = 2.8, Width = 520, Height = 420, XLabel = "t-SNE 1", YLabel = "t-SNE 2" };
            for (var i = 0; i < 2 * n; i++) byModality.Add(xy[i, 0], xy[i, 1], i < n ? "image (F_I)" : "lab (F_L)");
            var charts = new List<(Chart, string)> { (byModality, "tsne-modality" + suffix) };
            if (labels != null)
            {
                var byClass = new ScatterChart { Title = $"By class — {label}", HideTicks = true, PointRadius = 2.8, Width = 520, Height = 420, XLabel = "t-SNE 1", YLabel = "t-SNE 2" };
                // Ordered by class so the legend lists classes in order.
                foreach (var i in Enumerable.Range(0, 2 * n).OrderBy(i => labels[rows[i % n]]))
                    byClass.Add(xy[i, 0], xy[i, 1], ClassName(classes, labels[rows[i % n]]));
                charts.Add((byClass, "tsne-class" + suffix));
            }
            FigureRow(charts, $"t-SNE of image features F_I and lab features F_L embedded jointly ({n} test samples each, features z-scored, seed {options.TSneSeed}) — {label}.");
            tsneCount++;
        }
        if (tsneCount == 2) _report.Paragraph("Compare the two rows: aligned modalities mix in the by-modality plot, and classes separate in the by-class plot.");

        var heatmaps = withFeatures.Where(r => r.Run.AnyFeatures!.ContainsKey("S")).ToList();
        if (heatmaps.Count == 0)
        {
            Note("features.safetensors has no importance scores S: the SmartTrim heatmap is omitted.");
            return;
        }
        var matrices = heatmaps.Select(h => (h.Label, h.Suffix, Matrix: ImportanceMatrix(h.Run))).ToList();
        var all = matrices.SelectMany(m => m.Matrix.Values.Cast<double>()).Where(double.IsFinite).ToList();
        var range = (all.DefaultIfEmpty(0).Min(), all.DefaultIfEmpty(1).Max());
        foreach (var (label, suffix, (values, dimsPerColumn, sampleCount)) in matrices)
        {
            var chart = new Heatmap(values)
            {
                Title = $"SmartTrim importance S — {label}", XLabel = dimsPerColumn > 1 ? $"feature dimension (mean of {dimsPerColumn} per column)" : "feature dimension",
                YLabel = "test sample", Range = range, Width = 900, Height = 360, ColumnLabels = DimensionLabels(values.GetLength(1), dimsPerColumn),
            };
            Figure(chart, "importance" + suffix, $"SmartTrim importance scores S of {sampleCount} test samples (rows, sorted by class) over the concatenated [F_I; F_L] dimensions — {label}." +
                (matrices.Count > 1 ? " Both heatmaps share one colour scale." : ""));
        }
    }

    /// <summary>"I0".."L7": which half of [F_I; F_L] a column belongs to (the first dimension of the column when several are averaged).</summary>
    private static List<string> DimensionLabels(int columns, int per)
    {
        var half = columns * per / 2;
        return Enumerable.Range(0, columns).Select(c => c * per < half ? "I" + (c * per).ToString(CultureInfo.InvariantCulture)
            : "L" + (c * per - half).ToString(CultureInfo.InvariantCulture)).ToList();
    }

    private static string RunLabel(RunDirectory r) => r.Method is { } m && m != r.Name ? $"{m} ({r.Name})" : r.Name;

    private static IReadOnlyList<string>? ClassNames(RunDirectory r) =>
        r.Metrics?.Classes is { Count: > 0 } c ? c
        : r.Folds.Select(f => f.Run.Metrics?.Classes).FirstOrDefault(x => x is { Count: > 0 })
          ?? r.Predictions?.Classes ?? r.Folds.Select(f => f.Run.Predictions?.Classes).FirstOrDefault(x => x != null);

    private static string ClassName(IReadOnlyList<string>? classes, int label) =>
        classes != null && label >= 0 && label < classes.Count ? classes[label] : "class " + label.ToString(CultureInfo.InvariantCulture);

    /// <summary>Evenly spaced row indices (deterministic, keeps the file's order).</summary>
    private static int[] Subsample(int n, int max) =>
        n <= max ? Enumerable.Range(0, n).ToArray() : Enumerable.Range(0, max).Select(i => (int)((long)i * n / max)).ToArray();

    /// <summary>
    /// Embeds the given rows of two same-shaped matrices together (z-scored columns): points 0..n−1 are a's rows,
    /// n..2n−1 b's, so the two sets are placed in one map and can be compared.
    /// </summary>
    private double[,] JointTsne(FeatureTensor a, FeatureTensor b, int[] rows)
    {
        var n = rows.Length;
        var x = new double[2 * n, a.Columns];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < a.Columns; j++)
            {
                x[i, j] = a.Values[(long)rows[i] * a.Columns + j];
                x[n + i, j] = b.Values[(long)rows[i] * b.Columns + j];
            }
        Standardise(x);
        return TSne.Embed(x, new TSneOptions { Seed = options.TSneSeed, Perplexity = Math.Min(30, (2 * n - 1) / 3.0), Iterations = 750 });
    }

    /// <summary>Z-scores each column so that no dimension dominates the distances; constant columns become 0.</summary>
    private static void Standardise(double[,] x)
    {
        int n = x.GetLength(0), d = x.GetLength(1);
        for (var j = 0; j < d; j++)
        {
            double mean = 0, ss = 0;
            for (var i = 0; i < n; i++) mean += x[i, j];
            mean /= n;
            for (var i = 0; i < n; i++) ss += (x[i, j] - mean) * (x[i, j] - mean);
            var std = Math.Sqrt(ss / n);
            for (var i = 0; i < n; i++) x[i, j] = std > 1e-12 ? (x[i, j] - mean) / std : 0;
        }
    }

    /// <summary>S as at most 60 rows (sorted by class) × 128 columns (adjacent dimensions averaged) so the SVG stays small.</summary>
    private static (double[,] Values, int DimsPerColumn, int Samples) ImportanceMatrix(RunDirectory r)
    {
        var f = r.AnyFeatures!;
        var s = f["S"];
        var rows = Subsample(s.Rows, 60);
        if (f.TryGetValue("labels", out var lab) && lab.Values.Length == s.Rows)
            rows = rows.OrderBy(i => lab.Values[i]).ThenBy(i => i).ToArray();
        var dims = s.Columns;
        var per = (int)Math.Ceiling(dims / 128.0);
        var cols = (dims + per - 1) / per;
        var m = new double[rows.Length, cols];
        for (var i = 0; i < rows.Length; i++)
            for (var c = 0; c < cols; c++)
            {
                double sum = 0;
                var count = 0;
                for (var j = c * per; j < Math.Min(dims, (c + 1) * per); j++, count++) sum += s.Values[(long)rows[i] * dims + j];
                m[i, c] = sum / count;
            }
        return (m, per, rows.Length);
    }
}
