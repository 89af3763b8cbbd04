"""Table for bench/roofline-cmap.sh: per round the FMA peak (the better of the readings before and after), the batch-1
forward's FLOPs, PyTorch's and Medley's times, and what the ≤ 0.8× target would ask of the core.
Usage: summarize_roofline.py LOG CONFIG"""
import sys

TARGET = 0.8


def rounds(path, cfg):
    out, cur = [], None
    for line in open(path):
        if line.startswith("ROUND "):
            cur = {"peak": 0.0}
            out.append(cur)
        elif line.startswith("RESULT ") and cur is not None:
            _, key, value = line.split()
            if key == "fma_peak_gflops":
                cur["peak"] = max(cur["peak"], float(value))
            elif key.endswith("_gflops"):
                cur[key] = float(value)
            elif key == f"python:cmap_{cfg}_infer_b1":
                cur["python_us"] = float(value)
            elif key == f"medley:cmap_{cfg}_infer_b1":
                cur["medley_us"] = float(value)
            elif key == f"medley:flops:cmap_{cfg}_infer_b1":
                cur["flops"] = float(value)
    return [r for r in out if {"python_us", "medley_us", "flops"} <= r.keys()]


def gemm_cell(r):
    rates = {k[: -len("_gflops")]: v for k, v in r.items() if k.startswith("gemm_")}
    return ", ".join(f"{k[5:]} {v:.1f} ({v / r['peak']:.0%})" for k, v in rates.items())


def main():
    cfg = sys.argv[2]
    rows = rounds(sys.argv[1], cfg)
    print("| round | FMA peak (GFLOP/s) | forward GFLOPs | PyTorch (ms) | Medley (ms) | Medley / PyTorch | PyTorch sustains "
          "(GFLOP/s) | 0.8× PyTorch (ms) | least time at peak (ms) | 0.8× needs (GFLOP/s) | share of peak needed | "
          "best BLAS GEMM (GFLOP/s, share of peak) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for i, r in enumerate(rows, 1):
        gflop = r["flops"] / 1e9
        py_ms, md_ms = r["python_us"] / 1000, r["medley_us"] / 1000
        target_ms = TARGET * py_ms
        need = gflop / (target_ms / 1000)
        print(f"| {i} | {r['peak']:.1f} | {gflop:.2f} | {py_ms:.1f} | {md_ms:.1f} | {md_ms / py_ms:.2f} | "
              f"{gflop / (py_ms / 1000):.1f} | {target_ms:.1f} | {gflop / r['peak'] * 1000:.1f} | {need:.1f} | {need / r['peak']:.0%} | "
              f"{gemm_cell(r)} |")
    print()


if __name__ == "__main__":
    main()
