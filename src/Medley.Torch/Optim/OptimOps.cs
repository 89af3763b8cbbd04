using Medley.Torch.Native;

namespace Medley.Torch.Optim;

/// <summary>
/// The few tensor ops optimisers and clipping need that the core op set doesn't expose (kept internal so they
/// don't compete with the public op families).
/// </summary>
internal static class OptimOps
{
    /// <summary>torch.norm(t, p) over all elements (p = +∞ gives max |t|).</summary>
    public static Tensor Norm(Tensor t, double p) => Errors.Wrap(NativeMethods.mdl_optim_norm(t.Handle, p), "Norm", t);

    public static unsafe Tensor Stack(List<Tensor> tensors)
    {
        var handles = new IntPtr[tensors.Count];
        for (var i = 0; i < handles.Length; i++) handles[i] = tensors[i].Handle;
        fixed (IntPtr* h = handles)
            return Errors.Wrap(NativeMethods.mdl_optim_stack(h, handles.Length), "Stack", tensors.ToArray());
    }

    public static Tensor Sqrt(Tensor t) => Errors.Wrap(NativeMethods.mdl_optim_sqrt(t.Handle), "Sqrt", t);

    public static Tensor Reciprocal(Tensor t) => Errors.Wrap(NativeMethods.mdl_optim_reciprocal(t.Handle), "Reciprocal", t);

    public static Tensor DivScalar_(Tensor t, double s)
    {
        Errors.Check(NativeMethods.mdl_optim_div_scalar_(t.Handle, s), "Div_", t);
        return t;
    }

    public static Tensor Clamp_(Tensor t, double? min, double? max)
    {
        Errors.Check(NativeMethods.mdl_optim_clamp_(t.Handle, min ?? 0, min.HasValue ? 1 : 0, max ?? 0, max.HasValue ? 1 : 0), "Clamp_", t);
        return t;
    }

    /// <summary>Takes a fresh tensor out of the current DisposeScope: the optimiser owns it until Dispose.</summary>
    public static Tensor Persistent(Tensor t) => t.DetachFromScope();
}
