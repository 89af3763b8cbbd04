using System.Runtime.CompilerServices;
using Medley.Torch.Native;

namespace Medley.Torch;

/// <summary>Element-wise math and logical ops (broadcasting and type promotion as in PyTorch).</summary>
public partial class Tensor
{
    // Three-input ops: a params array would be allocated on every call, so the inputs are only gathered on failure.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Tensor Wrap3(IntPtr handle, string op, Tensor a, Tensor b, Tensor c)
    {
        if (handle == IntPtr.Zero) throw Errors.Take(op, a, b, c);
        return new Tensor(handle);
    }

    public Tensor Abs() => Errors.Wrap(NativeMethods.mdl_abs(Handle), "Abs", this);
    public Tensor Sqrt() => Errors.Wrap(NativeMethods.mdl_sqrt(Handle), "Sqrt", this);
    /// <summary>1 / sqrt(x).</summary>
    public Tensor Rsqrt() => Errors.Wrap(NativeMethods.mdl_rsqrt(Handle), "Rsqrt", this);
    public Tensor Exp() => Errors.Wrap(NativeMethods.mdl_exp(Handle), "Exp", this);
    /// <summary>Natural logarithm.</summary>
    public Tensor Log() => Errors.Wrap(NativeMethods.mdl_log(Handle), "Log", this);
    /// <summary>log(1 + x), accurate for small x.</summary>
    public Tensor Log1p() => Errors.Wrap(NativeMethods.mdl_log1p(Handle), "Log1p", this);
    /// <summary>exp(x) - 1, accurate for small x.</summary>
    public Tensor Expm1() => Errors.Wrap(NativeMethods.mdl_expm1(Handle), "Expm1", this);
    public Tensor Sin() => Errors.Wrap(NativeMethods.mdl_sin(Handle), "Sin", this);
    public Tensor Cos() => Errors.Wrap(NativeMethods.mdl_cos(Handle), "Cos", this);
    public Tensor Floor() => Errors.Wrap(NativeMethods.mdl_floor(Handle), "Floor", this);
    public Tensor Ceil() => Errors.Wrap(NativeMethods.mdl_ceil(Handle), "Ceil", this);
    /// <summary>Rounds half to even, as torch.round.</summary>
    public Tensor Round() => Errors.Wrap(NativeMethods.mdl_round(Handle), "Round", this);
    public Tensor Sign() => Errors.Wrap(NativeMethods.mdl_sign(Handle), "Sign", this);
    public Tensor Reciprocal() => Errors.Wrap(NativeMethods.mdl_reciprocal(Handle), "Reciprocal", this);
    public Tensor Square() => Errors.Wrap(NativeMethods.mdl_square(Handle), "Square", this);
    public Tensor Erf() => Errors.Wrap(NativeMethods.mdl_erf(Handle), "Erf", this);
    public Tensor Erfinv() => Errors.Wrap(NativeMethods.mdl_erfinv(Handle), "Erfinv", this);

    /// <summary>this ** exponent, element-wise with broadcasting.</summary>
    public Tensor Pow(Tensor exponent) => Errors.Wrap(NativeMethods.mdl_pow(Handle, exponent.Handle), "Pow", this, exponent);
    public Tensor Pow(double exponent) => Errors.Wrap(NativeMethods.mdl_pow_scalar(Handle, exponent, 0), "Pow", this);
    public Tensor Pow(long exponent) => Errors.Wrap(NativeMethods.mdl_pow_scalar(Handle, exponent, 1), "Pow", this);

    /// <summary>Limits values to [min, max]; either bound may be omitted (not both).</summary>
    public Tensor Clamp(double? min = null, double? max = null)
    {
        if (min == null && max == null) throw new ArgumentException($"Clamp: give at least one of min and max (input {Describe()}).");
        return Errors.Wrap(NativeMethods.mdl_clamp(Handle, min ?? 0, min.HasValue ? 1 : 0, max ?? 0, max.HasValue ? 1 : 0, 0), "Clamp", this);
    }

    /// <summary>Integer bounds keep integer tensors integral.</summary>
    public Tensor Clamp(long? min, long? max)
    {
        if (min == null && max == null) throw new ArgumentException($"Clamp: give at least one of min and max (input {Describe()}).");
        return Errors.Wrap(NativeMethods.mdl_clamp(Handle, min ?? 0, min.HasValue ? 1 : 0, max ?? 0, max.HasValue ? 1 : 0, 1), "Clamp", this);
    }

    /// <summary>Element-wise bounds from tensors (broadcast); either may be null.</summary>
    public Tensor Clamp(Tensor? min, Tensor? max)
    {
        if (min == null && max == null) throw new ArgumentException($"Clamp: give at least one of min and max (input {Describe()}).");
        return Errors.Wrap(NativeMethods.mdl_clamp_tensor(Handle, min?.Handle ?? IntPtr.Zero, max?.Handle ?? IntPtr.Zero), "Clamp", this, min, max);
    }

