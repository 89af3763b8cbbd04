// Tensor factories. Options = (dtype, device type, device index, requires_grad), as c10 numbers them.
#include "common.h"

#define MDL_OPTS int dtype, int device_type, int device_index, int requires_grad
// at:: factories ignore requires_grad in TensorOptions, so it is applied after creation.
#define MDL_OPTS_ARGS mdl::options(dtype, device_type, device_index, 0)
#define MDL_FACTORY(expr) \
  MDL_TRY auto t = (expr); if (requires_grad) t.set_requires_grad(true); return mdl::wrap(t); MDL_CATCH(nullptr)

static c10::optional<at::Generator> gen(void* g) {
  if (g == nullptr) return c10::nullopt;
  return *static_cast<at::Generator*>(g);
}

MDL_API TensorHandle mdl_empty(const int64_t* shape, int64_t ndim, MDL_OPTS) {
  MDL_FACTORY(at::empty(mdl::dims(shape, ndim), MDL_OPTS_ARGS))
}
MDL_API TensorHandle mdl_zeros(const int64_t* shape, int64_t ndim, MDL_OPTS) {
  MDL_FACTORY(at::zeros(mdl::dims(shape, ndim), MDL_OPTS_ARGS))
}
MDL_API TensorHandle mdl_ones(const int64_t* shape, int64_t ndim, MDL_OPTS) {
  MDL_FACTORY(at::ones(mdl::dims(shape, ndim), MDL_OPTS_ARGS))
}
MDL_API TensorHandle mdl_full(const int64_t* shape, int64_t ndim, double value, int is_integral, MDL_OPTS) {
  MDL_FACTORY(at::full(mdl::dims(shape, ndim), mdl::scalar(value, is_integral), MDL_OPTS_ARGS))
}
MDL_API TensorHandle mdl_arange(double start, double end, double step, MDL_OPTS) {
  MDL_FACTORY(at::arange(start, end, step, MDL_OPTS_ARGS))
}
MDL_API TensorHandle mdl_linspace(double start, double end, int64_t steps, MDL_OPTS) {
  MDL_FACTORY(at::linspace(start, end, steps, MDL_OPTS_ARGS))
}
MDL_API TensorHandle mdl_eye(int64_t n, int64_t m, MDL_OPTS) { MDL_FACTORY(at::eye(n, m, MDL_OPTS_ARGS)) }
MDL_API TensorHandle mdl_rand(const int64_t* shape, int64_t ndim, void* g, MDL_OPTS) {
  MDL_FACTORY(at::rand(mdl::dims(shape, ndim), gen(g), MDL_OPTS_ARGS))
}
MDL_API TensorHandle mdl_randn(const int64_t* shape, int64_t ndim, void* g, MDL_OPTS) {
  MDL_FACTORY(at::randn(mdl::dims(shape, ndim), gen(g), MDL_OPTS_ARGS))
}
MDL_API TensorHandle mdl_randint(int64_t low, int64_t high, const int64_t* shape, int64_t ndim, void* g, MDL_OPTS) {
  MDL_FACTORY(at::randint(low, high, mdl::dims(shape, ndim), gen(g), MDL_OPTS_ARGS))
}
MDL_API TensorHandle mdl_randperm(int64_t n, void* g, MDL_OPTS) { MDL_FACTORY(at::randperm(n, gen(g), MDL_OPTS_ARGS)) }
MDL_API TensorHandle mdl_zeros_like(TensorHandle t) { MDL_TENSOR(at::zeros_like(*t)) }
MDL_API TensorHandle mdl_ones_like(TensorHandle t) { MDL_TENSOR(at::ones_like(*t)) }
MDL_API TensorHandle mdl_empty_like(TensorHandle t) { MDL_TENSOR(at::empty_like(*t)) }
MDL_API TensorHandle mdl_full_like(TensorHandle t, double value, int is_integral) {
  MDL_TENSOR(at::full_like(*t, mdl::scalar(value, is_integral)))
}
MDL_API TensorHandle mdl_rand_like(TensorHandle t) { MDL_TENSOR(at::rand_like(*t)) }
MDL_API TensorHandle mdl_randn_like(TensorHandle t) { MDL_TENSOR(at::randn_like(*t)) }

// In-place random fills used by initialisers (generator optional).
MDL_API int mdl_uniform_(TensorHandle t, double from, double to, void* g) {
  MDL_TRY at::NoGradGuard ng; t->uniform_(from, to, gen(g)); return 0; MDL_CATCH(-1)
}
MDL_API int mdl_normal_(TensorHandle t, double mean, double std, void* g) {
  MDL_TRY at::NoGradGuard ng; t->normal_(mean, std, gen(g)); return 0; MDL_CATCH(-1)
}
MDL_API int mdl_bernoulli_(TensorHandle t, double p, void* g) {
  MDL_TRY at::NoGradGuard ng; t->bernoulli_(p, gen(g)); return 0; MDL_CATCH(-1)
}
