// In-place element ops that parameter initialisers need beyond the random fills (trunc_normal_ uses erfinv and
// clamp). They run under no-grad like torch.nn.init, so they also work on parameters that require grad.
#include "common.h"

MDL_API int mdl_init_erfinv_(TensorHandle t) {
  MDL_TRY at::NoGradGuard ng; t->erfinv_(); return 0; MDL_CATCH(-1)
}
MDL_API int mdl_init_clamp_(TensorHandle t, double min, double max) {
  MDL_TRY at::NoGradGuard ng; t->clamp_(min, max); return 0; MDL_CATCH(-1)
}
// t = t * scale + shift (no-grad), used to map a standard sample onto the requested mean/std.
MDL_API int mdl_init_affine_(TensorHandle t, double scale, double shift) {
  MDL_TRY at::NoGradGuard ng; t->mul_(scale).add_(shift); return 0; MDL_CATCH(-1)
}
// Copies values into t without recording in autograd (Constant_/Zeros_/Ones_ on leaves that require grad).
MDL_API int mdl_init_fill_(TensorHandle t, double value) {
  MDL_TRY at::NoGradGuard ng; t->fill_(value); return 0; MDL_CATCH(-1)
}
