namespace Medley.Torch.NN;

/// <summary>A lookup table weight [numEmbeddings, embeddingDim] initialised N(0, 1); the paddingIdx row is zero and gets no gradient.</summary>
public sealed class Embedding : Module<Tensor, Tensor>
{
    public readonly long NumEmbeddings;
    public readonly long EmbeddingDim;
    public readonly long? PaddingIdx;
    private readonly Parameter weight;

    public Embedding(long numEmbeddings, long embeddingDim, long? paddingIdx = null, DType dtype = DType.Float32)
    {
        if (numEmbeddings <= 0 || embeddingDim <= 0)
            throw new ArgumentException($"Embedding({numEmbeddings}, {embeddingDim}): sizes must be positive.");
        if (paddingIdx is long p && (p < -numEmbeddings || p >= numEmbeddings))
            throw new ArgumentOutOfRangeException(nameof(paddingIdx), $"Embedding: paddingIdx {p} must be within [{-numEmbeddings}, {numEmbeddings}).");
        NumEmbeddings = numEmbeddings;
        EmbeddingDim = embeddingDim;
        PaddingIdx = paddingIdx is long q && q < 0 ? q + numEmbeddings : paddingIdx;
        using var scope = DisposeScope.Enter();
        var w = Tensor.Randn(new[] { numEmbeddings, embeddingDim }, dtype: dtype);
        if (PaddingIdx is long pad)
        {
            // Zero the padding row: multiply by a mask that is 0 on that row.
            var mask = Tensor.Ones(new[] { numEmbeddings, 1 }, dtype);
            var oneHot = Functional.OneHot(Tensor.From(new[] { pad }), numEmbeddings).To(dtype).Reshape(numEmbeddings, 1);
            w = w * (mask - oneHot);
        }
        weight = new Parameter(scope.Keep(w).DetachFromScope());
    }

    public Parameter Weight => weight;

    public override Tensor Forward(Tensor input) => Functional.Embedding(input, weight, PaddingIdx);
}
