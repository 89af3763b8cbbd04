namespace Medley.Torch.NN;

/// <summary>
/// Multi-head scaled dot-product attention, as torch.nn.MultiheadAttention: projections of query, key and value,
/// per-head softmax(q·kᵀ/√d + mask)·v, then an output projection. Parameter names match PyTorch's state dict
/// (in_proj_weight, in_proj_bias, out_proj.weight, out_proj.bias, or q/k/v_proj_weight when kdim/vdim differ from
/// embed_dim), so PyTorch checkpoints load directly.
/// </summary>
public sealed class MultiheadAttention : Module
{
    public readonly long EmbedDim;
    public readonly long NumHeads;
    public readonly long HeadDim;
    public readonly long KDim;
    public readonly long VDim;
    public readonly double Dropout;
    public readonly bool BatchFirst;

    [Name("in_proj_weight")] private readonly Parameter? inProjWeight;
    [Name("q_proj_weight")] private readonly Parameter? qProjWeight;
    [Name("k_proj_weight")] private readonly Parameter? kProjWeight;
    [Name("v_proj_weight")] private readonly Parameter? vProjWeight;
    [Name("in_proj_bias")] private readonly Parameter? inProjBias;
    [Name("out_proj")] private readonly Linear outProj;

    /// <param name="embedDim">Model width (query features and output features).</param>
    /// <param name="numHeads">Parallel heads; must divide embedDim.</param>
    /// <param name="dropout">Dropout on the attention weights (training mode only).</param>
    /// <param name="bias">Whether the input and output projections have biases.</param>
    /// <param name="kdim">Key features (default embedDim).</param>
    /// <param name="vdim">Value features (default embedDim).</param>
    /// <param name="batchFirst">Inputs are (batch, seq, feature) instead of (seq, batch, feature).</param>
    public MultiheadAttention(long embedDim, long numHeads, double dropout = 0.0, bool bias = true,
        long? kdim = null, long? vdim = null, bool batchFirst = false)
    {
        if (embedDim <= 0 || numHeads <= 0)
            throw new ArgumentException($"MultiheadAttention: embed_dim ({embedDim}) and num_heads ({numHeads}) must be positive.");
        if (embedDim % numHeads != 0)
            throw new ArgumentException($"MultiheadAttention: embed_dim ({embedDim}) must be divisible by num_heads ({numHeads}).");
        if (dropout < 0 || dropout > 1)
            throw new ArgumentException($"MultiheadAttention: dropout must be in [0, 1], got {dropout}.");
        KDim = kdim ?? embedDim;
        VDim = vdim ?? embedDim;
        if (KDim <= 0 || VDim <= 0)
            throw new ArgumentException($"MultiheadAttention: kdim ({KDim}) and vdim ({VDim}) must be positive.");
        EmbedDim = embedDim;
        NumHeads = numHeads;
        HeadDim = embedDim / numHeads;
        Dropout = dropout;
        BatchFirst = batchFirst;

        if (KDim == embedDim && VDim == embedDim)
        {
            inProjWeight = new Parameter(Init.XavierUniform_(Tensor.Empty(3 * embedDim, embedDim)));
        }
        else
        {
            qProjWeight = new Parameter(Init.XavierUniform_(Tensor.Empty(embedDim, embedDim)));
            kProjWeight = new Parameter(Init.XavierUniform_(Tensor.Empty(embedDim, KDim)));
            vProjWeight = new Parameter(Init.XavierUniform_(Tensor.Empty(embedDim, VDim)));
        }
        if (bias) inProjBias = new Parameter(Tensor.Zeros(3 * embedDim));
        outProj = new Linear((int)embedDim, (int)embedDim, bias);
        if (outProj.Bias is { } outBias) Init.Zeros_(outBias);
    }

    /// <summary>True when one packed in_proj_weight serves query, key and value (kdim = vdim = embed_dim).</summary>
    public bool PackedProjection => inProjWeight != null;

    public Parameter? InProjWeight => inProjWeight;
    public Parameter? InProjBias => inProjBias;
    public Linear OutProj => outProj;

