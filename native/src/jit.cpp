// TorchScript modules: load (mapped to CPU), forward, parameters/buffers as handles, train/eval.
// The only file that includes torch/script.h (it compiles slowly); keep it to plain marshalling.
#include "common.h"
#include <torch/script.h>

typedef torch::jit::Module* ScriptHandle;

namespace {

thread_local std::string g_member_name;

// Flattens a forward result into tensors: a tensor, or a tuple/list whose elements are all tensors.
std::vector<at::Tensor> result_tensors(const c10::IValue& value) {
  if (value.isTensor()) return {value.toTensor()};
  std::vector<c10::IValue> items;
  if (value.isTuple()) {
    const auto& elements = value.toTupleRef().elements();
    items.assign(elements.begin(), elements.end());
  } else if (value.isList()) {
    auto list = value.toList();
    for (size_t i = 0; i < list.size(); ++i) items.push_back(list.get(i));
  } else {
    throw std::runtime_error("forward returned a " + value.tagKind() +
                             "; only a tensor or a tuple/list of tensors can be returned to Medley");
  }
  std::vector<at::Tensor> out;
  for (const auto& item : items) {
    if (!item.isTensor())
      throw std::runtime_error("forward returned a tuple/list holding a " + item.tagKind() +
                               "; only tensors can be returned to Medley");
    out.push_back(item.toTensor());
  }
  return out;
}

}  // namespace

MDL_API ScriptHandle mdl_jit_load(const char* path) {
  MDL_TRY
  return new torch::jit::Module(torch::jit::load(std::string(path), at::Device(at::kCPU)));
  MDL_CATCH(nullptr)
}

MDL_API void mdl_jit_free(ScriptHandle m) { delete m; }

// Runs forward; writes up to `capacity` result handles into `out` and returns their count (-1 on failure).
MDL_API int64_t mdl_jit_forward(ScriptHandle m, const TensorHandle* inputs, int64_t count, TensorHandle* out,
                                int64_t capacity) {
  MDL_TRY
  std::vector<c10::IValue> args;
  args.reserve(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) args.emplace_back(*inputs[i]);
  return mdl::write_list(result_tensors(m->forward(std::move(args))), out, capacity);
  MDL_CATCH(-1)
}

// kind 0 = parameters, 1 = buffers (recursive, in the module's own order).
MDL_API int64_t mdl_jit_member_count(ScriptHandle m, int kind) {
  MDL_TRY
  return kind == 0 ? static_cast<int64_t>(m->named_parameters().size())
                   : static_cast<int64_t>(m->named_buffers().size());
  MDL_CATCH(-1)
}

// Returns a handle sharing the member's storage and autograd identity; its dotted name is left for
// mdl_jit_member_name (valid until the next call on this thread).
MDL_API TensorHandle mdl_jit_member(ScriptHandle m, int kind, int64_t index) {
  MDL_TRY
  int64_t i = 0;
  auto pick = [&](const auto& list) -> TensorHandle {
    for (const auto& item : list) {
      if (i++ == index) {
        g_member_name = item.name;
        return mdl::wrap(item.value);
      }
    }
    throw std::out_of_range("member index " + std::to_string(index) + " is out of range");
  };
  return kind == 0 ? pick(m->named_parameters()) : pick(m->named_buffers());
  MDL_CATCH(nullptr)
}

MDL_API const char* mdl_jit_member_name() { return g_member_name.c_str(); }

MDL_API int mdl_jit_train(ScriptHandle m, int on) {
  MDL_TRY m->train(on != 0); return 0; MDL_CATCH(-1)
}

MDL_API int mdl_jit_is_training(ScriptHandle m) { return m->is_training() ? 1 : 0; }
