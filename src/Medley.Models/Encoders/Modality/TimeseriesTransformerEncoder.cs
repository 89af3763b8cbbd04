using Medley.Torch;
using Medley.Torch.NN;

namespace Medley.Models.Encoders.Modality;

/// <summary>
/// EHR time series [B, T, K] → a linear map of each step's K variables to d, plus learned step positions → a small
/// pre-norm transformer encoder → the mean over the T steps (timeseries_encoder=transformer). Every step counts: the
/// data layer has already interpolated the grid and carries observation masks as extra variables.
/// </summary>
public sealed class TimeseriesTransformerEncoder : ModalityEncoder
{
    private readonly Linear input;
    [Name("position")] private readonly Parameter position;
    private readonly TransformerEncoder encoder;
    private readonly int width;

    public TimeseriesTransformerEncoder(long steps, long variables, int outputDim, int layers = 1, int heads = 4)
    {
        if (steps <= 0 || variables <= 0 || outputDim <= 0 || layers <= 0 || heads <= 0 || outputDim % heads != 0)
            throw new ArgumentException($"TimeseriesTransformerEncoder: steps ({steps}), variables ({variables}), width ({outputDim}) and layers ({layers}) must be positive and the width divisible by heads ({heads}).");
        input = XavierLinear(variables, outputDim);
        position = LearnedPositions(steps, outputDim);
        encoder = PreNormTransformer(outputDim, heads, layers);
        width = outputDim;
    }

    public override int OutputDim => width;

    public override Tensor Forward(Tensor x, Tensor? mask)
    {
        if (x.Dim != 3 || x.Size(2) != input.InFeatures || x.Size(1) > position.Size(0))
            throw new ArgumentException($"TimeseriesTransformerEncoder: expected [B, T ≤ {position.Size(0)}, {input.InFeatures}], got [{string.Join(", ", x.Shape)}].");
        var h = input.Forward(x) + position.Narrow(0, 0, x.Size(1));
        return encoder.Forward(h).Mean(1);
    }
}
