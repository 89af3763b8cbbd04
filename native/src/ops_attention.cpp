// Multi-head scaled dot-product attention as one op: softmax(q·kᵀ·scale)·v per head, reading the heads straight out of
// the projection outputs and writing them straight into the (N, L, E) result.
//
// Why: built from tensor ops, a ViT block's attention is a head-split copy, a scale, a batched matmul (ATen's bmm is
// ~2× slower than per-head GEMMs at these shapes), a softmax, a second bmm and a merge copy. At ViT-Ti batch 1 that is
// ~800 µs per block, of which only the two GEMMs (~275 µs) are arithmetic. Here each head is two strided GEMMs and one
// vectorised softmax pass; the backward is the same four GEMMs and one fused softmax-gradient pass.
//
// Layout: q (N, L, E), k and v (N, S, E) with unit stride in the last dimension and any row stride, so the three
// column blocks of a packed (N, L, 3E) in_proj output are used in place. Heads split E into H blocks of D = E / H.
#include "common.h"
#include "vector_math.h"

#include <ATen/Parallel.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>
#include <cmath>

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Pointers and strides of one operand: element (n, i, c) lives at base[n·batch + i·row + c].
struct Operand {
  float* base;
  int64_t batch, row;
  float* at(int64_t n, int64_t i, int64_t col) const { return base + n * batch + i * row + col; }
};

Operand operand(const at::Tensor& t, int64_t column_offset = 0) {
  return {t.data_ptr<float>() + column_offset, t.stride(0), t.stride(1)};
}

// A (rows, cols) matrix view over raw memory: no allocation, so the GEMMs below read and write in place.
at::Tensor view(float* p, int64_t rows, int64_t cols, int64_t row_stride) {
  return at::from_blob(p, {rows, cols}, {row_stride, 1}, at::TensorOptions().dtype(at::kFloat));
}

// Rows of scores per thread task: ~64 K elements, so one head of a short sequence (ViT-Ti at batch 1: 197 × 197)
// stays on the calling thread instead of paying a wake-up for ~15 µs of work.
int64_t rows_per_task(int64_t row_length) { return std::max<int64_t>(16, 65536 / std::max<int64_t>(1, row_length)); }

struct Shape {
  int64_t n, l, s, heads, d;
  float scale;
};

// One sample's heads in three phases, so the softmax pass can split all H·L rows over the threads while each GEMM
// is left to BLAS: score GEMMs for every head, softmax, then the output GEMMs.
// probs (N·H, L, S) receives the softmax; pass an (H, L, S) scratch with keep_probs = false when nothing needs them.
void forward_kernel(const Shape& sh, const Operand& q, const Operand& k, const Operand& v, const Operand& out,
                    const at::Tensor& probs, bool keep_probs) {
  const int64_t block = sh.l * sh.s;
  for (int64_t n = 0; n < sh.n; ++n) {
    float* p = probs.data_ptr<float>() + (keep_probs ? n * sh.heads * block : 0);
    for (int64_t h = 0; h < sh.heads; ++h) {
      auto scores = view(p + h * block, sh.l, sh.s, sh.s);
      at::mm_out(scores, view(q.at(n, 0, h * sh.d), sh.l, sh.d, q.row), view(k.at(n, 0, h * sh.d), sh.s, sh.d, k.row).t());
    }
    at::parallel_for(0, sh.heads * sh.l, rows_per_task(sh.s), [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) mdl::vec::softmax_row(p + i * sh.s, sh.s, sh.scale);
    });
    for (int64_t h = 0; h < sh.heads; ++h) {
      auto result = view(out.at(n, 0, h * sh.d), sh.l, sh.d, out.row);
      at::mm_out(result, view(p + h * block, sh.l, sh.s, sh.s), view(v.at(n, 0, h * sh.d), sh.s, sh.d, v.row));
    }
  }
}