    /// <summary>
    /// Attends from <paramref name="query"/> to <paramref name="key"/>/<paramref name="value"/>.
    /// Shapes (batch_first): query (N, L, E), key (N, S, kdim), value (N, S, vdim); or without the batch dimension.
    /// </summary>
    /// <param name="keyPaddingMask">(N, S): bool with true = ignore that key, or float added to the scores.</param>
    /// <param name="needWeights">Also return the attention weights.</param>
    /// <param name="attnMask">(L, S) or (N·num_heads, L, S): bool with true = not allowed, or float added to the scores.</param>
    /// <param name="averageAttnWeights">Average the returned weights over heads: (N, L, S) instead of (N, heads, L, S).</param>
    /// <returns>The output (same layout as query, embed_dim features) and the weights when asked for.</returns>
    public (Tensor Output, Tensor? Weights) Forward(Tensor query, Tensor key, Tensor value, Tensor? keyPaddingMask = null,
        bool needWeights = true, Tensor? attnMask = null, bool averageAttnWeights = true)
    {
        var batched = query.Dim == 3;
        if (!batched && query.Dim != 2)
            throw new ArgumentException($"MultiheadAttention expects a 3-d (batched) or 2-d (unbatched) query, got {query.Describe()}.");
        if (key.Dim != query.Dim || value.Dim != query.Dim)
            throw new ArgumentException($"MultiheadAttention: query, key and value must all be {(batched ? "3" : "2")}-d, got query {query.Describe()}, key {key.Describe()}, value {value.Describe()}.");

        // Work in (N, seq, features).
        Tensor ToBatchFirst(Tensor t) => !batched ? t.Unsqueeze(0) : BatchFirst ? t : t.Transpose(0, 1);
        var q = ToBatchFirst(query);
        var k = ToBatchFirst(key);
        var v = ToBatchFirst(value);
        var (n, l, e) = (q.Size(0), q.Size(1), q.Size(2));
        var s = k.Size(1);
        if (e != EmbedDim)
            throw new ArgumentException($"MultiheadAttention: query has {e} features but embed_dim is {EmbedDim} ({query.Describe()}).");
        if (k.Size(2) != KDim || v.Size(2) != VDim)
            throw new ArgumentException($"MultiheadAttention: key/value features must be kdim={KDim}/vdim={VDim}, got key {key.Describe()}, value {value.Describe()}.");
        if (k.Size(0) != n || v.Size(0) != n || v.Size(1) != s)
            throw new ArgumentException($"MultiheadAttention: query, key and value disagree on batch or key length: query {query.Describe()}, key {key.Describe()}, value {value.Describe()} (batch_first={BatchFirst}).");

        var mask = CombinedMask(keyPaddingMask, attnMask, batched, n, l, s, q.DType);
        var selfAttention = inProjWeight != null && ReferenceEquals(query, key) && ReferenceEquals(key, value);

        // Without masks, attention-weight dropout or returned weights, the heads run as one fused op.
        if (mask == null && !needWeights && !(Dropout > 0 && Training))
        {
            Tensor merged;
            if (selfAttention) merged = Functional.PackedSelfAttention(Tensor.Linear(q, inProjWeight!, inProjBias), NumHeads);
            else
            {
                var (wq, wk, wv) = ProjectionWeights();
                merged = Functional.Attention(Tensor.Linear(q, wq, BiasBlock(0)), Tensor.Linear(k, wk, BiasBlock(1)),
                    Tensor.Linear(v, wv, BiasBlock(2)), NumHeads);
            }
            var projected = outProj.Forward(merged);
            return (!batched ? projected.Squeeze(0) : BatchFirst ? projected : projected.Transpose(0, 1), null);
        }

        Tensor qh, kh, vh;
        if (selfAttention)
        {
            // Self-attention: one GEMM with the packed weight and one head-split copy, as PyTorch's in_projection_packed
            // (three narrowed GEMMs cost more, and their backward accumulates three full-size weight gradients).
            var heads = Tensor.Linear(q, inProjWeight, inProjBias)
                .View(n, l, 3, NumHeads, HeadDim).Permute(2, 0, 3, 1, 4).Reshape(3, n * NumHeads, l, HeadDim);
            (qh, kh, vh) = (heads.Select(0, 0), heads.Select(0, 1), heads.Select(0, 2));
        }
        else
        {
            var (wq, wk, wv) = ProjectionWeights();
            var (bq, bk, bv) = (BiasBlock(0), BiasBlock(1), BiasBlock(2));

            // (N, seq, E) -> (N·heads, seq, head_dim)
            Tensor SplitHeads(Tensor t, long len) =>
                t.View(n, len, NumHeads, HeadDim).Transpose(1, 2).Reshape(n * NumHeads, len, HeadDim);
            qh = SplitHeads(Tensor.Linear(q, wq, bq), l);
            kh = SplitHeads(Tensor.Linear(k, wk, bk), s);
            vh = SplitHeads(Tensor.Linear(v, wv, bv), s);
        }

        var scores = (qh / Math.Sqrt(HeadDim)).Bmm(kh.Transpose(1, 2));
        if (mask != null) scores = scores + mask;
        var weights = scores.Softmax(-1);
        if (Dropout > 0 && Training) weights = Functional.Dropout(weights, Dropout, true);

        var attended = weights.Bmm(vh).View(n, NumHeads, l, HeadDim).Transpose(1, 2).Reshape(n, l, EmbedDim);
        var output = outProj.Forward(attended);
        output = !batched ? output.Squeeze(0) : BatchFirst ? output : output.Transpose(0, 1);

        if (!needWeights) return (output, null);
        var perHead = weights.View(n, NumHeads, l, s);
        var returned = averageAttnWeights ? perHead.Mean(1) : perHead;
        return (output, batched ? returned : returned.Squeeze(0));
    }

