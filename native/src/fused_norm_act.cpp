// GELU and layer norm as single passes (vector_math.cpp). ATen 1.13's kernels for both cost 3–4× more per element at
// transformer sizes (ViT-Ti, one image: GELU on 197×768 ~115 µs, layer norm on 197×192 ~32 µs, 25 norms and 12 GELUs a
// forward). The backward reuses ATen's own backward kernels, which take the statistics saved here; they are
// differentiable, so a graph of the backward (create_graph) works as with the ATen ops.
#include "fused_ops.h"

#include "vector_math.h"

#include <ATen/Parallel.h>
#include <torch/csrc/autograd/custom_function.h>

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

bool kernel_takes(const at::Tensor& t) {
  return t.defined() && t.device().is_cpu() && t.scalar_type() == at::kFloat && t.is_contiguous() && !t.is_conj() &&
         !t.is_neg() && t.numel() > 0;
}

at::Tensor gelu_forward(const at::Tensor& x) {
  auto out = at::empty_like(x, at::MemoryFormat::Contiguous);
  const float* in = x.data_ptr<float>();
  float* o = out.data_ptr<float>();
  // Tasks of ≥ 32 K elements: below that a thread wake-up costs about what the split saves.
  at::parallel_for(0, (x.numel() + 7) / 8, 4096, [&](int64_t begin, int64_t end) {
    const int64_t lo = begin * 8, hi = std::min(end * 8, x.numel());
    mdl::vec::gelu(in + lo, o + lo, hi - lo);
  });
  return out;
}

struct Gelu : public torch::autograd::Function<Gelu> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x) {
    ctx->save_for_backward({x});
    return gelu_forward(x);
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    return {at::gelu_backward(grads[0], ctx->get_saved_variables()[0], "none")};
  }
};

// Returns (y, mean, rstd), the statistics shaped as ATen's (leading dimensions, then ones).
std::tuple<at::Tensor, at::Tensor, at::Tensor> layer_norm_forward(const at::Tensor& x, int64_t axis,
                                                                  const at::Tensor& w, const at::Tensor& b, double eps) {
  const int64_t cols = c10::multiply_integers(x.sizes().slice(axis));   // > 0: the kernel takes no empty input
  const int64_t rows = x.numel() / cols;
  auto y = at::empty_like(x, at::MemoryFormat::Contiguous);
  std::vector<int64_t> stat_shape(x.sizes().begin(), x.sizes().begin() + axis);
  stat_shape.resize(x.dim(), 1);
  auto mean = at::empty(stat_shape, x.options()), rstd = at::empty(stat_shape, x.options());
  const float* in = x.data_ptr<float>();
  float* out = y.data_ptr<float>();
  const float* wp = w.defined() ? w.data_ptr<float>() : nullptr;
  const float* bp = b.defined() ? b.data_ptr<float>() : nullptr;
  float* mp = mean.data_ptr<float>();
  float* rp = rstd.data_ptr<float>();
  at::parallel_for(0, rows, std::max<int64_t>(1, 65536 / cols), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r)
      mdl::vec::layer_norm_row(in + r * cols, out + r * cols, wp, bp, cols, static_cast<float>(eps), mp + r, rp + r);
  });
  return {y, mean, rstd};
}

struct LayerNorm : public torch::autograd::Function<LayerNorm> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& w, const at::Tensor& b,
                            std::vector<int64_t> normalized_shape, double eps) {
    auto [y, mean, rstd] = layer_norm_forward(x, x.dim() - static_cast<int64_t>(normalized_shape.size()), w, b, eps);
    ctx->save_for_backward({x, w, b, mean, rstd});
    ctx->saved_data["shape"] = normalized_shape;
    return y;
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto s = ctx->get_saved_variables();
    auto shape = ctx->saved_data["shape"].toIntVector();
    auto [dx, dw, db] = at::native_layer_norm_backward(grads[0], s[0], shape, s[3], s[4], s[1], s[2],
                                                       {ctx->needs_input_grad(0), ctx->needs_input_grad(1),
                                                        ctx->needs_input_grad(2)});
    return {dx, dw, db, at::Tensor(), at::Tensor()};
  }
};

}  // namespace

namespace mdl::fused {

at::Tensor gelu(const at::Tensor& x) {
  if (!kernel_takes(x)) return at::gelu(x, "none");
  if (at::GradMode::is_enabled() && x.requires_grad()) return Gelu::apply(x);
  return gelu_forward(x);
}

at::Tensor layer_norm(const at::Tensor& x, at::IntArrayRef normalized_shape, const c10::optional<at::Tensor>& weight,
                      const c10::optional<at::Tensor>& bias, double eps) {
  const auto w = weight.value_or(at::Tensor()), b = bias.value_or(at::Tensor());
  const auto n = static_cast<int64_t>(normalized_shape.size());
  const bool shape_ok = n >= 1 && n <= x.dim() && x.sizes().slice(x.dim() - n) == normalized_shape &&
                        (!w.defined() || w.sizes() == normalized_shape) && (!b.defined() || b.sizes() == normalized_shape);
  if (!shape_ok || !kernel_takes(x) || (w.defined() && !kernel_takes(w)) || (b.defined() && !kernel_takes(b)))
    return at::layer_norm(x, normalized_shape, weight, bias, eps, true);
  const bool graph = at::GradMode::is_enabled() &&
                     (x.requires_grad() || (w.defined() && w.requires_grad()) || (b.defined() && b.requires_grad()));
  if (graph) {
    // The autograd function takes the affine pair; a norm with a missing half keeps ATen's op when training.
    if (!w.defined() || !b.defined()) return at::layer_norm(x, normalized_shape, weight, bias, eps, true);
    return LayerNorm::apply(x, w, b, normalized_shape.vec(), eps);
  }
  return std::get<0>(layer_norm_forward(x, x.dim() - n, w, b, eps));
}

}  // namespace mdl::fused
