using System.Globalization;
using Medley.Data.Batching;
using Medley.Data.Spec;
using Medley.Models;
using Medley.Models.Methods.FusionBaselines;
using Medley.Torch;
using Medley.Torch.Optim;

namespace Medley.Training.Strategies;

/// <summary>One head's mean loss on the training part and on the held-out part at one moment.</summary>
public readonly record struct HeadLosses(double Train, double Validation)
{
    /// <summary>Overfitting O = L_validation − L_train.</summary>
    public double Overfitting => Validation - Train;
}

/// <summary>
/// Gradient Blending (Wang et al., CVPR 2020), online form: the loss is Σ_k w_k·L_k over the M auxiliary heads and
/// the fused head. Every <c>gblend_every</c> epochs each head's train and validation losses are measured (eval mode,
/// context.Train and context.Validation as the held-out part) and compared with the previous measurement (the first
/// one is taken before epoch 1): generalisation ΔG_k = L^V_k(start) − L^V_k(end), overfitting change
/// ΔO_k = O_k(end) − O_k(start), and w_k ∝ max(ΔG_k, 0) / ΔO_k², normalised to sum 1 (uniform until the first
/// estimate, when no head generalised, or without a validation part). log.csv gets gblend_w_&lt;head&gt; each epoch.
/// A resumed run starts a fresh window (the weights are not checkpointed).
/// </summary>
public sealed class GBlendStrategy : ITrainingStrategy
{
    private readonly GBlendModel model;
    private readonly IReadOnlyList<string> heads;
    private double[] weights;
    private HeadLosses[]? windowStart;

    public GBlendStrategy(MedleyModel model)
    {
        this.model = FusionHeadLoss.Expect<GBlendModel>(model, "g-blend");
        heads = this.model.HeadNames;
        weights = Enumerable.Repeat(1.0 / heads.Count, heads.Count).ToArray();
    }

    /// <summary>Current weights, in <see cref="GBlendModel.HeadNames"/> order (each modality, then "fused").</summary>
    public IReadOnlyList<double> Weights => weights;

    /// <summary>w_k ∝ max(ΔG_k, 0) / ΔO_k² from two measurements per head, normalised to sum 1; uniform when no
    /// head generalised (all ΔG ≤ 0) or a value is not finite.</summary>
    public static double[] ComputeWeights(IReadOnlyList<HeadLosses> start, IReadOnlyList<HeadLosses> end)
    {
        if (start.Count != end.Count || start.Count == 0) throw new ArgumentException("G-Blend: start and end need one measurement per head.");
        var raw = new double[start.Count];
        for (var k = 0; k < raw.Length; k++)
        {
            var generalisation = start[k].Validation - end[k].Validation;
            var overfitting = end[k].Overfitting - start[k].Overfitting;
            raw[k] = Math.Max(generalisation, 0) / Math.Max(overfitting * overfitting, 1e-12);
        }
        var sum = raw.Sum();
        if (!(sum > 0) || !double.IsFinite(sum)) return Enumerable.Repeat(1.0 / raw.Length, raw.Length).ToArray();
        return raw.Select(r => r / sum).ToArray();
    }

    public void OnEpochStart(TrainingStepContext context)
    {
        if (windowStart == null && context.Validation is { BatchCount: > 0 } && context.Train != null)
            windowStart = Measure(context);
    }

    public double Step(TrainingStepContext context, ModalityBatch batch)
    {
        var output = model.Forward(context.Inputs.Inputs(batch));
        var loss = Blend(output, batch.Labels, context.Task);
        context.Optimizer.ZeroGrad();
        loss.Backward();
        if (context.Options.GradClip is { } maxNorm) GradientClipping.ClipGradNorm(model.Parameters(), maxNorm);
        context.Optimizer.Step();
        return loss.Item();
    }

    /// <summary>Σ_k w_k·L_k (+ the model's auxiliary losses).</summary>
    public Tensor Blend(ModelOutput output, Tensor labels, TaskKind task)
    {
        var losses = HeadLogits(output).Select(l => FusionHeadLoss.Of(l, labels, task)).ToList();
        var total = losses[0] * weights[0];
        for (var k = 1; k < losses.Count; k++) total = total + losses[k] * weights[k];
        foreach (var aux in output.AuxiliaryLosses.Values) total = total + aux;
        return total;
    }