    /// <summary>Self-attention shorthand: query = key = value = x.</summary>
    public Tensor SelfAttention(Tensor x, Tensor? keyPaddingMask = null, Tensor? attnMask = null) =>
        Forward(x, x, x, keyPaddingMask, needWeights: false, attnMask: attnMask).Output;

    /// <summary>The query (0), key (1) or value (2) block of the packed input bias, or null without biases.</summary>
    private Tensor? BiasBlock(int block) => inProjBias?.Narrow(0, block * EmbedDim, EmbedDim);

    private (Tensor Q, Tensor K, Tensor V) ProjectionWeights()
    {
        if (inProjWeight != null)
            return (inProjWeight.Narrow(0, 0, EmbedDim), inProjWeight.Narrow(0, EmbedDim, EmbedDim), inProjWeight.Narrow(0, 2 * EmbedDim, EmbedDim));
        return (qProjWeight!, kProjWeight!, vProjWeight!);
    }

    /// <summary>
    /// The additive mask, broadcastable to (N·heads, L, S): bool masks become −inf where true; the padding mask is
    /// spread over heads and added to the attention mask, as PyTorch merges them.
    /// </summary>
    private Tensor? CombinedMask(Tensor? keyPaddingMask, Tensor? attnMask, bool batched, long n, long l, long s, DType dtype)
    {
        Tensor? mask = null;
        if (attnMask != null)
        {
            var additive = Additive(attnMask, "attn_mask", dtype);
            var ok2 = new[] { l, s };
            var ok3 = new[] { n * NumHeads, l, s };
            if (attnMask.Dim == 2 && attnMask.Shape.SequenceEqual(ok2)) mask = additive.Unsqueeze(0);
            else if (attnMask.Dim == 3 && attnMask.Shape.SequenceEqual(batched ? ok3 : new[] { NumHeads, l, s })) mask = additive;
            else
                throw new ArgumentException(
                    $"MultiheadAttention: attn_mask must be ({l}, {s}) or ({(batched ? n * NumHeads : NumHeads)}, {l}, {s}), got {attnMask.Describe()}.");
        }
        if (keyPaddingMask != null)
        {
            var expected = batched ? new[] { n, s } : new[] { s };
            if (!keyPaddingMask.Shape.SequenceEqual(expected))
                throw new ArgumentException(
                    $"MultiheadAttention: key_padding_mask must be ({string.Join(", ", expected)}) (batch, key length), got {keyPaddingMask.Describe()}.");
            var padding = Additive(keyPaddingMask, "key_padding_mask", dtype)
                .View(n, 1, 1, s).Expand(-1, NumHeads, -1, -1).Reshape(n * NumHeads, 1, s);
            mask = mask == null ? padding : mask + padding;
        }
        return mask;
    }

    private static Tensor Additive(Tensor mask, string name, DType dtype)
    {
        if (mask.DType == DType.Bool) return Tensor.ZerosLike(mask).To(dtype).MaskedFill(mask, double.NegativeInfinity);
        if (mask.DType.IsFloatingPoint()) return mask;
        throw new ArgumentException($"MultiheadAttention: {name} must be bool (true = masked) or floating point, got {mask.Describe()}.");
    }
}
