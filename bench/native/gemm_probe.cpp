// Own float32 GEMM kernels against the machine's OpenBLAS at OmniFuse's training shapes (issue 5, acceptance 7) —
// a measurement, not part of Medley. Each "layer" of the cached-embedding OmniFuse (3 encoders 512/768/256 → 512,
// 10 residual autoencoders 1536 → 128 → 1536) gets its own weights, and each pass cycles through all of them, so the
// weights come from L3/memory as in a training step. Three products per layer, as ATen calls them for nn.Linear:
//   forward Y = X·Wᵀ (sgemm "t","n"), input gradient dX = dY·W ("n","n"), weight gradient dW = dYᵀ·X ("n","t");
// against AVX-512 kernels that read W in its row-major [N, K] layout without packing it:
//   forward: Y = (W·Xᵀ)ᵀ with Xᵀ made once per call (small: M × K), 8 rows of W broadcast against 32 columns of Xᵀ,
//            the 8×32 tile transposed on the way out; W rows prefetched FPF floats ahead;
//   dX, dW:  broadcast form, a 6-row × 64-column register tile, B rows read in place (dX prefetches PFD rows ahead).
//   g++ -O3 -std=c++17 bench/native/gemm_probe.cpp -o /tmp/gemm_probe -L/usr/lib/x86_64-linux-gnu/openblas-pthread
//       -l:libopenblas.so.0 && OPENBLAS_NUM_THREADS=1 /tmp/gemm_probe [BATCH=64]        (one command line)
// Prints, for three repetitions of 30 passes, µs per pass and GFLOP/s for OpenBLAS and the own kernels, then the
// largest absolute difference between the two results.
#include <immintrin.h>
#include <cstdint>
#include <cstring>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>
#ifndef PFD
#define PFD 8
#endif
#ifndef FPF
#define FPF 128
#endif
#define T512 __attribute__((target("avx512f")))

// dst[K, Mp] = src[M, K]^T, zero-padded rows M..Mp
T512 static void transpose_pad(const float* src, int64_t M, int64_t K, float* dst, int64_t Mp) {
  for (int64_t k = 0; k < K; ++k) {
    float* d = dst + k * Mp;
    for (int64_t m = 0; m < M; ++m) d[m] = src[m * K + k];
    for (int64_t m = M; m < Mp; ++m) d[m] = 0.f;
  }
}

// 8 accumulators (rows n0..n0+7 of Y^T, 16 m each) -> Y[m0+j, n0:n0+nn] for j < mm
T512 static inline void store_t8x16(const __m512* a, float* y, int64_t ldy, int mm, int nn, const float* bias) {
  alignas(64) float buf[8][16];
  for (int i = 0; i < 8; ++i) _mm512_store_ps(buf[i], a[i]);
  for (int j = 0; j < mm; ++j) {
    float* row = y + j * ldy;
    for (int i = 0; i < nn; ++i) row[i] = buf[i][j] + (bias ? bias[i] : 0.f);
  }
}

// Y[M,N] = X W^T + b, W [N,K]; XT [K, Mp] (Mp multiple of 32)
T512 static void fwd_bt(const float* XT, int64_t M, int64_t Mp, const float* W, int64_t N, int64_t K, const float* b, float* Y) {
  for (int64_t n0 = 0; n0 < N; n0 += 8) {
    int nn = (int)std::min<int64_t>(8, N - n0);
    const float* w[8];
    for (int i = 0; i < 8; ++i) w[i] = W + std::min<int64_t>(n0 + i, N - 1) * K;
    for (int64_t m0 = 0; m0 < Mp; m0 += 32) {
      __m512 a0[8], a1[8];
      for (int i = 0; i < 8; ++i) { a0[i] = _mm512_setzero_ps(); a1[i] = _mm512_setzero_ps(); }
      const float* xt = XT + m0;
      for (int64_t k = 0; k < K; ++k) {
        if (FPF && (k & 15) == 0) for (int i = 0; i < 8; ++i) _mm_prefetch((const char*)(w[i] + k + FPF), _MM_HINT_T0);
        __m512 x0 = _mm512_loadu_ps(xt + k * Mp), x1 = _mm512_loadu_ps(xt + k * Mp + 16);
#pragma GCC unroll 8
        for (int i = 0; i < 8; ++i) {
          __m512 wv = _mm512_set1_ps(w[i][k]);
          a0[i] = _mm512_fmadd_ps(wv, x0, a0[i]);
          a1[i] = _mm512_fmadd_ps(wv, x1, a1[i]);
        }
      }
      int mm0 = (int)std::min<int64_t>(16, M - m0), mm1 = (int)std::min<int64_t>(16, M - m0 - 16);
      if (mm0 > 0) store_t8x16(a0, Y + m0 * N + n0, N, mm0, nn, b ? b + n0 : nullptr);
      if (mm1 > 0) store_t8x16(a1, Y + (m0 + 16) * N + n0, N, mm1, nn, b ? b + n0 : nullptr);
    }
  }
}

