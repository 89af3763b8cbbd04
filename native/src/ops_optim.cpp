// Small ops the optimisers and gradient clipping need beyond ops_core.cpp: norms, stacking, clamping,
// out-of-place sqrt/reciprocal and in-place scalar division (keeps Adam's denominator to one allocation).
#include "common.h"

// torch.norm(t, p) over all elements; p = +inf gives max |t|.
MDL_API TensorHandle mdl_optim_norm(TensorHandle t, double p) { MDL_TENSOR(at::norm(*t, p)) }

MDL_API TensorHandle mdl_optim_stack(const TensorHandle* handles, int64_t count) {
  MDL_TENSOR(at::stack(mdl::tensor_list(handles, count)))
}

MDL_API TensorHandle mdl_optim_sqrt(TensorHandle t) { MDL_TENSOR(at::sqrt(*t)) }
MDL_API TensorHandle mdl_optim_reciprocal(TensorHandle t) { MDL_TENSOR(at::reciprocal(*t)) }

MDL_API int mdl_optim_div_scalar_(TensorHandle t, double s) {
  MDL_TRY t->div_(s); return 0; MDL_CATCH(-1)
}

// clamp_ with optional bounds (has_min / has_max flags).
MDL_API int mdl_optim_clamp_(TensorHandle t, double min, int has_min, double max, int has_max) {
  MDL_TRY
  c10::optional<at::Scalar> lo = has_min ? c10::optional<at::Scalar>(min) : c10::nullopt;
  c10::optional<at::Scalar> hi = has_max ? c10::optional<at::Scalar>(max) : c10::nullopt;
  t->clamp_(lo, hi);
  return 0;
  MDL_CATCH(-1)
}
