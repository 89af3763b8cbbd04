#!/usr/bin/env bash
# CMAP-Fusion (issue 4, acceptance 9) against the PyTorch reference (bench/reference/cmap_fusion.py), in one run:
# training step (batch 32, AdamW) and inference latency (batch 1 and 32), ViT-Ti/16 and ViT-B/16 configs at 224².
#   bench/run-cmap.sh [ROUNDS]     ROUNDS rounds of one Medley and one Python process per config and thread count
#                                  (default 3), their order alternating round by round
#   CMAP_CONFIGS="ti b"            configs (ti: d 192, 12 layers, 3 heads, MLP 768; b: ViT-B/16)
#   CMAP_THREADS="1 2"             intra-op thread counts (both sides get the same)
#   CMAP_WARMUP / CMAP_ITERS       override the per-benchmark warm-up / timed iterations (defaults in the programs)
#   BENCH_PY_ENV="K=V ..."         extra environment for the Python side only, e.g. GOMP_SPINCOUNT=0 to give PyTorch the
#                                  idle-thread policy Medley sets for itself (src/Medley.Torch/Native/NativeLoader.cs)
#   BENCH_TAG=name                 suffix for the log files (bench/out/cmap-CONFIG-tN[-name].*.txt)
# Both sides load the same weights (bench/out/cmap_<config>.safetensors, written once by the Python side with seed 0)
# and time the same inputs. Each process prints the median over its timed iterations; the table shows the median over
# rounds and Medley / PyTorch.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS="${1:-3}"
PY=/usr/bin/python3
OUT="$ROOT/bench/out"
mkdir -p "$OUT"

[ "${CMAP_SKIP_SETUP:-0}" = "1" ] || bash "$ROOT/scripts/setup.sh" >&2
"$PY" -c "import torch, torchvision" 2>/dev/null || { echo "[bench] $PY needs torch and torchvision (MEDLEY_WITH_PYTHON=1 scripts/setup.sh)" >&2; exit 1; }
export DOTNET_TieredPGO=1
MEDLEY="$ROOT/bench/Medley.Bench/bin/${MEDLEY_CONFIGURATION:-Release}/net10.0/Medley.Bench.dll"

for cfg in ${CMAP_CONFIGS:-ti b}; do
  weights="$OUT/cmap_$cfg.safetensors"
  [ -f "$weights" ] || "$PY" "$ROOT/bench/python/bench_cmap.py" "$cfg" "$weights" --save >&2
  for threads in ${CMAP_THREADS:-1 2}; do
    export MEDLEY_NUM_THREADS="$threads" OMP_NUM_THREADS="$threads"
    log="$OUT/cmap-$cfg-t$threads${BENCH_TAG:+-$BENCH_TAG}"
    : >"$log.medley.txt"; : >"$log.python.txt"
    load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
    for round in $(seq 1 "$ROUNDS"); do
      sides=(medley python); [ $((round % 2)) -eq 0 ] && sides=(python medley)
      for side in "${sides[@]}"; do
        echo "[bench] cmap $cfg threads=$threads round $round/$ROUNDS: $side (load $(cut -d' ' -f1 /proc/loadavg))" >&2
        if [ "$side" = medley ]; then dotnet "$MEDLEY" cmap "$cfg" "$weights"; else env ${BENCH_PY_ENV:-} "$PY" "$ROOT/bench/python/bench_cmap.py" "$cfg" "$weights"; fi \
          | tee -a "$log.$side.txt" >&2
      done
    done
    echo "## cmap $cfg, threads=$threads: $ROUNDS rounds; python env: ${BENCH_PY_ENV:-default}; load (1/5/15 min) at start $load_start, at end $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%dT%H:%MZ)"
    "$PY" "$ROOT/bench/python/summarize_cmap.py" "$log.medley.txt" "$log.python.txt"
  done
done
