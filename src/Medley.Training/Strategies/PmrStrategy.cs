using Medley.Data.Batching;
using Medley.Data.Spec;
using Medley.Models;
using Medley.Models.Methods.FusionBaselines;
using Medley.Torch;
using Medley.Torch.NN;
using Medley.Torch.Optim;

namespace Medley.Training.Strategies;

/// <summary>
/// Prototypical Modal Rebalance (Fan et al., CVPR 2023). At each epoch start, every modality's class prototypes
/// c_{m,k} are the mean embeddings v_m of the training samples of class k (eval mode; samples lacking the modality do
/// not count; multilabel: samples with label k positive; a class without such samples gets the modality's overall
/// mean). Each step adds to the task loss, per modality, over the samples that have it:
/// prototype logits −‖v_m − c_{m,k}‖₂, the prototype cross-entropy PCE_m, and the score s_m = mean softmax(−d)[y];
/// ρ_m = s_m / mean_{n≠m} s_n. A slow modality (ρ_m &lt; 1) gets PCE weight β_m = α, the others 0 (the authors'
/// rule); in epochs 1..entropy_epochs a dominant one (ρ_m &gt; 1) also gets −μ·H(softmax(−d)), i.e. its prototype
/// entropy is maximised so it does not converge prematurely. log.csv: pmr_rho_&lt;name&gt;, pmr_beta_&lt;name&gt;.
/// </summary>
public sealed class PmrStrategy : ITrainingStrategy
{
    private readonly PmrModel model;
    private Tensor[]? prototypes;
    private readonly double[] rhoSum;
    private readonly int[] rhoCount;
    private readonly double[] betaSum;
    private int steps;

    public PmrStrategy(MedleyModel model)
    {
        this.model = FusionHeadLoss.Expect<PmrModel>(model, "pmr");
        var m = this.model.Encoders.Count;
        rhoSum = new double[m];
        rhoCount = new int[m];
        betaSum = new double[m];
    }

    /// <summary>The current prototypes per modality (config order), [C, d] each; null before the first epoch.</summary>
    public IReadOnlyList<Tensor>? Prototypes => prototypes;

    /// <summary>−‖z_i − c_k‖₂ for every sample i and class k: [B, C].</summary>
    public static Tensor PrototypeLogits(Tensor z, Tensor prototypes)
    {
        var diff = z.Unsqueeze(1) - prototypes.Unsqueeze(0);                  // [B, C, d]
        return -(diff.Square().Sum(2) + 1e-12).Sqrt();
    }

    /// <summary>Class means of the embeddings of present samples: [C, d]. Batches give (v [B, d], present bool [B],
    /// labels: class indices [B], or multilabel 0/1 [B, C]).</summary>
    public static Tensor ClassMeans(IEnumerable<(Tensor V, Tensor Present, Tensor Labels)> batches, int classes, TaskKind task)
    {
        Tensor? sums = null, counts = null, total = null;
        long present = 0;
        foreach (var (v, p, labels) in batches)
        {
            var keep = p.To(v.DType).Unsqueeze(1);                            // [B, 1]
            var w = (task == TaskKind.Multilabel ? labels.To(v.DType) : Functional.OneHot(labels.To(DType.Int64), classes).To(v.DType)) * keep;
            var s = w.T.Matmul(v);                                            // [C, d]
            sums = sums == null ? s : sums + s;
            var c = w.Sum(0);
            counts = counts == null ? c : counts + c;
            var t = (v * keep).Sum(0);
            total = total == null ? t : total + t;
            present += (long)keep.Sum().Item();
        }
        if (sums == null) throw new ArgumentException("PMR: no batches to compute prototypes from.");
        var overall = present > 0 ? total! / present : Tensor.ZerosLike(total!);
        var has = counts!.Gt(0.0).Unsqueeze(1);
        return Tensor.Where(has, sums / counts!.Clamp(1.0).Unsqueeze(1), overall.Unsqueeze(0).ExpandAs(sums));
    }

    public void OnEpochStart(TrainingStepContext context)
    {
        Array.Clear(rhoSum);
        Array.Clear(rhoCount);
        Array.Clear(betaSum);
        steps = 0;
        if (context.Train == null) return;
        var fresh = ComputePrototypes(context);
        if (prototypes != null) foreach (var p in prototypes) p.Dispose();
        prototypes = fresh;
    }

