// Neural-network functional ops: convolution, pooling, resampling, padding, dropout, embedding, normalisation
// and activations. Each export is one ATen call; argument checking and defaults live in NN/Functional*.cs.
#include "common.h"
#include "fused_ops.h"

namespace {
at::IntArrayRef arr(const int64_t* v, int64_t n) { return mdl::dims(v, n); }
}  // namespace

// ---- convolution ----------------------------------------------------------------------------------------
// spatial = 1, 2 or 3; stride/padding/dilation each hold `spatial` values.
MDL_API TensorHandle mdl_nn_conv(int spatial, TensorHandle x, TensorHandle w, TensorHandle b, const int64_t* stride,
                                 const int64_t* padding, const int64_t* dilation, int64_t groups) {
  MDL_TRY
  auto bias = mdl::optional_tensor(b);
  auto s = arr(stride, spatial), p = arr(padding, spatial), d = arr(dilation, spatial);
  switch (spatial) {
    case 1: return mdl::wrap(at::conv1d(*x, *w, bias, s, p, d, groups));
    case 2: return mdl::wrap(at::conv2d(*x, *w, bias, s, p, d, groups));
    default: return mdl::wrap(at::conv3d(*x, *w, bias, s, p, d, groups));
  }
  MDL_CATCH(nullptr)
}

// String padding ("same" / "valid"), as torch.nn.functional.conv*d(padding="same").
MDL_API TensorHandle mdl_nn_conv_padmode(int spatial, TensorHandle x, TensorHandle w, TensorHandle b,
                                         const int64_t* stride, const char* padding, const int64_t* dilation,
                                         int64_t groups) {
  MDL_TRY
  auto bias = mdl::optional_tensor(b);
  auto s = arr(stride, spatial), d = arr(dilation, spatial);
  c10::string_view mode(padding);
  switch (spatial) {
    case 1: return mdl::wrap(at::conv1d(*x, *w, bias, s, mode, d, groups));
    case 2: return mdl::wrap(at::conv2d(*x, *w, bias, s, mode, d, groups));
    default: return mdl::wrap(at::conv3d(*x, *w, bias, s, mode, d, groups));
  }
  MDL_CATCH(nullptr)
}

MDL_API TensorHandle mdl_nn_conv_transpose(int spatial, TensorHandle x, TensorHandle w, TensorHandle b,
                                           const int64_t* stride, const int64_t* padding,
                                           const int64_t* output_padding, int64_t groups, const int64_t* dilation) {
  MDL_TRY
  auto bias = mdl::optional_tensor(b);
  auto s = arr(stride, spatial), p = arr(padding, spatial), op = arr(output_padding, spatial),
       d = arr(dilation, spatial);
  switch (spatial) {
    case 1: return mdl::wrap(at::conv_transpose1d(*x, *w, bias, s, p, op, groups, d));
    case 2: return mdl::wrap(at::conv_transpose2d(*x, *w, bias, s, p, op, groups, d));
    default: return mdl::wrap(at::conv_transpose3d(*x, *w, bias, s, p, op, groups, d));
  }
  MDL_CATCH(nullptr)
}

// ---- pooling --------------------------------------------------------------------------------------------
MDL_API TensorHandle mdl_nn_max_pool(int spatial, TensorHandle x, const int64_t* kernel, const int64_t* stride,
                                     const int64_t* padding, const int64_t* dilation, int ceil_mode) {
  MDL_TRY
  auto k = arr(kernel, spatial), s = arr(stride, spatial), p = arr(padding, spatial), d = arr(dilation, spatial);
  switch (spatial) {
    case 1: return mdl::wrap(at::max_pool1d(*x, k, s, p, d, ceil_mode != 0));
    case 2: return mdl::wrap(at::max_pool2d(*x, k, s, p, d, ceil_mode != 0));
    default: return mdl::wrap(at::max_pool3d(*x, k, s, p, d, ceil_mode != 0));
  }
  MDL_CATCH(nullptr)
}

