using Medley.Data.Batching;
using Medley.Data.Spec;
using Medley.Models;
using Medley.Models.Methods.FusionBaselines;
using Medley.Torch;
using Medley.Torch.Optim;

namespace Medley.Training.Strategies;

/// <summary>
/// On-the-fly Gradient Modulation with Generalisation Enhancement (Peng et al., CVPR 2022). Each step, after the
/// backward pass of the task loss: every modality's score s_m is the mean probability its share of the fused logits
/// (OgmGeModel's "logits.&lt;name&gt;") gives the true class, over the batch's samples that have the modality; the
/// discrepancy ratio ρ_m = s_m / mean_{n≠m} s_n (for two modalities the paper's s_a / s_v); a modality with ρ_m &gt; 1
/// (dominant) has its encoder's gradients scaled by k_m = 1 − tanh(α·(ρ_m − 1)), the others keep k_m = 1.
/// GE: every encoder gradient g then gets Gaussian noise N(0, std(g)²) (std of the unscaled gradient, as the
/// authors' code; g ← k_m·g + noise), unless ge_noise is false. Only in epochs [modulation_start, modulation_end].
/// log.csv: ogm_k_&lt;name&gt; and ogm_rho_&lt;name&gt;, the epoch's mean over modulated steps.
/// </summary>
public sealed class OgmGeStrategy : ITrainingStrategy
{
    private readonly OgmGeModel model;
    private readonly double[] kSum;
    private readonly double[] rhoSum;
    private readonly int[] rhoCount;
    private int steps;

    public OgmGeStrategy(MedleyModel model)
    {
        this.model = FusionHeadLoss.Expect<OgmGeModel>(model, "ogm-ge");
        var m = this.model.Encoders.Count;
        kSum = new double[m];
        rhoSum = new double[m];
        rhoCount = new int[m];
    }

    /// <summary>k = 1 − tanh(α·(ρ − 1)) for ρ &gt; 1, else 1.</summary>
    public static double Coefficient(double rho, double alpha) => rho > 1 ? 1 - Math.Tanh(alpha * (rho - 1)) : 1.0;

    public void OnEpochStart(TrainingStepContext context)
    {
        Array.Clear(kSum);
        Array.Clear(rhoSum);
        Array.Clear(rhoCount);
        steps = 0;
    }

    public double Step(TrainingStepContext context, ModalityBatch batch)
    {
        var output = model.Forward(context.Inputs.Inputs(batch));
        var loss = TaskLoss.Compute(model, output, batch.Labels, context.Task).Total;
        context.Optimizer.ZeroGrad();
        loss.Backward();
        var c = model.Config;
        if (context.Epoch >= c.ModulationStart && (c.ModulationEnd == 0 || context.Epoch <= c.ModulationEnd))
        {
            var (rho, k) = Modulate(model, output, batch.Labels, context.Task, c.Alpha, c.GeNoise);
            for (var m = 0; m < k.Length; m++)
            {
                kSum[m] += k[m];
                if (rho[m] is { } r) { rhoSum[m] += r; rhoCount[m]++; }
            }
            steps++;
        }
        if (context.Options.GradClip is { } maxNorm) GradientClipping.ClipGradNorm(model.Parameters(), maxNorm);
        context.Optimizer.Step();
        return loss.Item();
    }

    /// <summary>
    /// Modulates the encoders' accumulated gradients in place from one forward's per-modality logits; returns each
    /// modality's ratio ρ (null when undefined: no sample has it, or none has another modality) and coefficient k.
    /// </summary>
    public static (double?[] Rho, double[] K) Modulate(OgmGeModel model, ModelOutput output, Tensor labels, TaskKind task, double alpha, bool noise)
    {
        var names = model.Encoders.Names;
        var scores = names.Select(n => FusionHeadLoss.Score(output.Feature(FusionBaselineModel.LogitsFeature(n)), labels, task,
            output.Feature(FusionBaselineModel.PresentFeature(n)))).ToList();
        var rho = FusionHeadLoss.Ratios(scores);
        var k = rho.Select(r => r is { } x ? Coefficient(x, alpha) : 1.0).ToArray();
        using var scope = DisposeScope.Enter();
        using var noGrad = Engine.NoGrad();
        for (var m = 0; m < names.Count; m++)
        {
            foreach (var p in model.Encoders[names[m]].Parameters())
            {
                if (p.Grad is not { } g) continue;
                var std = noise && g.NumEl > 1 ? g.Std().Item() : 0.0;
                if (k[m] != 1.0) g.Mul_(k[m]);
                if (std > 0) g.Add_(Tensor.RandnLike(g).Mul_(std));
            }
        }
        return (rho, k);
    }

    public IReadOnlyDictionary<string, double> OnEpochEnd(TrainingStepContext context)
    {
        var columns = new Dictionary<string, double>();
        if (steps == 0) return columns;
        var names = model.Encoders.Names;
        for (var m = 0; m < names.Count; m++)
        {
            columns["ogm_k_" + names[m]] = kSum[m] / steps;
            if (rhoCount[m] > 0) columns["ogm_rho_" + names[m]] = rhoSum[m] / rhoCount[m];
        }
        return columns;
    }
}
