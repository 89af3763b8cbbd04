// The process's heap policy for tensor memory. A forward pass allocates and frees the same few hundred-KB buffers
// over and over; with glibc's defaults those above the mmap threshold come from fresh mmaps, and freed memory at the
// top of the heap goes back to the kernel, so the next pass page-faults and zero-fills it again (~5 % of a ViT-Ti
// batch-1 forward in a profile, bench/RESULTS.md). Raising both thresholds keeps freed blocks in the heap for reuse.
#include "common.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

// Blocks up to mmap_threshold bytes come from the heap, and up to trim_threshold bytes of free memory at its top stay
// there. 0 when set, -1 where the C library has no such knobs (not glibc) or refuses the values.
MDL_API int mdl_keep_freed_memory(int64_t mmap_threshold, int64_t trim_threshold) {
#if defined(__GLIBC__)
  if (mmap_threshold <= 0 || trim_threshold <= 0 || mmap_threshold > INT32_MAX || trim_threshold > INT32_MAX) return -1;
  const bool ok = mallopt(M_MMAP_THRESHOLD, static_cast<int>(mmap_threshold)) == 1 &&
                  mallopt(M_TRIM_THRESHOLD, static_cast<int>(trim_threshold)) == 1;
  return ok ? 0 : -1;
#else
  (void)mmap_threshold;
  (void)trim_threshold;
  return -1;
#endif
}
