using Medley.Torch.NN;

namespace Medley.Torch.Models;

/// <summary>The shape of a BERT encoder (Hugging Face's BertConfig names in comments). Defaults: BERT-base.</summary>
public sealed record BertConfig
{
    /// <summary>vocab_size.</summary>
    public int VocabSize { get; init; } = 30522;
    /// <summary>hidden_size.</summary>
    public int Hidden { get; init; } = 768;
    /// <summary>num_hidden_layers.</summary>
    public int Layers { get; init; } = 12;
    /// <summary>num_attention_heads.</summary>
    public int Heads { get; init; } = 12;
    /// <summary>intermediate_size.</summary>
    public int Intermediate { get; init; } = 3072;
    /// <summary>max_position_embeddings.</summary>
    public int MaxPositions { get; init; } = 512;
    /// <summary>type_vocab_size.</summary>
    public int TypeVocab { get; init; } = 2;
    /// <summary>layer_norm_eps.</summary>
    public double LayerNormEps { get; init; } = 1e-12;
    /// <summary>hidden_dropout_prob (training mode only).</summary>
    public double HiddenDropout { get; init; } = 0.1;
    /// <summary>attention_probs_dropout_prob (training mode only).</summary>
    public double AttentionDropout { get; init; } = 0.1;
    /// <summary>Whether the model has the pooler (tanh dense layer over the [CLS] state).</summary>
    public bool AddPooler { get; init; } = true;

    internal void Validate()
    {
        if (VocabSize <= 0 || Hidden <= 0 || Layers <= 0 || Heads <= 0 || Intermediate <= 0 || MaxPositions <= 0 || TypeVocab <= 0)
            throw new ArgumentException($"BertConfig: every size must be positive ({this}).");
        if (Hidden % Heads != 0)
            throw new ArgumentException($"BertConfig: hidden size {Hidden} is not divisible by the {Heads} attention heads.");
        if (LayerNormEps <= 0) throw new ArgumentException($"BertConfig: layer_norm_eps must be positive, got {LayerNormEps}.");
    }
}

/// <summary>
/// BERT's encoder (Devlin et al. 2018) with Hugging Face's module names (embeddings.word_embeddings,
/// encoder.layer.N.attention.self.query, ..., pooler.dense), so a BertModel checkpoint loads strictly. GELU is the
/// exact (erf) form, layer norms come after each residual (post-norm), and padding is masked the way Hugging Face
/// does it: (1 − mask) · float.MinValue added to the attention scores.
/// </summary>
public sealed class BertModel : Module
{
    private readonly BertEmbeddings embeddings;
    private readonly BertEncoder encoder;
    private readonly BertPooler? pooler;

    public BertConfig Config { get; }

    public BertModel(BertConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        embeddings = new BertEmbeddings(config);
        encoder = new BertEncoder(config);
        if (config.AddPooler) pooler = new BertPooler(config.Hidden);
        // Hugging Face's initialisation: N(0, 0.02) weights, zero biases, unit layer norms.
        foreach (var m in Modules())
        {
            if (m is Linear l)
            {
                l.Weight.Normal_(0, 0.02);
                if (l.Bias != null) Init.Zeros_(l.Bias);
            }
            else if (m is Embedding e) e.Weight.Normal_(0, 0.02);
        }
    }