// divisor_override <= 0 means none.
MDL_API TensorHandle mdl_nn_avg_pool(int spatial, TensorHandle x, const int64_t* kernel, const int64_t* stride,
                                     const int64_t* padding, int ceil_mode, int count_include_pad,
                                     int64_t divisor_override) {
  MDL_TRY
  auto k = arr(kernel, spatial), s = arr(stride, spatial), p = arr(padding, spatial);
  c10::optional<int64_t> divisor = divisor_override > 0 ? c10::optional<int64_t>(divisor_override) : c10::nullopt;
  switch (spatial) {
    case 1: return mdl::wrap(at::avg_pool1d(*x, k, s, p, ceil_mode != 0, count_include_pad != 0));
    case 2: return mdl::wrap(at::avg_pool2d(*x, k, s, p, ceil_mode != 0, count_include_pad != 0, divisor));
    default: return mdl::wrap(at::avg_pool3d(*x, k, s, p, ceil_mode != 0, count_include_pad != 0, divisor));
  }
  MDL_CATCH(nullptr)
}

MDL_API TensorHandle mdl_nn_adaptive_avg_pool(int spatial, TensorHandle x, const int64_t* size) {
  MDL_TRY
  auto o = arr(size, spatial);
  switch (spatial) {
    case 1: return mdl::wrap(at::adaptive_avg_pool1d(*x, o));
    case 2: return mdl::wrap(at::adaptive_avg_pool2d(*x, o));
    default: return mdl::wrap(at::adaptive_avg_pool3d(*x, o));
  }
  MDL_CATCH(nullptr)
}

// Writes (values, indices) into out[2].
MDL_API int64_t mdl_nn_adaptive_max_pool(int spatial, TensorHandle x, const int64_t* size, TensorHandle* out) {
  MDL_TRY
  auto o = arr(size, spatial);
  std::tuple<at::Tensor, at::Tensor> r;
  switch (spatial) {
    case 1: r = at::adaptive_max_pool1d(*x, o); break;
    case 2: r = at::adaptive_max_pool2d(*x, o); break;
    default: r = at::adaptive_max_pool3d(*x, o); break;
  }
  return mdl::write_list({std::get<0>(r), std::get<1>(r)}, out, 2);
  MDL_CATCH(-1)
}

// ---- resampling and padding -----------------------------------------------------------------------------
// mode: 0 nearest, 1 linear (1-d), 2 bilinear, 3 bicubic, 4 trilinear. Exactly one of size/scales is given
// (count 0 for the other), as torch.nn.functional.interpolate passes them on.
MDL_API TensorHandle mdl_nn_interpolate(TensorHandle x, int mode, const int64_t* size, int64_t nsize,
                                        const double* scales, int64_t nscales, int align_corners) {
  MDL_TRY
  at::OptionalIntArrayRef out_size = nsize > 0 ? at::OptionalIntArrayRef(arr(size, nsize)) : c10::nullopt;
  c10::optional<at::ArrayRef<double>> sc =
      nscales > 0 ? c10::optional<at::ArrayRef<double>>(at::ArrayRef<double>(scales, nscales)) : c10::nullopt;
  bool ac = align_corners != 0;
  auto spatial = x->dim() - 2;
  switch (mode) {
    case 0:
      if (spatial == 1) return mdl::wrap(at::upsample_nearest1d(*x, out_size, sc));
      if (spatial == 2) return mdl::wrap(at::upsample_nearest2d(*x, out_size, sc));
      return mdl::wrap(at::upsample_nearest3d(*x, out_size, sc));
    case 1: return mdl::wrap(at::upsample_linear1d(*x, out_size, ac, sc));
    case 2: return mdl::wrap(at::upsample_bilinear2d(*x, out_size, ac, sc));
    case 3: return mdl::wrap(at::upsample_bicubic2d(*x, out_size, ac, sc));
    default: return mdl::wrap(at::upsample_trilinear3d(*x, out_size, ac, sc));
  }
  MDL_CATCH(nullptr)
}

// mode: "constant", "reflect", "replicate" or "circular"; value only applies to "constant".
MDL_API TensorHandle mdl_nn_pad(TensorHandle x, const int64_t* pad, int64_t npad, const char* mode, double value) {
  MDL_TRY
  std::string m(mode);
  c10::optional<double> v = m == "constant" ? c10::optional<double>(value) : c10::nullopt;
  return mdl::wrap(at::pad(*x, arr(pad, npad), m, v));
  MDL_CATCH(nullptr)
}

