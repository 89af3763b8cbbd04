// Fused training augmentation for 8-bit HWC images: random-resized-crop (bilinear, cv::resize's half-pixel
// geometry) + horizontal flip + per-channel affine normalisation + HWC -> CHW float32, written straight into the
// caller's destination in one pass, then (only when asked) a Gaussian blur of each output plane. It replaces
// crop/resize into a scratch image, a flip, a float conversion and a separate normalise/reorder loop, which made
// the augmentation cost more than reading a cached image. Interpolation is done in float, so the result differs
// from OpenCV's 8-bit fixed-point resize by less than one grey level. On x86-64 CPUs with AVX2 the horizontal
// pass uses 256-bit vectors (chosen at run time; same floats as the SSE2 path). Kept free of ATen headers (compiles fast).
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <cmath>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

#define MDL_API extern "C" __attribute__((visibility("default")))

namespace mdl {
void set_error(const std::string& message);  // tensor_core.cpp
}

namespace {

// Source column (already multiplied by the channel count) and weight of the right-hand neighbour for each output
// column, following cv::resize INTER_LINEAR: sx = (dx + 0.5) * scale - 0.5, clamped at the borders.
void column_table(int x0, int crop_w, int out_w, int channels, bool flip, std::vector<int>& ofs, std::vector<float>& wt) {
  ofs.resize(out_w);
  wt.resize(out_w);
  const double scale = static_cast<double>(crop_w) / out_w;
  for (int dx = 0; dx < out_w; dx++) {
    double sx = (dx + 0.5) * scale - 0.5;
    int x = static_cast<int>(std::floor(sx));
    float f = static_cast<float>(sx - x);
    if (x < 0) { x = 0; f = 0; }
    // at the right border use the left neighbour with weight 1 (exact), so no read goes past the window
    if (x >= crop_w - 1) { x = crop_w > 1 ? crop_w - 2 : 0; f = crop_w > 1 ? 1.0f : 0.0f; }
    int at = flip ? out_w - 1 - dx : dx;
    ofs[at] = (x0 + x) * channels;
    wt[at] = f;
  }
}

#if defined(__x86_64__) || defined(__i386__)
#define MDL_HAVE_AVX2_PATH 1
// two_pixels returns a 256-bit vector; it is always inlined into an AVX2 function, so the ABI note does not apply
#pragma GCC diagnostic ignored "-Wpsabi"
// The 3-channel horizontal pass with 256-bit vectors, two pixels per vector: pixels dx+k and dx+4+k share vector k,
// so a per-128-bit-lane 4x4 transpose leaves R, G and B of eight consecutive pixels in one vector each. Same
// arithmetic per value (convert, subtract, multiply, add) as the SSE2 path, so both give identical floats.
// Returns the first output column it did not handle (the caller finishes the row).
// Two pixels' 4 bytes (at row + a and row + b) as eight floats.
__attribute__((target("avx2"), always_inline)) inline __m256 two_pixels(const uint8_t* row, int a, int b) {
  int32_t lo, hi;
  std::memcpy(&lo, row + a, 4);
  std::memcpy(&hi, row + b, 4);
  __m128i bytes = _mm_insert_epi32(_mm_cvtsi32_si128(lo), hi, 1);
  return _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(bytes));
}

__attribute__((target("avx2"))) int horizontal_rgb_avx2(const uint8_t* row, size_t avail, int step, int out_w,
                                                        const int* ofs, const float* wt, float* r, float* g, float* b) {
  int dx = 0;
  for (; dx + 8 <= out_w; dx += 8) {
    int far = ofs[dx];
    for (int k = 1; k < 8; k++) far = std::max(far, ofs[dx + k]);
    if (static_cast<size_t>(far + step + 4) > avail) break;  // a 4-byte load would pass the image's end
    __m256 v[4];
    for (int k = 0; k < 4; k++) {
      __m256 left = two_pixels(row, ofs[dx + k], ofs[dx + 4 + k]);
      __m256 right = two_pixels(row, ofs[dx + k] + step, ofs[dx + 4 + k] + step);
      __m256 w = _mm256_set_m128(_mm_set1_ps(wt[dx + 4 + k]), _mm_set1_ps(wt[dx + k]));
      v[k] = _mm256_add_ps(left, _mm256_mul_ps(w, _mm256_sub_ps(right, left)));
    }
    // per-lane transpose of [R G B x] x 4
    __m256 t0 = _mm256_unpacklo_ps(v[0], v[1]), t1 = _mm256_unpackhi_ps(v[0], v[1]);
    __m256 t2 = _mm256_unpacklo_ps(v[2], v[3]), t3 = _mm256_unpackhi_ps(v[2], v[3]);
    _mm256_storeu_ps(r + dx, _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0)));
    _mm256_storeu_ps(g + dx, _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2)));
    _mm256_storeu_ps(b + dx, _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0)));
  }
  return dx;
}

