"""Python peer of bench/Medley.Bench: the same operations with Debian's python3-torch (same libtorch 1.13).

Prints "RESULT <name> <microseconds>" lines (median over BENCH_REPEATS runs of the mean wall time per operation),
and for the tiny ops also "RESULT cpu:<name> <microseconds>": the calling thread's CPU time, which leaves out
time spent waiting for a core on a shared machine.
Thread count: MEDLEY_NUM_THREADS (as the C# side reads it), else the core count.
"""
import os
import sys
import time

import torch

TINY_OPS = 100_000


def add(shape):
    a, b = torch.ones(*shape), torch.ones(*shape)
    start, start_cpu = time.perf_counter(), time.thread_time()
    for _ in range(TINY_OPS):
        c = a + b  # the previous result is freed when c is rebound
    del c
    return (time.perf_counter() - start) * 1e6 / TINY_OPS, (time.thread_time() - start_cpu) * 1e6 / TINY_OPS


def mlp_step(steps=30, batch=32, width=1024):
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(width, width), torch.nn.ReLU(),
        torch.nn.Linear(width, width), torch.nn.ReLU(),
        torch.nn.Linear(width, width))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    x, y = torch.randn(batch, width), torch.randn(batch, width)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = torch.nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()

    for _ in range(5):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    return (time.perf_counter() - start) * 1e6 / steps


BENCHMARKS = {
    "add_1_dispose": lambda: add((1,)),
    "add_2x2_dispose": lambda: add((2, 2)),
    "add_2x2_scope1000": lambda: add((2, 2)),  # Python has one pattern: refcounting frees each result
    "add_2x2_scope1": lambda: add((2, 2)),
    "mlp_step": mlp_step,
}


def main():
    threads = int(os.environ.get("MEDLEY_NUM_THREADS") or os.cpu_count())
    torch.set_num_threads(threads)
    repeats = int(os.environ.get("BENCH_REPEATS", "7"))
    only = set(sys.argv[1:])
    print(f"# python torch {torch.__version__}: threads={torch.get_num_threads()} repeats={repeats}")
    for name, run in BENCHMARKS.items():
        if only and name not in only:
            continue
        run()
        samples = [run() for _ in range(repeats)]
        if isinstance(samples[0], tuple):
            wall = sorted(s[0] for s in samples)[repeats // 2]
            cpu = sorted(s[1] for s in samples)[repeats // 2]
            print(f"RESULT {name} {wall:.3f}\nRESULT cpu:{name} {cpu:.3f}", flush=True)
        else:
            print(f"RESULT {name} {sorted(samples)[repeats // 2]:.3f}", flush=True)


if __name__ == "__main__":
    main()
