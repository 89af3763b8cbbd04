"""Table of bench/run-omnifuse.sh results: medians over rounds per (side, dataset size), Medley / PyTorch ratios of the
medians and per round (the i-th Medley process against the i-th PyTorch process of the same size)."""
import statistics
import sys
from collections import defaultdict

vals = defaultdict(list)
for line in open(sys.argv[1]):
    if line.startswith("RESULT "):
        _, side, n, key, value = line.split()
        vals[(side, int(n), key)].append(float(value))
sizes = sorted({n for _, n, _ in vals})


def med(side, n, key):
    v = vals.get((side, n, key))
    return statistics.median(v) if v else float("nan")


print("| samples | metric | Medley | PyTorch | Medley / PyTorch | per-round ratios |")
print("|---:|---|---:|---:|---:|---|")
for n in sizes:
    for key, label in [("step_sps", "step, TLA off (samples/s)"), ("epoch1_sps", "epoch 1, TLA off (samples/s)"),
                       ("tla_step_sps", "step with δ_lazy pass (samples/s)"), ("tla_search_s", "TLA search (s)"),
                       ("tla_epoch_sps", "epoch 2, TLA on incl. search (samples/s)")]:
        m, p = med("medley", n, key), med("python", n, key)
        ratio = m / p if key != "tla_search_s" else p / m
        rounds = zip(vals.get(("medley", n, key), []), vals.get(("python", n, key), []))
        per_round = ", ".join(f"{(a / b if key != 'tla_search_s' else b / a):.2f}" for a, b in rounds)
        print(f"| {n} | {label} | {m:.1f} | {p:.1f} | {ratio:.2f}{' (time: PyTorch / Medley)' if key == 'tla_search_s' else ''} | {per_round} |")
print()
print("| samples | side | dataset MB | RSS start | after data | step 10 | last step ep. 1 | end ep. 2 | peak RSS (MB) | first loss |")
print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for n in sizes:
    for side in ("medley", "python"):
        cols = [med(side, n, k) for k in ("dataset_mb", "rss_start_mb", "rss_after_data_mb", "rss_step10_mb",
                                          "rss_last_step_epoch1_mb", "rss_end_epoch2_mb", "peak_rss_mb")]
        print(f"| {n} | {side} | " + " | ".join(f"{c:.0f}" for c in cols) + f" | {med(side, n, 'first_loss'):.4f} |")
