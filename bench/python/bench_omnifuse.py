"""OmniFuse training throughput in PyTorch (bench/reference/omnifuse.py): the peer of bench/Medley.Bench.OmniFuse.

Same data (the same libtorch generator calls under the same seed give the same numbers), the same initial weights
(Medley's exported state dict, loaded by name), the same seeds per epoch (Trainer.EpochSeed) and permutations, the same
two epochs: epoch 1 plain steps (TLA has no δ_lazy yet), epoch 2 the 2^M − 1 combination search then steps with the
δ_lazy pass. Prints "RESULT <key> <value>" lines like the Medley program.
    bench_omnifuse.py --samples N [--batch 64] [--steps S] [--seed 1] [--warmup 5] [--weights medley_init.safetensors]
                      [--dims 512,768,256] [--embed 512] [--latent 128] [--hidden 128]   (model widths, the paper's defaults)
"""
import argparse
import os
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "reference"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "reference"))
import omnifuse  # noqa: E402
from fixture_io import load  # noqa: E402

MODALITIES = [("image", 512), ("text", 768), ("ehr", 256)]  # replaced from --dims in main()
MISSING_RATE = 0.2


def rss(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def epoch_seed(seed, epoch):  # Medley's Trainer.EpochSeed
    return (seed * 1_000_003 + epoch * 7_919) % (1 << 64)


def perm_seed(seed, epoch):  # InMemorySource.PermutationSeed
    return seed * 1000 + epoch + 17


def make_data(n, seed):
    torch.manual_seed(seed)
    values = [torch.randn(n, e) for _, e in MODALITIES]
    present = [torch.rand(n).ge(MISSING_RATE) for _ in MODALITIES]
    present[0] = present[0].logical_or(torch.stack(present, 1).any(1).logical_not())
    labels = torch.rand(n).lt(0.5).to(torch.float32)
    values = [v * p.unsqueeze(1).to(torch.float32) for v, p in zip(values, present)]
    return values, present, labels


def batches(data, batch, count, seed, epoch):
    values, present, labels = data
    g = torch.Generator()
    g.manual_seed(perm_seed(seed, epoch))
    perm = torch.randperm(labels.shape[0], generator=g)
    for i in range(count):
        index = perm.narrow(0, i * batch, batch)
        inputs = {}
        for (name, _), v, p in zip(MODALITIES, values, present):
            inputs[name] = v.index_select(0, index)
            inputs[name + ".present"] = p.index_select(0, index)
        yield inputs, labels.index_select(0, index)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=10000)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--steps", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--weights")
    ap.add_argument("--dims", default="512,768,256")
    ap.add_argument("--embed", type=int, default=512)
    ap.add_argument("--latent", type=int, default=128)
    ap.add_argument("--hidden", type=int, default=128)
    a = ap.parse_args()
    dims = [int(d) for d in a.dims.split(",")]
    if len(dims) != 3:
        sys.exit(f"--dims needs 3 widths (image,text,ehr), got {len(dims)}")
    MODALITIES[:] = [(name, d) for (name, _), d in zip(MODALITIES, dims)]
    threads = int(os.environ.get("MEDLEY_NUM_THREADS", torch.get_num_threads()))
    torch.set_num_threads(threads)
    print(f"# python omnifuse: threads={torch.get_num_threads()} torch={torch.__version__} samples={a.samples} "
          f"batch={a.batch} steps={a.steps} seed={a.seed} dims={a.dims} embed={a.embed} latent={a.latent} hidden={a.hidden}")
    rss_start = rss("VmRSS")
    data = make_data(a.samples, a.seed)
    rss_data = rss("VmRSS")
    dataset_bytes = sum(v.numel() * 4 + p.numel() for v, p in zip(data[0], data[1])) + a.samples * 4
    torch.manual_seed(a.seed + 1000)
    model = omnifuse.OmniFuse(MODALITIES, num_classes=2, embed_dim=a.embed, num_autoencoders=5,
                              latent_dim=a.latent, classifier_hidden=a.hidden, p_drop=0.3)
    if a.weights:
        state = load(a.weights)
        model.load_state_dict(state, strict=True)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-5)
    full = a.samples // a.batch
    n = min(a.steps, full) if a.steps > 0 else full

    # Epoch 1: plain steps.
    start1 = time.perf_counter()
    torch.manual_seed(epoch_seed(a.seed, 1))
    model.train()
    times1, losses = [], []
    rss_step10 = 0
    for i, (inputs, labels) in enumerate(batches(data, a.batch, n, a.seed, 1)):
        losses.append(omnifuse.train_step(model, optimizer, inputs, labels))
        times1.append(time.perf_counter())
        if i + 1 == 10:
            rss_step10 = rss("VmRSS")
    rss_e1 = rss("VmRSS")  # no checkpoint here: the same as after the last step

    # Epoch 2: TLA search over the epoch's samples (Medley: context.Train.Epoch(0)), then steps with δ_lazy.
    start2 = time.perf_counter()
    torch.manual_seed(epoch_seed(a.seed, 2))
    model.train()
    lazy = omnifuse.laziest(omnifuse.combination_losses(model, batches(data, a.batch, n, a.seed, 0)))
    times2 = []
    for inputs, labels in batches(data, a.batch, n, a.seed, 2):
        omnifuse.train_step(model, optimizer, inputs, labels, lazy)
        times2.append(time.perf_counter())
    rss_e2 = rss("VmRSS")

    w = min(a.warmup, n - 1)
    report = {
        "steps_per_epoch": n,
        "dataset_mb": dataset_bytes / 1048576,
        "step_sps": a.batch * (n - w) / (times1[-1] - times1[w - 1]),
        "epoch1_sps": a.batch * n / (times1[-1] - start1),
        "tla_search_s": times2[0] - start2 - (times2[1] - times2[0]),
        "tla_step_sps": a.batch * (n - 1) / (times2[-1] - times2[0]),
        "tla_epoch_sps": a.batch * n / (times2[-1] - start2),
        "first_loss": losses[0],
        "lazy_mask": lazy,
        "rss_start_mb": rss_start / 1048576,
        "rss_after_data_mb": rss_data / 1048576,
        "rss_step10_mb": rss_step10 / 1048576,
        "rss_last_step_epoch1_mb": rss_e1 / 1048576,
        "rss_end_epoch1_mb": rss_e1 / 1048576,
        "rss_end_epoch2_mb": rss_e2 / 1048576,
        "peak_rss_mb": rss("VmHWM") / 1048576,
    }
    for k, v in report.items():
        print(f"RESULT {k} {v:.6g}")


if __name__ == "__main__":
    main()
