namespace Medley.Torch.Optim;

/// <summary>
/// Stochastic gradient descent (torch.optim.SGD, 1.13 semantics): optional L2 weight decay, momentum with
/// dampening (the buffer starts as the first gradient), Nesterov momentum and maximize.
/// </summary>
public sealed class SGD : Optimizer
{
    public double Momentum { get; }
    public double Dampening { get; }
    public bool Nesterov { get; }
    public bool Maximize { get; }

    protected override bool HasStepCount => false;

    public SGD(IEnumerable<Tensor> parameters, double learningRate, double momentum = 0, double dampening = 0,
        double weightDecay = 0, bool nesterov = false, bool maximize = false)
        : this(SingleGroup(parameters), learningRate, momentum, dampening, weightDecay, nesterov, maximize)
    {
    }

    public SGD(IEnumerable<ParamGroup> groups, double learningRate, double momentum = 0, double dampening = 0,
        double weightDecay = 0, bool nesterov = false, bool maximize = false)
        : base(groups, learningRate, weightDecay)
    {
        CheckNonNegative(momentum, "momentum value");
        if (nesterov && (momentum <= 0 || dampening != 0))
            throw new ArgumentException("Nesterov momentum requires a momentum and zero dampening");
        Momentum = momentum;
        Dampening = dampening;
        Nesterov = nesterov;
        Maximize = maximize;
    }

    protected override void Update(ParamGroup group, Tensor param, Tensor grad, ParameterState state)
    {
        Tensor? negated = null, decayed = null, nesterov = null;
        try
        {
            var step = grad;
            if (Maximize) step = negated = grad.Neg();
            if (group.WeightDecay != 0) step = decayed = step.Add(param, group.WeightDecay);
            if (Momentum != 0)
            {
                var buffer = state.MomentumBuffer;
                if (buffer == null) state.MomentumBuffer = buffer = OptimOps.Persistent(step.Clone());
                else buffer.Mul_(Momentum).Add_(step, 1 - Dampening);
                step = Nesterov ? (nesterov = step.Add(buffer, Momentum)) : buffer;
            }
            param.Add_(step, -group.LearningRate);
        }
        finally
        {
            nesterov?.Dispose();
            decayed?.Dispose();
            negated?.Dispose();
        }
    }
}
