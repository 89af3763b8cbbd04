using Medley.Torch.NN;

namespace Medley.Torch.Models;

/// <summary>
/// torchvision's Vision Transformer (Dosovitskiy et al. 2020) with its module names (conv_proj, class_token,
/// encoder.pos_embedding, encoder.layers.encoder_layer_{i}.ln_1 / self_attention / ln_2 / mlp.0 / mlp.3, encoder.ln,
/// heads.head), so torchvision state dicts load strictly. The defaults are ViT-B/16; any image size, patch size,
/// depth, width, heads and MLP width can be chosen. Input (N, 3, image_size, image_size); output (N, numClasses).
/// </summary>
public sealed class VisionTransformer : Module<Tensor, Tensor>
{
    public readonly int ImageSize;
    public readonly int PatchSize;
    public readonly int HiddenDim;
    public readonly int NumClasses;
    /// <summary>Patches plus the class token.</summary>
    public readonly int SeqLength;

    [Name("conv_proj")] private readonly Conv2d convProj;
    [Name("class_token")] private readonly Parameter classToken;
    private readonly ViTEncoder encoder;
    private readonly Sequential heads;

    /// <param name="representationSize">When set, a pre-logits linear layer of this width with tanh precedes the head.</param>
    /// <param name="dropout">Dropout after the position embedding and inside the MLPs (training only).</param>
    /// <param name="attentionDropout">Dropout on attention weights (training only).</param>
    public VisionTransformer(int imageSize = 224, int patchSize = 16, int numLayers = 12, int numHeads = 12,
        int hiddenDim = 768, int mlpDim = 3072, double dropout = 0.0, double attentionDropout = 0.0,
        int numClasses = 1000, int? representationSize = null)
    {
        if (imageSize <= 0 || patchSize <= 0 || numLayers <= 0 || numHeads <= 0 || hiddenDim <= 0 || mlpDim <= 0 || numClasses < 0)
            throw new ArgumentException("VisionTransformer: sizes, depth and heads must be positive and the class count non-negative (0 = no head).");
        if (imageSize % patchSize != 0)
            throw new ArgumentException($"VisionTransformer: image size {imageSize} is not divisible by patch size {patchSize}.");
        if (hiddenDim % numHeads != 0)
            throw new ArgumentException($"VisionTransformer: hidden_dim {hiddenDim} must be divisible by num_heads {numHeads}.");
        ImageSize = imageSize;
        PatchSize = patchSize;
        HiddenDim = hiddenDim;
        NumClasses = numClasses;
        var patches = (imageSize / patchSize) * (imageSize / patchSize);
        SeqLength = patches + 1;

        convProj = new Conv2d(3, hiddenDim, kernelSize: patchSize, stride: patchSize);
        classToken = new Parameter(Tensor.Zeros(1, 1, hiddenDim));
        encoder = new ViTEncoder(SeqLength, numLayers, numHeads, hiddenDim, mlpDim, dropout, attentionDropout);

        heads = new Sequential();
        if (representationSize is int rep)
        {
            var preLogits = new Linear(hiddenDim, rep);
            Init.TruncNormal_(preLogits.Weight, std: Math.Sqrt(1.0 / hiddenDim));
            Init.Zeros_(preLogits.Bias!);
            heads.Add("pre_logits", preLogits).Add("act", new Tanh()).Add("head", new Linear(rep, numClasses));
        }
        else if (numClasses > 0)
        {
            heads.Add("head", new Linear(hiddenDim, numClasses));
        }
        // numClasses = 0: a feature extractor with no head (Forward returns the class-token features).
        if (heads.Count > 0)
        {
            var head = (Linear)heads["head"];
            Init.Zeros_(head.Weight);
            Init.Zeros_(head.Bias!);
        }

        // torchvision's patchify-stem initialisation.
        Init.TruncNormal_(convProj.Weight, std: Math.Sqrt(1.0 / (3.0 * patchSize * patchSize)));
        Init.Zeros_(convProj.Bias!);
    }

    /// <summary>ViT-B/16: 12 layers, 12 heads, width 768, MLP 3072, 224×224 images.</summary>
    public static VisionTransformer VitB16(int numClasses = 1000) => new(numClasses: numClasses);

    public Sequential Heads => heads;

