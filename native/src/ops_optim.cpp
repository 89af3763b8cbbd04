// Ops the optimisers need beyond the public op families: in-place division by a scalar, which keeps Adam's
// denominator (sqrt(v) / sqrt(1 - beta2^t) + eps) to one allocation while rounding exactly as torch does.
#include "common.h"

MDL_API int mdl_optim_div_scalar_(TensorHandle t, double s) {
  MDL_TRY t->div_(s); return 0; MDL_CATCH(-1)
}