bool cpu_has_avx2() {
  static const bool has = __builtin_cpu_supports("avx2");
  return has;
}
#endif

// One source row interpolated horizontally into planar floats: out[c * out_w + dx]. `avail` is the number of bytes
// readable from `row` (to the end of the image), so the 4-byte vector loads below never leave the buffer.
void horizontal(const uint8_t* row, size_t avail, int channels, int out_w, bool crop_w_is_one, const int* ofs, const float* wt,
                float* out) {
  const int step = crop_w_is_one ? 0 : channels;
  if (channels == 3) {
    float* r = out;
    float* g = out + out_w;
    float* b = out + 2 * out_w;
#if defined(__SSE2__)
    // RGB of a pixel and its right neighbour as two 4-lane vectors (the 4th lane is unused): one lerp per pixel;
    // four pixels are transposed into R, G and B vectors so each plane takes one store per four pixels.
    const __m128i zero = _mm_setzero_si128();
    auto lerp = [&](int dx) {
      const uint8_t* p = row + ofs[dx];
      int32_t left, right;
      std::memcpy(&left, p, 4);
      std::memcpy(&right, p + step, 4);
      __m128 lf = _mm_cvtepi32_ps(_mm_unpacklo_epi16(_mm_unpacklo_epi8(_mm_cvtsi32_si128(left), zero), zero));
      __m128 rf = _mm_cvtepi32_ps(_mm_unpacklo_epi16(_mm_unpacklo_epi8(_mm_cvtsi32_si128(right), zero), zero));
      return _mm_add_ps(lf, _mm_mul_ps(_mm_set1_ps(wt[dx]), _mm_sub_ps(rf, lf)));
    };
    int dx = 0;
#if defined(MDL_HAVE_AVX2_PATH)
    if (cpu_has_avx2()) dx = horizontal_rgb_avx2(row, avail, step, out_w, ofs, wt, r, g, b);
#endif
    for (; dx + 4 <= out_w; dx += 4) {
      // a 4-byte load at the image's very last pixel would read past the buffer: leave such groups to the tail
      if (static_cast<size_t>(std::max(std::max(ofs[dx], ofs[dx + 1]), std::max(ofs[dx + 2], ofs[dx + 3])) + step + 4) > avail) break;
      __m128 v0 = lerp(dx), v1 = lerp(dx + 1), v2 = lerp(dx + 2), v3 = lerp(dx + 3);
      _MM_TRANSPOSE4_PS(v0, v1, v2, v3);
      _mm_storeu_ps(r + dx, v0);
      _mm_storeu_ps(g + dx, v1);
      _mm_storeu_ps(b + dx, v2);
    }
    for (; dx < out_w; dx++) {
      const uint8_t* p = row + ofs[dx];
      const float f = wt[dx];
      r[dx] = p[0] + f * (static_cast<float>(p[step]) - p[0]);
      g[dx] = p[1] + f * (static_cast<float>(p[step + 1]) - p[1]);
      b[dx] = p[2] + f * (static_cast<float>(p[step + 2]) - p[2]);
    }
#else
    for (int dx = 0; dx < out_w; dx++) {
      const uint8_t* p = row + ofs[dx];
      const float f = wt[dx];
      r[dx] = p[0] + f * (static_cast<float>(p[step]) - p[0]);
      g[dx] = p[1] + f * (static_cast<float>(p[step + 1]) - p[1]);
      b[dx] = p[2] + f * (static_cast<float>(p[step + 2]) - p[2]);
    }
#endif
  } else {
    for (int dx = 0; dx < out_w; dx++) {
      const uint8_t* p = row + ofs[dx];
      out[dx] = p[0] + wt[dx] * (static_cast<float>(p[step]) - p[0]);
    }
  }
}

}  // namespace

