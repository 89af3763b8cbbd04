// Matrix products beyond matmul (which lives in ops_core.cpp) and einsum.
#include "common.h"

MDL_API TensorHandle mdl_mm(TensorHandle a, TensorHandle b) { MDL_TENSOR(a->mm(*b)) }
MDL_API TensorHandle mdl_bmm(TensorHandle a, TensorHandle b) { MDL_TENSOR(a->bmm(*b)) }
MDL_API TensorHandle mdl_baddbmm(TensorHandle input, TensorHandle b1, TensorHandle b2, double beta, double alpha) {
  MDL_TENSOR(input->baddbmm(*b1, *b2, beta, alpha))
}
MDL_API TensorHandle mdl_outer(TensorHandle a, TensorHandle b) { MDL_TENSOR(a->outer(*b)) }
MDL_API TensorHandle mdl_dot(TensorHandle a, TensorHandle b) { MDL_TENSOR(a->dot(*b)) }
MDL_API TensorHandle mdl_einsum(const char* equation, const TensorHandle* ts, int64_t n) {
  MDL_TENSOR(at::einsum(equation, mdl::tensor_list(ts, n)))
}
