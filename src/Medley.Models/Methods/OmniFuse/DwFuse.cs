using Medley.Torch;
using Medley.Torch.NN;

namespace Medley.Models.Methods.OmniFuse;

/// <summary>
/// DWFuse's arithmetic (METHODS.md §2.3), kept apart from the model so it can be checked on hand-computed numbers.
/// Per-modality logits are [B, M, C]; binary/multiclass targets are class indices int64 [B], multilabel targets
/// 0/1 floats [B, C].
/// </summary>
public static class DwFuse
{
    /// <summary>
    /// p_n[y]: each modality's probability of the target: softmax at the class index ([B, M]), or for multilabel the
    /// sigmoid probability of each label's true value, p if y = 1 else 1 − p ([B, M, C]).
    /// </summary>
    public static Tensor TargetProbability(Tensor modalityLogits, Tensor target, bool multilabel)
    {
        if (modalityLogits.Dim != 3) throw new ArgumentException($"DwFuse: modality logits must be [B, M, C], got {modalityLogits.Describe()}.");
        var (b, m) = (modalityLogits.Size(0), modalityLogits.Size(1));
        if (multilabel)
        {
            if (!target.Shape.SequenceEqual(new[] { b, modalityLogits.Size(2) }))
                throw new ArgumentException($"DwFuse: multilabel targets must be [B, C] = [{b}, {modalityLogits.Size(2)}], got {target.Describe()}.");
            var p = Functional.Sigmoid(modalityLogits);
            var y = target.To(p.DType).Unsqueeze(1);
            return y * p + (1.0 - y) * (1.0 - p);
        }
        if (!target.Shape.SequenceEqual(new[] { b }))
            throw new ArgumentException($"DwFuse: class targets must be [B] = [{b}], got {target.Describe()}.");
        var probs = Functional.Softmax(modalityLogits, 2);
        var index = target.To(DType.Int64).Reshape(b, 1, 1).Expand(b, m, 1);
        return probs.Gather(2, index).Squeeze(2);
    }

    /// <summary>
    /// ω_m = [Π_{n≠m} (1 − p_n[y])]^{β/(M−1)} from p_n[y] ([B, M], or [B, M, C] for multilabel: ω per label, then the
    /// mean over labels). Returns [B, M] without gradient. With one modality there is nothing to weigh: ω = 1.
    /// </summary>
    public static Tensor Omega(Tensor targetProbability, double beta)
    {
        using var noGrad = Engine.NoGrad();
        var p = targetProbability.Detach();
        var m = p.Size(1);
        if (m == 1) return Tensor.OnesLike(p.Dim == 3 ? p.Select(2, 0) : p);
        var rest = 1.0 - p;
        var omegas = new List<Tensor>((int)m);
        for (var i = 0L; i < m; i++)
        {
            var others = Tensor.From(Enumerable.Range(0, (int)m).Where(n => n != i).Select(n => (long)n).ToArray());
            var w = rest.IndexSelect(1, others).Prod(1).Pow(beta / (m - 1));
            omegas.Add(w.Dim == 2 ? w.Mean(1) : w);
        }
        return Tensor.Stack(omegas, 1);
    }

    /// <summary>Per-sample loss of each modality's classifier [B, M]: cross-entropy, or BCE averaged over labels.</summary>
    public static Tensor PerModalityLoss(Tensor modalityLogits, Tensor target, bool multilabel)
    {
        var m = modalityLogits.Size(1);
        var losses = new List<Tensor>((int)m);
        for (var i = 0L; i < m; i++)
        {
            var logits = modalityLogits.Select(1, i);
            losses.Add(multilabel
                ? Functional.BinaryCrossEntropyWithLogits(logits, target.To(logits.DType), reduction: Reduction.None).Mean(1)
                : Functional.CrossEntropy(logits, target.To(DType.Int64), reduction: Reduction.None));
        }
        return Tensor.Stack(losses, 1);
    }

    /// <summary>L_enc = mean over the batch of Σ_m ω_m · loss_m.</summary>
    public static Tensor EncoderLoss(Tensor modalityLogits, Tensor target, bool multilabel, double beta)
    {
        var omega = Omega(TargetProbability(modalityLogits, target, multilabel), beta);
        return (omega * PerModalityLoss(modalityLogits, target, multilabel)).Sum(1).Mean(0);
    }
}
