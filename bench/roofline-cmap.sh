#!/usr/bin/env bash
# Issue 4's batch-1 inference target (Medley ≤ 0.8× PyTorch's time) against this core's arithmetic limit, in one run:
# per round, on 1 thread, the FMA peak (bench/native/fma_peak.c), the BLAS's best GEMM rate (bench/python/gemm_rate.py),
# PyTorch's and Medley's CMAP-Fusion batch-1 forward, and the FMA peak again. The forward's FLOPs (Medley's
# FlopCounter) divided by the peak is the least time any engine can take; the table also says what share of the peak
# 0.8× PyTorch's time would need (bench/python/summarize_roofline.py).
#   bench/roofline-cmap.sh [CONFIG] [ROUNDS]     CONFIG ti or b (default b), ROUNDS default 3
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CFG="${1:-b}"
ROUNDS="${2:-3}"
PY=/usr/bin/python3
OUT="$ROOT/bench/out"
mkdir -p "$OUT"
[ "${CMAP_SKIP_SETUP:-0}" = "1" ] || { bash "$ROOT/scripts/setup.sh" >&2; dotnet build "$ROOT/bench/Medley.Bench" -c Release -v quiet -nologo >&2; }
"$PY" -c "import torch, torchvision" 2>/dev/null || { echo "[roofline] $PY needs torch and torchvision (MEDLEY_WITH_PYTHON=1 scripts/setup.sh)" >&2; exit 1; }
cc -O2 -o "$OUT/fma_peak" "$ROOT/bench/native/fma_peak.c"
export MEDLEY_NUM_THREADS=1 OMP_NUM_THREADS=1 DOTNET_TieredPGO=1 CMAP_ONLY=infer_b1
MEDLEY="$ROOT/bench/Medley.Bench/bin/Release/net10.0/Medley.Bench.dll"
weights="$OUT/cmap_$CFG.safetensors"
[ -f "$weights" ] || "$PY" "$ROOT/bench/python/bench_cmap.py" "$CFG" "$weights" --save >&2
log="$OUT/roofline-$CFG.txt"
: >"$log"
for round in $(seq 1 "$ROUNDS"); do
  echo "[roofline] $CFG round $round/$ROUNDS (load $(cut -d' ' -f1 /proc/loadavg))" >&2
  { echo "ROUND $round"
    "$OUT/fma_peak"
    "$PY" "$ROOT/bench/python/gemm_rate.py"
    "$PY" "$ROOT/bench/python/bench_cmap.py" "$CFG" "$weights" | sed 's/^RESULT /RESULT python:/'
    dotnet "$MEDLEY" cmap "$CFG" "$weights" | sed 's/^RESULT /RESULT medley:/'
    "$OUT/fma_peak"; } | tee -a "$log" >&2
done
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), 1 thread, $(date -u +%Y-%m-%dT%H:%MZ)"
"$PY" "$ROOT/bench/python/summarize_roofline.py" "$log" "$CFG"