// ---- dropout and embedding ------------------------------------------------------------------------------
MDL_API TensorHandle mdl_nn_dropout(TensorHandle x, double p, int train) { MDL_TENSOR(at::dropout(*x, p, train != 0)) }
MDL_API TensorHandle mdl_nn_feature_dropout(TensorHandle x, double p, int train) {
  MDL_TENSOR(at::feature_dropout(*x, p, train != 0))
}
MDL_API TensorHandle mdl_nn_embedding(TensorHandle weight, TensorHandle indices, int64_t padding_idx) {
  MDL_TENSOR(at::embedding(*weight, *indices, padding_idx, false, false))
}
MDL_API TensorHandle mdl_nn_one_hot(TensorHandle x, int64_t num_classes) { MDL_TENSOR(at::one_hot(*x, num_classes)) }

// ---- normalisation --------------------------------------------------------------------------------------
MDL_API TensorHandle mdl_nn_layer_norm(TensorHandle x, const int64_t* shape, int64_t ndim, TensorHandle w,
                                       TensorHandle b, double eps) {
  MDL_TENSOR(mdl::fused::layer_norm(*x, arr(shape, ndim), mdl::optional_tensor(w), mdl::optional_tensor(b), eps))
}
// Training mode updates running_mean/running_var in place (when given) with `momentum`.
MDL_API TensorHandle mdl_nn_batch_norm(TensorHandle x, TensorHandle w, TensorHandle b, TensorHandle running_mean,
                                       TensorHandle running_var, int training, double momentum, double eps) {
  MDL_TENSOR(at::batch_norm(*x, mdl::optional_tensor(w), mdl::optional_tensor(b), mdl::optional_tensor(running_mean),
                            mdl::optional_tensor(running_var), training != 0, momentum, eps, true))
}
MDL_API TensorHandle mdl_nn_group_norm(TensorHandle x, int64_t groups, TensorHandle w, TensorHandle b, double eps) {
  MDL_TENSOR(at::group_norm(*x, groups, mdl::optional_tensor(w), mdl::optional_tensor(b), eps, true))
}
MDL_API TensorHandle mdl_nn_instance_norm(TensorHandle x, TensorHandle w, TensorHandle b, TensorHandle running_mean,
                                          TensorHandle running_var, int use_input_stats, double momentum, double eps) {
  MDL_TENSOR(at::instance_norm(*x, mdl::optional_tensor(w), mdl::optional_tensor(b),
                               mdl::optional_tensor(running_mean), mdl::optional_tensor(running_var),
                               use_input_stats != 0, momentum, eps, true))
}
// ||x||_p along dim, keeping the dim (F.normalize's denominator before clamping).
MDL_API TensorHandle mdl_nn_norm_keepdim(TensorHandle x, double p, int64_t dim) {
  MDL_TENSOR(at::norm(*x, p, at::IntArrayRef{dim}, true))
}
MDL_API TensorHandle mdl_nn_clamp_min(TensorHandle x, double min) { MDL_TENSOR(at::clamp_min(*x, min)) }

// ---- activations ----------------------------------------------------------------------------------------
MDL_API TensorHandle mdl_nn_relu(TensorHandle x) { MDL_TENSOR(at::relu(*x)) }
MDL_API TensorHandle mdl_nn_leaky_relu(TensorHandle x, double slope) { MDL_TENSOR(at::leaky_relu(*x, slope)) }
MDL_API TensorHandle mdl_nn_gelu(TensorHandle x, int tanh_approx) {
  MDL_TENSOR(tanh_approx ? at::gelu(*x, "tanh") : mdl::fused::gelu(*x))
}
MDL_API TensorHandle mdl_nn_sigmoid(TensorHandle x) { MDL_TENSOR(at::sigmoid(*x)) }
MDL_API TensorHandle mdl_nn_tanh(TensorHandle x) { MDL_TENSOR(at::tanh(*x)) }
MDL_API TensorHandle mdl_nn_silu(TensorHandle x) { MDL_TENSOR(at::silu(*x)) }
MDL_API TensorHandle mdl_nn_softmax(TensorHandle x, int64_t dim) { MDL_TENSOR(at::softmax(*x, dim)) }
MDL_API TensorHandle mdl_nn_log_softmax(TensorHandle x, int64_t dim) { MDL_TENSOR(at::log_softmax(*x, dim)) }
