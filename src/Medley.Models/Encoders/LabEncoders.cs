using Medley.Torch;
using Medley.Torch.NN;

namespace Medley.Models.Encoders;

/// <summary>Lab MLP encoder (METHODS.md §1.2): F_L = fc2(ReLU(fc1(flatten(X_L)))), T·K → hidden → d.</summary>
public sealed class LabMlpEncoder : Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly Linear fc2;
    public readonly int Steps;
    public readonly int Variables;

    public LabMlpEncoder(int steps, int variables, int hidden, int outputDim)
    {
        if (steps <= 0 || variables <= 0 || hidden <= 0 || outputDim <= 0)
            throw new ArgumentException($"LabMlpEncoder: steps ({steps}), variables ({variables}), hidden ({hidden}) and output width ({outputDim}) must be positive.");
        Steps = steps;
        Variables = variables;
        fc1 = new Linear(steps * variables, hidden);
        fc2 = new Linear(hidden, outputDim);
        ImageEncoder.InitLinear(fc1);
        ImageEncoder.InitLinear(fc2);
    }

    public int OutputDim => fc2.OutFeatures;

    /// <summary>(B, T, K) → (B, d).</summary>
    public override Tensor Forward(Tensor labs) => fc2.Forward(fc1.Forward(labs.Flatten(1)).Relu());
}

/// <summary>
/// Per-time-step lab encoder for the token form of CMT (METHODS.md §1.4 [choice]): each step's K values →
/// fc2(ReLU(fc1(x_t))) of width d, giving (B, T, d) keys/values.
/// </summary>
public sealed class LabStepEncoder : Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly Linear fc2;

    public LabStepEncoder(int variables, int hidden, int outputDim)
    {
        if (variables <= 0 || hidden <= 0 || outputDim <= 0)
            throw new ArgumentException($"LabStepEncoder: variables ({variables}), hidden ({hidden}) and output width ({outputDim}) must be positive.");
        fc1 = new Linear(variables, hidden);
        fc2 = new Linear(hidden, outputDim);
        ImageEncoder.InitLinear(fc1);
        ImageEncoder.InitLinear(fc2);
    }

    public override Tensor Forward(Tensor labs) => fc2.Forward(fc1.Forward(labs).Relu());
}
