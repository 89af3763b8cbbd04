using Medley.Torch;
using Medley.Torch.NN;

namespace Medley.Models.Encoders.Modality;

/// <summary>Static values [B, F] (or any [B, ...], flattened) → fc2(ReLU(fc1(x))) of width d.</summary>
public sealed class TabularEncoder : ModalityEncoder
{
    private readonly Linear fc1;
    private readonly Linear fc2;

    public TabularEncoder(long features, int hidden, int outputDim)
    {
        if (features <= 0 || hidden <= 0 || outputDim <= 0)
            throw new ArgumentException($"TabularEncoder: features ({features}), hidden ({hidden}) and output width ({outputDim}) must be positive.");
        fc1 = XavierLinear(features, hidden);
        fc2 = XavierLinear(hidden, outputDim);
    }

    public override int OutputDim => (int)fc2.OutFeatures;

    public override Tensor Forward(Tensor input, Tensor? mask) => fc2.Forward(fc1.Forward(input.Flatten(1)).Relu());
}
