"""The machine BLAS's best float32 GEMM rate on 1 thread, as PyTorch calls it: a large square product and a ViT
layer's shape (batch 1, 197 tokens). bench/roofline-cmap.sh puts it beside the FMA peak. Prints RESULT lines."""
import time

import torch

torch.set_num_threads(1)
SHAPES = {"gemm_1024": (1024, 1024, 1024), "gemm_vit_b_fc1": (197, 768, 3072), "gemm_vit_ti_qkv": (197, 192, 576)}
for name, (m, k, n) in SHAPES.items():
    a, b = torch.randn(m, k), torch.randn(n, k)
    for _ in range(3):
        a @ b.t()
    reps = max(3, int(2e9 / (2 * m * k * n)))
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(reps):
            a @ b.t()
        best = min(best, (time.perf_counter() - start) / reps)
    print(f"RESULT {name}_gflops {2 * m * k * n / best / 1e9:.1f}", flush=True)
