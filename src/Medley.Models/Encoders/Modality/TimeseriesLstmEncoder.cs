using Medley.Torch;
using Medley.Torch.NN;

namespace Medley.Models.Encoders.Modality;

/// <summary>
/// EHR time series [B, T, K] (K variables per step, e.g. 76 per 2-hour step) → an LSTM over the steps; the last
/// layer's final hidden state, projected to d, is the embedding.
/// </summary>
public sealed class TimeseriesLstmEncoder : ModalityEncoder
{
    private readonly LSTM lstm;
    private readonly Linear proj;

    public TimeseriesLstmEncoder(long variables, int hidden, int outputDim, int layers = 1)
    {
        if (variables <= 0 || hidden <= 0 || outputDim <= 0 || layers <= 0)
            throw new ArgumentException($"TimeseriesLstmEncoder: variables ({variables}), hidden ({hidden}), output width ({outputDim}) and layers ({layers}) must be positive.");
        lstm = new LSTM(variables, hidden, layers, batchFirst: true);
        proj = XavierLinear(hidden, outputDim);
    }

    public override int OutputDim => (int)proj.OutFeatures;

    public override Tensor Forward(Tensor input, Tensor? mask)
    {
        if (input.Dim != 3) throw new ArgumentException($"TimeseriesLstmEncoder: expected [B, T, K], got [{string.Join(", ", input.Shape)}].");
        var (_, (h, _)) = lstm.Forward(input);
        return proj.Forward(h.Select(0, -1));
    }
}
