#include "gemm_kernels.h"

#include <ATen/Parallel.h>
#include <immintrin.h>

#include <algorithm>

namespace mdl::gemm {

bool available() {
  static const bool yes = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
                          __builtin_cpu_supports("avx2") &&
                          __builtin_cpu_supports("fma");
  return yes;
}

namespace {

#define MDL_AVX512 __attribute__((target("avx512f,avx512vl,avx2,fma,prfchw")))

constexpr int64_t kRowsM = 32;  // forward: xᵀ padded to 32 rows; tiles of 64 input rows (four vectors), one of 32 at the end …
constexpr int64_t kRowsN = 6;   // … against 6 weight rows
constexpr int64_t kCols = 64;   // backward tiles: 64 output columns (four vectors) …
constexpr int kRowsB = 6;       // … by 6 output rows
constexpr int64_t kPrefetchK = 128;  // forward: weight floats fetched ahead along a row
constexpr int64_t kPrefetchRows = 8; // input gradient: weight rows fetched ahead

int64_t padded(int64_t m) { return (m + kRowsM - 1) / kRowsM * kRowsM; }

// Tasks of at least ~256 K multiply-adds, so a second thread only joins when it has real work.
int64_t grain(int64_t work_per_item) { return std::max<int64_t>(1, (int64_t{1} << 18) / std::max<int64_t>(1, work_per_item)); }

// In-register transpose of eight 8-float rows: afterwards r[j] holds column j.
MDL_AVX512 inline void transpose8(__m256 r[8]) {
  __m256 t[8], s[8];
  for (int i = 0; i < 4; ++i) {
    t[2 * i] = _mm256_unpacklo_ps(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm256_unpackhi_ps(r[2 * i], r[2 * i + 1]);
  }
  for (int h = 0; h < 2; ++h) {
    s[4 * h + 0] = _mm256_shuffle_ps(t[4 * h + 0], t[4 * h + 2], _MM_SHUFFLE(1, 0, 1, 0));
    s[4 * h + 1] = _mm256_shuffle_ps(t[4 * h + 0], t[4 * h + 2], _MM_SHUFFLE(3, 2, 3, 2));
    s[4 * h + 2] = _mm256_shuffle_ps(t[4 * h + 1], t[4 * h + 3], _MM_SHUFFLE(1, 0, 1, 0));
    s[4 * h + 3] = _mm256_shuffle_ps(t[4 * h + 1], t[4 * h + 3], _MM_SHUFFLE(3, 2, 3, 2));
  }
  for (int j = 0; j < 4; ++j) {
    r[j] = _mm256_permute2f128_ps(s[j], s[j + 4], 0x20);
    r[j + 4] = _mm256_permute2f128_ps(s[j], s[j + 4], 0x31);
  }
}

// xt [K, Mp] ← xᵀ, rows M..Mp zero (the forward kernel reads whole 32-row tiles).
MDL_AVX512 void transpose_padded(const float* x, int64_t m, int64_t k, float* xt, int64_t mp) {
  for (int64_t m0 = 0; m0 < mp; m0 += 8) {
    for (int64_t k0 = 0; k0 < k; k0 += 8) {
      if (m0 + 8 <= m && k0 + 8 <= k) {
        __m256 r[8];
        for (int i = 0; i < 8; ++i) r[i] = _mm256_loadu_ps(x + (m0 + i) * k + k0);
        transpose8(r);
        for (int j = 0; j < 8; ++j) _mm256_storeu_ps(xt + (k0 + j) * mp + m0, r[j]);
      } else {
        for (int64_t j = k0; j < std::min(k, k0 + 8); ++j)
          for (int64_t i = m0; i < m0 + 8; ++i) xt[j * mp + i] = i < m ? x[i * k + j] : 0.f;
      }
    }
  }
}

// Writes the 8 (weight rows) × 16 (input rows) block acc[i] = y[m0..m0+15, n0 + i] into y, plus the bias.
MDL_AVX512 inline void store_block(const __m512 acc[8], float* y, int64_t ldy, int64_t rows, int64_t cols,
                                   const float* bias) {
  const __mmask8 colmask = static_cast<__mmask8>((1u << cols) - 1);
  __m256 b = bias ? _mm256_maskz_loadu_ps(colmask, bias) : _mm256_setzero_ps();
  for (int half = 0; half < 2; ++half) {
    __m256 r[8];
    for (int i = 0; i < 8; ++i)
      r[i] = _mm256_castpd_ps(half == 0 ? _mm512_maskz_extractf64x4_pd(0xF, _mm512_castps_pd(acc[i]), 0)
                                        : _mm512_maskz_extractf64x4_pd(0xF, _mm512_castps_pd(acc[i]), 1));
    transpose8(r);  // r[j] = y[m0 + 8·half + j, n0 .. n0+7]
    for (int j = 0; j < 8; ++j) {
      const int64_t row = 8 * half + j;
      if (row >= rows) return;
      _mm256_mask_storeu_ps(y + row * ldy, colmask, _mm256_add_ps(r[j], b));
    }
  }
}

// y[m0 .. m0+16V-1, n0 .. n0+5]: 6 weight rows broadcast against V vectors (16 input rows each) of xᵀ per k, 6·V
// accumulators named one by one (as an array GCC keeps them in memory).
template <int V>
MDL_AVX512 void forward_tile(const float* xt, int64_t mp, int64_t m0, int64_t m, const float* w, int64_t n0,
                             int64_t n, int64_t k, const float* bias, float* y) {
  static_assert(V == 2 || V == 4, "forward_tile: 2 or 4 vectors");
  const float* r0 = w + std::min<int64_t>(n0 + 0, n - 1) * k;
  const float* r1 = w + std::min<int64_t>(n0 + 1, n - 1) * k;
  const float* r2 = w + std::min<int64_t>(n0 + 2, n - 1) * k;
  const float* r3 = w + std::min<int64_t>(n0 + 3, n - 1) * k;
  const float* r4 = w + std::min<int64_t>(n0 + 4, n - 1) * k;
  const float* r5 = w + std::min<int64_t>(n0 + 5, n - 1) * k;
  const __m512 z = _mm512_setzero_ps();
  __m512 a00 = z, a01 = z, a02 = z, a03 = z;
  __m512 a10 = z, a11 = z, a12 = z, a13 = z;
  __m512 a20 = z, a21 = z, a22 = z, a23 = z;
  __m512 a30 = z, a31 = z, a32 = z, a33 = z;
  __m512 a40 = z, a41 = z, a42 = z, a43 = z;
  __m512 a50 = z, a51 = z, a52 = z, a53 = z;
  const float* x = xt + m0;
  for (int64_t kk = 0; kk < k; ++kk) {
    if ((kk & 15) == 0 && kk + kPrefetchK < k) {
      _mm_prefetch(reinterpret_cast<const char*>(r0 + kk + kPrefetchK), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(r1 + kk + kPrefetchK), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(r2 + kk + kPrefetchK), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(r3 + kk + kPrefetchK), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(r4 + kk + kPrefetchK), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(r5 + kk + kPrefetchK), _MM_HINT_T0);
    }
    const float* xk = x + kk * mp;
    const __m512 x0 = _mm512_loadu_ps(xk), x1 = _mm512_loadu_ps(xk + 16);
    const __m512 x2 = V == 4 ? _mm512_loadu_ps(xk + 32) : z, x3 = V == 4 ? _mm512_loadu_ps(xk + 48) : z;
    { const __m512 wv = _mm512_set1_ps(r0[kk]);
      a00 = _mm512_fmadd_ps(wv, x0, a00); a01 = _mm512_fmadd_ps(wv, x1, a01);
      if (V == 4) { a02 = _mm512_fmadd_ps(wv, x2, a02); a03 = _mm512_fmadd_ps(wv, x3, a03); } }
    { const __m512 wv = _mm512_set1_ps(r1[kk]);
      a10 = _mm512_fmadd_ps(wv, x0, a10); a11 = _mm512_fmadd_ps(wv, x1, a11);
      if (V == 4) { a12 = _mm512_fmadd_ps(wv, x2, a12); a13 = _mm512_fmadd_ps(wv, x3, a13); } }
    { const __m512 wv = _mm512_set1_ps(r2[kk]);
      a20 = _mm512_fmadd_ps(wv, x0, a20); a21 = _mm512_fmadd_ps(wv, x1, a21);
      if (V == 4) { a22 = _mm512_fmadd_ps(wv, x2, a22); a23 = _mm512_fmadd_ps(wv, x3, a23); } }
    { const __m512 wv = _mm512_set1_ps(r3[kk]);
      a30 = _mm512_fmadd_ps(wv, x0, a30); a31 = _mm512_fmadd_ps(wv, x1, a31);
      if (V == 4) { a32 = _mm512_fmadd_ps(wv, x2, a32); a33 = _mm512_fmadd_ps(wv, x3, a33); } }
    { const __m512 wv = _mm512_set1_ps(r4[kk]);
      a40 = _mm512_fmadd_ps(wv, x0, a40); a41 = _mm512_fmadd_ps(wv, x1, a41);
      if (V == 4) { a42 = _mm512_fmadd_ps(wv, x2, a42); a43 = _mm512_fmadd_ps(wv, x3, a43); } }
    { const __m512 wv = _mm512_set1_ps(r5[kk]);
      a50 = _mm512_fmadd_ps(wv, x0, a50); a51 = _mm512_fmadd_ps(wv, x1, a51);
      if (V == 4) { a52 = _mm512_fmadd_ps(wv, x2, a52); a53 = _mm512_fmadd_ps(wv, x3, a53); } }
  }
  const int64_t cols = std::min<int64_t>(kRowsN, n - n0);
  const float* b = bias ? bias + n0 : nullptr;
  const __m512 blocks[4][8] = {
      {a00, a10, a20, a30, a40, a50, z, z}, {a01, a11, a21, a31, a41, a51, z, z},
      {a02, a12, a22, a32, a42, a52, z, z}, {a03, a13, a23, a33, a43, a53, z, z}};
  for (int v = 0; v < V && m0 + 16 * v < m; ++v)
    store_block(blocks[v], y + (m0 + 16 * v) * n + n0, n, std::min<int64_t>(16, m - m0 - 16 * v), cols, b);
}

// c[R rows, 64 cols] = Σ_j a(i, j) · bmat[j, 0..63] over j < len, with a(i, j) = a[i·lda + j·acs] and bmat rows
// ldb apart; masks cover the last, partial columns. The broadcast form: bmat is read in place, row by row.
// c[R rows, 64 cols] = Σ_j a(i, j) · bmat[j, 0..63] over j < len, with a(i, j) = a[i·lda + j·acs] and bmat rows
// ldb apart; masks cover the last, partial columns. The broadcast form: bmat is read in place, row by row. The 24
// accumulators are named one by one: as an array GCC keeps them in memory.
template <int R, bool Prefetch>
MDL_AVX512 void broadcast_tile(const float* a, int64_t lda, int64_t acs, const float* bmat, int64_t ldb, int64_t len,
                               float* c, int64_t ldc, const __mmask16 masks[4], const float* next_c = nullptr) {
  static_assert(R >= 1 && R <= 6, "broadcast_tile: 1 to 6 rows");
  const __m512 z = _mm512_setzero_ps();
  __m512 c00 = z, c01 = z, c02 = z, c03 = z;
  __m512 c10 = z, c11 = z, c12 = z, c13 = z;
  __m512 c20 = z, c21 = z, c22 = z, c23 = z;
  __m512 c30 = z, c31 = z, c32 = z, c33 = z;
  __m512 c40 = z, c41 = z, c42 = z, c43 = z;
  __m512 c50 = z, c51 = z, c52 = z, c53 = z;
  const __mmask16 k0 = masks[0], k1 = masks[1], k2 = masks[2], k3 = masks[3];
  for (int64_t j = 0; j < len; ++j) {
    const float* brow = bmat + j * ldb;
    if (Prefetch && j + kPrefetchRows < len) {
      const char* ahead = reinterpret_cast<const char*>(brow + kPrefetchRows * ldb);
      _mm_prefetch(ahead, _MM_HINT_T0);
      _mm_prefetch(ahead + 64, _MM_HINT_T0);
      _mm_prefetch(ahead + 128, _MM_HINT_T0);
      _mm_prefetch(ahead + 192, _MM_HINT_T0);
    }
    // The next tile's output lines, for writing: in the weight gradient they are cold, and fetching them while this
    // tile computes keeps the stores from waiting on memory.
    if (next_c != nullptr && j < 4 * R) __builtin_prefetch(next_c + (j / 4) * ldc + 16 * (j % 4), 1, 3);
    const __m512 b0 = _mm512_maskz_loadu_ps(k0, brow), b1 = _mm512_maskz_loadu_ps(k1, brow + 16),
                 b2 = _mm512_maskz_loadu_ps(k2, brow + 32), b3 = _mm512_maskz_loadu_ps(k3, brow + 48);
    if (R > 0) {
      const __m512 av = _mm512_set1_ps(a[0 * lda + j * acs]);
      c00 = _mm512_fmadd_ps(av, b0, c00);
      c01 = _mm512_fmadd_ps(av, b1, c01);
      c02 = _mm512_fmadd_ps(av, b2, c02);
      c03 = _mm512_fmadd_ps(av, b3, c03);
    }
    if (R > 1) {
      const __m512 av = _mm512_set1_ps(a[1 * lda + j * acs]);
      c10 = _mm512_fmadd_ps(av, b0, c10);
      c11 = _mm512_fmadd_ps(av, b1, c11);
      c12 = _mm512_fmadd_ps(av, b2, c12);
      c13 = _mm512_fmadd_ps(av, b3, c13);
    }
    if (R > 2) {
      const __m512 av = _mm512_set1_ps(a[2 * lda + j * acs]);
      c20 = _mm512_fmadd_ps(av, b0, c20);
      c21 = _mm512_fmadd_ps(av, b1, c21);
      c22 = _mm512_fmadd_ps(av, b2, c22);
      c23 = _mm512_fmadd_ps(av, b3, c23);
    }
    if (R > 3) {
      const __m512 av = _mm512_set1_ps(a[3 * lda + j * acs]);
      c30 = _mm512_fmadd_ps(av, b0, c30);
      c31 = _mm512_fmadd_ps(av, b1, c31);
      c32 = _mm512_fmadd_ps(av, b2, c32);
      c33 = _mm512_fmadd_ps(av, b3, c33);
    }
    if (R > 4) {
      const __m512 av = _mm512_set1_ps(a[4 * lda + j * acs]);
      c40 = _mm512_fmadd_ps(av, b0, c40);
      c41 = _mm512_fmadd_ps(av, b1, c41);
      c42 = _mm512_fmadd_ps(av, b2, c42);
      c43 = _mm512_fmadd_ps(av, b3, c43);
    }
    if (R > 5) {
      const __m512 av = _mm512_set1_ps(a[5 * lda + j * acs]);
      c50 = _mm512_fmadd_ps(av, b0, c50);
      c51 = _mm512_fmadd_ps(av, b1, c51);
      c52 = _mm512_fmadd_ps(av, b2, c52);
      c53 = _mm512_fmadd_ps(av, b3, c53);
    }
  }
  if (R > 0) {
    _mm512_mask_storeu_ps(c + 0 * ldc + 0, masks[0], c00);
    _mm512_mask_storeu_ps(c + 0 * ldc + 16, masks[1], c01);
    _mm512_mask_storeu_ps(c + 0 * ldc + 32, masks[2], c02);
    _mm512_mask_storeu_ps(c + 0 * ldc + 48, masks[3], c03);
  }
  if (R > 1) {
    _mm512_mask_storeu_ps(c + 1 * ldc + 0, masks[0], c10);
    _mm512_mask_storeu_ps(c + 1 * ldc + 16, masks[1], c11);
    _mm512_mask_storeu_ps(c + 1 * ldc + 32, masks[2], c12);
    _mm512_mask_storeu_ps(c + 1 * ldc + 48, masks[3], c13);
  }
  if (R > 2) {
    _mm512_mask_storeu_ps(c + 2 * ldc + 0, masks[0], c20);
    _mm512_mask_storeu_ps(c + 2 * ldc + 16, masks[1], c21);
    _mm512_mask_storeu_ps(c + 2 * ldc + 32, masks[2], c22);
    _mm512_mask_storeu_ps(c + 2 * ldc + 48, masks[3], c23);
  }
  if (R > 3) {
    _mm512_mask_storeu_ps(c + 3 * ldc + 0, masks[0], c30);
    _mm512_mask_storeu_ps(c + 3 * ldc + 16, masks[1], c31);
    _mm512_mask_storeu_ps(c + 3 * ldc + 32, masks[2], c32);
    _mm512_mask_storeu_ps(c + 3 * ldc + 48, masks[3], c33);
  }
  if (R > 4) {
    _mm512_mask_storeu_ps(c + 4 * ldc + 0, masks[0], c40);
    _mm512_mask_storeu_ps(c + 4 * ldc + 16, masks[1], c41);
    _mm512_mask_storeu_ps(c + 4 * ldc + 32, masks[2], c42);
    _mm512_mask_storeu_ps(c + 4 * ldc + 48, masks[3], c43);
  }
  if (R > 5) {
    _mm512_mask_storeu_ps(c + 5 * ldc + 0, masks[0], c50);
    _mm512_mask_storeu_ps(c + 5 * ldc + 16, masks[1], c51);
    _mm512_mask_storeu_ps(c + 5 * ldc + 32, masks[2], c52);
    _mm512_mask_storeu_ps(c + 5 * ldc + 48, masks[3], c53);
  }
}

void column_masks(int64_t remaining, __mmask16 masks[4]) {
  for (int v = 0; v < 4; ++v) {
    const int64_t r = remaining - 16 * v;
    masks[v] = r >= 16 ? __mmask16(0xFFFF) : r <= 0 ? __mmask16(0) : static_cast<__mmask16>((1u << r) - 1);
  }
}

// Rows [r0, r1) of c: c[i, col0..col0+63] for a 64-column strip, 6 rows at a time, then single rows.
template <bool Prefetch>
MDL_AVX512 void broadcast_rows(const float* a, int64_t lda, int64_t acs, const float* bmat, int64_t ldb, int64_t len,
                               float* c, int64_t ldc, int64_t r0, int64_t r1, int64_t col0, const __mmask16 masks[4]) {
  int64_t i = r0;
  for (; i + kRowsB <= r1; i += kRowsB)
    broadcast_tile<kRowsB, Prefetch>(a + i * lda, lda, acs, bmat + col0, ldb, len, c + i * ldc + col0, ldc, masks);
  for (; i < r1; ++i) broadcast_tile<1, Prefetch>(a + i * lda, lda, acs, bmat + col0, ldb, len, c + i * ldc + col0, ldc, masks);
}

}  // namespace

int64_t forward_scratch(int64_t m, int64_t k) { return k * padded(m); }

void linear_forward(const float* x, int64_t m, int64_t k, const float* w, int64_t n, const float* b, float* y,
                    float* scratch) {
  const int64_t mp = padded(m);
  transpose_padded(x, m, k, scratch, mp);
  const int64_t tiles_n = (n + kRowsN - 1) / kRowsN;
  at::parallel_for(0, tiles_n, grain(kRowsN * mp * k), [&](int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; ++t) {
      int64_t m0 = 0;
      for (; m0 + 2 * kRowsM <= mp; m0 += 2 * kRowsM) forward_tile<4>(scratch, mp, m0, m, w, t * kRowsN, n, k, b, y);
      if (m0 < mp) forward_tile<2>(scratch, mp, m0, m, w, t * kRowsN, n, k, b, y);
    }
  });
}

void input_grad(const float* dy, int64_t m, int64_t n, const float* w, int64_t k, float* dx) {
  // dx[i, :] = Σ_j dy[i, j] · w[j, :]: strips of 64 columns of w, read in place for every 6 rows of dy.
  const int64_t strips = (k + kCols - 1) / kCols;
  at::parallel_for(0, strips, grain(kCols * m * n), [&](int64_t s0, int64_t s1) {
    for (int64_t s = s0; s < s1; ++s) {
      __mmask16 masks[4];
      column_masks(k - s * kCols, masks);
      // The first 6 rows fetch the strip ahead (from memory); the later ones find it in cache.
      const int64_t first = std::min<int64_t>(m, kRowsB);
      broadcast_rows<true>(dy, n, 1, w, k, n, dx, k, 0, first, s * kCols, masks);
      broadcast_rows<false>(dy, n, 1, w, k, n, dx, k, first, m, s * kCols, masks);
    }
  });
}

void weight_grad(const float* dy, int64_t m, int64_t n, const float* x, int64_t k, float* dw) {
  // dw[i, :] = Σ_r dy[r, i] · x[r, :]: 6 rows of dw at a time, along each row strip by strip (x stays in cache).
  const int64_t groups = (n + kRowsB - 1) / kRowsB;
  at::parallel_for(0, groups, grain(kRowsB * m * k), [&](int64_t g0, int64_t g1) {
    for (int64_t g = g0; g < g1; ++g) {
      const int64_t r0 = g * kRowsB, r1 = std::min(n, r0 + kRowsB);
      for (int64_t s = 0; s * kCols < k; ++s) {
        __mmask16 masks[4];
        column_masks(k - s * kCols, masks);
        float* c = dw + r0 * k + s * kCols;
        // The next tile: the next strip of these rows, or the first strip of the next rows.
        const float* next = (s + 1) * kCols < k ? c + kCols : (r1 < n ? dw + r1 * k : nullptr);
        if (r1 - r0 == kRowsB) broadcast_tile<kRowsB, false>(dy + r0, 1, n, x + s * kCols, k, m, c, k, masks, next);
        else
          for (int64_t i = r0; i < r1; ++i)
            broadcast_tile<1, false>(dy + i, 1, n, x + s * kCols, k, m, dw + i * k + s * kCols, k, masks);
      }
    }
  });
}

}  // namespace mdl::gemm
