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

    /// <summary>Takes a fresh tensor out of the current DisposeScope: the optimiser owns it until Dispose.</summary>
    public static Tensor Persistent(Tensor t) => t.DetachFromScope();
}