    /// <param name="inputIds">Token ids [B, L] (any integer dtype), L ≤ max positions.</param>
    /// <param name="attentionMask">[B, L], 1 (or true) = attend, 0 = padding; null = attend to every token.</param>
    /// <param name="tokenTypeIds">Segment ids [B, L]; null = all zero.</param>
    /// <returns>Every token's last hidden state [B, L, H], and the pooled [CLS] state [B, H] when the model has a pooler.</returns>
    public (Tensor LastHidden, Tensor? Pooled) Forward(Tensor inputIds, Tensor? attentionMask = null, Tensor? tokenTypeIds = null)
    {
        if (inputIds.Dim != 2)
            throw new ArgumentException($"BertModel expects token ids [B, L], got {inputIds.Describe()}.");
        if (inputIds.Size(1) > Config.MaxPositions)
            throw new ArgumentException($"BertModel: {inputIds.Size(1)} tokens exceed the {Config.MaxPositions} positions of this model.");
        if (attentionMask != null && !attentionMask.Shape.SequenceEqual(inputIds.Shape))
            throw new ArgumentException($"BertModel: attention mask {attentionMask.Describe()} does not match the token ids {inputIds.Describe()}.");
        if (tokenTypeIds != null && !tokenTypeIds.Shape.SequenceEqual(inputIds.Shape))
            throw new ArgumentException($"BertModel: token type ids {tokenTypeIds.Describe()} do not match the token ids {inputIds.Describe()}.");
        var ids = inputIds.To(DType.Int64);
        var hidden = embeddings.Forward(ids, tokenTypeIds?.To(DType.Int64));
        Tensor? bias = null;
        if (attentionMask != null)
        {
            // [B, 1, 1, L]: 0 where attended, the most negative float where padded (an all-padding row then attends
            // uniformly, as in Hugging Face, rather than producing NaN).
            var keep = attentionMask.To(hidden.DType).Unsqueeze(1).Unsqueeze(2);
            bias = (1.0 - keep) * float.MinValue;
        }
        var last = encoder.Forward(hidden, bias);
        return (last, pooler?.Forward(last));
    }
}

/// <summary>Word + position + token-type embeddings, then LayerNorm and dropout.</summary>
public sealed class BertEmbeddings : Module
{
    [Name("word_embeddings")] private readonly Embedding wordEmbeddings;
    [Name("position_embeddings")] private readonly Embedding positionEmbeddings;
    [Name("token_type_embeddings")] private readonly Embedding tokenTypeEmbeddings;
    [Name("LayerNorm")] private readonly LayerNorm layerNorm;
    private readonly double dropout;

    public BertEmbeddings(BertConfig c)
    {
        wordEmbeddings = new Embedding(c.VocabSize, c.Hidden);
        positionEmbeddings = new Embedding(c.MaxPositions, c.Hidden);
        tokenTypeEmbeddings = new Embedding(c.TypeVocab, c.Hidden);
        layerNorm = new LayerNorm(c.Hidden, c.LayerNormEps);
        dropout = c.HiddenDropout;
    }

    public Tensor Forward(Tensor ids, Tensor? tokenTypes)
    {
        var length = ids.Size(1);
        var positions = Tensor.Arange(0, length, 1, DType.Int64, ids.Device).Unsqueeze(0);
        var types = tokenTypes ?? Tensor.ZerosLike(ids);
        var x = wordEmbeddings.Forward(ids) + positionEmbeddings.Forward(positions) + tokenTypeEmbeddings.Forward(types);
        return Functional.Dropout(layerNorm.Forward(x), dropout, Training);
    }
}

/// <summary>The stack of transformer layers (encoder.layer.N).</summary>
public sealed class BertEncoder : Module
{
    private readonly ModuleList<BertLayer> layer;

    public BertEncoder(BertConfig c) => layer = new ModuleList<BertLayer>(Enumerable.Range(0, c.Layers).Select(_ => new BertLayer(c)));

    public Tensor Forward(Tensor hidden, Tensor? attentionBias)
    {
        foreach (var l in layer) hidden = l.Forward(hidden, attentionBias);
        return hidden;
    }
}

/// <summary>One post-norm transformer layer: attention (self + output) and the feed-forward (intermediate + output).</summary>
public sealed class BertLayer : Module
{
    private readonly BertAttention attention;
    private readonly BertIntermediate intermediate;
    private readonly BertResidualOutput output;

