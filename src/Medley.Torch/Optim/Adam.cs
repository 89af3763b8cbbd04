using System.Globalization;

namespace Medley.Torch.Optim;

/// <summary>
/// Adam (torch.optim.Adam, 1.13 semantics): L2 weight decay added to the gradient, bias-corrected moments,
/// eps added after dividing √v̂ by √(1 − β₂ᵗ), optional AMSGrad and maximize.
/// </summary>
public class Adam : Optimizer
{
    public double Beta1 { get; }
    public double Beta2 { get; }
    public double Eps { get; }
    public bool AmsGrad { get; }
    public bool Maximize { get; }

    /// <summary>
    /// One native pass per parameter (float32, contiguous, CPU) instead of torch 1.13's eight tensor-wide ops; the same
    /// arithmetic in the same order, so results agree with the unfused path to float rounding (fma contraction of
    /// the moment updates). Off gives torch's op-by-op path exactly; other dtypes or layouts always take it.
    /// </summary>
    public bool Fused { get; init; } = true;

    /// <summary>True for AdamW: weight decay shrinks the parameter (p ← p·(1 − lr·wd)) instead of joining the gradient.</summary>
    protected virtual bool DecoupledWeightDecay => false;

    public Adam(IEnumerable<Tensor> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8, double weightDecay = 0, bool amsGrad = false, bool maximize = false)
        : this(SingleGroup(parameters), learningRate, beta1, beta2, eps, weightDecay, amsGrad, maximize)
    {
    }

    public Adam(IEnumerable<ParamGroup> groups, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8, double weightDecay = 0, bool amsGrad = false, bool maximize = false)
        : base(groups, learningRate, weightDecay)
    {
        CheckNonNegative(eps, "epsilon value");
        CheckBeta(beta1, 0);
        CheckBeta(beta2, 1);
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
        AmsGrad = amsGrad;
        Maximize = maximize;
    }

    private static void CheckBeta(double beta, int index)
    {
        if (!(beta >= 0 && beta < 1))
            throw new ArgumentOutOfRangeException(index == 0 ? "beta1" : "beta2", beta,
                $"Invalid beta parameter at index {index}: {beta.ToString(CultureInfo.InvariantCulture)} (must be in [0, 1))");
    }

    protected override void Update(ParamGroup group, Tensor param, Tensor grad, ParameterState state)
    {
        if (state.ExpAvg == null)
        {
            state.ExpAvg = NewState(param);
            state.ExpAvgSq = NewState(param);
        }
        var expAvg = state.ExpAvg;
        var expAvgSq = state.ExpAvgSq!;
        var lr = group.LearningRate;
        var weightDecay = group.WeightDecay;

        state.Step++;
        // torch keeps step as a float32 tensor and reads it back as a Python float.
        double step = (float)state.Step;
        var stepSize = lr / (1 - Math.Pow(Beta1, step));
        var biasCorrection2Sqrt = Math.Sqrt(1 - Math.Pow(Beta2, step));
        if (AmsGrad) state.MaxExpAvgSq ??= NewState(param);   // also after loading a state saved without AMSGrad

        if (Fused && OptimOps.AdamFused_(param, grad, expAvg, expAvgSq, AmsGrad ? state.MaxExpAvgSq : null, lr, Beta1, Beta2,
                Eps, weightDecay, DecoupledWeightDecay, Maximize, stepSize, biasCorrection2Sqrt))
            return;

        Tensor? negated = null, decayed = null;
        try
        {
            if (Maximize) grad = negated = grad.Neg();
            if (DecoupledWeightDecay) param.Mul_(1 - lr * weightDecay);
            else if (weightDecay != 0) grad = decayed = grad.Add(param, weightDecay);

            expAvg.Mul_(Beta1).Add_(grad, 1 - Beta1);
            expAvgSq.Mul_(Beta2).Addcmul_(grad, grad, 1 - Beta2);

            var second = expAvgSq;
            if (AmsGrad)
            {
                state.MaxExpAvgSq!.Maximum_(expAvgSq);
                second = state.MaxExpAvgSq;
            }
            using var denom = second.Sqrt();
            OptimOps.DivScalar_(denom, biasCorrection2Sqrt).Add_(Eps);
            param.Addcdiv_(expAvg, denom, -stepSize);
        }
        finally
        {
            decayed?.Dispose();
            negated?.Dispose();
        }
    }
}

/// <summary>
/// AdamW (torch.optim.AdamW, 1.13 semantics): Adam with decoupled weight decay, default weight decay 0.01.
/// </summary>
public sealed class AdamW : Adam
{
    protected override bool DecoupledWeightDecay => true;

    public AdamW(IEnumerable<Tensor> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8, double weightDecay = 1e-2, bool amsGrad = false, bool maximize = false)
        : base(parameters, learningRate, beta1, beta2, eps, weightDecay, amsGrad, maximize)
    {
    }

    public AdamW(IEnumerable<ParamGroup> groups, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8, double weightDecay = 1e-2, bool amsGrad = false, bool maximize = false)
        : base(groups, learningRate, beta1, beta2, eps, weightDecay, amsGrad, maximize)
    {
    }
}
