// Row kernels for the fused ops. exp is Cephes' single-precision range reduction and degree-6 polynomial (≈1 ulp);
// erf is Abramowitz & Stegun 7.1.26 (|error| ≤ 1.5e-7), the same approximation ATen's vectorised GELU uses.
#include "vector_math.h"

#include <algorithm>
#include <cmath>
#include <immintrin.h>

namespace mdl::vec {

bool has_avx2_fma() {
  static const bool yes = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return yes;
}

namespace {

constexpr float kLog2e = 1.44269504088896341f, kLn2Hi = 0.693359375f, kLn2Lo = -2.12194440e-4f;
constexpr float kExpP[6] = {1.9875691500e-4f, 1.3981999507e-3f, 8.3334519073e-3f,
                            4.1665795894e-2f, 1.6666665459e-1f, 5.0000001201e-1f};
// erf(x) ≈ 1 − (a1·t + a2·t² + … + a5·t⁵)·e^(−x²), t = 1 / (1 + p·x), for x ≥ 0.
constexpr float kErfP = 0.3275911f;
constexpr float kErfA[5] = {0.254829592f, -0.284496736f, 1.421413741f, -1.453152027f, 1.061405429f};

__attribute__((target("avx2,fma"))) inline __m256 exp256(__m256 x) {
  x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.3f)), _mm256_set1_ps(88.3f));
  __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(kLog2e)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(kLn2Hi), x);
  r = _mm256_fnmadd_ps(n, _mm256_set1_ps(kLn2Lo), r);
  __m256 y = _mm256_set1_ps(kExpP[0]);
  for (int i = 1; i < 6; ++i) y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(kExpP[i]));
  y = _mm256_fmadd_ps(y, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.f)));
  __m256i bits = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
  return _mm256_mul_ps(y, _mm256_castsi256_ps(bits));
}

__attribute__((target("avx2,fma"))) inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

__attribute__((target("avx2,fma"))) inline float hmax(__m256 v) {
  __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_max_ps(s, _mm_movehl_ps(s, s));
  s = _mm_max_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// Lanes past the row's end: loaded as −inf (max, exp → 0) or 0, and never stored.
__attribute__((target("avx2,fma"))) inline __m256i tail_mask(int64_t remaining) {
  const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(remaining)), lanes);
}

__attribute__((target("avx2,fma"))) void softmax_avx2(float* row, int64_t len, float scale) {
  const __m256 neg_inf = _mm256_set1_ps(-INFINITY);
  __m256 m = neg_inf;
  int64_t i = 0;
  for (; i + 8 <= len; i += 8) m = _mm256_max_ps(m, _mm256_loadu_ps(row + i));
  float mx = hmax(m);
  for (int64_t j = i; j < len; ++j) mx = std::max(mx, row[j]);
  // Scaled logits s·x − s·max: the same shift torch applies to the already-scaled scores.
  const __m256 vs = _mm256_set1_ps(scale), vshift = _mm256_set1_ps(-scale * mx);
  __m256 sum = _mm256_setzero_ps();
  for (i = 0; i + 8 <= len; i += 8) {
    __m256 e = exp256(_mm256_fmadd_ps(_mm256_loadu_ps(row + i), vs, vshift));
    _mm256_storeu_ps(row + i, e);
    sum = _mm256_add_ps(sum, e);
  }
  if (i < len) {
    const __m256i mask = tail_mask(len - i);
    __m256 x = _mm256_blendv_ps(neg_inf, _mm256_maskload_ps(row + i, mask), _mm256_castsi256_ps(mask));
    __m256 e = _mm256_and_ps(exp256(_mm256_fmadd_ps(x, vs, vshift)), _mm256_castsi256_ps(mask));
    _mm256_maskstore_ps(row + i, mask, e);
    sum = _mm256_add_ps(sum, e);
  }
  const __m256 inv = _mm256_set1_ps(1.f / hsum(sum));
  for (i = 0; i + 8 <= len; i += 8) _mm256_storeu_ps(row + i, _mm256_mul_ps(_mm256_loadu_ps(row + i), inv));
  for (; i < len; ++i) row[i] *= _mm256_cvtss_f32(inv);
}

void softmax_scalar(float* row, int64_t len, float scale) {
  float mx = -INFINITY;
  for (int64_t i = 0; i < len; ++i) mx = std::max(mx, row[i]);
  float sum = 0.f;
  for (int64_t i = 0; i < len; ++i) sum += row[i] = std::exp(scale * row[i] - scale * mx);
  const float inv = 1.f / sum;
  for (int64_t i = 0; i < len; ++i) row[i] *= inv;
}

__attribute__((target("avx2,fma"))) void softmax_backward_avx2(const float* p, float* g, int64_t len, float scale) {
  __m256 dot = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 8 <= len; i += 8) dot = _mm256_fmadd_ps(_mm256_loadu_ps(g + i), _mm256_loadu_ps(p + i), dot);
  float d = hsum(dot);
  for (int64_t j = i; j < len; ++j) d += g[j] * p[j];
  const __m256 vd = _mm256_set1_ps(d), vs = _mm256_set1_ps(scale);
  for (i = 0; i + 8 <= len; i += 8) {
    __m256 r = _mm256_mul_ps(_mm256_loadu_ps(p + i), _mm256_sub_ps(_mm256_loadu_ps(g + i), vd));
    _mm256_storeu_ps(g + i, _mm256_mul_ps(r, vs));
  }
  for (; i < len; ++i) g[i] = p[i] * (g[i] - d) * scale;
}

void softmax_backward_scalar(const float* p, float* g, int64_t len, float scale) {
  float d = 0.f;
  for (int64_t i = 0; i < len; ++i) d += g[i] * p[i];
  for (int64_t i = 0; i < len; ++i) g[i] = p[i] * (g[i] - d) * scale;
}

