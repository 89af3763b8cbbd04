// Ops the optimisers need beyond the public op families.
// - mdl_optim_div_scalar_: in-place division by a scalar, which keeps Adam's unfused denominator
//   (sqrt(v) / sqrt(1 - beta2^t) + eps) to one allocation while rounding exactly as torch does.
// - mdl_optim_adam_fused_: one pass over param, grad and moments per element instead of torch 1.13's eight
//   tensor-wide passes. The optimiser step of a 5 M-parameter model is memory traffic, not arithmetic, so this is where
//   a step's time goes once the interpreter is gone. The arithmetic follows torch's single-tensor order
//   (m·β1 then + (1−β1)·g as one fma, v·β2 then + (1−β2)·g·g, √v / √bc2 + eps, p − (lr/bc1)·m / denom).
#include "common.h"
#include "vector_math.h"

#include <ATen/Parallel.h>
#include <cmath>
#include <immintrin.h>

MDL_API int mdl_optim_div_scalar_(TensorHandle t, double s) {
  MDL_TRY t->div_(s); return 0; MDL_CATCH(-1)
}

namespace {

struct AdamConstants {
  float param_scale;   // 1 − lr·wd for decoupled decay, else 1
  float l2;            // wd for L2 decay (Adam), else 0
  float beta1, one_minus_beta1, beta2, one_minus_beta2;
  float bc2_sqrt, eps, neg_step_size;
  float grad_sign;     // −1 when maximising
  bool amsgrad;
};

// Scalar path: the same operation order as the vector path, used for tails and on CPUs without AVX2/FMA.
inline void adam_scalar(const AdamConstants& c, float* p, const float* g_in, float* m, float* v, float* vmax,
                        int64_t begin, int64_t end) {
  for (int64_t i = begin; i < end; ++i) {
    float g = g_in[i] * c.grad_sign;
    float pi = p[i] * c.param_scale;
    if (c.l2 != 0.f) g = std::fma(pi, c.l2, g);
    float mi = std::fma(g, c.one_minus_beta1, m[i] * c.beta1);
    float vi = v[i] * c.beta2 + (c.one_minus_beta2 * g) * g;
    m[i] = mi;
    v[i] = vi;
    float second = vi;
    if (c.amsgrad) {
      second = std::max(vmax[i], vi);
      vmax[i] = second;
    }
    float denom = std::sqrt(second) / c.bc2_sqrt + c.eps;
    p[i] = pi + (c.neg_step_size * mi) / denom;
  }
}

__attribute__((target("avx2,fma"))) void adam_avx2(const AdamConstants& c, float* p, const float* g_in, float* m,
                                                   float* v, float* vmax, int64_t begin, int64_t end) {
  const __m256 sign = _mm256_set1_ps(c.grad_sign), scale = _mm256_set1_ps(c.param_scale), l2 = _mm256_set1_ps(c.l2);
  const __m256 b1 = _mm256_set1_ps(c.beta1), omb1 = _mm256_set1_ps(c.one_minus_beta1);
  const __m256 b2 = _mm256_set1_ps(c.beta2), omb2 = _mm256_set1_ps(c.one_minus_beta2);
  const __m256 bc2 = _mm256_set1_ps(c.bc2_sqrt), eps = _mm256_set1_ps(c.eps), step = _mm256_set1_ps(c.neg_step_size);
  const bool use_l2 = c.l2 != 0.f;
  int64_t i = begin;
  for (; i + 8 <= end; i += 8) {
    __m256 g = _mm256_mul_ps(_mm256_loadu_ps(g_in + i), sign);
    __m256 pi = _mm256_mul_ps(_mm256_loadu_ps(p + i), scale);
    if (use_l2) g = _mm256_fmadd_ps(pi, l2, g);
    __m256 mi = _mm256_fmadd_ps(g, omb1, _mm256_mul_ps(_mm256_loadu_ps(m + i), b1));
    __m256 vi = _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(v + i), b2), _mm256_mul_ps(_mm256_mul_ps(omb2, g), g));
    _mm256_storeu_ps(m + i, mi);
    _mm256_storeu_ps(v + i, vi);
    __m256 second = vi;
    if (c.amsgrad) {
      second = _mm256_max_ps(_mm256_loadu_ps(vmax + i), vi);
      _mm256_storeu_ps(vmax + i, second);
    }
    __m256 denom = _mm256_add_ps(_mm256_div_ps(_mm256_sqrt_ps(second), bc2), eps);
    _mm256_storeu_ps(p + i, _mm256_add_ps(pi, _mm256_div_ps(_mm256_mul_ps(step, mi), denom)));
  }
  adam_scalar(c, p, g_in, m, v, vmax, i, end);
}

