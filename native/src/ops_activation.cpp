// Activation functions as tensor ops (the layer wrappers live in NN/).
#include "common.h"
#include "fused_ops.h"

MDL_API TensorHandle mdl_relu(TensorHandle t) { MDL_TENSOR(t->relu()) }
MDL_API int mdl_relu_(TensorHandle t) {
  MDL_TRY t->relu_(); return 0; MDL_CATCH(-1)
}
MDL_API TensorHandle mdl_leaky_relu(TensorHandle t, double slope) { MDL_TENSOR(at::leaky_relu(*t, slope)) }
// approximate: 0 = exact erf form, 1 = tanh approximation.
MDL_API TensorHandle mdl_gelu(TensorHandle t, int approximate) {
  MDL_TENSOR(approximate ? at::gelu(*t, "tanh") : mdl::fused::gelu(*t))
}
MDL_API TensorHandle mdl_sigmoid(TensorHandle t) { MDL_TENSOR(t->sigmoid()) }
MDL_API TensorHandle mdl_tanh(TensorHandle t) { MDL_TENSOR(t->tanh()) }
MDL_API TensorHandle mdl_silu(TensorHandle t) { MDL_TENSOR(at::silu(*t)) }
MDL_API TensorHandle mdl_softplus(TensorHandle t, double beta, double threshold) {
  MDL_TENSOR(at::softplus(*t, beta, threshold))
}
MDL_API TensorHandle mdl_elu(TensorHandle t, double alpha) { MDL_TENSOR(at::elu(*t, alpha)) }
MDL_API TensorHandle mdl_hardswish(TensorHandle t) { MDL_TENSOR(at::hardswish(*t)) }
MDL_API TensorHandle mdl_softmax(TensorHandle t, int64_t dim) { MDL_TENSOR(t->softmax(dim)) }
MDL_API TensorHandle mdl_log_softmax(TensorHandle t, int64_t dim) { MDL_TENSOR(t->log_softmax(dim)) }
