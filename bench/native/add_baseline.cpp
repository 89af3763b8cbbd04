// The floor under every front end: the same tiny add as Medley.Bench and bench_torch.py, called straight from C++.
// Prints "RESULT <name> <microseconds>" (median over BENCH_REPEATS runs of the mean time per op), like the others,
// so summarize.py can subtract it: front-end overhead = front-end time − this time, per round.
// Threads: MEDLEY_NUM_THREADS (as the C# side reads it), else the core count.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr int kTinyOps = 100000;

double micros_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
}

// Each result is a temporary destroyed at the end of the statement: one add plus one free per iteration,
// the work that Medley's add+Dispose and Python's `c = a + b` both do.
double add_free_each(std::vector<int64_t> shape) {
  auto a = at::ones(shape), b = at::ones(shape);
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kTinyOps; ++i) {
    at::Tensor c = at::add(a, b, 1);
  }
  return micros_since(start) / kTinyOps;
}

// 1000 results alive before they are freed together (what a DisposeScope per 1000 ops does to the allocator).
// Informational: the overhead rows subtract add_free_each, the pure op cost.
double add_held_1000(std::vector<int64_t> shape) {
  auto a = at::ones(shape), b = at::ones(shape);
  std::vector<at::Tensor> held;
  held.reserve(1000);
  auto start = std::chrono::steady_clock::now();
  for (int done = 0; done < kTinyOps; done += 1000) {
    for (int i = 0; i < 1000; ++i) held.push_back(at::add(a, b, 1));
    held.clear();
  }
  return micros_since(start) / kTinyOps;
}

// As add_free_each, plus the handle that Medley's native layer puts around every result (mdl::wrap: a heap
// at::Tensor and a live-count increment; mdl_free: delete and decrement). Informational: prices the heap handle.
std::atomic<int64_t> g_live{0};
double add_heap_handle(std::vector<int64_t> shape) {
  auto a = at::ones(shape), b = at::ones(shape);
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kTinyOps; ++i) {
    g_live.fetch_add(1, std::memory_order_relaxed);
    at::Tensor* volatile handle = new at::Tensor(at::add(a, b, 1));
    delete handle;
    g_live.fetch_sub(1, std::memory_order_relaxed);
  }
  return micros_since(start) / kTinyOps;
}

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : fallback;
}

}  // namespace

int main(int argc, char** argv) {
  int threads = env_int("MEDLEY_NUM_THREADS", static_cast<int>(std::thread::hardware_concurrency()));
  at::set_num_threads(threads);
  int repeats = env_int("BENCH_REPEATS", 7);
  std::set<std::string> only(argv + 1, argv + argc);
  std::printf("# native libtorch (C++): threads=%d repeats=%d\n", at::get_num_threads(), repeats);

  // Same names as the front ends' rows; every add_* row is the free-each-time floor (C++ has no scope pattern).
  const std::vector<std::pair<std::string, std::function<double()>>> benchmarks = {
      {"add_1_dispose", [] { return add_free_each({1}); }},
      {"add_2x2_dispose", [] { return add_free_each({2, 2}); }},
      {"add_2x2_scope1000", [] { return add_free_each({2, 2}); }},
      {"add_2x2_scope1", [] { return add_free_each({2, 2}); }},
      {"add_2x2_held1000", [] { return add_held_1000({2, 2}); }},
      {"add_2x2_heap_handle", [] { return add_heap_handle({2, 2}); }},
  };
  for (const auto& [name, run] : benchmarks) {
    if (!only.empty() && !only.count(name)) continue;
    run();  // warm-up
    std::vector<double> samples;
    for (int i = 0; i < repeats; ++i) samples.push_back(run());
    std::sort(samples.begin(), samples.end());
    std::printf("RESULT %s %.3f\n", name.c_str(), samples[repeats / 2]);
    std::fflush(stdout);
  }
  return 0;
}