__attribute__((target("avx2,fma"))) inline __m256 gelu256(__m256 x) {
  const __m256 sign_bit = _mm256_set1_ps(-0.f);
  __m256 z = _mm256_mul_ps(x, _mm256_set1_ps(0.70710678118654752f));
  __m256 az = _mm256_andnot_ps(sign_bit, z);
  __m256 t = _mm256_div_ps(_mm256_set1_ps(1.f), _mm256_fmadd_ps(_mm256_set1_ps(kErfP), az, _mm256_set1_ps(1.f)));
  __m256 poly = _mm256_set1_ps(kErfA[4]);
  for (int i = 3; i >= 0; --i) poly = _mm256_fmadd_ps(poly, t, _mm256_set1_ps(kErfA[i]));
  poly = _mm256_mul_ps(poly, t);
  __m256 e = exp256(_mm256_mul_ps(_mm256_xor_ps(az, sign_bit), az));
  __m256 erf_abs = _mm256_fnmadd_ps(poly, e, _mm256_set1_ps(1.f));
  __m256 erf = _mm256_or_ps(erf_abs, _mm256_and_ps(z, sign_bit));
  return _mm256_mul_ps(_mm256_mul_ps(x, _mm256_set1_ps(0.5f)), _mm256_add_ps(erf, _mm256_set1_ps(1.f)));
}

__attribute__((target("avx2,fma"))) void gelu_avx2(const float* x, float* out, int64_t count) {
  int64_t i = 0;
  for (; i + 8 <= count; i += 8) _mm256_storeu_ps(out + i, gelu256(_mm256_loadu_ps(x + i)));
  if (i < count) {
    const __m256i mask = tail_mask(count - i);
    _mm256_maskstore_ps(out + i, mask, gelu256(_mm256_maskload_ps(x + i, mask)));
  }
}

void gelu_scalar(const float* x, float* out, int64_t count) {
  for (int64_t i = 0; i < count; ++i) out[i] = 0.5f * x[i] * (1.f + std::erf(x[i] * 0.70710678118654752f));
}

// Mean by a vector sum, variance from the deviations (two passes over a row that is in L1), so rows with a large
// mean keep their precision.
__attribute__((target("avx2,fma"))) void layer_norm_avx2(const float* x, float* y, const float* w, const float* b,
                                                         int64_t len, float eps, float* mean_out, float* rstd_out) {
  __m256 acc = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 8 <= len; i += 8) acc = _mm256_add_ps(acc, _mm256_loadu_ps(x + i));
  float sum = hsum(acc);
  for (int64_t j = i; j < len; ++j) sum += x[j];
  const float mean = sum / static_cast<float>(len);
  const __m256 vm = _mm256_set1_ps(mean);
  acc = _mm256_setzero_ps();
  for (i = 0; i + 8 <= len; i += 8) {
    __m256 d = _mm256_sub_ps(_mm256_loadu_ps(x + i), vm);
    acc = _mm256_fmadd_ps(d, d, acc);
  }
  float squares = hsum(acc);
  for (int64_t j = i; j < len; ++j) squares += (x[j] - mean) * (x[j] - mean);
  const float rstd = 1.f / std::sqrt(squares / static_cast<float>(len) + eps);
  const __m256 vr = _mm256_set1_ps(rstd);
  for (i = 0; i + 8 <= len; i += 8) {
    __m256 v = _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(x + i), vm), vr);
    if (w != nullptr) v = _mm256_mul_ps(v, _mm256_loadu_ps(w + i));
    if (b != nullptr) v = _mm256_add_ps(v, _mm256_loadu_ps(b + i));
    _mm256_storeu_ps(y + i, v);
  }
  for (; i < len; ++i) {
    float v = (x[i] - mean) * rstd;
    if (w != nullptr) v *= w[i];
    if (b != nullptr) v += b[i];
    y[i] = v;
  }
  *mean_out = mean;
  *rstd_out = rstd;
}

void layer_norm_scalar(const float* x, float* y, const float* w, const float* b, int64_t len, float eps,
                       float* mean_out, float* rstd_out) {
  float sum = 0.f;
  for (int64_t i = 0; i < len; ++i) sum += x[i];
  const float mean = sum / static_cast<float>(len);
  float squares = 0.f;
  for (int64_t i = 0; i < len; ++i) squares += (x[i] - mean) * (x[i] - mean);
  const float rstd = 1.f / std::sqrt(squares / static_cast<float>(len) + eps);
  for (int64_t i = 0; i < len; ++i) {
    float v = (x[i] - mean) * rstd;
    if (w != nullptr) v *= w[i];
    if (b != nullptr) v += b[i];
    y[i] = v;
  }
  *mean_out = mean;
  *rstd_out = rstd;
}

}  // namespace

void layer_norm_row(const float* x, float* y, const float* w, const float* b, int64_t len, float eps, float* mean,
                    float* rstd) {
  if (has_avx2_fma()) layer_norm_avx2(x, y, w, b, len, eps, mean, rstd);
  else layer_norm_scalar(x, y, w, b, len, eps, mean, rstd);
}

void softmax_row(float* row, int64_t len, float scale) {
  if (has_avx2_fma()) softmax_avx2(row, len, scale);
  else softmax_scalar(row, len, scale);
}

void softmax_backward_row(const float* p, float* grad, int64_t len, float scale) {
  if (has_avx2_fma()) softmax_backward_avx2(p, grad, len, scale);
  else softmax_backward_scalar(p, grad, len, scale);
}

void gelu(const float* x, float* out, int64_t count) {
  if (has_avx2_fma()) gelu_avx2(x, out, count);
  else gelu_scalar(x, out, count);
}

}  // namespace mdl::vec
