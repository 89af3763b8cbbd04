// Handle lifetime, metadata, raw data transfer, runtime settings (threads, grad mode) and autograd entry points.
#include "common.h"
#include <ATen/Parallel.h>
#include <ATen/CPUGeneratorImpl.h>
#include <c10/core/InferenceMode.h>
#include <c10/core/GradMode.h>
#include <cstring>

namespace mdl {

static thread_local std::string g_last_error;
static thread_local bool g_has_error = false;

void set_error(const std::string& message) {
  g_last_error = message;
  g_has_error = true;
}

std::atomic<int64_t>& live_tensor_count() {
  static std::atomic<int64_t> count{0};
  return count;
}

int64_t write_list(const std::vector<at::Tensor>& values, TensorHandle* out, int64_t capacity) {
  if (static_cast<int64_t>(values.size()) > capacity) {
    set_error("result has " + std::to_string(values.size()) + " tensors but only " + std::to_string(capacity) +
              " slots were provided");
    return -1;
  }
  for (size_t i = 0; i < values.size(); ++i) out[i] = wrap(values[i]);
  return static_cast<int64_t>(values.size());
}

}  // namespace mdl

// ---- errors ---------------------------------------------------------------------------------------------
// Returns the pending error text (or null) and clears it. The pointer stays valid until the next failure.
MDL_API const char* mdl_take_error() {
  if (!mdl::g_has_error) return nullptr;
  mdl::g_has_error = false;
  return mdl::g_last_error.c_str();
}

// ---- lifetime -------------------------------------------------------------------------------------------
MDL_API void mdl_free(TensorHandle h) {
  if (h == nullptr) return;
  delete h;
  mdl::live_tensor_count().fetch_sub(1, std::memory_order_relaxed);
}

MDL_API int64_t mdl_live_tensors() { return mdl::live_tensor_count().load(); }

// ---- metadata -------------------------------------------------------------------------------------------
MDL_API int64_t mdl_dim(TensorHandle h) { return h->dim(); }
MDL_API int64_t mdl_numel(TensorHandle h) { return h->numel(); }
MDL_API int mdl_dtype(TensorHandle h) { return static_cast<int>(h->scalar_type()); }
MDL_API int mdl_device_type(TensorHandle h) { return static_cast<int>(h->device().type()); }
MDL_API int mdl_device_index(TensorHandle h) { return h->device().index(); }
MDL_API int mdl_is_defined(TensorHandle h) { return h->defined() ? 1 : 0; }
MDL_API int mdl_is_contiguous(TensorHandle h) { return h->is_contiguous() ? 1 : 0; }
MDL_API void mdl_shape(TensorHandle h, int64_t* out) {
  auto s = h->sizes();
  for (size_t i = 0; i < s.size(); ++i) out[i] = s[i];
}
MDL_API void mdl_strides(TensorHandle h, int64_t* out) {
  auto s = h->strides();
  for (size_t i = 0; i < s.size(); ++i) out[i] = s[i];
}

// ---- data transfer --------------------------------------------------------------------------------------
// Copies `nbytes` from host memory into a new tensor of the given shape/dtype (the caller checked the size).
MDL_API TensorHandle mdl_from_blob(const void* data, const int64_t* shape, int64_t ndim, int dtype, int device_type,
                                   int device_index, int requires_grad) {
  MDL_TRY
  auto cpu = at::empty(mdl::dims(shape, ndim), at::TensorOptions().dtype(static_cast<at::ScalarType>(dtype)));
  if (cpu.numel() > 0) std::memcpy(cpu.data_ptr(), data, cpu.numel() * cpu.element_size());
  auto target = at::Device(static_cast<at::DeviceType>(device_type), static_cast<c10::DeviceIndex>(device_index));
  at::Tensor result = target.is_cpu() ? cpu : cpu.to(target);
  if (requires_grad) result.set_requires_grad(true);
  return mdl::wrap(result);
  MDL_CATCH(nullptr)
}

// A dense row-major host tensor with the values of h (h itself when it already is one) and its data pointer, so that
// callers can write large tensors to files straight from tensor memory; the handle keeps the memory alive.
MDL_API TensorHandle mdl_host_dense(TensorHandle h, void** data) {
  MDL_TRY
  at::NoGradGuard no_grad;
  auto t = h->detach().to(at::kCPU).contiguous();
  *data = t.numel() > 0 ? t.data_ptr() : nullptr;
  return mdl::wrap(std::move(t));
  MDL_CATCH(nullptr)
}

