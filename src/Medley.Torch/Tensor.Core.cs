using Medley.Torch.Native;

namespace Medley.Torch;

/// <summary>Conversion, copying, basic arithmetic (with operators) and matmul.</summary>
public partial class Tensor
{

    public Tensor Clone() => Errors.Wrap(NativeMethods.mdl_clone(Handle), "Clone", this);
    public Tensor Contiguous() => Errors.Wrap(NativeMethods.mdl_contiguous(Handle), "Contiguous", this);
    public Tensor To(DType dtype) => Errors.Wrap(NativeMethods.mdl_to_dtype(Handle, (int)ArgumentChecks.Known(dtype)), $"To({dtype.Name()})", this);
    public Tensor To(Device device) =>
        Errors.Wrap(NativeMethods.mdl_to_device(Handle, (int)ArgumentChecks.Known(device).Type, device.Index), $"To({device})", this);
    public Tensor Float() => To(DType.Float32);
    public Tensor Double() => To(DType.Float64);
    public Tensor Long() => To(DType.Int64);
    public Tensor Bool() => To(DType.Bool);

    /// <summary>Copies src's values into this tensor in place (broadcasting, converting dtype).</summary>
    public Tensor CopyFrom(Tensor src)
    {
        Errors.Check(NativeMethods.mdl_copy_(Handle, src.Handle), "CopyFrom", this, src);
        return this;
    }

    public Tensor Zero_()
    {
        Errors.Check(NativeMethods.mdl_zero_(Handle), "Zero_", this);
        return this;
    }

    public Tensor Fill_(double value)
    {
        Errors.Check(NativeMethods.mdl_fill_(Handle, value, DType.IsFloatingPoint() ? 0 : 1), "Fill_", this);
        return this;
    }

