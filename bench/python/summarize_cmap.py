"""Markdown table for bench/run-cmap.sh: per benchmark the median over rounds of each side's (per-process median)
time, and Medley / PyTorch. Rows "cpu:..." are process CPU time (all threads) instead of wall time. Usage: summarize_cmap.py MEDLEY.txt PYTHON.txt"""
import statistics
import sys

TARGETS = {"train_b32": 1.0, "infer_b1": 0.8}


def read(path):
    out = {}
    for line in open(path):
        if line.startswith("RESULT "):
            _, name, value = line.split()
            out.setdefault(name, []).append(float(value))
    return out


def main():
    medley, python = read(sys.argv[1]), read(sys.argv[2])
    print("| benchmark | Medley (ms) | PyTorch (ms) | Medley / PyTorch | per-round ratios | target | met |")
    print("|---|---:|---:|---:|---|---:|:-:|")
    for name in medley:
        if name not in python:
            continue
        m, p = statistics.median(medley[name]), statistics.median(python[name])
        rounds = ", ".join(f"{a / b:.2f}" for a, b in zip(medley[name], python[name]))
        bench = name.split(":")[-1].split("_", 2)[2]
        target = TARGETS.get(bench)
        met = "" if target is None else ("yes" if m / p <= target else "no")
        print(f"| {name} | {m / 1000:.1f} | {p / 1000:.1f} | {m / p:.2f} | {rounds} | {'' if target is None else f'≤ {target}'} | {met} |")
    print()


if __name__ == "__main__":
    main()