    /// <summary>In-place Clamp.</summary>
    public Tensor Clamp_(double? min = null, double? max = null)
    {
        if (min == null && max == null) throw new ArgumentException($"Clamp_: give at least one of min and max (input {Describe()}).");
        Errors.Check(NativeMethods.mdl_clamp_(Handle, min ?? 0, min.HasValue ? 1 : 0, max ?? 0, max.HasValue ? 1 : 0, 0), "Clamp_", this);
        return this;
    }

    /// <summary>Element-wise minimum of two tensors (broadcasting); NaN propagates.</summary>
    public Tensor Minimum(Tensor other) => Errors.Wrap(NativeMethods.mdl_minimum(Handle, other.Handle), "Minimum", this, other);
    /// <summary>Element-wise maximum of two tensors (broadcasting); NaN propagates.</summary>
    public Tensor Maximum(Tensor other) => Errors.Wrap(NativeMethods.mdl_maximum(Handle, other.Handle), "Maximum", this, other);

    /// <summary>this + weight * (end - this).</summary>
    public Tensor Lerp(Tensor end, double weight) => Errors.Wrap(NativeMethods.mdl_lerp(Handle, end.Handle, weight), "Lerp", this, end);
    public Tensor Lerp(Tensor end, Tensor weight) => Wrap3(NativeMethods.mdl_lerp_tensor(Handle, end.Handle, weight.Handle), "Lerp", this, end, weight);

    /// <summary>Python-style modulus: the result has the divisor's sign.</summary>
    public Tensor Remainder(Tensor other) => Errors.Wrap(NativeMethods.mdl_remainder(Handle, other.Handle), "Remainder", this, other);
    public Tensor Remainder(double other) => Errors.Wrap(NativeMethods.mdl_remainder_scalar(Handle, other, 0), "Remainder", this);
    public Tensor Remainder(long other) => Errors.Wrap(NativeMethods.mdl_remainder_scalar(Handle, other, 1), "Remainder", this);

    /// <summary>floor(this / other), as torch.floor_divide (1.13 rounds toward negative infinity).</summary>
    public Tensor FloorDivide(Tensor other) => Errors.Wrap(NativeMethods.mdl_floor_divide(Handle, other.Handle), "FloorDivide", this, other);
    public Tensor FloorDivide(double other) => Errors.Wrap(NativeMethods.mdl_floor_divide_scalar(Handle, other, 0), "FloorDivide", this);
    public Tensor FloorDivide(long other) => Errors.Wrap(NativeMethods.mdl_floor_divide_scalar(Handle, other, 1), "FloorDivide", this);

    /// <summary>this + value * t1 * t2.</summary>
    public Tensor Addcmul(Tensor t1, Tensor t2, double value = 1) =>
        Wrap3(NativeMethods.mdl_addcmul(Handle, t1.Handle, t2.Handle, value), "Addcmul", this, t1, t2);

    /// <summary>this + value * t1 / t2.</summary>
    public Tensor Addcdiv(Tensor t1, Tensor t2, double value = 1) =>
        Wrap3(NativeMethods.mdl_addcdiv(Handle, t1.Handle, t2.Handle, value), "Addcdiv", this, t1, t2);

    // ---- logical (non-zero counts as true; results are bool) ------------------------------------------
    public Tensor LogicalAnd(Tensor other) => Errors.Wrap(NativeMethods.mdl_logical_and(Handle, other.Handle), "LogicalAnd", this, other);
    public Tensor LogicalOr(Tensor other) => Errors.Wrap(NativeMethods.mdl_logical_or(Handle, other.Handle), "LogicalOr", this, other);
    public Tensor LogicalXor(Tensor other) => Errors.Wrap(NativeMethods.mdl_logical_xor(Handle, other.Handle), "LogicalXor", this, other);
    public Tensor LogicalNot() => Errors.Wrap(NativeMethods.mdl_logical_not(Handle), "LogicalNot", this);

    public Tensor IsNan() => Errors.Wrap(NativeMethods.mdl_isnan(Handle), "IsNan", this);
    public Tensor IsInf() => Errors.Wrap(NativeMethods.mdl_isinf(Handle), "IsInf", this);
    public Tensor IsFinite() => Errors.Wrap(NativeMethods.mdl_isfinite(Handle), "IsFinite", this);

    /// <summary>Replaces NaN with <paramref name="nan"/> and ±inf with the given values (default: the dtype's extremes).</summary>
    public Tensor NanToNum(double nan = 0, double? posinf = null, double? neginf = null) =>
        Errors.Wrap(NativeMethods.mdl_nan_to_num(Handle, nan, posinf ?? 0, posinf.HasValue ? 1 : 0, neginf ?? 0, neginf.HasValue ? 1 : 0), "NanToNum", this);
}
