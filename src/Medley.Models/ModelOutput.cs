using Medley.Torch;

namespace Medley.Models;

/// <summary>
/// What every Medley model returns: class logits (B × classes), the auxiliary losses the method adds to the
/// cross-entropy (already weighted, so the trainer's loss is CE + their sum), and named features for metrics
/// (e.g. "F_I", "F_L" for cross-modal similarity, "F_prune" for sparsity, "S" and "mask" for SmartTrim).
/// The tensors belong to the caller's DisposeScope like any op result.
/// </summary>
public sealed record ModelOutput(
    Tensor Logits,
    IReadOnlyDictionary<string, Tensor> AuxiliaryLosses,
    IReadOnlyDictionary<string, Tensor> Features)
{
    /// <summary>A named feature, or an exception listing the ones there are.</summary>
    public Tensor Feature(string name) => Features.TryGetValue(name, out var t)
        ? t
        : throw new KeyNotFoundException($"the model output has no feature '{name}' (it has: {string.Join(", ", Features.Keys)}).");
}

/// <summary>The terms of a training loss: the total to backpropagate and each term (weighted) for logging.</summary>
public sealed record LossTerms(Tensor Total, IReadOnlyDictionary<string, Tensor> Terms);
