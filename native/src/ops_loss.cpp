// Loss functions and similarity measures. reduction: 0 none, 1 mean, 2 sum (at::Reduction's values).
// Target range checks happen in NN/Functional.Loss.cs before these are called.
#include "common.h"

MDL_API TensorHandle mdl_nn_cross_entropy(TensorHandle x, TensorHandle target, TensorHandle weight, int64_t reduction,
                                          int64_t ignore_index, double label_smoothing) {
  MDL_TENSOR(at::cross_entropy_loss(*x, *target, mdl::optional_tensor(weight), reduction, ignore_index, label_smoothing))
}
MDL_API TensorHandle mdl_nn_nll_loss(TensorHandle x, TensorHandle target, TensorHandle weight, int64_t reduction,
                                     int64_t ignore_index) {
  MDL_TENSOR(at::nll_loss_nd(*x, *target, mdl::optional_tensor(weight), reduction, ignore_index))
}
MDL_API TensorHandle mdl_nn_bce_with_logits(TensorHandle x, TensorHandle target, TensorHandle weight,
                                            TensorHandle pos_weight, int64_t reduction) {
  MDL_TENSOR(at::binary_cross_entropy_with_logits(*x, *target, mdl::optional_tensor(weight),
                                                  mdl::optional_tensor(pos_weight), reduction))
}
MDL_API TensorHandle mdl_nn_bce(TensorHandle x, TensorHandle target, TensorHandle weight, int64_t reduction) {
  MDL_TENSOR(at::binary_cross_entropy(*x, *target, mdl::optional_tensor(weight), reduction))
}
MDL_API TensorHandle mdl_nn_mse_loss(TensorHandle x, TensorHandle target, int64_t reduction) {
  MDL_TENSOR(at::mse_loss(*x, *target, reduction))
}
MDL_API TensorHandle mdl_nn_l1_loss(TensorHandle x, TensorHandle target, int64_t reduction) {
  MDL_TENSOR(at::l1_loss(*x, *target, reduction))
}
MDL_API TensorHandle mdl_nn_smooth_l1_loss(TensorHandle x, TensorHandle target, int64_t reduction, double beta) {
  MDL_TENSOR(at::smooth_l1_loss(*x, *target, reduction, beta))
}
MDL_API TensorHandle mdl_nn_cosine_similarity(TensorHandle a, TensorHandle b, int64_t dim, double eps) {
  MDL_TENSOR(at::cosine_similarity(*a, *b, dim, eps))
}
