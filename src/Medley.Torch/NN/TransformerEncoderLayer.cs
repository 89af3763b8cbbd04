namespace Medley.Torch.NN;

/// <summary>
/// One transformer encoder block, as torch.nn.TransformerEncoderLayer: self-attention and a feed-forward network
/// (linear1 → activation → dropout → linear2), each with a residual connection and layer norm, applied after the
/// residual (post-norm, the default) or before the sub-block (pre-norm, <c>normFirst</c>). State-dict names:
/// self_attn.*, linear1, linear2, norm1, norm2.
/// </summary>
public sealed class TransformerEncoderLayer : Module<Tensor, Tensor>
{
    public readonly long DModel;
    public readonly long NHead;
    public readonly long DimFeedforward;
    public readonly double DropoutP;
    public readonly string Activation;
    public readonly double LayerNormEps;
    public readonly bool BatchFirst;
    public readonly bool NormFirst;

    [Name("self_attn")] private readonly MultiheadAttention selfAttn;
    private readonly Linear linear1;
    private readonly Linear linear2;
    private readonly LayerNorm norm1;
    private readonly LayerNorm norm2;

    /// <param name="dModel">Model width.</param>
    /// <param name="nhead">Attention heads (must divide dModel).</param>
    /// <param name="dimFeedforward">Hidden width of the feed-forward network.</param>
    /// <param name="dropout">Dropout after attention, inside and after the feed-forward network (training only).</param>
    /// <param name="activation">"relu" (default) or "gelu".</param>
    /// <param name="layerNormEps">Epsilon of both layer norms.</param>
    /// <param name="batchFirst">Inputs are (batch, seq, feature) instead of (seq, batch, feature).</param>
    /// <param name="normFirst">Pre-norm: x + block(norm(x)) instead of norm(x + block(x)).</param>
    public TransformerEncoderLayer(long dModel, long nhead, long dimFeedforward = 2048, double dropout = 0.1,
        string activation = "relu", double layerNormEps = 1e-5, bool batchFirst = false, bool normFirst = false)
    {
        if (activation != "relu" && activation != "gelu")
            throw new ArgumentException($"TransformerEncoderLayer: activation should be \"relu\" or \"gelu\", not \"{activation}\".", nameof(activation));
        if (dimFeedforward <= 0)
            throw new ArgumentException($"TransformerEncoderLayer: dim_feedforward must be positive, got {dimFeedforward}.", nameof(dimFeedforward));
        if (dropout < 0 || dropout > 1)
            throw new ArgumentException($"TransformerEncoderLayer: dropout must be in [0, 1], got {dropout}.", nameof(dropout));
        DModel = dModel;
        NHead = nhead;
        DimFeedforward = dimFeedforward;
        DropoutP = dropout;
        Activation = activation;
        LayerNormEps = layerNormEps;
        BatchFirst = batchFirst;
        NormFirst = normFirst;

        selfAttn = new MultiheadAttention(dModel, nhead, dropout, batchFirst: batchFirst);
        linear1 = new Linear((int)dModel, (int)dimFeedforward);
        linear2 = new Linear((int)dimFeedforward, (int)dModel);
        norm1 = new LayerNorm(new[] { dModel }, layerNormEps);
        norm2 = new LayerNorm(new[] { dModel }, layerNormEps);
    }

    public MultiheadAttention SelfAttn => selfAttn;
    public Linear Linear1 => linear1;
    public Linear Linear2 => linear2;
    public LayerNorm Norm1 => norm1;
    public LayerNorm Norm2 => norm2;

    /// <summary>A new layer with the same configuration and a copy of this layer's parameters.</summary>
    public TransformerEncoderLayer Copy()
    {
        var copy = new TransformerEncoderLayer(DModel, NHead, DimFeedforward, DropoutP, Activation, LayerNormEps, BatchFirst, NormFirst);
        using (var scope = DisposeScope.Enter()) copy.LoadStateDict(StateDict());
        copy.Train(Training);
        return copy;
    }

    public override Tensor Forward(Tensor src) => Forward(src, null, null);

