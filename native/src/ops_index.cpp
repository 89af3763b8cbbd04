// Indexing: gather/scatter, masks, advanced indexing, nonzero and where.
#include "common.h"
#include <ATen/TensorIndexing.h>

MDL_API TensorHandle mdl_index_select(TensorHandle t, int64_t dim, TensorHandle index) {
  MDL_TENSOR(t->index_select(dim, *index))
}
MDL_API TensorHandle mdl_masked_select(TensorHandle t, TensorHandle mask) { MDL_TENSOR(t->masked_select(*mask)) }
MDL_API TensorHandle mdl_masked_fill(TensorHandle t, TensorHandle mask, double value, int is_integral) {
  MDL_TENSOR(t->masked_fill(*mask, mdl::scalar(value, is_integral)))
}
MDL_API int mdl_masked_fill_(TensorHandle t, TensorHandle mask, double value, int is_integral) {
  MDL_TRY t->masked_fill_(*mask, mdl::scalar(value, is_integral)); return 0; MDL_CATCH(-1)
}
MDL_API TensorHandle mdl_gather(TensorHandle t, int64_t dim, TensorHandle index) { MDL_TENSOR(t->gather(dim, *index)) }
MDL_API TensorHandle mdl_scatter(TensorHandle t, int64_t dim, TensorHandle index, TensorHandle src) {
  MDL_TENSOR(t->scatter(dim, *index, *src))
}
MDL_API TensorHandle mdl_scatter_value(TensorHandle t, int64_t dim, TensorHandle index, double value, int is_integral) {
  MDL_TENSOR(t->scatter(dim, *index, mdl::scalar(value, is_integral)))
}
MDL_API TensorHandle mdl_scatter_add(TensorHandle t, int64_t dim, TensorHandle index, TensorHandle src) {
  MDL_TENSOR(t->scatter_add(dim, *index, *src))
}

static c10::List<c10::optional<at::Tensor>> index_list(const TensorHandle* indices, int64_t n) {
  c10::List<c10::optional<at::Tensor>> list;
  list.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) list.push_back(mdl::optional_tensor(indices[i]));
  return list;
}

// Advanced indexing t[i0, i1, ...] with index tensors (long or bool); a null handle stands for ':'.
MDL_API TensorHandle mdl_index(TensorHandle t, const TensorHandle* indices, int64_t n) {
  MDL_TENSOR(at::index(*t, index_list(indices, n)))
}
MDL_API int mdl_index_put_(TensorHandle t, const TensorHandle* indices, int64_t n, TensorHandle values, int accumulate) {
  MDL_TRY t->index_put_(index_list(indices, n), *values, accumulate != 0); return 0; MDL_CATCH(-1)
}
// Basic integer indexing t[i0, i1, ...] (a view), negative indices allowed.
MDL_API TensorHandle mdl_index_ints(TensorHandle t, const int64_t* indices, int64_t n) {
  MDL_TRY
  std::vector<at::indexing::TensorIndex> items;
  items.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) items.emplace_back(indices[i]);
  return mdl::wrap(t->index(items));
  MDL_CATCH(nullptr)
}
MDL_API TensorHandle mdl_nonzero(TensorHandle t) { MDL_TENSOR(t->nonzero()) }
MDL_API TensorHandle mdl_where(TensorHandle cond, TensorHandle a, TensorHandle b) { MDL_TENSOR(at::where(*cond, *a, *b)) }
MDL_API TensorHandle mdl_where_scalar(TensorHandle cond, TensorHandle a, double value, int is_integral) {
  MDL_TENSOR(at::where(*cond, *a, mdl::scalar(value, is_integral)))
}
