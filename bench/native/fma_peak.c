// The core's fused multiply-add peak in GFLOP/s for float32: 16 independent vector accumulators, no memory traffic,
// so the loop is bound by FMA throughput alone. No real kernel runs faster; bench/roofline-cmap.sh divides a model's
// FLOPs by this to get the shortest time any engine could take on this core.
//   cc -O2 -o fma_peak fma_peak.c && ./fma_peak [seconds]     prints "RESULT fma_peak_gflops X" (the best of 5 runs)
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

// The empty asm keeps every accumulator live in a register, so the compiler can neither drop nor merge the chains.
#define KEEP(a, b, c, d) __asm__ volatile("" : "+v"(a), "+v"(b), "+v"(c), "+v"(d))
#define FMA16(fma)                                                                                                    \
  a0 = fma(a0, m, s); a1 = fma(a1, m, s); a2 = fma(a2, m, s); a3 = fma(a3, m, s);                                     \
  a4 = fma(a4, m, s); a5 = fma(a5, m, s); a6 = fma(a6, m, s); a7 = fma(a7, m, s);                                     \
  a8 = fma(a8, m, s); a9 = fma(a9, m, s); a10 = fma(a10, m, s); a11 = fma(a11, m, s);                                 \
  a12 = fma(a12, m, s); a13 = fma(a13, m, s); a14 = fma(a14, m, s); a15 = fma(a15, m, s);                             \
  KEEP(a0, a1, a2, a3); KEEP(a4, a5, a6, a7); KEEP(a8, a9, a10, a11); KEEP(a12, a13, a14, a15)

#define PEAK_LOOP(type, set1, fma, lanes)                                                                             \
  type a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, m = set1(0.999999f), s = set1(1e-7f);    \
  a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = a8 = a9 = a10 = a11 = a12 = a13 = a14 = a15 = set1(1.0f);                   \
  double t = now();                                                                                                   \
  for (long k = 0; k < iters; ++k) { FMA16(fma); }                                                                     \
  t = now() - t;                                                                                                      \
  KEEP(a0, a1, a2, a3);                                                                                               \
  return iters * 16.0 * lanes * 2 / t / 1e9;

__attribute__((target("avx512f"))) static double peak_avx512(long iters) { PEAK_LOOP(__m512, _mm512_set1_ps, _mm512_fmadd_ps, 16) }
__attribute__((target("avx2,fma"))) static double peak_avx2(long iters) { PEAK_LOOP(__m256, _mm256_set1_ps, _mm256_fmadd_ps, 8) }

int main(int argc, char** argv) {
  double seconds = argc > 1 ? atof(argv[1]) : 0.5;
  int wide = __builtin_cpu_supports("avx512f");
  if (!wide && !(__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))) {
    fprintf(stderr, "fma_peak: this CPU has neither AVX-512 nor AVX2+FMA\n");
    return 1;
  }
  long iters = 1000000;  // calibrate to about `seconds` per run
  double gf = wide ? peak_avx512(iters) : peak_avx2(iters);
  iters = (long)(seconds * gf * 1e9 / (16.0 * (wide ? 16 : 8) * 2));
  double best = 0;
  for (int r = 0; r < 5; ++r) {
    double g = wide ? peak_avx512(iters) : peak_avx2(iters);
    if (g > best) best = g;
  }
  printf("# fma_peak: %s, 16 independent accumulators, best of 5 runs of %ld iterations\n", wide ? "AVX-512" : "AVX2+FMA", iters);
  printf("RESULT fma_peak_gflops %.1f\n", best);
  return 0;
}