    // ---- arithmetic ---------------------------------------------------------------------------------------
    public Tensor Add(Tensor other, double alpha = 1) => Errors.Wrap(NativeMethods.mdl_add(Handle, other.Handle, alpha), "Add", this, other);
    public Tensor Sub(Tensor other, double alpha = 1) => Errors.Wrap(NativeMethods.mdl_sub(Handle, other.Handle, alpha), "Sub", this, other);
    public Tensor Mul(Tensor other) => Errors.Wrap(NativeMethods.mdl_mul(Handle, other.Handle), "Mul", this, other);
    public Tensor Div(Tensor other) => Errors.Wrap(NativeMethods.mdl_div(Handle, other.Handle), "Div", this, other);
    public Tensor Add(double s) => Errors.Wrap(NativeMethods.mdl_add_scalar(Handle, s, 0), "Add", this);
    public Tensor Add(long s) => Errors.Wrap(NativeMethods.mdl_add_scalar(Handle, s, 1), "Add", this);
    public Tensor Sub(double s) => Errors.Wrap(NativeMethods.mdl_sub_scalar(Handle, s, 0), "Sub", this);
    public Tensor Sub(long s) => Errors.Wrap(NativeMethods.mdl_sub_scalar(Handle, s, 1), "Sub", this);
    public Tensor Mul(double s) => Errors.Wrap(NativeMethods.mdl_mul_scalar(Handle, s, 0), "Mul", this);
    public Tensor Mul(long s) => Errors.Wrap(NativeMethods.mdl_mul_scalar(Handle, s, 1), "Mul", this);
    public Tensor Div(double s) => Errors.Wrap(NativeMethods.mdl_div_scalar(Handle, s, 0), "Div", this);
    public Tensor Div(long s) => Errors.Wrap(NativeMethods.mdl_div_scalar(Handle, s, 1), "Div", this);
    /// <summary>s - this.</summary>
    public Tensor RSub(double s) => Errors.Wrap(NativeMethods.mdl_rsub_scalar(Handle, s, 0), "RSub", this);
    public Tensor RSub(long s) => Errors.Wrap(NativeMethods.mdl_rsub_scalar(Handle, s, 1), "RSub", this);
    public Tensor Neg() => Errors.Wrap(NativeMethods.mdl_neg(Handle), "Neg", this);

    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);
    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);
    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);
    public static Tensor operator -(Tensor a) => a.Neg();
    public static Tensor operator +(Tensor a, double s) => a.Add(s);
    public static Tensor operator +(double s, Tensor a) => a.Add(s);
    public static Tensor operator -(Tensor a, double s) => a.Sub(s);
    public static Tensor operator -(double s, Tensor a) => a.RSub(s);
    public static Tensor operator *(Tensor a, double s) => a.Mul(s);
    public static Tensor operator *(double s, Tensor a) => a.Mul(s);
    public static Tensor operator /(Tensor a, double s) => a.Div(s);

    // ---- in place (optimisers; call under Engine.NoGrad() on leaves that require grad) ---------------------
    public Tensor Add_(Tensor other, double alpha = 1)
    {
        Errors.Check(NativeMethods.mdl_add_(Handle, other.Handle, alpha), "Add_", this, other);
        return this;
    }

    public Tensor Add_(double s)
    {
        Errors.Check(NativeMethods.mdl_add_scalar_(Handle, s), "Add_", this);
        return this;
    }

    public Tensor Mul_(Tensor other)
    {
        Errors.Check(NativeMethods.mdl_mul_(Handle, other.Handle), "Mul_", this, other);
        return this;
    }

    public Tensor Mul_(double s)
    {
        Errors.Check(NativeMethods.mdl_mul_scalar_(Handle, s), "Mul_", this);
        return this;
    }

    public Tensor Div_(Tensor other)
    {
        Errors.Check(NativeMethods.mdl_div_(Handle, other.Handle), "Div_", this, other);
        return this;
    }

    /// <summary>this += value * t1 * t2.</summary>
    public Tensor Addcmul_(Tensor t1, Tensor t2, double value = 1)
    {
        Errors.Check(NativeMethods.mdl_addcmul_(Handle, t1.Handle, t2.Handle, value), "Addcmul_", this, t1, t2);
        return this;
    }

    /// <summary>this += value * t1 / t2.</summary>
    public Tensor Addcdiv_(Tensor t1, Tensor t2, double value = 1)
    {
        Errors.Check(NativeMethods.mdl_addcdiv_(Handle, t1.Handle, t2.Handle, value), "Addcdiv_", this, t1, t2);
        return this;
    }

    /// <summary>this += weight * (end - this).</summary>
    public Tensor Lerp_(Tensor end, double weight)
    {
        Errors.Check(NativeMethods.mdl_lerp_(Handle, end.Handle, weight), "Lerp_", this, end);
        return this;
    }

    public Tensor Sqrt_()
    {
        Errors.Check(NativeMethods.mdl_sqrt_(Handle), "Sqrt_", this);
        return this;
    }

    public Tensor Maximum_(Tensor other)
    {
        Errors.Check(NativeMethods.mdl_maximum_(Handle, other.Handle), "Maximum_", this, other);
        return this;
    }

    // ---- linear algebra and basic shape --------------------------------------------------------------------
    public Tensor Matmul(Tensor other)
    {
        var result = Errors.Wrap(NativeMethods.mdl_matmul(Handle, other.Handle), "Matmul", this, other);
        Profiling.FlopCounter.Current?.AddProduct("Matmul", this, result);
        return result;
    }

    /// <summary>x·Wᵀ + b, as torch.nn.functional.linear.</summary>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null)
    {
        var result = Errors.Wrap(NativeMethods.mdl_linear(input.Handle, weight.Handle, bias?.Handle ?? IntPtr.Zero), "Linear", input, weight, bias);
        Profiling.FlopCounter.Current?.AddLinear(input, weight);
        return result;
    }

    public Tensor Sum() => Errors.Wrap(NativeMethods.mdl_sum_all(Handle), "Sum", this);
    public Tensor Mean() => Errors.Wrap(NativeMethods.mdl_mean_all(Handle), "Mean", this);

    public unsafe Tensor Reshape(params long[] shape)
    {
        fixed (long* s = shape) return Errors.Wrap(NativeMethods.mdl_reshape(Handle, s, shape.Length), $"Reshape({ShapeText(shape)})", this);
    }

    public unsafe Tensor View(params long[] shape)
    {
        fixed (long* s = shape) return Errors.Wrap(NativeMethods.mdl_view(Handle, s, shape.Length), $"View({ShapeText(shape)})", this);
    }
}
