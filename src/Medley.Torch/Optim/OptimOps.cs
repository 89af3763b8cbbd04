using Medley.Torch.Native;

namespace Medley.Torch.Optim;

/// <summary>Internal helpers for the optimisers (ops the public op families don't offer in the form needed).</summary>
internal static class OptimOps
{
    /// <summary>t /= s in place (torch's div_ by a Python float: exact same rounding as torch's Adam).</summary>
    public static Tensor DivScalar_(Tensor t, double s)
    {
        Errors.Check(NativeMethods.mdl_optim_div_scalar_(t.Handle, s), "Div_", t);
        return t;
    }

    /// <summary>
    /// One fused pass of Adam's update over float32 contiguous CPU tensors; false when the tensors don't qualify
    /// (other dtype, device or layout) and nothing was changed.
    /// </summary>
    public static bool AdamFused_(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor? maxExpAvgSq, double lr,
        double beta1, double beta2, double eps, double weightDecay, bool decoupled, bool maximize, double stepSize,
        double biasCorrection2Sqrt)
    {
        var rc = NativeMethods.mdl_optim_adam_fused_(param.Handle, grad.Handle, expAvg.Handle, expAvgSq.Handle,
            maxExpAvgSq?.Handle ?? IntPtr.Zero, lr, beta1, beta2, eps, weightDecay, decoupled ? 1 : 0, maximize ? 1 : 0,
            stepSize, biasCorrection2Sqrt);
        if (rc < 0) throw Errors.Take("Adam step", param);
        return rc == 1;
    }

    /// <summary>Takes a fresh tensor out of the current DisposeScope: the optimiser owns it until Dispose.</summary>
    public static Tensor Persistent(Tensor t) => t.DetachFromScope();
}
