// Shared plumbing for Medley's native layer: opaque tensor handles, error capture, argument helpers.
// Every exported function catches all C++ exceptions; failures return a sentinel and leave text for
// mdl_last_error(). Nothing here holds logic beyond marshalling.
#pragma once
#include <ATen/ATen.h>
#include <atomic>
#include <cstdint>
#include <string>

#define MDL_API extern "C" __attribute__((visibility("default")))

typedef at::Tensor* TensorHandle;

namespace mdl {

void set_error(const std::string& message);
std::atomic<int64_t>& live_tensor_count();

// Takes ownership of a tensor value and returns a heap handle the managed side must free.
inline TensorHandle wrap(at::Tensor t) {
  live_tensor_count().fetch_add(1, std::memory_order_relaxed);
  return new at::Tensor(std::move(t));
}

inline at::IntArrayRef dims(const int64_t* values, int64_t count) {
  return at::IntArrayRef(values, static_cast<size_t>(count));
}

inline c10::optional<at::Tensor> optional_tensor(TensorHandle h) {
  if (h == nullptr) return c10::nullopt;
  return *h;
}

inline at::Scalar scalar(double value, int is_integral) {
  if (is_integral) return at::Scalar(static_cast<int64_t>(value));
  return at::Scalar(value);
}

inline at::TensorOptions options(int dtype, int device_type, int device_index, int requires_grad) {
  return at::TensorOptions()
      .dtype(static_cast<at::ScalarType>(dtype))
      .device(at::Device(static_cast<at::DeviceType>(device_type), static_cast<c10::DeviceIndex>(device_index)))
      .requires_grad(requires_grad != 0);
}

inline std::vector<at::Tensor> tensor_list(const TensorHandle* handles, int64_t count) {
  std::vector<at::Tensor> out;
  out.reserve(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) out.push_back(*handles[i]);
  return out;
}

// Writes a tensor list into a caller-provided handle array (capacity checked by the caller).
int64_t write_list(const std::vector<at::Tensor>& values, TensorHandle* out, int64_t capacity);

}  // namespace mdl

#define MDL_TRY try {
#define MDL_CATCH(failure)                              \
  }                                                     \
  catch (const c10::Error& e) {                         \
    mdl::set_error(e.what_without_backtrace());         \
    return failure;                                     \
  }                                                     \
  catch (const std::exception& e) {                     \
    mdl::set_error(e.what());                           \
    return failure;                                     \
  }                                                     \
  catch (...) {                                         \
    mdl::set_error("unknown native exception");         \
    return failure;                                     \
  }

// Body returns an at::Tensor; the macro wraps it into a handle or returns nullptr on failure.
#define MDL_TENSOR(expr) \
  MDL_TRY return mdl::wrap(expr); MDL_CATCH(nullptr)
