// Float32 products for nn.Linear at small batch (M rows), AVX-512, reading the weight W [N, K] in its row-major layout
// in place. At M ≤ a few hundred, OpenBLAS spends a quarter to a third of such a product re-packing W on every call
// (bench/RESULTS.md, OmniFuse section); these kernels skip that copy. All operands are contiguous row-major.
#pragma once
#include <cstdint>

namespace mdl::gemm {

// Whether this CPU runs the kernels (AVX-512F and VL, checked once).
bool available();

// Floats of scratch linear_forward needs for an [M, K] input.
int64_t forward_scratch(int64_t m, int64_t k);

// y [M, N] ← x [M, K] · wᵀ + b (b may be null); scratch holds forward_scratch(M, K) floats.
void linear_forward(const float* x, int64_t m, int64_t k, const float* w, int64_t n, const float* b, float* y,
                    float* scratch);

// dx [M, K] ← dy [M, N] · w [N, K].
void input_grad(const float* dy, int64_t m, int64_t n, const float* w, int64_t k, float* dx);

// dw [N, K] ← dyᵀ · x, with dy [M, N] and x [M, K].
void weight_grad(const float* dy, int64_t m, int64_t n, const float* x, int64_t k, float* dw);

}  // namespace mdl::gemm