    /// <summary>(N, 3, H, W) → (N, patches, hidden): the patch embedding.</summary>
    private Tensor ProcessInput(Tensor x)
    {
        if (x.Dim != 4 || x.Size(1) != 3 || x.Size(2) != ImageSize || x.Size(3) != ImageSize)
            throw new ArgumentException($"VisionTransformer expects (N, 3, {ImageSize}, {ImageSize}) images, got {x.Describe()}.");
        var n = x.Size(0);
        var patches = convProj.Forward(x);                      // (N, hidden, H/p, W/p)
        return patches.Reshape(n, HiddenDim, -1).Permute(0, 2, 1); // (N, patches, hidden)
    }

    /// <summary>The encoded class token (N, hidden) before the head: the image embedding.</summary>
    public Tensor ForwardFeatures(Tensor input) => ForwardTokens(input).Select(1, 0);

    /// <summary>Every encoded token after the final norm: (N, 1 + patches, hidden), the class token first.</summary>
    public Tensor ForwardTokens(Tensor input)
    {
        var x = ProcessInput(input);
        var n = x.Size(0);
        var cls = classToken.Expand(n, -1, -1);
        return encoder.Forward(Tensor.Cat(new[] { cls, x }, 1));
    }

    public override Tensor Forward(Tensor input) => heads.Forward(ForwardFeatures(input));
}

/// <summary>Position embedding, dropout, the encoder blocks (layers.encoder_layer_{i}) and a final norm (ln).</summary>
internal sealed class ViTEncoder : Module<Tensor, Tensor>
{
    [Name("pos_embedding")] private readonly Parameter posEmbedding;
    private readonly Sequential layers;
    private readonly LayerNorm ln;
    private readonly double dropout;

    public ViTEncoder(int seqLength, int numLayers, int numHeads, int hiddenDim, int mlpDim, double dropout, double attentionDropout)
    {
        posEmbedding = new Parameter(Tensor.Empty(1, seqLength, hiddenDim).Normal_(0, 0.02));
        layers = new Sequential();
        for (var i = 0; i < numLayers; i++)
            layers.Add($"encoder_layer_{i}", new ViTEncoderBlock(numHeads, hiddenDim, mlpDim, dropout, attentionDropout));
        ln = new LayerNorm(new long[] { hiddenDim }, 1e-6);
        this.dropout = dropout;
    }

    public override Tensor Forward(Tensor input)
    {
        if (input.Dim != 3)
            throw new ArgumentException($"ViT encoder expects (batch, seq, hidden) input, got {input.Describe()}.");
        var x = Functional.Dropout(input + posEmbedding, dropout, Training);
        return ln.Forward(layers.Forward(x));
    }
}

/// <summary>Pre-norm transformer block: x + attn(ln_1(x)), then + mlp(ln_2(·)); mlp = Linear, GELU, Dropout, Linear, Dropout.</summary>
internal sealed class ViTEncoderBlock : Module<Tensor, Tensor>
{
    [Name("ln_1")] private readonly LayerNorm ln1;
    [Name("self_attention")] private readonly MultiheadAttention selfAttention;
    [Name("ln_2")] private readonly LayerNorm ln2;
    private readonly Sequential mlp;
    private readonly double dropout;

    public ViTEncoderBlock(int numHeads, int hiddenDim, int mlpDim, double dropout, double attentionDropout)
    {
        ln1 = new LayerNorm(new long[] { hiddenDim }, 1e-6);
        selfAttention = new MultiheadAttention(hiddenDim, numHeads, attentionDropout, batchFirst: true);
        ln2 = new LayerNorm(new long[] { hiddenDim }, 1e-6);
        var fc1 = new Linear(hiddenDim, mlpDim);
        var fc2 = new Linear(mlpDim, hiddenDim);
        foreach (var fc in new[] { fc1, fc2 })
        {
            Init.XavierUniform_(fc.Weight);
            Init.Normal_(fc.Bias!, std: 1e-6);
        }
        mlp = new Sequential(fc1, new GELU(), new Dropout(dropout), fc2, new Dropout(dropout));
        this.dropout = dropout;
    }

    public override Tensor Forward(Tensor input)
    {
        // Free the block's intermediates (norm outputs, q/k/v, scores, MLP hidden) when it returns, as Python's
        // refcounting does, instead of when the caller's scope ends: at ViT-B size and batch 32 they are ~0.5 GB per
        // block. Autograd still holds what backward needs.
        using var scope = DisposeScope.Enter();
        var x = ln1.Forward(input);
        x = selfAttention.Forward(x, x, x, needWeights: false).Output;
        x = Functional.Dropout(x, dropout, Training) + input;
        return scope.Keep(x + mlp.Forward(ln2.Forward(x)));
    }
}