// Given dO: dV = Pᵀ·dO, dP = dO·Vᵀ, dS = P ⊙ (dP − rowsum(dP ⊙ P)) · scale, dQ = dS·K, dK = dSᵀ·Q; phased per sample
// as the forward.
void backward_kernel(const Shape& sh, const Operand& q, const Operand& k, const Operand& v, const at::Tensor& probs,
                     const Operand& grad_out, const Operand& dq, const Operand& dk, const Operand& dv) {
  const int64_t block = sh.l * sh.s;
  auto scratch = at::empty({sh.heads, sh.l, sh.s}, at::kFloat);
  float* ds = scratch.data_ptr<float>();
  for (int64_t n = 0; n < sh.n; ++n) {
    float* p = probs.data_ptr<float>() + n * sh.heads * block;
    for (int64_t h = 0; h < sh.heads; ++h) {
      const int64_t col = h * sh.d;
      auto go = view(grad_out.at(n, 0, col), sh.l, sh.d, grad_out.row);
      auto dv_view = view(dv.at(n, 0, col), sh.s, sh.d, dv.row);
      at::mm_out(dv_view, view(p + h * block, sh.l, sh.s, sh.s).t(), go);
      auto dp = view(ds + h * block, sh.l, sh.s, sh.s);
      at::mm_out(dp, go, view(v.at(n, 0, col), sh.s, sh.d, v.row).t());
    }
    at::parallel_for(0, sh.heads * sh.l, rows_per_task(sh.s), [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) mdl::vec::softmax_backward_row(p + i * sh.s, ds + i * sh.s, sh.s, sh.scale);
    });
    for (int64_t h = 0; h < sh.heads; ++h) {
      const int64_t col = h * sh.d;
      auto dsm = view(ds + h * block, sh.l, sh.s, sh.s);
      auto dq_view = view(dq.at(n, 0, col), sh.l, sh.d, dq.row);
      at::mm_out(dq_view, dsm, view(k.at(n, 0, col), sh.s, sh.d, k.row));
      auto dk_view = view(dk.at(n, 0, col), sh.s, sh.d, dk.row);
      at::mm_out(dk_view, dsm.t(), view(q.at(n, 0, col), sh.l, sh.d, q.row));
    }
  }
}

// The same attention from differentiable tensor ops: the reference for tests, the path for inputs the kernel does
// not take, and the backward when a graph of the backward is asked for (create_graph).
at::Tensor composite(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, int64_t heads) {
  const int64_t n = q.size(0), l = q.size(1), s = k.size(1), e = q.size(2), d = e / heads;
  auto split = [&](const at::Tensor& t, int64_t len) { return t.reshape({n, len, heads, d}).transpose(1, 2); };
  auto weights = at::softmax(at::matmul(split(q, l), split(k, s).transpose(-1, -2)) / std::sqrt(double(d)), -1);
  return at::matmul(weights, split(v, s)).transpose(1, 2).reshape({n, l, e});
}

Shape shape_of(const at::Tensor& q, const at::Tensor& k, int64_t heads) {
  const int64_t d = q.size(2) / heads;
  return {q.size(0), q.size(1), k.size(1), heads, d, static_cast<float>(1.0 / std::sqrt(double(d)))};
}

// Separate q, k, v (cross-attention, or self-attention with separate projections).
struct Attention : public torch::autograd::Function<Attention> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                            int64_t heads) {
    const auto sh = shape_of(q, k, heads);
    auto out = at::empty({sh.n, sh.l, q.size(2)}, q.options());
    auto probs = at::empty({sh.n * heads, sh.l, sh.s}, q.options());
    forward_kernel(sh, operand(q), operand(k), operand(v), operand(out), probs, true);
    ctx->save_for_backward({q, k, v, probs});
    ctx->saved_data["heads"] = heads;
    return out;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const auto &q = saved[0], &k = saved[1], &v = saved[2], &probs = saved[3];
    const int64_t heads = ctx->saved_data["heads"].toInt();
    auto go = grads[0].contiguous();
    if (at::GradMode::is_enabled()) {
      auto r = torch::autograd::grad({composite(q, k, v, heads)}, {q, k, v}, {go}, true, true);
      return {r[0], r[1], r[2], at::Tensor()};
    }
    auto dq = at::empty_like(q, at::MemoryFormat::Contiguous), dk = at::empty_like(k, at::MemoryFormat::Contiguous),
         dv = at::empty_like(v, at::MemoryFormat::Contiguous);
    backward_kernel(shape_of(q, k, heads), operand(q), operand(k), operand(v), probs, operand(go), operand(dq),
                    operand(dk), operand(dv));
    return {dq, dk, dv, at::Tensor()};
  }
};