bool fusable(const at::Tensor& t, const at::Tensor& param) {
  return t.defined() && t.device().is_cpu() && t.scalar_type() == at::kFloat && t.is_contiguous() &&
         t.numel() == param.numel();
}

}  // namespace

// Returns 1 when the update was applied, 0 when the tensors don't qualify (the caller then runs the unfused ops),
// -1 on error. step_size = lr / (1 − β1^t), bc2_sqrt = √(1 − β2^t): computed by the caller in double, as torch does.
MDL_API int mdl_optim_adam_fused_(TensorHandle param, TensorHandle grad, TensorHandle exp_avg, TensorHandle exp_avg_sq,
                                  TensorHandle max_exp_avg_sq, double lr, double beta1, double beta2, double eps,
                                  double weight_decay, int decoupled, int maximize, double step_size, double bc2_sqrt) {
  MDL_TRY
  const at::Tensor& p = *param;
  if (!fusable(p, p) || !fusable(*grad, p) || !fusable(*exp_avg, p) || !fusable(*exp_avg_sq, p) ||
      (max_exp_avg_sq != nullptr && !fusable(*max_exp_avg_sq, p)))
    return 0;
  AdamConstants c{};
  c.param_scale = decoupled ? static_cast<float>(1 - lr * weight_decay) : 1.f;
  c.l2 = decoupled ? 0.f : static_cast<float>(weight_decay);
  c.beta1 = static_cast<float>(beta1);
  c.one_minus_beta1 = static_cast<float>(1 - beta1);
  c.beta2 = static_cast<float>(beta2);
  c.one_minus_beta2 = static_cast<float>(1 - beta2);
  c.bc2_sqrt = static_cast<float>(bc2_sqrt);
  c.eps = static_cast<float>(eps);
  c.neg_step_size = static_cast<float>(-step_size);
  c.grad_sign = maximize ? -1.f : 1.f;
  c.amsgrad = max_exp_avg_sq != nullptr;
  float* pp = p.data_ptr<float>();
  const float* gp = grad->data_ptr<float>();
  float* mp = exp_avg->data_ptr<float>();
  float* vp = exp_avg_sq->data_ptr<float>();
  float* vmaxp = c.amsgrad ? max_exp_avg_sq->data_ptr<float>() : nullptr;
  const bool avx2 = mdl::vec::has_avx2_fma();
  // Chunks are multiples of 8 elements so only the very end of a tensor takes the scalar path.
  at::parallel_for(0, (p.numel() + 7) / 8, 4096, [&](int64_t begin, int64_t end) {
    const int64_t lo = begin * 8, hi = std::min(end * 8, p.numel());
    if (avx2) adam_avx2(c, pp, gp, mp, vp, vmaxp, lo, hi);
    else adam_scalar(c, pp, gp, mp, vp, vmaxp, lo, hi);
  });
  // Written through raw pointers: tell autograd these tensors changed, as an in-place op would.
  param->unsafeGetTensorImpl()->bump_version();
  exp_avg->unsafeGetTensorImpl()->bump_version();
  exp_avg_sq->unsafeGetTensorImpl()->bump_version();
  if (c.amsgrad) max_exp_avg_sq->unsafeGetTensorImpl()->bump_version();
  return 1;
  MDL_CATCH(-1)
}
