"""Summarises bench/run.sh output: median per benchmark over all rounds, C#/Python ratio, target check."""
import statistics
import sys

TARGETS = {"mlp_step": 1.0}  # everything else is a per-op overhead benchmark: target 0.7
OVERHEAD_TARGET = 0.7


def read(path):
    values = {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3 and parts[0] == "RESULT":
                values.setdefault(parts[1], []).append(float(parts[2]))
    return values


def main():
    medley, python = read(sys.argv[1]), read(sys.argv[2])
    print("| benchmark | Medley (µs) | Python torch (µs) | Medley / Python | target | met |")
    print("|---|---:|---:|---:|---:|:-:|")
    for name in medley:
        m = statistics.median(medley[name])
        if name not in python:
            print(f"| {name} | {m:.2f} | – | – | – | – |")
            continue
        p = statistics.median(python[name])
        target = TARGETS.get(name, OVERHEAD_TARGET)
        ratio = m / p
        print(f"| {name} | {m:.2f} | {p:.2f} | {ratio:.2f} | ≤ {target:.1f} | {'yes' if ratio <= target else 'no'} |")


if __name__ == "__main__":
    main()
