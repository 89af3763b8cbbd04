#!/usr/bin/env bash
# Engine benchmarks against Python torch on this machine, in one run, with the same thread count.
#   bench/run.sh [ROUNDS]          ROUNDS rounds of Medley, Python and native C++ processes (default 3)
#   BENCH_THREADS=N                intra-op threads for both sides (default: nproc)
#   BENCH_REPEATS=N                timed repeats inside each process (default 7)
# Prints a markdown table of medians over rounds, Medley/Python ratios, and for the tiny ops the overhead each
# front end adds on top of libtorch (its time minus the native C++ baseline of the same round).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS="${1:-3}"
CORES="$(nproc --all)"
THREADS="${BENCH_THREADS:-$CORES}"
PY=/usr/bin/python3

bash "$ROOT/scripts/setup.sh"
"$PY" -c "import torch" 2>/dev/null || { echo "[bench] $PY has no torch: install python3-torch (MEDLEY_WITH_PYTHON=1 scripts/setup.sh)" >&2; exit 1; }

export MEDLEY_NUM_THREADS="$THREADS" OMP_NUM_THREADS="$THREADS" DOTNET_TieredPGO=1
OUT="$ROOT/bench/out"
mkdir -p "$OUT"

# Native C++ baseline (bench/native): its own small CMake project, built once into bench/out/native.
NATIVE="$OUT/native"
if [ ! -f "$NATIVE/CMakeCache.txt" ]; then
  cmake -S "$ROOT/bench/native" -B "$NATIVE" -DCMAKE_BUILD_TYPE=Release >"$OUT/native-build.log" 2>&1 \
    || { cat "$OUT/native-build.log"; echo "[bench] cmake configure of bench/native failed" >&2; exit 1; }
fi
cmake --build "$NATIVE" >>"$OUT/native-build.log" 2>&1 \
  || { tail -30 "$OUT/native-build.log"; echo "[bench] building bench/native failed" >&2; exit 1; }

run_medley() { dotnet "$ROOT/bench/Medley.Bench/bin/${MEDLEY_CONFIGURATION:-Release}/net10.0/Medley.Bench.dll"; }
run_python() { "$PY" "$ROOT/bench/python/bench_torch.py"; }
run_native() { "$NATIVE/add_baseline"; }
SIDES=(medley python native)
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
for side in "${SIDES[@]}"; do : >"$OUT/$side.txt"; done
for round in $(seq 1 "$ROUNDS"); do
  echo "[bench] round $round/$ROUNDS (threads=$THREADS)" >&2
  # Rotate the order each round so no side always runs first (or right after the JIT-heavy .NET process).
  for k in 0 1 2; do
    side="${SIDES[$(( (round - 1 + k) % 3 ))]}"
    "run_$side" | tee -a "$OUT/$side.txt" >&2
  done
done
echo "machine: $CORES cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), threads=$THREADS, load (1/5/15 min) at start $LOAD_START, at end $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"
"$PY" "$ROOT/bench/python/summarize.py" "$OUT/medley.txt" "$OUT/python.txt" "$OUT/native.txt"
