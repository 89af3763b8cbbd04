"""Summarises bench/run.sh output.

usage: summarize.py MEDLEY.txt PYTHON.txt [NATIVE.txt]

Each file holds one "RESULT <name> <µs>" line per benchmark per round (rounds in the same order in every file).
Totals are medians over rounds. For the tiny-op rows, with the native C++ baseline present, the overhead of a
front end is its time minus the baseline's time in the same round (median over rounds): what Medley or Python
adds on top of libtorch's own work. The per-op target (Medley ≤ 0.7× Python) is judged on that overhead ratio;
the MLP step target (≤ 1.0×) on total time. Tiny-op rows also come as "cpu:<name>" (the calling thread's CPU
time instead of wall time), summarised in a second table.
"""
import statistics
import sys

TOTAL_TARGETS = {"mlp_step": 1.0}  # judged on total time
OVERHEAD_TARGET = 0.7  # every other row: a per-op overhead benchmark
CPU = "cpu:"  # prefix of the thread-CPU-time twin of a tiny-op row


def read(path):
    values = {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3 and parts[0] == "RESULT":
                values.setdefault(parts[1], []).append(float(parts[2]))
    return values


def per_round_overhead(front, native):
    rounds = min(len(front), len(native))
    return statistics.median(front[i] - native[i] for i in range(rounds))


def verdict(ratio, target):
    return "yes" if ratio <= target else "no"


def tiny_table(title, names, medley, python, native):
    print(title)
    print()
    print("| benchmark | native C++ | Medley | Python | Medley / Python (total) "
          "| Medley overhead | Python overhead | Medley / Python (overhead) | target | met |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|:-:|")
    for name in names:
        m, p = statistics.median(medley[name]), statistics.median(python[name])
        label = name.removeprefix(CPU)
        if name in native:
            n = statistics.median(native[name])
            mo, po = per_round_overhead(medley[name], native[name]), per_round_overhead(python[name], native[name])
            ratio = mo / po if po > 0 else float("inf")
            print(f"| {label} | {n:.3f} | {m:.3f} | {p:.3f} | {m / p:.2f} | {mo:.3f} | {po:.3f} | {ratio:.2f} "
                  f"| ≤ {OVERHEAD_TARGET:.1f} | {verdict(ratio, OVERHEAD_TARGET)} |")
        else:
            print(f"| {label} | – | {m:.3f} | {p:.3f} | {m / p:.2f} | – | – | – | ≤ {OVERHEAD_TARGET:.1f} "
                  f"| {verdict(m / p, OVERHEAD_TARGET)} (total) |")
    extra = [n for n in native if n not in medley and n.startswith(CPU) == names[0].startswith(CPU)]
    if extra:
        print()
        print("Native-only references: " + ", ".join(
            f"{name.removeprefix(CPU)} {statistics.median(native[name]):.3f} µs" for name in extra))
    print()


def main():
    medley, python = read(sys.argv[1]), read(sys.argv[2])
    native = read(sys.argv[3]) if len(sys.argv) > 3 else {}
    tiny = [n for n in medley if n not in TOTAL_TARGETS and n in python]
    wall = [n for n in tiny if not n.startswith(CPU)]
    cpu = [n for n in tiny if n.startswith(CPU)]
    if wall:
        tiny_table("Tiny ops, wall clock (µs per op; overhead = front end − native C++ in the same round, "
                   "median over rounds) — the acceptance figures:", wall, medley, python, native)
    if cpu:
        tiny_table("Tiny ops, CPU time of the calling thread (same layout; leaves out waiting for a core, "
                   "so steadier on a shared machine):", cpu, medley, python, native)

    whole = [n for n in medley if n in TOTAL_TARGETS or n not in python]
    if whole:
        print("| benchmark | Medley (µs) | Python torch (µs) | Medley / Python | target | met |")
        print("|---|---:|---:|---:|---:|:-:|")
        for name in whole:
            m = statistics.median(medley[name])
            if name not in python:
                print(f"| {name} | {m:.1f} | – | – | – | – |")
                continue
            p = statistics.median(python[name])
            target = TOTAL_TARGETS[name]
            print(f"| {name} | {m:.1f} | {p:.1f} | {m / p:.2f} | ≤ {target:.1f} | {verdict(m / p, target)} |")


if __name__ == "__main__":
    main()
