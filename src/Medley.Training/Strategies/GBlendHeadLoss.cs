using Medley.Data.Spec;
using Medley.Models;
using Medley.Models.Methods.FusionBaselines;
using Medley.Torch;
using Medley.Torch.NN;

namespace Medley.Training.Strategies;

/// <summary>
/// Helpers the fusion-baseline strategies (G-Blend, OGM-GE, PMR) share: one head's task loss, and each modality's
/// per-sample "probability of the truth" from its own logits (the uni-modal score OGM-GE and PMR compare).
/// </summary>
internal static class FusionHeadLoss
{
    /// <summary>Cross-entropy over class logits (binary, multiclass) or BCE per label (multilabel), batch mean.</summary>
    public static Tensor Of(Tensor logits, Tensor labels, TaskKind task) =>
        task == TaskKind.Multilabel
            ? Functional.BinaryCrossEntropyWithLogits(logits, labels.To(logits.DType))
            : Functional.CrossEntropy(logits, labels.To(DType.Int64));

    /// <summary>
    /// Mean over the rows of <paramref name="rows"/> (bool [B]) of the probability the logits give the truth:
    /// softmax(logits)[y], or for multilabel the mean over labels of sigmoid (positive) / 1 − sigmoid (negative).
    /// Null when no row is selected.
    /// </summary>
    public static double? Score(Tensor logits, Tensor labels, TaskKind task, Tensor rows)
    {
        using var scope = DisposeScope.Enter();
        using var noGrad = Engine.NoGrad();
        var keep = rows.To(DType.Bool);
        var count = keep.Sum().Item<long>();
        if (count == 0) return null;
        Tensor perSample;
        if (task == TaskKind.Multilabel)
        {
            var p = logits.Detach().Sigmoid();
            var y = labels.To(p.DType);
            perSample = (p * y + (1.0 - p) * (1.0 - y)).Mean(1);
        }
        else
            perSample = logits.Detach().Softmax(1).Gather(1, labels.To(DType.Int64).Unsqueeze(1)).Squeeze(1);
        return (perSample * keep.To(perSample.DType)).Sum().Item() / count;
    }

    /// <summary>ρ_m = s_m / mean of the other modalities' scores (M = 2: s_a / s_v, the papers' ratio); null where
    /// the modality, or every other one, has no score.</summary>
    public static double?[] Ratios(IReadOnlyList<double?> scores)
    {
        var ratios = new double?[scores.Count];
        for (var m = 0; m < scores.Count; m++)
        {
            if (scores[m] is not { } s) continue;
            var others = scores.Where((x, n) => n != m && x != null).Select(x => x!.Value).ToList();
            if (others.Count == 0) continue;
            var mean = others.Average();
            ratios[m] = mean > 0 ? s / mean : null;
        }
        return ratios;
    }

    public static T Expect<T>(MedleyModel model, string method) where T : FusionBaselineModel =>
        model as T ?? throw new ArgumentException($"the {method} training strategy needs a {typeof(T).Name}, got {model.GetType().Name}.");
}
