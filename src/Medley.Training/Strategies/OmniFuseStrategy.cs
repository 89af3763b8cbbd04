using System.Globalization;
using System.Text;
using Medley.Data.Batching;
using Medley.Data.Spec;
using Medley.Models;
using Medley.Models.Methods.OmniFuse;
using Medley.Torch;
using Medley.Torch.NN;
using Medley.Torch.Optim;

namespace Medley.Training.Strategies;

/// <summary>
/// OmniFuse's training loop (METHODS.md §2.4–2.5): the standard step on L = L_fw + λ1·L_bw + λ2·L_DWFuse, plus TLA.
/// From epoch 2 on (use_tla), every training sample is predicted under each of the 2^M − 1 modality combinations at the
/// epoch's start (no gradient); the combination with the largest summed cross-entropy is δ_lazy, and every step of the
/// epoch also predicts the batch with only δ_lazy's modalities present and adds λ3·CE of it ("tla" term).
/// log.csv columns: "tla_lazy" = δ_lazy as a bitmask (bit m = the model's modality m in config order, e.g. 5 = modalities
/// 0 and 2) and "imputation_cosine" = mean cosine between imputed and true embeddings on the validation part.
/// tla.csv in the run directory: epoch, δ_lazy by modality names, and every combination's summed loss.
/// </summary>
public sealed class OmniFuseStrategy : ITrainingStrategy
{
    private readonly OmniFuseModel model;
    private int? lazy;

    public OmniFuseStrategy(MedleyModel model) =>
        this.model = model as OmniFuseModel ?? throw new ArgumentException($"the omnifuse training strategy needs an OmniFuseModel, got {model.GetType().Name}.");

    /// <summary>δ_lazy of the current epoch as a bitmask, or null (epoch 1, or TLA off).</summary>
    public int? LazyCombination => lazy;

    public void OnEpochStart(TrainingStepContext context)
    {
        lazy = null;
        if (!model.Config.UseTla || context.Epoch < 2 || context.Train == null) return;
        var losses = CombinationLosses(model, context.Inputs, context.Task, context.Train);
        lazy = Laziest(losses);
        if (context.RunDir != null) WriteTrace(Path.Combine(context.RunDir, "tla.csv"), context.Epoch, lazy.Value, losses, model.ModalityNames);
    }

    public double Step(TrainingStepContext context, ModalityBatch batch)
    {
        var inputs = context.Inputs.Inputs(batch);
        var output = model.Forward(inputs);
        var loss = TaskLoss.Compute(model, output, batch.Labels, context.Task).Total;
        if (lazy is { } mask)
        {
            var lazyOutput = model.Forward(inputs, Pattern(mask, model.ModalityNames.Count), allowDrop: false);
            loss = loss + PerSampleLoss(lazyOutput.Logits, batch.Labels, context.Task).Mean() * model.Config.Lambda3;
        }
        context.Optimizer.ZeroGrad();
        loss.Backward();
        if (context.Options.GradClip is { } maxNorm) GradientClipping.ClipGradNorm(context.Model.Parameters(), maxNorm);
        context.Optimizer.Step();
        return loss.Item();
    }

    public IReadOnlyDictionary<string, double> OnEpochEnd(TrainingStepContext context)
    {
        var columns = new Dictionary<string, double>();
        if (lazy is { } mask) columns["tla_lazy"] = mask;
        if (context.Validation is { BatchCount: > 0 } validation)
            columns["imputation_cosine"] = ImputationCosine(model, context.Inputs, validation);
        return columns;
    }

    /// <summary>Presence pattern of a combination bitmask (bit m = modality m).</summary>
    public static IReadOnlyList<bool> Pattern(int mask, int modalities) =>
        Enumerable.Range(0, modalities).Select(m => (mask & (1 << m)) != 0).ToArray();

    /// <summary>A combination's modality names joined by '+', e.g. "image+report".</summary>
    public static string Describe(int mask, IReadOnlyList<string> names) =>
        string.Join("+", names.Where((_, m) => (mask & (1 << m)) != 0));

    /// <summary>The bitmask with the largest loss; <paramref name="losses"/>[i] belongs to mask i + 1 (ties: the first).</summary>
    public static int Laziest(IReadOnlyList<double> losses)
    {
        if (losses.Count == 0) throw new ArgumentException("TLA needs at least one modality combination.");
        var best = 0;
        for (var i = 1; i < losses.Count; i++) if (losses[i] > losses[best]) best = i;
        return best + 1;
    }

