// Vectorised row kernels shared by the fused ops (attention, activations): AVX2+FMA where the CPU has it, a scalar
// loop with the same arithmetic otherwise. Each works on one contiguous row; callers split rows over threads.
#pragma once
#include <cstdint>

namespace mdl::vec {

// Whether this CPU runs the AVX2+FMA loops (checked once); the scalar loops serve the rest.
bool has_avx2_fma();

// row ← softmax(scale · row), in place.
void softmax_row(float* row, int64_t len, float scale);

// Softmax backward for one row: given the probabilities p and, in grad, dL/dp, writes dL/d(logits)·scale into grad:
// grad ← scale · p ⊙ (grad − Σ grad ⊙ p).
void softmax_backward_row(const float* p, float* grad, int64_t len, float scale);

// out ← x · Φ(x) (exact GELU, 0.5·x·(1 + erf(x/√2))) over count elements.
void gelu(const float* x, float* out, int64_t count);

// One layer-norm row: y ← (x − mean) · rstd · w + b (w, b may be null), with rstd = 1 / √(var + eps) and the biased
// variance; mean and rstd are returned for the backward.
void layer_norm_row(const float* x, float* y, const float* w, const float* b, int64_t len, float eps, float* mean,
                    float* rstd);

}  // namespace mdl::vec
