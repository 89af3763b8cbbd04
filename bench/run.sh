#!/usr/bin/env bash
# Engine benchmarks against Python torch on this machine, in one run, with the same thread count.
#   bench/run.sh [ROUNDS]          ROUNDS alternating C#/Python process pairs (default 3)
#   BENCH_THREADS=N                intra-op threads for both sides (default: nproc)
#   BENCH_REPEATS=N                timed repeats inside each process (default 7)
# Prints a markdown table of medians (over every repeat median of every round) and C#/Python ratios.
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
: >"$OUT/medley.txt"
: >"$OUT/python.txt"
for round in $(seq 1 "$ROUNDS"); do
  echo "[bench] round $round/$ROUNDS (threads=$THREADS)" >&2
  dotnet "$ROOT/bench/Medley.Bench/bin/${MEDLEY_CONFIGURATION:-Release}/net10.0/Medley.Bench.dll" | tee -a "$OUT/medley.txt" >&2
  "$PY" "$ROOT/bench/python/bench_torch.py" | tee -a "$OUT/python.txt" >&2
done
echo "machine: $CORES cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), threads=$THREADS, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"
"$PY" "$ROOT/bench/python/summarize.py" "$OUT/medley.txt" "$OUT/python.txt"