// Copies a tensor's values (any layout/device) into host memory as a dense row-major block.
MDL_API int mdl_copy_to(TensorHandle h, void* dst, int64_t nbytes) {
  MDL_TRY
  at::NoGradGuard no_grad;
  auto t = h->to(at::kCPU).contiguous();
  int64_t need = t.numel() * static_cast<int64_t>(t.element_size());
  if (need != nbytes) {
    mdl::set_error("destination holds " + std::to_string(nbytes) + " bytes but the tensor needs " +
                   std::to_string(need));
    return -1;
  }
  if (need > 0) std::memcpy(dst, t.data_ptr(), static_cast<size_t>(need));
  return 0;
  MDL_CATCH(-1)
}

MDL_API double mdl_item_double(TensorHandle h) {
  MDL_TRY return h->item().toDouble(); MDL_CATCH(0.0)
}
MDL_API int64_t mdl_item_long(TensorHandle h) {
  MDL_TRY return h->item().toLong(); MDL_CATCH(0)
}

// ---- runtime --------------------------------------------------------------------------------------------
MDL_API void mdl_set_num_threads(int n) { at::set_num_threads(n); }
MDL_API int mdl_get_num_threads() { return at::get_num_threads(); }
MDL_API void mdl_manual_seed(uint64_t seed) { at::manual_seed(seed); }
MDL_API int mdl_set_grad_enabled(int enabled) {
  bool previous = c10::GradMode::is_enabled();
  c10::GradMode::set_enabled(enabled != 0);
  return previous ? 1 : 0;
}
MDL_API int mdl_is_grad_enabled() { return c10::GradMode::is_enabled() ? 1 : 0; }
MDL_API void* mdl_inference_mode_enter() {
  MDL_TRY return new c10::InferenceMode(true); MDL_CATCH(nullptr)
}
MDL_API void mdl_inference_mode_exit(void* guard) { delete static_cast<c10::InferenceMode*>(guard); }
MDL_API int mdl_is_inference_mode() { return c10::InferenceMode::is_enabled() ? 1 : 0; }
MDL_API int mdl_is_inference(TensorHandle h) { return h->is_inference() ? 1 : 0; }

// ---- generators (seeded randomness independent of the global generator) -------------------------------
MDL_API void* mdl_generator_new(uint64_t seed) {
  MDL_TRY return new at::Generator(at::detail::createCPUGenerator(seed)); MDL_CATCH(nullptr)
}
MDL_API void mdl_generator_free(void* g) { delete static_cast<at::Generator*>(g); }
MDL_API void mdl_generator_set_seed(void* g, uint64_t seed) {
  auto* gen = static_cast<at::Generator*>(g);
  std::lock_guard<std::mutex> lock(gen->mutex());
  gen->set_current_seed(seed);
}

// ---- autograd -------------------------------------------------------------------------------------------
MDL_API int mdl_requires_grad(TensorHandle h) { return h->requires_grad() ? 1 : 0; }
MDL_API int mdl_set_requires_grad(TensorHandle h, int value) {
  MDL_TRY h->set_requires_grad(value != 0); return 0; MDL_CATCH(-1)
}
MDL_API int mdl_is_leaf(TensorHandle h) { return h->is_leaf() ? 1 : 0; }
// Returns the gradient, or null with no error when it is undefined.
MDL_API TensorHandle mdl_grad(TensorHandle h) {
  MDL_TRY
  const auto& g = h->grad();
  if (!g.defined()) return nullptr;
  return mdl::wrap(g);
  MDL_CATCH(nullptr)
}
MDL_API int mdl_set_grad(TensorHandle h, TensorHandle grad) {
  MDL_TRY
  h->mutable_grad() = grad == nullptr ? at::Tensor() : *grad;
  return 0;
  MDL_CATCH(-1)
}
MDL_API int mdl_backward(TensorHandle h, TensorHandle gradient, int retain_graph, int create_graph) {
  MDL_TRY
  h->backward(gradient == nullptr ? at::Tensor() : *gradient, retain_graph != 0, create_graph != 0);
  return 0;
  MDL_CATCH(-1)
}
MDL_API int mdl_retain_grad(TensorHandle h) {
  MDL_TRY h->retain_grad(); return 0; MDL_CATCH(-1)
}
MDL_API TensorHandle mdl_detach(TensorHandle h) { MDL_TENSOR(h->detach()) }
MDL_API int mdl_detach_(TensorHandle h) {
  MDL_TRY h->detach_(); return 0; MDL_CATCH(-1)
}
// Another handle to the same tensor (shares storage and autograd identity).
MDL_API TensorHandle mdl_alias(TensorHandle h) { MDL_TENSOR(*h) }