// C[R rows, 64 cols] = A[R rows, N] . B[N, 64 cols]; A(i, n) at A[i*lda + n*acs]; broadcast form. The 24 accumulators
// are named one by one (the macros write row i's four): as an array, GCC keeps them in memory.
#define ACC_ROW(i) __m512 c##i##0 = z, c##i##1 = z, c##i##2 = z, c##i##3 = z;
#define FMA_ROW(i)                                                                                       \
  if (R > i) {                                                                                           \
    const __m512 av = _mm512_set1_ps(A[i * lda + n * acs]);                                              \
    c##i##0 = _mm512_fmadd_ps(av, b0, c##i##0); c##i##1 = _mm512_fmadd_ps(av, b1, c##i##1);              \
    c##i##2 = _mm512_fmadd_ps(av, b2, c##i##2); c##i##3 = _mm512_fmadd_ps(av, b3, c##i##3);              \
  }
#define STORE_ROW(i)                                                                                     \
  if (R > i) {                                                                                           \
    _mm512_mask_storeu_ps(C + i * ldc, masks[0], c##i##0); _mm512_mask_storeu_ps(C + i * ldc + 16, masks[1], c##i##1); \
    _mm512_mask_storeu_ps(C + i * ldc + 32, masks[2], c##i##2); _mm512_mask_storeu_ps(C + i * ldc + 48, masks[3], c##i##3); \
  }
template <int R, int PF = 0>
T512 static inline void tile_bcast(const float* A, int64_t lda, int64_t acs, const float* B, int64_t ldb, int64_t N, float* C, int64_t ldc, __mmask16 const* masks) {
  const __m512 z = _mm512_setzero_ps();
  ACC_ROW(0) ACC_ROW(1) ACC_ROW(2) ACC_ROW(3) ACC_ROW(4) ACC_ROW(5)
  const __mmask16 k0 = masks[0], k1 = masks[1], k2 = masks[2], k3 = masks[3];
  for (int64_t n = 0; n < N; ++n) {
    const float* bp = B + n * ldb;
    if (PF) { const char* pf = (const char*)(bp + PF * ldb); _mm_prefetch(pf, _MM_HINT_T0); _mm_prefetch(pf + 64, _MM_HINT_T0); _mm_prefetch(pf + 128, _MM_HINT_T0); _mm_prefetch(pf + 192, _MM_HINT_T0); }
    __m512 b0 = _mm512_maskz_loadu_ps(k0, bp), b1 = _mm512_maskz_loadu_ps(k1, bp + 16),
           b2 = _mm512_maskz_loadu_ps(k2, bp + 32), b3 = _mm512_maskz_loadu_ps(k3, bp + 48);
    FMA_ROW(0) FMA_ROW(1) FMA_ROW(2) FMA_ROW(3) FMA_ROW(4) FMA_ROW(5)
  }
  STORE_ROW(0) STORE_ROW(1) STORE_ROW(2) STORE_ROW(3) STORE_ROW(4) STORE_ROW(5)
}

// Masks for a 64-column strip with `remaining` columns left: full vectors, then the partial one, then empty ones.
static void column_masks(int64_t remaining, __mmask16 masks[4]) {
  for (int j = 0; j < 4; ++j) {
    const int64_t r = remaining - 16 * j;
    masks[j] = r >= 16 ? 0xFFFF : r <= 0 ? 0 : (__mmask16)((1u << r) - 1);
  }
}

template <int R>
T512 static void rows_bcast(const float* A, int64_t lda, int64_t acs, const float* B, int64_t ldb, int64_t N, float* C, int64_t ldc, int64_t rows, int64_t K) {
  for (int64_t k0 = 0; k0 < K; k0 += 64) {
    __mmask16 masks[4];
    column_masks(K - k0, masks);
    int64_t m0 = 0;
    if (rows >= R) { tile_bcast<R, PFD>(A, lda, acs, B + k0, ldb, N, C + k0, ldc, masks); m0 = R; }
    for (; m0 + R <= rows; m0 += R) tile_bcast<R>(A + m0 * lda, lda, acs, B + k0, ldb, N, C + m0 * ldc + k0, ldc, masks);
    for (; m0 < rows; ++m0) tile_bcast<1>(A + m0 * lda, lda, acs, B + k0, ldb, N, C + m0 * ldc + k0, ldc, masks);
  }
}
// dX[M,K] = dY[M,N] W[N,K]
T512 static void bwd_dx(const float* dY, int64_t M, int64_t N, const float* W, int64_t K, float* dX) {
  rows_bcast<6>(dY, N, 1, W, K, N, dX, K, M, K);
}
// dW[N,K] = dY^T[N,M] X[M,K]: A = dY^T: row i of A = column i of dY: element (i, m) at dY[m*N + i] -> lda=1, acs=N
T512 static void bwd_dw(const float* dY, int64_t M, int64_t N, const float* X, int64_t K, float* dW) {
  for (int64_t n0 = 0; n0 < N; n0 += 6) {
    int64_t r = std::min<int64_t>(6, N - n0);
    for (int64_t k0 = 0; k0 < K; k0 += 64) {
      __mmask16 masks[4];
      column_masks(K - k0, masks);
      if (r == 6) tile_bcast<6>(dY + n0, 1, N, X + k0, K, M, dW + n0 * K + k0, K, masks);
      else for (int64_t i = 0; i < r; ++i) tile_bcast<1>(dY + n0 + i, 1, N, X + k0, K, M, dW + (n0 + i) * K + k0, K, masks);
    }
  }
}

extern "C" void sgemm_(const char*, const char*, const int*, const int*, const int*, const float*, const float*, const int*, const float*, const int*, const float*, float*, const int*);
// row-major helpers in ATen's convention
static void blas_fwd(const float* X, int M, const float* W, int N, int K, float* Y) { // Y = X W^T
  float one = 1, zero = 0; sgemm_("t", "n", &N, &M, &K, &one, W, &K, X, &K, &zero, Y, &N); }
static void blas_dx(const float* dY, int M, int N, const float* W, int K, float* dX) { // dX = dY W
  float one = 1, zero = 0; sgemm_("n", "n", &K, &M, &N, &one, W, &K, dY, &N, &zero, dX, &K); }
static void blas_dw(const float* dY, int M, int N, const float* X, int K, float* dW) { // dW = dY^T X
  float one = 1, zero = 0; sgemm_("n", "t", &K, &N, &M, &one, X, &K, dY, &N, &zero, dW, &K); }
double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }
int main(int argc, char** argv) {
  int M = argc > 1 ? atoi(argv[1]) : 64;
  std::vector<std::pair<int,int>> shapes = {{512,512},{768,512},{256,512}};
  for (int i = 0; i < 10; ++i) { shapes.push_back({1536,128}); shapes.push_back({128,1536}); }
  std::mt19937 rng(1); std::normal_distribution<float> nd;
  struct L { std::vector<float> W, X, Y, dY, dX, dW, Y2, dX2, dW2, XT; int K, N; };
  std::vector<L> ls;
  int Mp = (M + 31) / 32 * 32;
  for (auto [K, N] : shapes) { L l; l.K = K; l.N = N; l.W.resize((size_t)N*K); l.X.resize((size_t)M*K); l.dY.resize((size_t)M*N);
    for (auto* buffer : {&l.W, &l.X, &l.dY})
      for (auto& v : *buffer) v = nd(rng);
    l.Y.resize((size_t)M*N); l.Y2 = l.Y; l.dX.resize((size_t)M*K); l.dX2 = l.dX; l.dW.resize((size_t)N*K); l.dW2 = l.dW; l.XT.resize((size_t)K*Mp); ls.push_back(std::move(l)); }
  double fl = 0; for (auto& l : ls) fl += 2.0 * M * l.K * l.N;
  auto maxdiff = [](const std::vector<float>& a, const std::vector<float>& b) { double d = 0; for (size_t i = 0; i < a.size(); ++i) d = std::max(d, (double)std::fabs(a[i]-b[i])); return d; };
  for (int rep = 0; rep < 3; ++rep) {
    double t[6] = {0};
    for (int it = 0; it < 30; ++it) {
      double s = now(); for (auto& l : ls) blas_fwd(l.X.data(), M, l.W.data(), l.N, l.K, l.Y.data()); t[0] += now() - s;
      s = now(); for (auto& l : ls) { transpose_pad(l.X.data(), M, l.K, l.XT.data(), Mp); fwd_bt(l.XT.data(), M, Mp, l.W.data(), l.N, l.K, nullptr, l.Y2.data()); } t[1] += now() - s;
      s = now(); for (auto& l : ls) blas_dx(l.dY.data(), M, l.N, l.W.data(), l.K, l.dX.data()); t[2] += now() - s;
      s = now(); for (auto& l : ls) bwd_dx(l.dY.data(), M, l.N, l.W.data(), l.K, l.dX2.data()); t[3] += now() - s;
      s = now(); for (auto& l : ls) blas_dw(l.dY.data(), M, l.N, l.X.data(), l.K, l.dW.data()); t[4] += now() - s;
      s = now(); for (auto& l : ls) bwd_dw(l.dY.data(), M, l.N, l.X.data(), l.K, l.dW2.data()); t[5] += now() - s;
    }
    const char* nm[3] = {"fwd", "dX ", "dW "};
    for (int j = 0; j < 3; ++j) printf("%s blas %.0f us (%.1f GF/s)  mine %.0f us (%.1f GF/s) ratio %.2f\n", nm[j], t[2*j]/30*1e6, fl*30/t[2*j]/1e9, t[2*j+1]/30*1e6, fl*30/t[2*j+1]/1e9, t[2*j+1]/t[2*j]);
  }
  double e = 0; for (auto& l : ls) { e = std::max(e, maxdiff(l.Y, l.Y2)); e = std::max(e, maxdiff(l.dX, l.dX2)); e = std::max(e, maxdiff(l.dW, l.dW2)); }
  printf("max abs diff %.3g\n", e);
}
