using Medley.Torch.Native;

namespace Medley.Torch;

/// <summary>
/// Element-wise comparisons returning bool tensors. They are methods, not operators: == and != keep .NET reference
/// equality for tensors.
/// </summary>
public partial class Tensor
{
    public Tensor Eq(Tensor other) => Errors.Wrap(NativeMethods.mdl_eq(Handle, other.Handle), "Eq", this, other);
    public Tensor Ne(Tensor other) => Errors.Wrap(NativeMethods.mdl_ne(Handle, other.Handle), "Ne", this, other);
    public Tensor Lt(Tensor other) => Errors.Wrap(NativeMethods.mdl_lt(Handle, other.Handle), "Lt", this, other);
    public Tensor Le(Tensor other) => Errors.Wrap(NativeMethods.mdl_le(Handle, other.Handle), "Le", this, other);
    public Tensor Gt(Tensor other) => Errors.Wrap(NativeMethods.mdl_gt(Handle, other.Handle), "Gt", this, other);
    public Tensor Ge(Tensor other) => Errors.Wrap(NativeMethods.mdl_ge(Handle, other.Handle), "Ge", this, other);

    public Tensor Eq(double value) => Errors.Wrap(NativeMethods.mdl_eq_scalar(Handle, value, 0), "Eq", this);
    public Tensor Ne(double value) => Errors.Wrap(NativeMethods.mdl_ne_scalar(Handle, value, 0), "Ne", this);
    public Tensor Lt(double value) => Errors.Wrap(NativeMethods.mdl_lt_scalar(Handle, value, 0), "Lt", this);
    public Tensor Le(double value) => Errors.Wrap(NativeMethods.mdl_le_scalar(Handle, value, 0), "Le", this);
    public Tensor Gt(double value) => Errors.Wrap(NativeMethods.mdl_gt_scalar(Handle, value, 0), "Gt", this);
    public Tensor Ge(double value) => Errors.Wrap(NativeMethods.mdl_ge_scalar(Handle, value, 0), "Ge", this);

    public Tensor Eq(long value) => Errors.Wrap(NativeMethods.mdl_eq_scalar(Handle, value, 1), "Eq", this);
    public Tensor Ne(long value) => Errors.Wrap(NativeMethods.mdl_ne_scalar(Handle, value, 1), "Ne", this);
    public Tensor Lt(long value) => Errors.Wrap(NativeMethods.mdl_lt_scalar(Handle, value, 1), "Lt", this);
    public Tensor Le(long value) => Errors.Wrap(NativeMethods.mdl_le_scalar(Handle, value, 1), "Le", this);
    public Tensor Gt(long value) => Errors.Wrap(NativeMethods.mdl_gt_scalar(Handle, value, 1), "Gt", this);
    public Tensor Ge(long value) => Errors.Wrap(NativeMethods.mdl_ge_scalar(Handle, value, 1), "Ge", this);

    /// <summary>True when both tensors have the same shape and values (torch.equal).</summary>
    public bool Equal(Tensor other)
    {
        var r = NativeMethods.mdl_equal(Handle, other.Handle);
        if (r < 0) throw Errors.Take("Equal", this, other);
        return r == 1;
    }

    /// <summary>True when |this − other| ≤ atol + rtol·|other| everywhere (broadcasting), as torch.allclose.</summary>
    public bool AllClose(Tensor other, double rtol = 1e-5, double atol = 1e-8, bool equalNan = false)
    {
        var r = NativeMethods.mdl_allclose(Handle, other.Handle, rtol, atol, equalNan ? 1 : 0);
        if (r < 0) throw Errors.Take("AllClose", this, other);
        return r == 1;
    }
}
