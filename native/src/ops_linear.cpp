// nn.Linear's product y = x·wᵀ + b. Float32 CPU inputs with a few rows (a training batch, a ViT sequence at batch 1)
// run the kernels of gemm_kernels.cpp, forward and backward, which read w in place; everything else, and any CPU
// without AVX-512, goes to ATen's linear. MEDLEY_LINEAR=aten sends every call to ATen (for A/B measurements).
//
// Why: at these shapes OpenBLAS re-packs the whole weight on every call, and in a training step, where the weights
// come from memory, that copy is a quarter to a third of its time (bench/RESULTS.md, OmniFuse section).
#include "common.h"
#include "gemm_kernels.h"

#include <torch/csrc/autograd/custom_function.h>

#include <cstdlib>
#include <cstring>

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Rows (x's leading dimensions flattened) the kernels take: below 8 they use a sliver of each vector; above 512 the
// packing is spread over enough rows that OpenBLAS's kernel wins.
constexpr int64_t kMinRows = 8, kMaxRows = 512, kMinWidth = 16;

bool enabled() {
  static const bool on = [] {
    const char* v = std::getenv("MEDLEY_LINEAR");
    return !(v && std::strcmp(v, "aten") == 0);
  }();
  return on;
}

bool plain_float(const at::Tensor& t) {
  return t.device().is_cpu() && t.layout() == at::kStrided && t.scalar_type() == at::kFloat && !t.is_conj() &&
         !t.is_neg();
}

bool kernel_takes(const at::Tensor& x, const at::Tensor& w, const at::Tensor& b) {
  if (!enabled() || !mdl::gemm::available()) return false;
  if (!plain_float(x) || !plain_float(w) || w.dim() != 2 || !w.is_contiguous() || x.dim() < 2) return false;
  const int64_t n = w.size(0), k = w.size(1);
  if (b.defined() && (!plain_float(b) || b.dim() != 1 || !b.is_contiguous() || b.size(0) != n)) return false;
  if (x.size(-1) != k || k < kMinWidth || n < kMinWidth) return false;  // a width mismatch gets ATen's message
  const int64_t m = x.numel() / k;
  return m >= kMinRows && m <= kMaxRows;
}

at::Tensor product(const at::Tensor& x2, const at::Tensor& w, const at::Tensor& b) {
  const int64_t m = x2.size(0), k = x2.size(1), n = w.size(0);
  auto y = at::empty({m, n}, x2.options());
  auto scratch = at::empty({mdl::gemm::forward_scratch(m, k)}, x2.options());
  mdl::gemm::linear_forward(x2.data_ptr<float>(), m, k, w.data_ptr<float>(), n, b.defined() ? b.data_ptr<float>() : nullptr,
                            y.data_ptr<float>(), scratch.data_ptr<float>());
  return y;
}

// dx, dw and (with a bias) db from the saved x and w. Under create_graph the backward must itself be differentiable,
// so it runs as ATen ops.
variable_list backward_products(AutogradContext* ctx, const at::Tensor& grad, bool bias) {
  auto saved = ctx->get_saved_variables();
  const auto &x2 = saved[0], &w = saved[1];
  auto go = grad.contiguous();
  at::Tensor dx, dw, db;
  if (bias && ctx->needs_input_grad(2)) db = go.sum(0);
  if (at::GradMode::is_enabled()) {
    if (ctx->needs_input_grad(0)) dx = go.mm(w);
    if (ctx->needs_input_grad(1)) dw = go.t().mm(x2);
  } else {
    const int64_t m = x2.size(0), k = x2.size(1), n = w.size(0);
    if (ctx->needs_input_grad(0)) {
      dx = at::empty({m, k}, go.options());
      mdl::gemm::input_grad(go.data_ptr<float>(), m, n, w.data_ptr<float>(), k, dx.data_ptr<float>());
    }
    if (ctx->needs_input_grad(1)) {
      dw = at::empty({n, k}, go.options());
      mdl::gemm::weight_grad(go.data_ptr<float>(), m, n, x2.data_ptr<float>(), k, dw.data_ptr<float>());
    }
  }
  if (bias) return {dx, dw, db};
  return {dx, dw};
}

// Two nodes because an autograd function cannot take an undefined tensor for the missing bias.
struct LinearProduct : public torch::autograd::Function<LinearProduct> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x2, const at::Tensor& w, const at::Tensor& b) {
    ctx->save_for_backward({x2, w});
    return product(x2, w, b);
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) { return backward_products(ctx, grads[0], true); }
};

struct LinearProductNoBias : public torch::autograd::Function<LinearProductNoBias> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x2, const at::Tensor& w) {
    ctx->save_for_backward({x2, w});
    return product(x2, w, at::Tensor());
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) { return backward_products(ctx, grads[0], false); }
};

at::Tensor linear(const at::Tensor& x, const at::Tensor& w, const at::Tensor& b) {
  if (!kernel_takes(x, w, b)) return at::linear(x, w, b.defined() ? c10::optional<at::Tensor>(b) : c10::nullopt);
  const int64_t n = w.size(0), k = w.size(1);
  auto x2 = x.reshape({x.numel() / k, k}).contiguous();
  auto shape = x.sizes().vec();
  shape.back() = n;
  const bool graph =
      at::GradMode::is_enabled() && (x.requires_grad() || w.requires_grad() || (b.defined() && b.requires_grad()));
  if (!graph) return product(x2, w, b).view(shape);
  return (b.defined() ? LinearProduct::apply(x2, w, b) : LinearProductNoBias::apply(x2, w)).view(shape);
}

}  // namespace

MDL_API TensorHandle mdl_linear(TensorHandle x, TensorHandle w, TensorHandle b) {
  MDL_TENSOR(linear(*x, *w, b ? *b : at::Tensor()))
}

// ATen's linear whatever the inputs, for tests that compare the kernels with it.
MDL_API TensorHandle mdl_linear_reference(TensorHandle x, TensorHandle w, TensorHandle b) {
  MDL_TENSOR(at::linear(*x, *w, mdl::optional_tensor(b)))
}

// 1 when linear() would run the own kernels for these inputs (tests check that their shapes reach them), else 0.
MDL_API int mdl_linear_takes_kernel(TensorHandle x, TensorHandle w, TensorHandle b) {
  MDL_TRY return kernel_takes(*x, *w, b ? *b : at::Tensor()) ? 1 : 0; MDL_CATCH(-1)
}