// Packed self-attention: q, k, v are the three column blocks of one (N, L, 3E) tensor, and so is the gradient.
struct PackedAttention : public torch::autograd::Function<PackedAttention> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& qkv, int64_t heads) {
    const int64_t e = qkv.size(2) / 3;
    auto q = qkv.narrow(2, 0, e);
    const auto sh = shape_of(q, q, heads);
    auto out = at::empty({sh.n, sh.l, e}, qkv.options());
    auto probs = at::empty({sh.n * heads, sh.l, sh.s}, qkv.options());
    forward_kernel(sh, operand(qkv), operand(qkv, e), operand(qkv, 2 * e), operand(out), probs, true);
    ctx->save_for_backward({qkv, probs});
    ctx->saved_data["heads"] = heads;
    return out;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const auto &qkv = saved[0], &probs = saved[1];
    const int64_t heads = ctx->saved_data["heads"].toInt(), e = qkv.size(2) / 3;
    auto go = grads[0].contiguous();
    if (at::GradMode::is_enabled()) {
      auto out = composite(qkv.narrow(2, 0, e), qkv.narrow(2, e, e), qkv.narrow(2, 2 * e, e), heads);
      return {torch::autograd::grad({out}, {qkv}, {go}, true, true)[0], at::Tensor()};
    }
    auto dqkv = at::empty_like(qkv, at::MemoryFormat::Contiguous);
    const auto sh = shape_of(qkv.narrow(2, 0, e), qkv.narrow(2, 0, e), heads);
    backward_kernel(sh, operand(qkv), operand(qkv, e), operand(qkv, 2 * e), probs, operand(go), operand(dqkv),
                    operand(dqkv, e), operand(dqkv, 2 * e));
    return {dqkv, at::Tensor()};
  }
};

bool kernel_takes(const at::Tensor& t) {
  return t.device().is_cpu() && t.scalar_type() == at::kFloat && t.dim() == 3 && t.stride(2) == 1 &&
         t.size(1) > 0 && t.size(2) > 0 && !t.is_conj() && !t.is_neg();
}

void check_shapes(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, int64_t heads) {
  TORCH_CHECK(q.dim() == 3 && k.dim() == 3 && v.dim() == 3, "attention: q, k and v must be 3-d (N, L, E), got ",
              q.sizes(), ", ", k.sizes(), ", ", v.sizes());
  TORCH_CHECK(heads > 0 && q.size(2) % heads == 0, "attention: ", heads, " heads do not divide the width ", q.size(2));
  TORCH_CHECK(k.size(0) == q.size(0) && v.size(0) == q.size(0) && k.size(2) == q.size(2) && v.sizes() == k.sizes(),
              "attention: q ", q.sizes(), ", k ", k.sizes(), " and v ", v.sizes(),
              " must share batch and width, and k and v the key length");
}

at::Tensor attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, int64_t heads) {
  check_shapes(q, k, v, heads);
  if (!kernel_takes(q) || !kernel_takes(k) || !kernel_takes(v) || q.size(0) == 0) return composite(q, k, v, heads);
  const bool needs_graph = at::GradMode::is_enabled() && (q.requires_grad() || k.requires_grad() || v.requires_grad());
  if (needs_graph) return Attention::apply(q, k, v, heads);
  // Inference: no graph, so one (H, L, S) scratch serves every sample.
  const auto sh = shape_of(q, k, heads);
  auto out = at::empty({sh.n, sh.l, q.size(2)}, q.options());
  forward_kernel(sh, operand(q), operand(k), operand(v), operand(out), at::empty({heads, sh.l, sh.s}, q.options()), false);
  return out;
}

at::Tensor packed_attention(const at::Tensor& qkv, int64_t heads) {
  TORCH_CHECK(qkv.dim() == 3 && qkv.size(2) % 3 == 0, "packed attention: expected (N, L, 3E), got ", qkv.sizes());
  const int64_t e = qkv.size(2) / 3;
  auto q = qkv.narrow(2, 0, e), k = qkv.narrow(2, e, e), v = qkv.narrow(2, 2 * e, e);
  check_shapes(q, k, v, heads);
  if (!kernel_takes(qkv) || qkv.size(0) == 0) return composite(q, k, v, heads);
  if (at::GradMode::is_enabled() && qkv.requires_grad()) return PackedAttention::apply(qkv, heads);
  return attention(q, k, v, heads);
}

}  // namespace

// q (N, L, E), k and v (N, S, E) → (N, L, E): heads split E; softmax(q·kᵀ/√D)·v per head.
MDL_API TensorHandle mdl_attention(TensorHandle q, TensorHandle k, TensorHandle v, int64_t heads) {
  MDL_TENSOR(attention(*q, *k, *v, heads))
}

// qkv (N, L, 3E): the packed in_proj output of self-attention → (N, L, E).
MDL_API TensorHandle mdl_attention_packed(TensorHandle qkv, int64_t heads) { MDL_TENSOR(packed_attention(*qkv, heads)) }

// The tensor-op formulation, for tests that compare the kernel with it.
MDL_API TensorHandle mdl_attention_reference(TensorHandle q, TensorHandle k, TensorHandle v, int64_t heads) {
  MDL_TRY
  check_shapes(*q, *k, *v, heads);
  return mdl::wrap(composite(*q, *k, *v, heads));
  MDL_CATCH(nullptr)
}
