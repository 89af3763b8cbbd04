// Reductions (over dim lists, with keepdim), scans, top-k/sort and unique.
// Ops with two results write them to out0/out1 and return 0, or -1 on failure.
#include "common.h"

// A null dims pointer means "all dimensions".
static at::OptionalIntArrayRef opt_dims(const int64_t* dims, int64_t n) {
  if (dims == nullptr) return c10::nullopt;
  return mdl::dims(dims, n);
}

MDL_API TensorHandle mdl_sum_dims(TensorHandle t, const int64_t* dims, int64_t n, int keepdim) {
  MDL_TENSOR(t->sum(mdl::dims(dims, n), keepdim != 0))
}
MDL_API TensorHandle mdl_mean_dims(TensorHandle t, const int64_t* dims, int64_t n, int keepdim) {
  MDL_TENSOR(t->mean(mdl::dims(dims, n), keepdim != 0))
}
MDL_API TensorHandle mdl_var(TensorHandle t, const int64_t* dims, int64_t n, int64_t correction, int keepdim) {
  MDL_TENSOR(at::var(*t, opt_dims(dims, n), c10::optional<int64_t>(correction), keepdim != 0))
}
MDL_API TensorHandle mdl_std(TensorHandle t, const int64_t* dims, int64_t n, int64_t correction, int keepdim) {
  MDL_TENSOR(at::std(*t, opt_dims(dims, n), c10::optional<int64_t>(correction), keepdim != 0))
}
MDL_API TensorHandle mdl_max_all(TensorHandle t) { MDL_TENSOR(t->max()) }
MDL_API TensorHandle mdl_min_all(TensorHandle t) { MDL_TENSOR(t->min()) }
MDL_API int mdl_max_dim(TensorHandle t, int64_t dim, int keepdim, TensorHandle* out0, TensorHandle* out1) {
  MDL_TRY
  auto r = t->max(dim, keepdim != 0);
  *out0 = mdl::wrap(std::get<0>(r));
  *out1 = mdl::wrap(std::get<1>(r));
  return 0;
  MDL_CATCH(-1)
}
MDL_API int mdl_min_dim(TensorHandle t, int64_t dim, int keepdim, TensorHandle* out0, TensorHandle* out1) {
  MDL_TRY
  auto r = t->min(dim, keepdim != 0);
  *out0 = mdl::wrap(std::get<0>(r));
  *out1 = mdl::wrap(std::get<1>(r));
  return 0;
  MDL_CATCH(-1)
}
MDL_API TensorHandle mdl_amax(TensorHandle t, const int64_t* dims, int64_t n, int keepdim) {
  MDL_TENSOR(t->amax(mdl::dims(dims, n), keepdim != 0))
}
MDL_API TensorHandle mdl_amin(TensorHandle t, const int64_t* dims, int64_t n, int keepdim) {
  MDL_TENSOR(t->amin(mdl::dims(dims, n), keepdim != 0))
}
// has_dim = 0: over the flattened tensor.
MDL_API TensorHandle mdl_argmax(TensorHandle t, int64_t dim, int has_dim, int keepdim) {
  MDL_TENSOR(t->argmax(has_dim ? c10::optional<int64_t>(dim) : c10::nullopt, keepdim != 0))
}
MDL_API TensorHandle mdl_argmin(TensorHandle t, int64_t dim, int has_dim, int keepdim) {
  MDL_TENSOR(t->argmin(has_dim ? c10::optional<int64_t>(dim) : c10::nullopt, keepdim != 0))
}
MDL_API TensorHandle mdl_prod_all(TensorHandle t) { MDL_TENSOR(t->prod()) }
MDL_API TensorHandle mdl_prod_dim(TensorHandle t, int64_t dim, int keepdim) { MDL_TENSOR(t->prod(dim, keepdim != 0)) }
MDL_API TensorHandle mdl_logsumexp(TensorHandle t, const int64_t* dims, int64_t n, int keepdim) {
  MDL_TENSOR(t->logsumexp(mdl::dims(dims, n), keepdim != 0))
}
// A null dims pointer: the norm of the flattened tensor.
MDL_API TensorHandle mdl_norm(TensorHandle t, double p, const int64_t* dims, int64_t n, int keepdim) {
  MDL_TRY
  if (dims == nullptr) return mdl::wrap(at::norm(*t, at::Scalar(p)));
  return mdl::wrap(at::norm(*t, c10::optional<at::Scalar>(at::Scalar(p)), mdl::dims(dims, n), keepdim != 0));
  MDL_CATCH(nullptr)
}
MDL_API TensorHandle mdl_all_all(TensorHandle t) { MDL_TENSOR(t->all()) }
MDL_API TensorHandle mdl_all_dim(TensorHandle t, int64_t dim, int keepdim) { MDL_TENSOR(t->all(dim, keepdim != 0)) }
MDL_API TensorHandle mdl_any_all(TensorHandle t) { MDL_TENSOR(t->any()) }
MDL_API TensorHandle mdl_any_dim(TensorHandle t, int64_t dim, int keepdim) { MDL_TENSOR(t->any(dim, keepdim != 0)) }
MDL_API TensorHandle mdl_cumsum(TensorHandle t, int64_t dim) { MDL_TENSOR(t->cumsum(dim)) }
MDL_API TensorHandle mdl_cumprod(TensorHandle t, int64_t dim) { MDL_TENSOR(t->cumprod(dim)) }
MDL_API int mdl_topk(TensorHandle t, int64_t k, int64_t dim, int largest, int sorted, TensorHandle* out0,
                     TensorHandle* out1) {
  MDL_TRY
  auto r = t->topk(k, dim, largest != 0, sorted != 0);
  *out0 = mdl::wrap(std::get<0>(r));
  *out1 = mdl::wrap(std::get<1>(r));
  return 0;
  MDL_CATCH(-1)
}
MDL_API int mdl_sort(TensorHandle t, int64_t dim, int descending, int stable, TensorHandle* out0, TensorHandle* out1) {
  MDL_TRY
  auto r = t->sort(c10::optional<bool>(stable != 0), dim, descending != 0);
  *out0 = mdl::wrap(std::get<0>(r));
  *out1 = mdl::wrap(std::get<1>(r));
  return 0;
  MDL_CATCH(-1)
}
MDL_API TensorHandle mdl_argsort(TensorHandle t, int64_t dim, int descending) { MDL_TENSOR(t->argsort(dim, descending != 0)) }
// Writes values, inverse indices and counts (all three always computed).
MDL_API int mdl_unique(TensorHandle t, int sorted, TensorHandle* values, TensorHandle* inverse, TensorHandle* counts) {
  MDL_TRY
  auto r = at::_unique2(*t, sorted != 0, true, true);
  *values = mdl::wrap(std::get<0>(r));
  *inverse = mdl::wrap(std::get<1>(r));
  *counts = mdl::wrap(std::get<2>(r));
  return 0;
  MDL_CATCH(-1)
}
MDL_API TensorHandle mdl_count_nonzero(TensorHandle t, const int64_t* dims, int64_t n) {
  MDL_TENSOR(at::count_nonzero(*t, mdl::dims(dims, n)))
}
MDL_API TensorHandle mdl_bincount(TensorHandle t, TensorHandle weights, int64_t minlength) {
  MDL_TENSOR(t->bincount(mdl::optional_tensor(weights), minlength))
}
