// Fused CPU kernels behind ordinary ops: each takes float32 contiguous CPU tensors and falls back to the ATen op for
// anything else, with the same results (to float rounding) and the same autograd behaviour, second order included.
#pragma once
#include <ATen/ATen.h>

namespace mdl::fused {

// Exact GELU, x·Φ(x).
at::Tensor gelu(const at::Tensor& x);

// at::layer_norm over the trailing normalized_shape dimensions.
at::Tensor layer_norm(const at::Tensor& x, at::IntArrayRef normalized_shape, const c10::optional<at::Tensor>& weight,
                      const c10::optional<at::Tensor>& bias, double eps);

}  // namespace mdl::fused
