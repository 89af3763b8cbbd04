using Medley.Torch.Native;

namespace Medley.Torch.NN;

public static partial class Functional
{
    /// <summary>
    /// Multi-head scaled dot-product attention without projections: q (N, L, E), k and v (N, S, E); E is split into
    /// <paramref name="heads"/> blocks of D = E / heads, and each head computes softmax(q·kᵀ/√D)·v. Returns (N, L, E)
    /// with the heads side by side, as the head-merge of torch.nn.MultiheadAttention. Float32 CPU inputs with a unit
    /// last-dimension stride run as one fused native op (per-head GEMMs on the inputs in place, one softmax pass,
    /// a matching fused backward); anything else runs the same maths as tensor ops.
    /// </summary>
    public static Tensor Attention(Tensor q, Tensor k, Tensor v, long heads)
    {
        CheckAttention(q, k, v, heads);
        var result = Errors.Wrap(NativeMethods.mdl_attention(q.Handle, k.Handle, v.Handle, heads), "Attention", q, k, v);
        Profiling.FlopCounter.Current?.AddAttention(q.Size(0), q.Size(1), k.Size(1), q.Size(2));
        return result;
    }

    /// <summary>
    /// Self-attention over a packed projection: <paramref name="qkv"/> (N, L, 3E) holds q, k and v side by side (the
    /// output of a 3E-wide in_proj); the result is <see cref="Attention"/> of its three column blocks, and the gradient
    /// flows back into one (N, L, 3E) tensor.
    /// </summary>
    public static Tensor PackedSelfAttention(Tensor qkv, long heads)
    {
        if (qkv.Dim != 3 || qkv.Size(2) % 3 != 0)
            throw new ArgumentException($"PackedSelfAttention: expected a (N, L, 3E) tensor, got {qkv.Describe()}.", nameof(qkv));
        var e = qkv.Size(2) / 3;
        if (heads <= 0 || e % heads != 0)
            throw new ArgumentException($"PackedSelfAttention: {heads} heads must divide the width {e} of {qkv.Describe()}.", nameof(heads));
        var result = Errors.Wrap(NativeMethods.mdl_attention_packed(qkv.Handle, heads), "PackedSelfAttention", qkv);
        Profiling.FlopCounter.Current?.AddAttention(qkv.Size(0), qkv.Size(1), qkv.Size(1), e);
        return result;
    }

    /// <summary><see cref="Attention"/> built from matmul, softmax and reshapes only: the reference the fused op is tested against.</summary>
    public static Tensor AttentionReference(Tensor q, Tensor k, Tensor v, long heads)
    {
        CheckAttention(q, k, v, heads);
        return Errors.Wrap(NativeMethods.mdl_attention_reference(q.Handle, k.Handle, v.Handle, heads), "AttentionReference", q, k, v);
    }

    private static void CheckAttention(Tensor q, Tensor k, Tensor v, long heads)
    {
        if (q.Dim != 3 || k.Dim != 3 || v.Dim != 3)
            throw new ArgumentException($"Attention: q, k and v must be 3-d (N, L, E), got {q.Describe()}, {k.Describe()}, {v.Describe()}.");
        if (heads <= 0 || q.Size(2) % heads != 0)
            throw new ArgumentException($"Attention: {heads} heads must divide the width of q {q.Describe()}.", nameof(heads));
        if (k.Size(0) != q.Size(0) || v.Size(0) != q.Size(0) || k.Size(2) != q.Size(2) || !v.Shape.SequenceEqual(k.Shape))
            throw new ArgumentException(
                $"Attention: q {q.Describe()}, k {k.Describe()} and v {v.Describe()} must share batch and width, and k and v their key length.");
        if (q.DType != k.DType || q.DType != v.DType)
            throw new ArgumentException($"Attention: q, k and v must share a dtype, got {q.DType}, {k.DType}, {v.DType}.");
    }
}
