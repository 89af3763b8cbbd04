using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Medley.Data.Batching;
using Medley.Data.Spec;
using Medley.Evaluation.Efficiency;
using Medley.Evaluation.Features;
using Medley.Evaluation.Metrics;
using Medley.Models;
using Medley.Torch;
using Medley.Torch.Profiling;
using Medley.Torch.Serialization;

namespace Medley.Training;

/// <summary>
/// Evaluates a trained model on a split part and writes metrics.json, predictions.csv and features.safetensors
/// (docs/runs.md): task metrics, ROC points, confusion matrix, efficiency (params, FLOPs of one sample, latency at
/// batch 1 and 32, peak RSS) and feature quality (sparsity of F_prune, cross-modal cosine of F_I and F_L).
/// </summary>
public static class RunEvaluation
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static JsonObject Evaluate(MedleyModel model, InputBinding inputs, IBatchSource test, string method, TaskKind task,
        IReadOnlyList<string> classes, EvaluationOptions options, string runDir, TrainingResult? training = null)
    {
        var predictions = Predictor.Run(model, inputs, task, classes, test, collectFeatures: true);
        var metrics = MetricsJson(predictions, method, options.CalibrationBins);
        if (training != null && training.BestMetric is { } best)
            metrics["val_best"] = new JsonObject { ["epoch"] = training.BestEpoch, ["metric"] = training.Metric, ["value"] = best };
        if (FirstBatchInputs(test, inputs) is { } sample)
        {
            using (sample.Scope)
                metrics["efficiency"] = Efficiency(model, sample.Inputs, options);
        }
        if (FeatureMetrics(predictions) is { Count: > 0 } f) metrics["features"] = f;
        Write(runDir, metrics, predictions, options.SaveFeatures);
        return metrics;
    }

    public static void Write(string runDir, JsonObject metrics, Predictions predictions, bool saveFeatures)
    {
        AtomicFile.WriteAllText(Path.Combine(runDir, "predictions.csv"), PredictionsCsv(predictions));
        if (saveFeatures && predictions.Features.Count > 0) WriteFeatures(Path.Combine(runDir, "features.safetensors"), predictions);
        AtomicFile.WriteAllText(Path.Combine(runDir, "metrics.json"), metrics.ToJsonString(Indented));
    }

    /// <summary>metrics.json without efficiency: method, task, classes, test metrics, ROC points and confusion matrix.</summary>
    public static JsonObject MetricsJson(Predictions p, string method, int calibrationBins = 15)
    {
        var test = new JsonObject();
        foreach (var (k, v) in ValidationMetrics.Compute(p, calibrationBins).Where(kv => kv.Key != "loss")) test[k] = v;
        var json = new JsonObject
        {
            ["method"] = method,
            ["task"] = p.Task.Name(),
            ["classes"] = new JsonArray(p.Classes.Select(c => (JsonNode)c).ToArray()),
            ["samples"] = p.Count,
            ["test"] = test,
        };
        if (p.Count == 0) return json;
        var roc = new JsonObject();
        if (p.Task == TaskKind.Multilabel)
        {
            var auroc = Ranking.AurocMultiLabel(p.LabelMatrix!, p.Probabilities);
            var perLabel = new JsonObject();
            for (var k = 0; k < p.Classes.Count; k++)
                if (!double.IsNaN(auroc.PerClass[k])) perLabel[p.Classes[k]] = auroc.PerClass[k];
            test["auroc_per_label"] = perLabel;
            for (var k = 0; k < p.Classes.Count; k++) AddRoc(roc, p.Classes[k], Column(p.LabelMatrix!, k), Column(p.Probabilities, k));
        }
        else
        {
            var labels = Enumerable.Range(0, p.Classes.Count).ToArray();
            var cm = ConfusionMatrix.Compute(p.Labels, p.Predicted(), labels);
            var counts = new JsonArray();
            for (var i = 0; i < cm.Size; i++)
                counts.Add(new JsonArray(Enumerable.Range(0, cm.Size).Select(j => (JsonNode)cm.Counts[i, j]).ToArray()));
            json["confusion_matrix"] = new JsonObject { ["labels"] = new JsonArray(p.Classes.Select(c => (JsonNode)c).ToArray()), ["counts"] = counts };
            var classesForRoc = p.Classes.Count == 2 ? new[] { 1 } : labels;
            foreach (var k in classesForRoc)
                AddRoc(roc, p.Classes[k], p.Labels.Select(y => y == k ? 1 : 0).ToArray(), Column(p.Probabilities, k));
        }
        if (roc.Count > 0) json["roc"] = roc;
        return json;
    }

    private static double[] Column(double[,] m, int k) => Enumerable.Range(0, m.GetLength(0)).Select(i => m[i, k]).ToArray();
    private static int[] Column(int[,] m, int k) => Enumerable.Range(0, m.GetLength(0)).Select(i => m[i, k]).ToArray();

    private static void AddRoc(JsonObject roc, string name, int[] yTrue, double[] scores)
    {
        if (yTrue.Distinct().Count() < 2) return; // undefined with one class present: omitted, not faked
        var curve = BinaryCurves.Roc(yTrue, scores);
        roc[name] = new JsonObject
        {
            ["fpr"] = new JsonArray(curve.FalsePositiveRate.Select(v => (JsonNode)v).ToArray()),
            ["tpr"] = new JsonArray(curve.TruePositiveRate.Select(v => (JsonNode)v).ToArray()),
        };
    }

    private static JsonObject FeatureMetrics(Predictions p)
    {
        var f = new JsonObject();
        if (p.Features.TryGetValue("F_prune", out var pruned)) f["sparsity"] = FeatureQuality.Sparsity(pruned);
        if (p.Features.TryGetValue("F_I", out var fi) && p.Features.TryGetValue("F_L", out var fl) && fi.GetLength(1) == fl.GetLength(1))
            f["cross_modal_cosine"] = FeatureQuality.MeanCosineSimilarity(fi, fl);
        return f;
    }

    private sealed class SampleInputs(Dictionary<string, Tensor> inputs) : IDisposable
    {
        public Dictionary<string, Tensor> Inputs { get; } = inputs;
        public IDisposable Scope => this;
        public void Dispose()
        {
            foreach (var t in Inputs.Values) t.Dispose();
        }
    }

    /// <summary>The first test sample's inputs (owned by the caller) for FLOPs and latency.</summary>
    private static SampleInputs? FirstBatchInputs(IBatchSource source, InputBinding binding)
    {
        foreach (var batch in source.Epoch(0))
        {
            using var owned = batch;
            using var scope = DisposeScope.Enter();
            var first = Tensor.From(new long[] { 0 });
            var inputs = binding.Inputs(batch).ToDictionary(kv => kv.Key, kv => kv.Value.IndexSelect(0, first).DetachFromScope());
            return new SampleInputs(inputs);
        }
        return null;
    }

    public static JsonObject Efficiency(MedleyModel model, IReadOnlyDictionary<string, Tensor> oneSample, EvaluationOptions options)
    {
        var wasTraining = model.Training;
        model.Eval();
        var json = new JsonObject();
        var parameters = ParameterCounter.Count(model);
        json["params"] = parameters.Total;
        using (Engine.NoGrad())
        {
            using (var scope = DisposeScope.Enter())
            {
                using var counter = FlopCounter.Start();
                model.Forward(oneSample);
                json["flops"] = (double)counter.Total;
                json["macs"] = (double)counter.MultiplyAdds;
            }
            if (options.LatencyRuns > 0)
                foreach (var b in options.LatencyBatches)
                {
                    using var scope = DisposeScope.Enter();
                    var index = Tensor.Zeros(new long[] { b }, DType.Int64);
                    var batch = oneSample.ToDictionary(kv => kv.Key, kv => kv.Value.IndexSelect(0, index));
                    var result = Latency.Measure(_ =>
                    {
                        using var inner = DisposeScope.Enter();
                        model.Forward(batch);
                    }, b, options.LatencyWarmup, options.LatencyRuns);
                    json[$"latency_ms_b{b}"] = result.MedianMs;
                }
        }
        if (ProcessMemory.PeakRssBytes() is { } peak) json["peak_rss_mb"] = Math.Round(peak / (1024.0 * 1024.0), 1);
        model.Train(wasTraining);
        return json;
    }

    /// <summary>sample_id,label,predicted,prob_&lt;class&gt;... (multilabel: label_&lt;name&gt;... then prob_&lt;name&gt;...), then
    /// the explanation columns a method gives (OmniFuse: omega_&lt;modality&gt;..., imputed_&lt;modality&gt;... as 0/1).</summary>
    public static string PredictionsCsv(Predictions p, bool withLabels = true)
    {
        var sb = new StringBuilder();
        var names = p.Classes.Select(Csv).ToList();
        var multi = p.Task == TaskKind.Multilabel;
        sb.Append("sample_id");
        if (withLabels) sb.Append(multi ? string.Concat(names.Select(n => ",label_" + n)) : ",label");
        if (!multi) sb.Append(",predicted");
        sb.Append(string.Concat(names.Select(n => ",prob_" + n)));
        var explanations = Predictor.ExplanationNames.Where(p.Explanations.ContainsKey).ToList();
        foreach (var e in explanations) sb.Append(string.Concat(p.ExplanationModalities.Select(m => $",{e}_{Csv(m)}")));
        sb.Append('\n');
        var predicted = multi ? null : p.Predicted();
        for (var i = 0; i < p.Count; i++)
        {
            sb.Append(Csv(p.SampleIds[i]));
            if (withLabels)
            {
                if (multi) for (var k = 0; k < p.Classes.Count; k++) sb.Append(',').Append(p.LabelMatrix![i, k]);
                else sb.Append(',').Append(p.Labels[i] >= 0 ? Csv(p.Classes[p.Labels[i]]) : "");
            }
            if (!multi) sb.Append(',').Append(Csv(p.Classes[predicted![i]]));
            for (var k = 0; k < p.Classes.Count; k++) sb.Append(',').Append(p.Probabilities[i, k].ToString("G9", CultureInfo.InvariantCulture));
            foreach (var e in explanations)
                for (var m = 0; m < p.ExplanationModalities.Count; m++)
                {
                    var value = p.Explanations[e][i, m];
                    sb.Append(',').Append(e == "imputed" ? (value > 0.5f ? "1" : "0") : value.ToString("G9", CultureInfo.InvariantCulture));
                }
            sb.Append('\n');
        }
        return sb.ToString();
    }

    private static string Csv(string s) => s.IndexOfAny(new[] { ',', '"', '\n', '\r' }) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;

    private static void WriteFeatures(string path, Predictions p)
    {
        using var scope = DisposeScope.Enter();
        var tensors = p.Features.ToDictionary(kv => kv.Key, kv => Tensor.From(kv.Value));
        if (p.Task != TaskKind.Multilabel) tensors["labels"] = Tensor.From(p.Labels.Select(v => (long)v).ToArray());
        AtomicFile.Write(path, tmp => SafeTensors.Save(tmp, tensors));
    }
}
