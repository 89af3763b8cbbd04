// Shape and layout ops: views (permute, transpose, expand, ...), joins and splits, flips and triangles.
#include "common.h"

MDL_API TensorHandle mdl_permute(TensorHandle t, const int64_t* dims, int64_t n) {
  MDL_TENSOR(t->permute(mdl::dims(dims, n)))
}
MDL_API TensorHandle mdl_transpose(TensorHandle t, int64_t d0, int64_t d1) { MDL_TENSOR(t->transpose(d0, d1)) }
MDL_API TensorHandle mdl_t(TensorHandle t) { MDL_TENSOR(t->t()) }
MDL_API TensorHandle mdl_squeeze(TensorHandle t) { MDL_TENSOR(t->squeeze()) }
MDL_API TensorHandle mdl_squeeze_dim(TensorHandle t, int64_t dim) { MDL_TENSOR(t->squeeze(dim)) }
MDL_API TensorHandle mdl_unsqueeze(TensorHandle t, int64_t dim) { MDL_TENSOR(t->unsqueeze(dim)) }
MDL_API TensorHandle mdl_expand(TensorHandle t, const int64_t* sizes, int64_t n) {
  MDL_TENSOR(t->expand(mdl::dims(sizes, n)))
}
MDL_API TensorHandle mdl_expand_as(TensorHandle t, TensorHandle other) { MDL_TENSOR(t->expand_as(*other)) }
MDL_API TensorHandle mdl_flatten(TensorHandle t, int64_t start, int64_t end) { MDL_TENSOR(t->flatten(start, end)) }
MDL_API TensorHandle mdl_unflatten(TensorHandle t, int64_t dim, const int64_t* sizes, int64_t n) {
  MDL_TENSOR(t->unflatten(dim, mdl::dims(sizes, n)))
}
MDL_API TensorHandle mdl_repeat(TensorHandle t, const int64_t* repeats, int64_t n) {
  MDL_TENSOR(t->repeat(mdl::dims(repeats, n)))
}
MDL_API TensorHandle mdl_cat(const TensorHandle* ts, int64_t n, int64_t dim) {
  MDL_TENSOR(at::cat(mdl::tensor_list(ts, n), dim))
}
MDL_API TensorHandle mdl_stack(const TensorHandle* ts, int64_t n, int64_t dim) {
  MDL_TENSOR(at::stack(mdl::tensor_list(ts, n), dim))
}

// Splits write their pieces into `out` (capacity checked) and return how many there are, or -1.
MDL_API int64_t mdl_split(TensorHandle t, int64_t size, int64_t dim, TensorHandle* out, int64_t capacity) {
  MDL_TRY return mdl::write_list(t->split(size, dim), out, capacity); MDL_CATCH(-1)
}
MDL_API int64_t mdl_split_sizes(TensorHandle t, const int64_t* sizes, int64_t n, int64_t dim, TensorHandle* out,
                                int64_t capacity) {
  MDL_TRY return mdl::write_list(t->split_with_sizes(mdl::dims(sizes, n), dim), out, capacity); MDL_CATCH(-1)
}
MDL_API int64_t mdl_chunk(TensorHandle t, int64_t chunks, int64_t dim, TensorHandle* out, int64_t capacity) {
  MDL_TRY return mdl::write_list(t->chunk(chunks, dim), out, capacity); MDL_CATCH(-1)
}
MDL_API int64_t mdl_unbind(TensorHandle t, int64_t dim, TensorHandle* out, int64_t capacity) {
  MDL_TRY return mdl::write_list(t->unbind(dim), out, capacity); MDL_CATCH(-1)
}

MDL_API TensorHandle mdl_narrow(TensorHandle t, int64_t dim, int64_t start, int64_t length) {
  MDL_TENSOR(t->narrow(dim, start, length))
}
MDL_API TensorHandle mdl_select(TensorHandle t, int64_t dim, int64_t index) { MDL_TENSOR(t->select(dim, index)) }
MDL_API TensorHandle mdl_slice(TensorHandle t, int64_t dim, int64_t start, int64_t end, int64_t step) {
  MDL_TENSOR(t->slice(dim, start, end, step))
}
MDL_API TensorHandle mdl_flip(TensorHandle t, const int64_t* dims, int64_t n) { MDL_TENSOR(t->flip(mdl::dims(dims, n))) }
MDL_API TensorHandle mdl_roll(TensorHandle t, const int64_t* shifts, int64_t ns, const int64_t* dims, int64_t nd) {
  MDL_TENSOR(t->roll(mdl::dims(shifts, ns), mdl::dims(dims, nd)))
}
MDL_API TensorHandle mdl_tril(TensorHandle t, int64_t diagonal) { MDL_TENSOR(t->tril(diagonal)) }
MDL_API TensorHandle mdl_triu(TensorHandle t, int64_t diagonal) { MDL_TENSOR(t->triu(diagonal)) }