    public BertLayer(BertConfig c)
    {
        attention = new BertAttention(c);
        intermediate = new BertIntermediate(c);
        output = new BertResidualOutput(c.Intermediate, c.Hidden, c);
    }

    public Tensor Forward(Tensor hidden, Tensor? attentionBias)
    {
        var attended = attention.Forward(hidden, attentionBias);
        return output.Forward(intermediate.Forward(attended), attended);
    }
}

/// <summary>attention.self (multi-head scaled dot-product) and attention.output (dense + residual + LayerNorm).</summary>
public sealed class BertAttention : Module
{
    [Name("self")] private readonly BertSelfAttention selfAttention;
    private readonly BertResidualOutput output;

    public BertAttention(BertConfig c)
    {
        selfAttention = new BertSelfAttention(c);
        output = new BertResidualOutput(c.Hidden, c.Hidden, c);
    }

    public Tensor Forward(Tensor hidden, Tensor? attentionBias) => output.Forward(selfAttention.Forward(hidden, attentionBias), hidden);
}

/// <summary>Separate query, key and value projections; heads of width hidden / heads.</summary>
public sealed class BertSelfAttention : Module
{
    private readonly Linear query;
    private readonly Linear key;
    private readonly Linear value;
    private readonly int heads;
    private readonly int headDim;
    private readonly double dropout;

    public BertSelfAttention(BertConfig c)
    {
        query = new Linear(c.Hidden, c.Hidden);
        key = new Linear(c.Hidden, c.Hidden);
        value = new Linear(c.Hidden, c.Hidden);
        heads = c.Heads;
        headDim = c.Hidden / c.Heads;
        dropout = c.AttentionDropout;
    }

    private Tensor SplitHeads(Tensor x) => x.View(x.Size(0), x.Size(1), heads, headDim).Permute(0, 2, 1, 3);

    public Tensor Forward(Tensor hidden, Tensor? attentionBias)
    {
        var q = SplitHeads(query.Forward(hidden));
        var k = SplitHeads(key.Forward(hidden));
        var v = SplitHeads(value.Forward(hidden));
        var scores = q.Matmul(k.Transpose(-1, -2)) / Math.Sqrt(headDim);
        if (attentionBias != null) scores = scores + attentionBias;
        var probs = Functional.Dropout(scores.Softmax(-1), dropout, Training);
        var context = probs.Matmul(v).Permute(0, 2, 1, 3).Contiguous();
        return context.View(context.Size(0), context.Size(1), (long)heads * headDim);
    }
}

/// <summary>dense → dropout → LayerNorm(x + residual): attention.output and output share this form.</summary>
public sealed class BertResidualOutput : Module
{
    private readonly Linear dense;
    [Name("LayerNorm")] private readonly LayerNorm layerNorm;
    private readonly double dropout;

    public BertResidualOutput(int inFeatures, int hidden, BertConfig c)
    {
        dense = new Linear(inFeatures, hidden);
        layerNorm = new LayerNorm(hidden, c.LayerNormEps);
        dropout = c.HiddenDropout;
    }

    public Tensor Forward(Tensor x, Tensor residual) =>
        layerNorm.Forward(Functional.Dropout(dense.Forward(x), dropout, Training) + residual);
}

/// <summary>intermediate.dense with the exact (erf) GELU.</summary>
public sealed class BertIntermediate : Module
{
    private readonly Linear dense;

    public BertIntermediate(BertConfig c) => dense = new Linear(c.Hidden, c.Intermediate);

    public Tensor Forward(Tensor x) => dense.Forward(x).Gelu();
}

/// <summary>pooler.dense with tanh over the first ([CLS]) token's state.</summary>
public sealed class BertPooler : Module
{
    private readonly Linear dense;

    public BertPooler(int hidden) => dense = new Linear(hidden, hidden);

    public Tensor Forward(Tensor lastHidden) => dense.Forward(lastHidden.Select(1, 0)).Tanh();
}