    /// <summary>
    /// Σ over the source's samples of the joint prediction's loss (cross-entropy, or BCE averaged over labels) with only
    /// each combination's modalities present: element i is combination i + 1 (bitmask). Eval mode, no gradient.
    /// </summary>
    public static double[] CombinationLosses(OmniFuseModel model, InputBinding binding, TaskKind task, IBatchSource source)
    {
        var m = model.ModalityNames.Count;
        if (m > 12) throw new ArgumentException($"TLA over {m} modalities would evaluate {(1 << m) - 1} combinations; use at most 12 or set use_tla=false.");
        var sums = new double[(1 << m) - 1];
        ForEachBatchInEval(model, binding, source, (batch, inputs) =>
        {
            for (var mask = 1; mask <= sums.Length; mask++)
            {
                using var inner = DisposeScope.Enter();
                var output = model.Forward(inputs, Pattern(mask, m), allowDrop: false);
                sums[mask - 1] += PerSampleLoss(output.Logits, batch.Labels, task).Sum().Item<float>();
            }
        });
        return sums;
    }

    /// <summary>Runs <paramref name="body"/> on every batch of the source in eval mode without gradient (one scope per
    /// batch), then restores the model's mode.</summary>
    private static void ForEachBatchInEval(OmniFuseModel model, InputBinding binding, IBatchSource source,
        Action<ModalityBatch, Dictionary<string, Tensor>> body)
    {
        var wasTraining = model.Training;
        model.Eval();
        try
        {
            using var noGrad = Engine.NoGrad();
            foreach (var batch in source.Epoch(0))
            {
                using var owned = batch;
                using var scope = DisposeScope.Enter();
                body(batch, binding.Inputs(batch));
            }
        }
        finally
        {
            model.Train(wasTraining);
        }
    }

    /// <summary>
    /// METHODS.md §2.7(e): for every validation sample and every modality it has (with at least one other present), predict
    /// with that modality dropped and compare its imputed embedding to its true one; the mean cosine similarity (NaN
    /// when no sample has two modalities).
    /// </summary>
    public static double ImputationCosine(OmniFuseModel model, InputBinding binding, IBatchSource source)
    {
        var m = model.ModalityNames.Count;
        var d = model.EmbedDim;
        double sum = 0;
        long count = 0;
        ForEachBatchInEval(model, binding, source, (_, inputs) =>
        {
            var full = model.Forward(inputs, null, allowDrop: false);
            var present = full.Feature("imputed").Lt(0.5);                             // [B, M]
            var others = present.To(DType.Float32).Sum(1, keepDim: true) - present.To(DType.Float32);
            for (var i = 0; i < m; i++)
            {
                using var inner = DisposeScope.Enter();
                var rows = present.Select(1, i).LogicalAnd(others.Select(1, i).Gt(0.0));
                var n = rows.To(DType.Int64).Sum().Item<long>();
                if (n == 0) continue;
                var keep = Enumerable.Range(0, m).Select(j => j != i).ToArray();
                var dropped = model.Forward(inputs, keep, allowDrop: false);
                var cos = Functional.CosineSimilarity(dropped.Feature("V_imputed").Narrow(1, i * d, d), full.Feature("V").Narrow(1, i * d, d));
                sum += (cos * rows.To(cos.DType)).Sum().Item<float>();
                count += n;
            }
        });
        return count > 0 ? sum / count : double.NaN;
    }

    /// <summary>Per-sample loss of joint logits [B]: cross-entropy, or BCE with logits averaged over labels.</summary>
    private static Tensor PerSampleLoss(Tensor logits, Tensor labels, TaskKind task) => task == TaskKind.Multilabel
        ? Functional.BinaryCrossEntropyWithLogits(logits, labels.To(logits.DType), reduction: Reduction.None).Mean(1)
        : Functional.CrossEntropy(logits, labels.To(DType.Int64), reduction: Reduction.None);

    /// <summary>tla.csv: one row per epoch (rows of this epoch and later, left by an interrupted run, are replaced).</summary>
    private static void WriteTrace(string path, int epoch, int lazy, IReadOnlyList<double> losses, IReadOnlyList<string> names)
    {
        var header = "epoch,lazy,lazy_mask" + string.Concat(Enumerable.Range(1, losses.Count).Select(mask => ",loss_" + Describe(mask, names)));
        var sb = new StringBuilder(header).Append('\n');
        if (File.Exists(path))
        {
            var lines = File.ReadAllLines(path);
            if (lines.Length > 0 && lines[0] == header)
                foreach (var line in lines.Skip(1))
                    if (int.TryParse(line.Split(',')[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var e) && e < epoch)
                        sb.Append(line).Append('\n');
        }
        sb.Append(epoch.ToString(CultureInfo.InvariantCulture)).Append(',').Append(Describe(lazy, names)).Append(',')
            .Append(lazy.ToString(CultureInfo.InvariantCulture));
        foreach (var l in losses) sb.Append(',').Append(l.ToString("R", CultureInfo.InvariantCulture));
        AtomicFile.WriteAllText(path, sb.Append('\n').ToString());
    }
}