    private Tensor[] ComputePrototypes(TrainingStepContext context)
    {
        var names = model.Encoders.Names;
        var wasTraining = model.Training;
        model.Eval();
        try
        {
            using var noGrad = Engine.NoGrad();
            var collected = names.Select(_ => new List<(Tensor, Tensor, Tensor)>()).ToArray();
            using var scope = DisposeScope.Enter();
            foreach (var batch in context.Train!.Epoch(context.Epoch))
            {
                // The batch's tensors (presence, labels) die with it: keep copies.
                using var owned = batch;
                var output = model.Forward(context.Inputs.Inputs(batch));
                for (var m = 0; m < names.Count; m++)
                    collected[m].Add((output.Feature(FusionBaselineModel.EmbeddingFeature(names[m])),
                        output.Feature(FusionBaselineModel.PresentFeature(names[m])).Clone(), batch.Labels.Clone()));
            }
            var result = collected.Select(c => ClassMeans(c, model.NumClasses, context.Task)).ToArray();
            foreach (var r in result) r.DetachFromScope();
            return result;
        }
        finally
        {
            model.Train(wasTraining);
        }
    }

    public double Step(TrainingStepContext context, ModalityBatch batch)
    {
        var output = model.Forward(context.Inputs.Inputs(batch));
        var loss = TaskLoss.Compute(model, output, batch.Labels, context.Task).Total;
        if (prototypes != null) loss = loss + Rebalance(output, batch.Labels, context.Task, context.Epoch);
        context.Optimizer.ZeroGrad();
        loss.Backward();
        if (context.Options.GradClip is { } maxNorm) GradientClipping.ClipGradNorm(model.Parameters(), maxNorm);
        context.Optimizer.Step();
        steps++;
        return loss.Item();
    }

    /// <summary>Σ_m β_m·PCE_m − μ·Σ_{dominant m} H_m (the latter only in the first entropy_epochs epochs).</summary>
    private Tensor Rebalance(ModelOutput output, Tensor labels, TaskKind task, int epoch)
    {
        var names = model.Encoders.Names;
        var terms = new (Tensor Pce, Tensor Entropy)?[names.Count];
        var scores = new double?[names.Count];
        for (var m = 0; m < names.Count; m++)
        {
            var rows = output.Feature(FusionBaselineModel.PresentFeature(names[m])).To(DType.Bool).Nonzero().Squeeze(1);
            if (rows.Size(0) == 0) continue;
            var z = output.Feature(FusionBaselineModel.EmbeddingFeature(names[m])).IndexSelect(0, rows);
            var y = labels.IndexSelect(0, rows);
            var logits = PrototypeLogits(z, prototypes![m]);
            var logp = logits.LogSoftmax(1);
            var target = task == TaskKind.Multilabel ? y.To(logp.DType) : Functional.OneHot(y.To(DType.Int64), model.NumClasses).To(logp.DType);
            var positives = target.Sum().Item();
            if (positives == 0) continue;
            var pce = -(logp * target).Sum() / positives;
            using (Engine.NoGrad()) scores[m] = (logp.Detach().Exp() * target).Sum().Item() / positives;
            var entropy = -(logp.Exp() * logp).Sum(1).Mean();
            terms[m] = (pce, entropy);
        }
        var rho = FusionHeadLoss.Ratios(scores);
        var c = model.Config;
        Tensor total = Tensor.Zeros(Array.Empty<long>(), device: labels.Device);
        for (var m = 0; m < names.Count; m++)
        {
            if (terms[m] is not { } t || rho[m] is not { } r) continue;
            rhoSum[m] += r;
            rhoCount[m]++;
            var beta = r < 1 ? c.Alpha : 0.0;
            betaSum[m] += beta;
            if (beta > 0) total = total + t.Pce * beta;
            if (r > 1 && epoch <= c.EntropyEpochs && c.Mu > 0) total = total - t.Entropy * c.Mu;
        }
        return total;
    }

    public IReadOnlyDictionary<string, double> OnEpochEnd(TrainingStepContext context)
    {
        var columns = new Dictionary<string, double>();
        var names = model.Encoders.Names;
        for (var m = 0; m < names.Count; m++)
            if (rhoCount[m] > 0)
            {
                columns["pmr_rho_" + names[m]] = rhoSum[m] / rhoCount[m];
                columns["pmr_beta_" + names[m]] = betaSum[m] / steps;
            }
        return columns;
    }
}
