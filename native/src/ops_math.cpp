// Element-wise math, logical ops and comparisons (broadcasting as in PyTorch).
#include "common.h"

#define MDL_UNARY(name, call) \
  MDL_API TensorHandle mdl_##name(TensorHandle t) { MDL_TENSOR(call) }
#define MDL_BINARY(name, call) \
  MDL_API TensorHandle mdl_##name(TensorHandle a, TensorHandle b) { MDL_TENSOR(call) }
#define MDL_BINARY_SCALAR(name, call)                                          \
  MDL_API TensorHandle mdl_##name(TensorHandle a, double s, int is_integral) { \
    auto v = mdl::scalar(s, is_integral);                                      \
    MDL_TENSOR(call)                                                           \
  }

MDL_UNARY(abs, t->abs())
MDL_UNARY(sqrt, t->sqrt())
MDL_UNARY(rsqrt, t->rsqrt())
MDL_UNARY(exp, t->exp())
MDL_UNARY(log, t->log())
MDL_UNARY(log1p, t->log1p())
MDL_UNARY(expm1, t->expm1())
MDL_UNARY(sin, t->sin())
MDL_UNARY(cos, t->cos())
MDL_UNARY(floor, t->floor())
MDL_UNARY(ceil, t->ceil())
MDL_UNARY(round, t->round())
MDL_UNARY(sign, t->sign())
MDL_UNARY(reciprocal, t->reciprocal())
MDL_UNARY(square, t->square())
MDL_UNARY(erf, t->erf())
MDL_UNARY(erfinv, t->erfinv())
MDL_UNARY(logical_not, t->logical_not())
MDL_UNARY(isnan, t->isnan())
MDL_UNARY(isinf, t->isinf())
MDL_UNARY(isfinite, t->isfinite())

MDL_BINARY(pow, a->pow(*b))
MDL_BINARY_SCALAR(pow_scalar, a->pow(v))
MDL_BINARY(minimum, at::minimum(*a, *b))
MDL_BINARY(maximum, at::maximum(*a, *b))
MDL_BINARY(remainder, a->remainder(*b))
MDL_BINARY_SCALAR(remainder_scalar, a->remainder(v))
MDL_BINARY(floor_divide, a->floor_divide(*b))
MDL_BINARY_SCALAR(floor_divide_scalar, a->floor_divide(v))
MDL_BINARY(logical_and, a->logical_and(*b))
MDL_BINARY(logical_or, a->logical_or(*b))
MDL_BINARY(logical_xor, a->logical_xor(*b))

MDL_BINARY(eq, a->eq(*b))
MDL_BINARY(ne, a->ne(*b))
MDL_BINARY(lt, a->lt(*b))
MDL_BINARY(le, a->le(*b))
MDL_BINARY(gt, a->gt(*b))
MDL_BINARY(ge, a->ge(*b))
MDL_BINARY_SCALAR(eq_scalar, a->eq(v))
MDL_BINARY_SCALAR(ne_scalar, a->ne(v))
MDL_BINARY_SCALAR(lt_scalar, a->lt(v))
MDL_BINARY_SCALAR(le_scalar, a->le(v))
MDL_BINARY_SCALAR(gt_scalar, a->gt(v))
MDL_BINARY_SCALAR(ge_scalar, a->ge(v))

// Whole-tensor predicates: 1 / 0, or -1 on failure.
MDL_API int mdl_equal(TensorHandle a, TensorHandle b) {
  MDL_TRY return a->equal(*b) ? 1 : 0; MDL_CATCH(-1)
}
MDL_API int mdl_allclose(TensorHandle a, TensorHandle b, double rtol, double atol, int equal_nan) {
  MDL_TRY return a->allclose(*b, rtol, atol, equal_nan != 0) ? 1 : 0; MDL_CATCH(-1)
}

// Bounds are optional (has_min/has_max); the integral flag keeps int64 clamping exact.
MDL_API TensorHandle mdl_clamp(TensorHandle t, double min, int has_min, double max, int has_max, int is_integral) {
  MDL_TRY
  c10::optional<at::Scalar> lo, hi;
  if (has_min) lo = mdl::scalar(min, is_integral);
  if (has_max) hi = mdl::scalar(max, is_integral);
  return mdl::wrap(at::clamp(*t, lo, hi));
  MDL_CATCH(nullptr)
}
MDL_API int mdl_clamp_(TensorHandle t, double min, int has_min, double max, int has_max, int is_integral) {
  MDL_TRY
  c10::optional<at::Scalar> lo, hi;
  if (has_min) lo = mdl::scalar(min, is_integral);
  if (has_max) hi = mdl::scalar(max, is_integral);
  at::clamp_(*t, lo, hi);
  return 0;
  MDL_CATCH(-1)
}
MDL_API TensorHandle mdl_clamp_tensor(TensorHandle t, TensorHandle min, TensorHandle max) {
  MDL_TENSOR(at::clamp(*t, mdl::optional_tensor(min), mdl::optional_tensor(max)))
}
MDL_API TensorHandle mdl_lerp(TensorHandle a, TensorHandle end, double weight) { MDL_TENSOR(a->lerp(*end, weight)) }
MDL_API TensorHandle mdl_lerp_tensor(TensorHandle a, TensorHandle end, TensorHandle weight) {
  MDL_TENSOR(a->lerp(*end, *weight))
}
MDL_API TensorHandle mdl_addcmul(TensorHandle a, TensorHandle t1, TensorHandle t2, double value) {
  MDL_TENSOR(a->addcmul(*t1, *t2, value))
}
MDL_API TensorHandle mdl_addcdiv(TensorHandle a, TensorHandle t1, TensorHandle t2, double value) {
  MDL_TENSOR(a->addcdiv(*t1, *t2, value))
}
MDL_API TensorHandle mdl_nan_to_num(TensorHandle t, double nan, double posinf, int has_posinf, double neginf,
                                    int has_neginf) {
  MDL_TRY
  c10::optional<double> pos, neg;
  if (has_posinf) pos = posinf;
  if (has_neginf) neg = neginf;
  return mdl::wrap(t->nan_to_num(nan, pos, neg));
  MDL_CATCH(nullptr)
}
