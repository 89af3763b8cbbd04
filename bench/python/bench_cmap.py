"""Python peer of `Medley.Bench cmap`: CMAP-Fusion (bench/reference/cmap_fusion.py) training step and inference.

    bench_cmap.py CONFIG WEIGHTS [--save]

CONFIG is "ti" (ViT-Ti/16: d 192, 12 layers, 3 heads, MLP 768) or "b" (ViT-B/16: d 768, 12 layers, 12 heads, MLP 3072),
both at 224x224 with token-form CMT and SmartTrim (the paper's model). With --save the seeded model's weights are
written to WEIGHTS (safetensors, Medley naming) and nothing is timed; otherwise the weights are loaded from WEIGHTS,
so both sides time the same model. Prints "RESULT cmap_<config>_<bench> <microseconds>" lines: the median over
timed iterations of one iteration's wall time. Benchmarks:
  train_b32  zero_grad(set_to_none) -> forward -> CE + lambda1*(1-cos) + lambda2*mean(S) -> backward -> AdamW step
  infer_b1 / infer_b32  eval mode, no_grad forward
Env: MEDLEY_NUM_THREADS (threads, default all cores), CMAP_WARMUP / CMAP_ITERS (per benchmark; defaults by config),
CMAP_ONLY (comma-separated benchmark names).
"""
import os
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "reference"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "reference"))
import cmap_fusion  # noqa: E402
from fixture_io import save  # noqa: E402

LAB_STEPS, LAB_VARS, CLASSES = 8, 6, 7
CONFIGS = {
    "ti": dict(dim=192, vit_layers=12, vit_heads=3, vit_mlp_dim=768),
    "b": dict(dim=768, vit_layers=12, vit_heads=12, vit_mlp_dim=3072),
}
# (warm-up, timed) per benchmark; ViT-B training on 2 cores takes many seconds a step.
ITERS = {
    "ti": dict(train_b32=(3, 10), infer_b1=(5, 30), infer_b32=(2, 10)),
    "b": dict(train_b32=(2, 5), infer_b1=(3, 20), infer_b32=(1, 5)),
}


def config(name):
    return dict(cmap_fusion.TINY, image_size=224, patch_size=16, lab_steps=LAB_STEPS, lab_vars=LAB_VARS,
                lab_hidden=CONFIGS[name]["dim"], num_classes=CLASSES, cmt_heads=8, cmt_form="tokens", **CONFIGS[name])


def inputs(batch):
    g = torch.Generator().manual_seed(batch)
    image = torch.randn(batch, 3, 224, 224, generator=g)
    labs = torch.rand(batch, LAB_STEPS, LAB_VARS, generator=g)
    target = torch.randint(0, CLASSES, (batch,), generator=g)
    return image, labs, target


def timed(body, warmup, iters):
    """Median wall time and median process CPU time (all threads; steadier than wall on a loaded machine), µs."""
    for _ in range(warmup):
        body()
    wall, cpu = [], []
    for _ in range(iters):
        start, start_cpu = time.perf_counter(), time.process_time()
        body()
        wall.append((time.perf_counter() - start) * 1e6)
        cpu.append((time.process_time() - start_cpu) * 1e6)
    return sorted(wall)[len(wall) // 2], sorted(cpu)[len(cpu) // 2]


def report(name, bench, times):
    print(f"RESULT cmap_{name}_{bench} {times[0]:.1f}\nRESULT cpu:cmap_{name}_{bench} {times[1]:.1f}", flush=True)


def main():
    name, weights = sys.argv[1], sys.argv[2]
    cfg = config(name)
    torch.manual_seed(0)
    model = cmap_fusion.CmapFusion(cfg)
    if "--save" in sys.argv[3:]:
        save(weights, dict(model.state_dict()), {"config": name})
        print(f"# saved {sum(p.numel() for p in model.parameters())} parameters to {weights}")
        return
    from fixture_io import load
    model.load_state_dict(load(weights))
    threads = int(os.environ.get("MEDLEY_NUM_THREADS") or os.cpu_count())
    torch.set_num_threads(threads)
    only = set(filter(None, os.environ.get("CMAP_ONLY", "").split(",")))
    print(f"# python torch {torch.__version__}: cmap {name} threads={torch.get_num_threads()}", flush=True)

    def iters(bench):
        w, n = ITERS[name][bench]
        return int(os.environ.get("CMAP_WARMUP", w)), int(os.environ.get("CMAP_ITERS", n))

    if not only or "train_b32" in only:
        image, labs, target = inputs(32)
        opt = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.01)
        model.train()

        parts = dict(fwd=[], bwd=[], opt=[])

        def step():
            t0 = time.perf_counter()
            opt.zero_grad(set_to_none=True)
            loss = model.loss(model(image, labs), target)["total"]
            t1 = time.perf_counter()
            loss.backward()
            t2 = time.perf_counter()
            opt.step()
            t3 = time.perf_counter()
            for k, a, b in (("fwd", t0, t1), ("bwd", t1, t2), ("opt", t2, t3)):
                parts[k].append((b - a) * 1e6)

        report(name, "train_b32", timed(step, *iters("train_b32")))
        # Where the step's time goes (medians over the warm-up and timed steps alike).
        for k, v in parts.items():
            print(f"RESULT cmap_{name}_train_b32_{k} {sorted(v)[len(v) // 2]:.1f}", flush=True)
        model.load_state_dict(load(weights))  # inference on the saved weights, like the C# side
    model.eval()
    for batch in (1, 32):
        bench = f"infer_b{batch}"
        if only and bench not in only:
            continue
        image, labs, _ = inputs(batch)

        def infer():
            with torch.no_grad():
                return model(image, labs)["logits"]

        report(name, bench, timed(infer, *iters(bench)))


if __name__ == "__main__":
    main()