    public IReadOnlyDictionary<string, double> OnEpochEnd(TrainingStepContext context)
    {
        var every = model.Config.GblendEvery;
        if (windowStart != null && context.Epoch % every == 0)
        {
            var end = Measure(context);
            weights = ComputeWeights(windowStart, end);
            windowStart = end;
        }
        return heads.Select((h, k) => (h, k)).ToDictionary(x => "gblend_w_" + x.h, x => weights[x.k]);
    }

    /// <summary>The weights and the start of the open measurement window: "weights" = w_1,…; "window_start" =
    /// train:validation per head, or empty before the first measurement. Doubles round-trip exactly ("R").</summary>
    public IReadOnlyDictionary<string, string> SaveState() => new Dictionary<string, string>
    {
        ["gblend_weights"] = string.Join(",", weights.Select(w => w.ToString("R", CultureInfo.InvariantCulture))),
        ["gblend_window_start"] = windowStart == null ? "" : string.Join(",", windowStart.Select(h =>
            h.Train.ToString("R", CultureInfo.InvariantCulture) + ":" + h.Validation.ToString("R", CultureInfo.InvariantCulture))),
    };

    public void LoadState(IReadOnlyDictionary<string, string> state)
    {
        // Checkpoints written before the strategy saved its state resume with uniform weights and a fresh window.
        if (!state.TryGetValue("gblend_weights", out var saved)) return;
        double Number(string text) => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new InvalidDataException($"G-Blend state: '{text}' is not a number.");
        var loaded = saved.Split(',').Select(Number).ToArray();
        if (loaded.Length != heads.Count)
            throw new InvalidDataException($"G-Blend state has {loaded.Length} weights but the model has {heads.Count} heads ({string.Join(", ", heads)}).");
        var window = state.GetValueOrDefault("gblend_window_start", "");
        HeadLosses[]? start = null;
        if (window.Length > 0)
        {
            start = window.Split(',').Select(pair => pair.Split(':')).Select(p => p.Length == 2
                ? new HeadLosses(Number(p[0]), Number(p[1]))
                : throw new InvalidDataException($"G-Blend state: window entry '{string.Join(":", p)}' is not train:validation.")).ToArray();
            if (start.Length != heads.Count)
                throw new InvalidDataException($"G-Blend state has {start.Length} window measurements but the model has {heads.Count} heads.");
        }
        weights = loaded;
        windowStart = start;
    }

    private IEnumerable<Tensor> HeadLogits(ModelOutput output) =>
        model.Encoders.Names.Select(n => output.Feature(FusionBaselineModel.LogitsFeature(n))).Append(output.Logits);

    /// <summary>Each head's mean loss over the training and validation parts (eval mode, no gradient).</summary>
    private HeadLosses[] Measure(TrainingStepContext context)
    {
        var train = MeanLosses(context, context.Train!);
        var val = MeanLosses(context, context.Validation!);
        return train.Select((t, k) => new HeadLosses(t, val[k])).ToArray();
    }

    private double[] MeanLosses(TrainingStepContext context, IBatchSource source)
    {
        var wasTraining = model.Training;
        model.Eval();
        var sums = new double[heads.Count];
        long count = 0;
        try
        {
            using var noGrad = Engine.NoGrad();
            foreach (var batch in source.Epoch(context.Epoch))
            {
                using var owned = batch;
                using var scope = DisposeScope.Enter();
                var output = model.Forward(context.Inputs.Inputs(batch));
                var k = 0;
                foreach (var logits in HeadLogits(output))
                    sums[k++] += FusionHeadLoss.Of(logits, batch.Labels, context.Task).Item() * batch.Size;
                count += batch.Size;
            }
        }
        finally
        {
            model.Train(wasTraining);
        }
        return sums.Select(s => count > 0 ? s / count : 0).ToArray();
    }
}
