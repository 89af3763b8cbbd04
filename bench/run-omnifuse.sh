#!/usr/bin/env bash
# OmniFuse training throughput on cached embeddings, Medley vs the PyTorch reference, in one run (issue 5, acc. 7).
#   bench/run-omnifuse.sh [ROUNDS]     ROUNDS rounds (default 1); each runs Medley and Python on 10k and 100k samples,
#                                       alternating which side goes first between sizes and between rounds
#   BENCH_THREADS=N                    intra-op threads for both sides (default: nproc)
#   BENCH_STEPS=S                      steps per epoch (default 20; 0 = the whole dataset, i.e. N/batch steps)
#   BENCH_BATCH=B                      batch size (default 64)
#   BENCH_SIZES="10000 100000"         dataset sizes
#   BENCH_DIMS="512,768,256"           cached-embedding widths image,text,ehr (default: the paper's)
#   BENCH_EMBED=512 BENCH_LATENT=128 BENCH_HIDDEN=128   embed_dim, autoencoder latent, classifier hidden
#   BENCH_OUT=DIR                      output folder (default bench/out/omnifuse)
#   BENCH_PY_ENV="K=V ..."             extra environment for the Python side only, e.g. GOMP_SPINCOUNT=0 (the idle-thread
#                                      policy Medley sets for itself, src/Medley.Torch/Native/NativeLoader.cs)
# Both sides start from the same weights (Medley's initial state dict, exported to safetensors and loaded by name in
# Python), see the same data, seeds and permutations; bench/python/summarize_omnifuse.py prints the table.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS="${1:-1}"
THREADS="${BENCH_THREADS:-$(nproc --all)}"
STEPS="${BENCH_STEPS:-20}"
BATCH="${BENCH_BATCH:-64}"
SIZES="${BENCH_SIZES:-10000 100000}"
MODEL=(--dims "${BENCH_DIMS:-512,768,256}" --embed "${BENCH_EMBED:-512}" --latent "${BENCH_LATENT:-128}" --hidden "${BENCH_HIDDEN:-128}")
PY=/usr/bin/python3
export MEDLEY_NUM_THREADS="$THREADS" OMP_NUM_THREADS="$THREADS" DOTNET_TieredPGO=1

[ "${BENCH_SKIP_BUILD:-0}" = 1 ] || { bash "$ROOT/scripts/setup.sh" >&2; dotnet build "$ROOT/bench/Medley.Bench.OmniFuse" -c Release >&2; }
OUT="${BENCH_OUT:-$ROOT/bench/out/omnifuse}"
mkdir -p "$OUT"
BIN="$ROOT/bench/Medley.Bench.OmniFuse/bin/Release/net10.0/Medley.Bench.OmniFuse.dll"
dotnet "$BIN" --export "$OUT/init.safetensors" --seed 1 "${MODEL[@]}" >&2

run_medley() { dotnet "$BIN" --samples "$1" --batch "$BATCH" --steps "$STEPS" --seed 1 "${MODEL[@]}"; }
run_python() { env ${BENCH_PY_ENV:-} "$PY" "$ROOT/bench/python/bench_omnifuse.py" --samples "$1" --batch "$BATCH" --steps "$STEPS" --seed 1 --weights "$OUT/init.safetensors" "${MODEL[@]}"; }
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
: >"$OUT/results.txt"
for round in $(seq 1 "$ROUNDS"); do
  i=0
  for n in $SIZES; do
    # Alternate per round for every size (and between sizes within a round): each size gets both orders over 2 rounds.
    if [ $(((round + i) % 2)) -eq 1 ]; then order="medley python"; else order="python medley"; fi
    i=$((i + 1))
    for side in $order; do
      echo "[bench] round $round/$ROUNDS n=$n $side (threads=$THREADS, load $(cut -d' ' -f1 /proc/loadavg))" >&2
      "run_$side" "$n" | sed "s/^RESULT /RESULT $side $n /" | tee -a "$OUT/results.txt" >&2
    done
  done
done
echo "machine: $(nproc --all) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), threads=$THREADS, python env: ${BENCH_PY_ENV:-default}, batch=$BATCH, steps/epoch=$STEPS, model ${MODEL[*]}, load (1/5/15 min) at start $LOAD_START, at end $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"
"$PY" "$ROOT/bench/python/summarize_omnifuse.py" "$OUT/results.txt"
