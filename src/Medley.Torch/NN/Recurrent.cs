namespace Medley.Torch.NN;

/// <summary>
/// Shared core of LSTM and GRU: PyTorch's parameters weight_ih_l{k}[_reverse] [G·H, in], weight_hh_l{k} [G·H, H],
/// bias_ih_l{k}, bias_hh_l{k} [G·H], all initialised uniform ±1/√H, kept in the flat order the fused kernel takes.
/// </summary>
public abstract class RecurrentBase : Module
{
    public readonly long InputSize;
    public readonly long HiddenSize;
    public readonly int NumLayers;
    public readonly bool HasBias;
    public readonly bool BatchFirst;
    public readonly double DropoutP;
    public readonly bool Bidirectional;
    private readonly List<Parameter> _flat = new();

    private protected RecurrentBase(int gates, long inputSize, long hiddenSize, int numLayers, bool bias, bool batchFirst, double dropout,
        bool bidirectional, DType dtype)
    {
        var name = GetType().Name;
        if (inputSize <= 0 || hiddenSize <= 0 || numLayers <= 0)
            throw new ArgumentException($"{name}: inputSize, hiddenSize and numLayers must be positive, got {inputSize}, {hiddenSize}, {numLayers}.");
        if (!(dropout >= 0 && dropout <= 1))
            throw new ArgumentOutOfRangeException(nameof(dropout), $"{name}: dropout must be within [0, 1], got {dropout}.");
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        NumLayers = numLayers;
        HasBias = bias;
        BatchFirst = batchFirst;
        DropoutP = dropout;
        Bidirectional = bidirectional;
        var bound = 1.0 / Math.Sqrt(hiddenSize);
        var directions = bidirectional ? 2 : 1;
        for (var layer = 0; layer < numLayers; layer++)
        {
            var layerInput = layer == 0 ? inputSize : hiddenSize * directions;
            for (var d = 0; d < directions; d++)
            {
                var suffix = $"_l{layer}" + (d == 1 ? "_reverse" : "");
                Add("weight_ih" + suffix, new[] { gates * hiddenSize, layerInput });
                Add("weight_hh" + suffix, new[] { gates * hiddenSize, hiddenSize });
                if (bias)
                {
                    Add("bias_ih" + suffix, new[] { gates * hiddenSize });
                    Add("bias_hh" + suffix, new[] { gates * hiddenSize });
                }
            }
        }

        void Add(string parameterName, long[] shape)
        {
            var p = new Parameter(Tensor.Empty(shape, dtype).Uniform_(-bound, bound));
            RegisterParameter(parameterName, p);
            _flat.Add(p);
        }
    }

    /// <summary>The parameters in the fused kernel's order (per layer, per direction: w_ih, w_hh, b_ih, b_hh).</summary>
    public IReadOnlyList<Parameter> FlatWeights => _flat;
}

/// <summary>
/// Multi-layer (bidirectional) LSTM. Input [T, B, F], or [B, T, F] with batchFirst, or unbatched [T, F]. Pass
/// lengths for padded variable-length batches: the result equals PyTorch's pack_padded_sequence(enforce_sorted=False)
/// → LSTM → pad_packed_sequence(total_length=T) (zeros past each sequence's end, states from its last real step).
/// </summary>
public sealed class LSTM(long inputSize, long hiddenSize, int numLayers = 1, bool bias = true, bool batchFirst = false,
    double dropout = 0, bool bidirectional = false, DType dtype = DType.Float32)
    : RecurrentBase(4, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, dtype)
{
    /// <summary>Returns the output [.., D·H] and the final (h_n, c_n), each [L·D, B, H]. state defaults to zeros.</summary>
    public (Tensor Output, (Tensor H, Tensor C) State) Forward(Tensor input, (Tensor H, Tensor C)? state = null, long[]? lengths = null)
    {
        var (o, h, c) = Functional.Lstm(input, FlatWeights, NumLayers, Bidirectional, BatchFirst, HasBias, DropoutP, Training,
            state?.H, state?.C, lengths);
        return (o, (h, c));
    }

    /// <summary>As above with lengths given as an integer tensor.</summary>
    public (Tensor Output, (Tensor H, Tensor C) State) Forward(Tensor input, (Tensor H, Tensor C)? state, Tensor lengths) =>
        Forward(input, state, Functional.LengthsFrom(lengths));
}

/// <summary>Multi-layer (bidirectional) GRU; same input conventions and lengths handling as <see cref="LSTM"/>.</summary>
public sealed class GRU(long inputSize, long hiddenSize, int numLayers = 1, bool bias = true, bool batchFirst = false,
    double dropout = 0, bool bidirectional = false, DType dtype = DType.Float32)
    : RecurrentBase(3, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, dtype)
{
    /// <summary>Returns the output and the final hidden state h_n [L·D, B, H]. h0 defaults to zeros.</summary>
    public (Tensor Output, Tensor H) Forward(Tensor input, Tensor? h0 = null, long[]? lengths = null) =>
        Functional.Gru(input, FlatWeights, NumLayers, Bidirectional, BatchFirst, HasBias, DropoutP, Training, h0, lengths);

    public (Tensor Output, Tensor H) Forward(Tensor input, Tensor? h0, Tensor lengths) =>
        Forward(input, h0, Functional.LengthsFrom(lengths));
}
