// The floor under every front end: the same tiny add as Medley.Bench and bench_torch.py, called straight from C++.
// Prints "RESULT <name> <microseconds>" (median over BENCH_REPEATS runs of the mean wall time per op) and
// "RESULT cpu:<name> <microseconds>" (the same for the thread's CPU time), like the others,
// so summarize.py can subtract it: front-end overhead = front-end time − this time, per round.
// Threads: MEDLEY_NUM_THREADS (as the C# side reads it), else the core count.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr int kTinyOps = 100000;

// Wall time and the calling thread's CPU time (which leaves out waiting for a core on a shared machine).
struct Timing {
  double wall, cpu;
};

double thread_cpu_micros() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

struct OpClock {
  std::chrono::steady_clock::time_point wall = std::chrono::steady_clock::now();
  double cpu = thread_cpu_micros();
  Timing per_op(int ops) const {
    double w = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - wall).count();
    return {w / ops, (thread_cpu_micros() - cpu) / ops};
  }
};

// Each result is a temporary destroyed at the end of the statement: one add plus one free per iteration,
// the work that Medley's add+Dispose and Python's `c = a + b` both do.
Timing add_free_each(std::vector<int64_t> shape) {
  auto a = at::ones(shape), b = at::ones(shape);
  OpClock clock;
  for (int i = 0; i < kTinyOps; ++i) {
    at::Tensor c = at::add(a, b, 1);
  }
  return clock.per_op(kTinyOps);
}

// 1000 results alive before they are freed together (what a DisposeScope per 1000 ops does to the allocator).
// Informational: the overhead rows subtract add_free_each, the pure op cost.
Timing add_held_1000(std::vector<int64_t> shape) {
  auto a = at::ones(shape), b = at::ones(shape);
  std::vector<at::Tensor> held;
  held.reserve(1000);
  OpClock clock;
  for (int done = 0; done < kTinyOps; done += 1000) {
    for (int i = 0; i < 1000; ++i) held.push_back(at::add(a, b, 1));
    held.clear();
  }
  return clock.per_op(kTinyOps);
}

// As add_free_each, plus the handle that Medley's native layer puts around every result (mdl::wrap: a heap
// at::Tensor and a live-count increment; mdl_free: delete and decrement). Informational: prices the heap handle.
std::atomic<int64_t> g_live{0};
Timing add_heap_handle(std::vector<int64_t> shape) {
  auto a = at::ones(shape), b = at::ones(shape);
  OpClock clock;
  for (int i = 0; i < kTinyOps; ++i) {
    g_live.fetch_add(1, std::memory_order_relaxed);
    at::Tensor* volatile handle = new at::Tensor(at::add(a, b, 1));
    delete handle;
    g_live.fetch_sub(1, std::memory_order_relaxed);
  }
  return clock.per_op(kTinyOps);
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
  const std::vector<std::pair<std::string, std::function<Timing()>>> benchmarks = {
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
    std::vector<double> wall, cpu;
    for (int i = 0; i < repeats; ++i) {
      Timing t = run();
      wall.push_back(t.wall);
      cpu.push_back(t.cpu);
    }
    std::sort(wall.begin(), wall.end());
    std::sort(cpu.begin(), cpu.end());
    std::printf("RESULT %s %.3f\nRESULT cpu:%s %.3f\n", name.c_str(), wall[repeats / 2], name.c_str(), cpu[repeats / 2]);
    std::fflush(stdout);
  }
  return 0;
}
