using System.Runtime.InteropServices;

namespace Medley.Torch.Native;

/// <summary>P/Invoke declarations for native/src/ops_math.cpp, ops_activation.cpp and ops_linalg.cpp.</summary>
internal static unsafe partial class NativeMethods
{
    // unary
    [DllImport(Lib)] internal static extern IntPtr mdl_abs(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr mdl_sqrt(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr mdl_rsqrt(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr mdl_exp(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr mdl_log(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr mdl_log1p(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr mdl_expm1(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr mdl_sin(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr mdl_cos(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr mdl_floor(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr mdl_ceil(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr mdl_round(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr mdl_sign(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr mdl_reciprocal(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr mdl_square(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr mdl_erf(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr mdl_erfinv(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr mdl_logical_not(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr mdl_isnan(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr mdl_isinf(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr mdl_isfinite(IntPtr t);

    // binary
    [DllImport(Lib)] internal static extern IntPtr mdl_pow(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr mdl_pow_scalar(IntPtr a, double s, int isIntegral);
    [DllImport(Lib)] internal static extern IntPtr mdl_minimum(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr mdl_maximum(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr mdl_remainder(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr mdl_remainder_scalar(IntPtr a, double s, int isIntegral);
    [DllImport(Lib)] internal static extern IntPtr mdl_floor_divide(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr mdl_floor_divide_scalar(IntPtr a, double s, int isIntegral);
    [DllImport(Lib)] internal static extern IntPtr mdl_logical_and(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr mdl_logical_or(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr mdl_logical_xor(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr mdl_clamp(IntPtr t, double min, int hasMin, double max, int hasMax, int isIntegral);
    [DllImport(Lib)] internal static extern int mdl_clamp_(IntPtr t, double min, int hasMin, double max, int hasMax, int isIntegral);
    [DllImport(Lib)] internal static extern IntPtr mdl_clamp_tensor(IntPtr t, IntPtr min, IntPtr max);
    [DllImport(Lib)] internal static extern IntPtr mdl_lerp(IntPtr a, IntPtr end, double weight);
    [DllImport(Lib)] internal static extern IntPtr mdl_lerp_tensor(IntPtr a, IntPtr end, IntPtr weight);
    [DllImport(Lib)] internal static extern IntPtr mdl_addcmul(IntPtr a, IntPtr t1, IntPtr t2, double value);
    [DllImport(Lib)] internal static extern IntPtr mdl_addcdiv(IntPtr a, IntPtr t1, IntPtr t2, double value);
    [DllImport(Lib)] internal static extern IntPtr mdl_nan_to_num(IntPtr t, double nan, double posinf, int hasPosinf, double neginf, int hasNeginf);

    // comparisons
    [DllImport(Lib)] internal static extern IntPtr mdl_eq(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr mdl_ne(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr mdl_lt(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr mdl_le(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr mdl_gt(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr mdl_ge(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr mdl_eq_scalar(IntPtr a, double s, int isIntegral);
    [DllImport(Lib)] internal static extern IntPtr mdl_ne_scalar(IntPtr a, double s, int isIntegral);
    [DllImport(Lib)] internal static extern IntPtr mdl_lt_scalar(IntPtr a, double s, int isIntegral);
    [DllImport(Lib)] internal static extern IntPtr mdl_le_scalar(IntPtr a, double s, int isIntegral);
    [DllImport(Lib)] internal static extern IntPtr mdl_gt_scalar(IntPtr a, double s, int isIntegral);
    [DllImport(Lib)] internal static extern IntPtr mdl_ge_scalar(IntPtr a, double s, int isIntegral);
    [DllImport(Lib)] internal static extern int mdl_equal(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern int mdl_allclose(IntPtr a, IntPtr b, double rtol, double atol, int equalNan);

    // activations
    [DllImport(Lib)] internal static extern IntPtr mdl_relu(IntPtr t);
    [DllImport(Lib)] internal static extern int mdl_relu_(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr mdl_leaky_relu(IntPtr t, double slope);
    [DllImport(Lib)] internal static extern IntPtr mdl_gelu(IntPtr t, int approximate);
    [DllImport(Lib)] internal static extern IntPtr mdl_sigmoid(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr mdl_tanh(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr mdl_silu(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr mdl_softplus(IntPtr t, double beta, double threshold);
    [DllImport(Lib)] internal static extern IntPtr mdl_elu(IntPtr t, double alpha);
    [DllImport(Lib)] internal static extern IntPtr mdl_hardswish(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr mdl_softmax(IntPtr t, long dim);
    [DllImport(Lib)] internal static extern IntPtr mdl_log_softmax(IntPtr t, long dim);

    // linear algebra
    [DllImport(Lib)] internal static extern IntPtr mdl_mm(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr mdl_bmm(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr mdl_baddbmm(IntPtr input, IntPtr b1, IntPtr b2, double beta, double alpha);
    [DllImport(Lib)] internal static extern IntPtr mdl_outer(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr mdl_dot(IntPtr a, IntPtr b);
    [DllImport(Lib, CharSet = CharSet.Ansi, BestFitMapping = false)] internal static extern IntPtr mdl_einsum(string equation, IntPtr* tensors, long n);
}
