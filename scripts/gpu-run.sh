#!/usr/bin/env bash
# The GPU matrix, as run on the lent NVIDIA machine (see ../shared/device/README.md):
#   bash ../shared/device/pack-kit.sh   (with KIT_DROP as in docs/results/README.md)
#   device run, carry .devicekit:  source .devicekit/on-device.sh && GPU_PART=<part> bash scripts/gpu-run.sh
# The whole matrix does not fit one device call (10 minutes), so it is run in parts, one call each;
# `GPU_PART=list bash scripts/gpu-run.sh` prints them. Each part is its own run: its results, report
# and log come back as gpu-results-<part>.json, gpu-report-<part>.md, bench-<part>.log in $OUT.
# GPU_MODELS / GPU_COMPILERS override a part's models / compilers; GPU_PART=all (the default) is every
# part in one run, for a host without the device's time limit. A baseline is written only when
# GPU_BASELINE=1 (default: for GPU_PART=all, where the run holds the whole matrix).
#
# Inductor settings (what each case's compile costs, never what it runs): its caches (FX graphs,
# Triton kernels, autotuning) live in a fresh directory per worker, i.e. per spec file, so the first
# compile of every (model, batch) is cold — kernels compiled for an earlier batch or depth of the same
# spec file are reused, as in any process; the later sessions of a case reuse the first session's
# compiled code. compile_threads stays Inductor's default (one per core). GCB_TORCH_CACHE_DIR=<dir>
# keeps a persistent cache instead (much faster re-runs; compile times are then warm ones, recorded as
# compileCache "persistent").
set -uo pipefail
out=${OUT:-out}
mkdir -p "$out"

archetypes=resnet-like,mobilenetv2-like,vit-like,mixer-like
blocks_a=resnet-basic,mbv2-inverted,convnext
blocks_b=vit-encoder,mixer,plain-conv
webgpu=ort-cpu-disabled,ort-cpu-all,ort-webgpu-disabled,ort-webgpu-all,tfjs-webgpu,tfjs-webgpu-compute,ort-cuda-all,ort-tensorrt-all,tfjs-node-gpu
pair() { echo "$1,$1-e2e"; }

# part: models; compilers; per-case time limit (ms). Estimated at 4-9 minutes each on the H200 host.
declare -A part_models part_compilers part_timeout
add_part() { part_models[$1]=$2; part_compilers[$1]=$3; part_timeout[$1]=$4; parts+=("$1"); }
parts=()
add_part webgpu                 "$archetypes,resnet-basic,vit-encoder" "$webgpu" 60000
add_part archetypes-eager-jax   "$archetypes" "$(pair torch-eager-cuda),$(pair jax-xla-cuda),tensorrt-cuda" 180000
add_part archetypes-inductor    "$archetypes" "$(pair torch-inductor-cuda)" 300000
add_part archetypes-cudagraphs  "$archetypes" "$(pair torch-cudagraphs-cuda)" 300000
add_part archetypes-max-autotune     "$archetypes" torch-inductor-max-autotune-cuda 480000
add_part archetypes-max-autotune-e2e "$archetypes" torch-inductor-max-autotune-cuda-e2e 480000
add_part blocks-eager           "$blocks_a,$blocks_b" "$(pair torch-eager-cuda)" 180000
add_part blocks-jax             "$blocks_a,$blocks_b" jax-xla-cuda 180000
add_part blocks-jax-e2e         "$blocks_a,$blocks_b" jax-xla-cuda-e2e 180000
for variant in inductor cudagraphs; do
  for mode in "" -e2e; do
    id=torch-$variant-cuda$mode
    add_part "blocks-$variant$mode-a" "$blocks_a" "$id" 300000
    add_part "blocks-$variant$mode-b" "$blocks_b" "$id" 300000
  done
done
# max-autotune on the blocks: 54 cases of minutes of autotuning each per mode; run where time allows.
add_part blocks-max-autotune-a  "$blocks_a" torch-inductor-max-autotune-cuda 480000
add_part blocks-max-autotune-b  "$blocks_b" torch-inductor-max-autotune-cuda 480000

part=${GPU_PART:-all}
if [ "$part" = list ]; then
  for p in "${parts[@]}"; do printf '%-30s models %s\n%-30s compilers %s\n' "$p" "${part_models[$p]}" "" "${part_compilers[$p]}"; done
  exit 0
fi
if [ "$part" = all ]; then
  all_models=$archetypes,$blocks_a,$blocks_b
  all_compilers=$webgpu
  for p in "${parts[@]}"; do [ "$p" = webgpu ] || all_compilers="$all_compilers,${part_compilers[$p]}"; done
  models=${GPU_MODELS:-$all_models}
  compilers=${GPU_COMPILERS:-$(echo "$all_compilers" | tr ',' '\n' | awk '!seen[$0]++' | paste -sd,)}
  timeout_ms=480000
  seconds=${GPU_RUN_SECONDS:-36000}
  baseline=${GPU_BASELINE:-1}
elif [ -n "${part_models[$part]+x}" ]; then
  models=${GPU_MODELS:-${part_models[$part]}}
  compilers=${GPU_COMPILERS:-${part_compilers[$part]}}
  timeout_ms=${part_timeout[$part]}
  seconds=${GPU_RUN_SECONDS:-480}
  baseline=${GPU_BASELINE:-0}
else
  echo "gpu-run.sh: unknown GPU_PART \"$part\"; valid parts: all, list, ${parts[*]}" >&2
  exit 2
fi
export GCB_CASE_TIMEOUT_MS=${GCB_CASE_TIMEOUT_MS:-$timeout_ms}
export TORCHINDUCTOR_FX_GRAPH_CACHE=${TORCHINDUCTOR_FX_GRAPH_CACHE:-1}

suffix=$([ "$part" = all ] && echo "" || echo "-$part")
log="$out/bench$suffix.log"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv > "$out/gpu.csv" 2>&1 || true
echo "gpu-run: part $part; models $models; compilers $compilers; case limit ${GCB_CASE_TIMEOUT_MS} ms; run limit ${seconds} s" | tee "$log"
# SIGINT before the device's own limit: the run then writes what it measured, marked incomplete.
start=$(date +%s)
timeout --foreground -k 30 -s INT "$seconds" node --import tsx src/cli/bench.ts --hardware all --profile "${GPU_PROFILE:-quick}" \
  --model "$models" --compiler "$compilers" --no-gate >> "$log" 2>&1
echo "bench exit: $? after $(( $(date +%s) - start )) s" >> "$log"
if [ "$baseline" = 1 ]; then
  node --import tsx src/cli/baseline.ts >> "$log" 2>&1
  echo "baseline exit: $?" >> "$log"
  cp baselines/*.json "$out/" 2>/dev/null
fi
cp results/latest.json "$out/gpu-results$suffix.json" 2>/dev/null
cp reports/bench.md "$out/gpu-report$suffix.md" 2>/dev/null
tail -40 "$log"