// src: width x height x channels uint8 (1 or 3 channels). Window (x0, y0, crop_w, crop_h) is resized to
// out_w x out_h, mirrored when flip != 0, and written as dst[c][y][x] = value * scale[c] + shift[c] (value in
// 0..255). When sigma > 0 and ksize >= 3 each plane is then blurred (ksize x ksize, reflect-101 border); the blur
// commutes with the affine normalisation because its weights sum to one.
MDL_API int mdl_img_augment_chw_u8(const uint8_t* src, int width, int height, int channels, int x0, int y0, int crop_w,
                                   int crop_h, int flip, const float* scale, const float* shift, float* dst, int out_w,
                                   int out_h, double sigma, int ksize) {
  try {
    if (channels != 1 && channels != 3) throw std::invalid_argument("channels must be 1 or 3");
    if (width <= 0 || height <= 0 || out_w <= 0 || out_h <= 0) throw std::invalid_argument("sizes must be positive");
    if (crop_w <= 0 || crop_h <= 0 || x0 < 0 || y0 < 0 || x0 + crop_w > width || y0 + crop_h > height)
      throw std::invalid_argument("the crop window lies outside the image");
    thread_local std::vector<int> ofs;
    thread_local std::vector<float> wt;
    thread_local std::vector<float> rows;  // two horizontally interpolated source rows, planar
    column_table(x0, crop_w, out_w, channels, flip != 0, ofs, wt);
    const int row_len = channels * out_w;
    rows.resize(2 * static_cast<size_t>(row_len));
    float* slot[2] = {rows.data(), rows.data() + row_len};
    int held[2] = {-1, -1};  // source row in each slot
    const size_t stride = static_cast<size_t>(width) * channels;
    const size_t plane = static_cast<size_t>(out_w) * out_h;
    const double yscale = static_cast<double>(crop_h) / out_h;
    auto fetch = [&](int y) -> const float* {
      for (int s = 0; s < 2; s++)
        if (held[s] == y) return slot[s];
      // rows are visited in increasing order, so replace the older one
      int s = held[0] < held[1] ? 0 : 1;
      const size_t start = static_cast<size_t>(y0 + y) * stride;
      horizontal(src + start, static_cast<size_t>(height) * stride - start, channels, out_w, crop_w == 1, ofs.data(), wt.data(), slot[s]);
      held[s] = y;
      return slot[s];
    };
    for (int dy = 0; dy < out_h; dy++) {
      double sy = (dy + 0.5) * yscale - 0.5;
      int y = static_cast<int>(std::floor(sy));
      float f = static_cast<float>(sy - y);
      if (y < 0) { y = 0; f = 0; }
      if (y >= crop_h - 1) { y = crop_h - 1; f = 0; }
      const float* top = fetch(y);
      const float* bottom = f > 0 ? fetch(y + 1) : top;
      for (int c = 0; c < channels; c++) {
        const float a = (1 - f) * scale[c], b = f * scale[c], k = shift[c];
        const float* t = top + c * out_w;
        const float* u = bottom + c * out_w;
        float* o = dst + c * plane + static_cast<size_t>(dy) * out_w;
        for (int dx = 0; dx < out_w; dx++) o[dx] = t[dx] * a + u[dx] * b + k;
      }
    }
    if (sigma > 0 && ksize >= 3) {
      for (int c = 0; c < channels; c++) {
        cv::Mat m(out_h, out_w, CV_32F, dst + c * plane);
        cv::GaussianBlur(m, m, cv::Size(ksize, ksize), sigma, sigma, cv::BORDER_REFLECT_101);
      }
    }
    return 0;
  } catch (const std::exception& e) {
    mdl::set_error(e.what());
    return -1;
  }
}
