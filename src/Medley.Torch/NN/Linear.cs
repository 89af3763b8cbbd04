namespace Medley.Torch.NN;

/// <summary>y = x·Wᵀ + b. Weight [out, in]; initialised like PyTorch (uniform ±1/√in).</summary>
public sealed class Linear : Module<Tensor, Tensor>
{
    public readonly int InFeatures;
    public readonly int OutFeatures;
    private readonly Parameter weight;
    private readonly Parameter? bias;

    public Linear(int inFeatures, int outFeatures, bool hasBias = true, DType dtype = DType.Float32)
    {
        if (inFeatures <= 0 || outFeatures <= 0)
            throw new ArgumentException($"Linear({inFeatures}, {outFeatures}): feature counts must be positive.");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        var bound = 1.0 / Math.Sqrt(inFeatures);
        weight = new Parameter(Tensor.Empty(new long[] { outFeatures, inFeatures }, dtype).Uniform_(-bound, bound));
        if (hasBias) bias = new Parameter(Tensor.Empty(new long[] { outFeatures }, dtype).Uniform_(-bound, bound));
    }

    public Parameter Weight => weight;
    public Parameter? Bias => bias;

    public override Tensor Forward(Tensor input)
    {
        var last = input.Dim == 0 ? -1 : input.Size(-1);
        if (last != InFeatures)
            throw new ArgumentException($"Linear({InFeatures}→{OutFeatures}) expects inputs whose last dimension is {InFeatures}, got {input.Describe()}.");
        return Tensor.Linear(input, weight, bias);
    }
}
