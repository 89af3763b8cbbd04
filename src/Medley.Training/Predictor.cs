using Medley.Data.Spec;
using Medley.Models;
using Medley.Torch;

namespace Medley.Training;

/// <summary>Runs a model over a batch source without gradients and collects <see cref="Predictions"/>.</summary>
public static class Predictor
{
    /// <summary>Features kept for plots and feature metrics when <c>collectFeatures</c> is set (2-D [B, d] only).</summary>
    public static readonly IReadOnlyList<string> FeatureNames = new[] { "F_I", "F_L", "F_fuse", "S", "F_prune" };

    /// <summary>Per-modality features [B, M] written as predictions.csv columns &lt;name&gt;_&lt;modality&gt; when a model gives them.</summary>
    public static readonly IReadOnlyList<string> ExplanationNames = new[] { "omega", "imputed" };

    public static Predictions Run(MedleyModel model, InputBinding binding, TaskKind task, IReadOnlyList<string> classes,
        IBatchSource source, bool collectFeatures = false, bool computeLoss = true)
    {
        var wasTraining = model.Training;
        model.Eval();
        var ids = new List<string>();
        var probs = new List<float[]>();
        var labels = new List<int>();
        var labelRows = new List<int[]>();
        var features = new Dictionary<string, List<float[]>>();
        var explanations = new Dictionary<string, List<float[]>>();
        double lossSum = 0;
        var lossCount = 0;
        try
        {
            using var noGrad = Engine.NoGrad();
            foreach (var batch in source.Epoch(0))
            {
                using var owned = batch;
                using var scope = DisposeScope.Enter();
                var output = model.Forward(binding.Inputs(batch));
                var p = TaskLoss.Probabilities(output.Logits, task).To(DType.Float32).ToArray2D<float>();
                var c = p.GetLength(1);
                if (c != classes.Count)
                    throw new InvalidOperationException($"the model gives {c} outputs but the dataset has {classes.Count} classes ({string.Join(", ", classes)}).");
                for (var i = 0; i < p.GetLength(0); i++)
                {
                    var row = new float[c];
                    for (var k = 0; k < c; k++) row[k] = p[i, k];
                    probs.Add(row);
                }
                ids.AddRange(batch.SampleIds);
                if (task == TaskKind.Multilabel)
                {
                    var y = batch.Labels.To(DType.Float32).ToArray2D<float>();
                    for (var i = 0; i < y.GetLength(0); i++) labelRows.Add(Enumerable.Range(0, c).Select(k => y[i, k] > 0.5f ? 1 : 0).ToArray());
                }
                else labels.AddRange(batch.Labels.To(DType.Int64).ToArray<long>().Select(v => (int)v));
                var known = task == TaskKind.Multilabel || batch.Labels.To(DType.Int64).ToArray<long>().All(v => v >= 0);
                if (computeLoss && known)
                {
                    lossSum += TaskLoss.Compute(model, output, batch.Labels, task).Total.Item() * batch.Size;
                    lossCount += batch.Size;
                }
                Collect(output, ExplanationNames, model.Modalities.Count, batch.Size, explanations);
                if (!collectFeatures) continue;
                Collect(output, FeatureNames, null, batch.Size, features);
            }
        }
        finally
        {
            model.Train(wasTraining);
        }
        var n = ids.Count;
        var matrix = new double[n, classes.Count];
        for (var i = 0; i < n; i++)
            for (var k = 0; k < classes.Count; k++) matrix[i, k] = probs[i][k];
        int[,]? labelMatrix = null;
        if (task == TaskKind.Multilabel)
        {
            labelMatrix = new int[n, classes.Count];
            for (var i = 0; i < n; i++)
                for (var k = 0; k < classes.Count; k++) labelMatrix[i, k] = labelRows[i][k];
        }
        var featureArrays = features.Where(kv => kv.Value.Count == n).ToDictionary(kv => kv.Key, kv => To2D(kv.Value));
        var explanationArrays = explanations.Where(kv => kv.Value.Count == n).ToDictionary(kv => kv.Key, kv => To2D(kv.Value));
        return new Predictions(task, classes, ids, matrix, labels.ToArray(), labelMatrix,
            lossCount > 0 ? lossSum / lossCount : double.NaN, featureArrays)
        {
            Explanations = explanationArrays,
            ExplanationModalities = explanationArrays.Count > 0 ? model.Modalities.ToList() : Array.Empty<string>(),
        };
    }

    /// <summary>Appends the rows of each named 2-D feature [B, width] (any width when <paramref name="width"/> is null).</summary>
    private static void Collect(ModelOutput output, IReadOnlyList<string> names, int? width, long batchSize, Dictionary<string, List<float[]>> into)
    {
        foreach (var name in names)
        {
            if (!output.Features.TryGetValue(name, out var f) || f.Dim != 2 || f.Size(0) != batchSize || (width != null && f.Size(1) != width)) continue;
            var values = f.To(DType.Float32).ToArray2D<float>();
            if (!into.TryGetValue(name, out var list)) into[name] = list = new List<float[]>();
            for (var i = 0; i < values.GetLength(0); i++)
                list.Add(Enumerable.Range(0, values.GetLength(1)).Select(j => values[i, j]).ToArray());
        }
    }

    private static float[,] To2D(List<float[]> rows)
    {
        var d = rows.Count == 0 ? 0 : rows[0].Length;
        var m = new float[rows.Count, d];
        for (var i = 0; i < rows.Count; i++)
            for (var j = 0; j < d; j++) m[i, j] = rows[i][j];
        return m;
    }
}