    /// <param name="src">(N, S, E) with batch_first, (S, N, E) otherwise, or (S, E) unbatched.</param>
    /// <param name="srcMask">(S, S) or (N·nhead, S, S) attention mask: bool (true = not allowed) or float (added).</param>
    /// <param name="srcKeyPaddingMask">(N, S): bool (true = padding) or float (added).</param>
    public Tensor Forward(Tensor src, Tensor? srcMask, Tensor? srcKeyPaddingMask)
    {
        if (src.Dim < 1 || src.Size(-1) != DModel)
            throw new ArgumentException($"TransformerEncoderLayer(d_model={DModel}) expects inputs whose last dimension is {DModel}, got {src.Describe()}.");
        var x = src;
        if (NormFirst)
        {
            x = x + SelfAttentionBlock(norm1.Forward(x), srcMask, srcKeyPaddingMask);
            x = x + FeedForwardBlock(norm2.Forward(x));
        }
        else
        {
            x = norm1.Forward(x + SelfAttentionBlock(x, srcMask, srcKeyPaddingMask));
            x = norm2.Forward(x + FeedForwardBlock(x));
        }
        return x;
    }

    private Tensor SelfAttentionBlock(Tensor x, Tensor? mask, Tensor? keyPaddingMask)
    {
        var attended = selfAttn.Forward(x, x, x, keyPaddingMask, needWeights: false, attnMask: mask).Output;
        return Functional.Dropout(attended, DropoutP, Training);
    }

    private Tensor FeedForwardBlock(Tensor x)
    {
        var hidden = linear1.Forward(x);
        hidden = Activation == "gelu" ? hidden.Gelu() : hidden.Relu();
        hidden = Functional.Dropout(hidden, DropoutP, Training);
        return Functional.Dropout(linear2.Forward(hidden), DropoutP, Training);
    }
}

/// <summary>
/// A stack of encoder layers with an optional final norm, as torch.nn.TransformerEncoder (names layers.0..., norm).
/// </summary>
public sealed class TransformerEncoder : Module<Tensor, Tensor>
{
    private readonly ModuleList<TransformerEncoderLayer> layers;
    private readonly LayerNorm? norm;

    /// <summary>numLayers copies of <paramref name="encoderLayer"/> (as PyTorch deep-copies it; the template stays the caller's).</summary>
    public TransformerEncoder(TransformerEncoderLayer encoderLayer, int numLayers, LayerNorm? norm = null)
        : this(MakeCopies(encoderLayer, numLayers), norm)
    {
    }

    /// <summary>The given layers, in order; this encoder owns them.</summary>
    public TransformerEncoder(IEnumerable<TransformerEncoderLayer> layers, LayerNorm? norm = null)
    {
        this.layers = new ModuleList<TransformerEncoderLayer>(layers);
        if (this.layers.Count == 0) throw new ArgumentException("TransformerEncoder needs at least one layer.", nameof(layers));
        this.norm = norm;
    }

    private static IEnumerable<TransformerEncoderLayer> MakeCopies(TransformerEncoderLayer template, int count)
    {
        ArgumentNullException.ThrowIfNull(template);
        if (count <= 0) throw new ArgumentException($"TransformerEncoder: num_layers must be positive, got {count}.", nameof(count));
        return Enumerable.Range(0, count).Select(_ => template.Copy()).ToList();
    }

    public ModuleList<TransformerEncoderLayer> Layers => layers;
    public LayerNorm? Norm => norm;

    public override Tensor Forward(Tensor src) => Forward(src, null, null);

    /// <param name="mask">Attention mask passed to every layer.</param>
    /// <param name="srcKeyPaddingMask">(N, S) padding mask passed to every layer.</param>
    public Tensor Forward(Tensor src, Tensor? mask, Tensor? srcKeyPaddingMask)
    {
        var x = src;
        foreach (var layer in layers) x = layer.Forward(x, mask, srcKeyPaddingMask);
        return norm != null ? norm.Forward(x) : x;
    }
}
