// The handful of ops the module system and optimisers stand on: copy/convert, basic arithmetic, matmul.
// Broader op families live in their own ops_*.cpp files.
#include "common.h"

MDL_API TensorHandle mdl_clone(TensorHandle t) { MDL_TENSOR(t->clone()) }
MDL_API TensorHandle mdl_contiguous(TensorHandle t) { MDL_TENSOR(t->contiguous()) }
MDL_API TensorHandle mdl_to_dtype(TensorHandle t, int dtype) {
  MDL_TENSOR(t->to(static_cast<at::ScalarType>(dtype)))
}
MDL_API TensorHandle mdl_to_device(TensorHandle t, int device_type, int device_index) {
  MDL_TENSOR(t->to(at::Device(static_cast<at::DeviceType>(device_type), static_cast<c10::DeviceIndex>(device_index))))
}
MDL_API int mdl_copy_(TensorHandle dst, TensorHandle src) {
  MDL_TRY dst->copy_(*src); return 0; MDL_CATCH(-1)
}
MDL_API int mdl_zero_(TensorHandle t) {
  MDL_TRY t->zero_(); return 0; MDL_CATCH(-1)
}
MDL_API int mdl_fill_(TensorHandle t, double value, int is_integral) {
  MDL_TRY t->fill_(mdl::scalar(value, is_integral)); return 0; MDL_CATCH(-1)
}

// Binary arithmetic with broadcasting; alpha scales `other` as in torch.add.
MDL_API TensorHandle mdl_add(TensorHandle a, TensorHandle b, double alpha) { MDL_TENSOR(at::add(*a, *b, alpha)) }
MDL_API TensorHandle mdl_sub(TensorHandle a, TensorHandle b, double alpha) { MDL_TENSOR(at::sub(*a, *b, alpha)) }
MDL_API TensorHandle mdl_mul(TensorHandle a, TensorHandle b) { MDL_TENSOR(at::mul(*a, *b)) }
MDL_API TensorHandle mdl_div(TensorHandle a, TensorHandle b) { MDL_TENSOR(at::div(*a, *b)) }
MDL_API TensorHandle mdl_add_scalar(TensorHandle a, double s, int is_integral) {
  MDL_TENSOR(at::add(*a, mdl::scalar(s, is_integral)))
}
MDL_API TensorHandle mdl_sub_scalar(TensorHandle a, double s, int is_integral) {
  MDL_TENSOR(at::sub(*a, mdl::scalar(s, is_integral)))
}
MDL_API TensorHandle mdl_rsub_scalar(TensorHandle a, double s, int is_integral) {
  MDL_TENSOR(at::rsub(*a, mdl::scalar(s, is_integral)))
}
MDL_API TensorHandle mdl_mul_scalar(TensorHandle a, double s, int is_integral) {
  MDL_TENSOR(at::mul(*a, mdl::scalar(s, is_integral)))
}
MDL_API TensorHandle mdl_div_scalar(TensorHandle a, double s, int is_integral) {
  MDL_TENSOR(at::div(*a, mdl::scalar(s, is_integral)))
}
MDL_API TensorHandle mdl_neg(TensorHandle a) { MDL_TENSOR(at::neg(*a)) }

// In-place variants used by optimisers (under no-grad).
MDL_API int mdl_add_(TensorHandle a, TensorHandle b, double alpha) {
  MDL_TRY a->add_(*b, alpha); return 0; MDL_CATCH(-1)
}
MDL_API int mdl_mul_(TensorHandle a, TensorHandle b) {
  MDL_TRY a->mul_(*b); return 0; MDL_CATCH(-1)
}
MDL_API int mdl_mul_scalar_(TensorHandle a, double s) {
  MDL_TRY a->mul_(s); return 0; MDL_CATCH(-1)
}
MDL_API int mdl_add_scalar_(TensorHandle a, double s) {
  MDL_TRY a->add_(s); return 0; MDL_CATCH(-1)
}
MDL_API int mdl_addcmul_(TensorHandle a, TensorHandle t1, TensorHandle t2, double value) {
  MDL_TRY a->addcmul_(*t1, *t2, value); return 0; MDL_CATCH(-1)
}
MDL_API int mdl_addcdiv_(TensorHandle a, TensorHandle t1, TensorHandle t2, double value) {
  MDL_TRY a->addcdiv_(*t1, *t2, value); return 0; MDL_CATCH(-1)
}
MDL_API int mdl_lerp_(TensorHandle a, TensorHandle end, double weight) {
  MDL_TRY a->lerp_(*end, weight); return 0; MDL_CATCH(-1)
}
MDL_API int mdl_sqrt_(TensorHandle a) {
  MDL_TRY a->sqrt_(); return 0; MDL_CATCH(-1)
}
MDL_API int mdl_div_(TensorHandle a, TensorHandle b) {
  MDL_TRY a->div_(*b); return 0; MDL_CATCH(-1)
}
MDL_API int mdl_maximum_(TensorHandle a, TensorHandle b) {
  MDL_TRY at::maximum_out(*a, *a, *b); return 0; MDL_CATCH(-1)
}

MDL_API TensorHandle mdl_matmul(TensorHandle a, TensorHandle b) { MDL_TENSOR(at::matmul(*a, *b)) }
MDL_API TensorHandle mdl_linear(TensorHandle x, TensorHandle w, TensorHandle b) {
  MDL_TENSOR(at::linear(*x, *w, mdl::optional_tensor(b)))
}
MDL_API TensorHandle mdl_sum_all(TensorHandle t) { MDL_TENSOR(t->sum()) }
MDL_API TensorHandle mdl_mean_all(TensorHandle t) { MDL_TENSOR(t->mean()) }
MDL_API TensorHandle mdl_reshape(TensorHandle t, const int64_t* shape, int64_t ndim) {
  MDL_TENSOR(t->reshape(mdl::dims(shape, ndim)))
}
MDL_API TensorHandle mdl_view(TensorHandle t, const int64_t* shape, int64_t ndim) {
  MDL_TENSOR(t->view(mdl::dims(shape, ndim)))
}
