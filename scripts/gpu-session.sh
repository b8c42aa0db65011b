#!/usr/bin/env bash
# The GPU measurements of one device session (30 minutes of device time, calls of at most 10 minutes):
# two calls, each a few parts of scripts/gpu-run.sh-style runs with their own time limits, so that every
# part returns what it measured even when the next one runs long. Results come back through $OUT.
#   GPU_CALL=1: measurement fidelity; every archetype under the CUDA compilers (both modes, JAX, TensorRT's
#               reason); the WebGPU stacks and ONNX Runtime CPU on the same host.
#   GPU_CALL=2: the blocks at three depths × batches 1, 8, 32 under eager, Inductor, CUDA graphs and JAX
#               (inputs on the device); then the paired gate on the GPU: A/A and a 10% head-only slowdown.
#   GPU_CALL=3: fidelity again; users' own models (scripts/export-models.py: convnext_tiny, swin_t and a
#               BERT with int64 inputs) under ONNX Runtime on the host CPU and PyTorch on the GPU; the
#               paired gate on the GPU (A/A, and eager slowed by 10% on the head only).
# Used as: device run, carry .devicekit: source .devicekit/on-device.sh && GPU_CALL=1 bash scripts/gpu-session.sh
set -uo pipefail
out=${OUT:-out}
mkdir -p "$out"
export PYTHONUNBUFFERED=1 TORCHINDUCTOR_FX_GRAPH_CACHE=1
archetypes=resnet-like,mobilenetv2-like,vit-like,mixer-like
blocks=resnet-basic,mbv2-inverted,convnext,vit-encoder,mixer,plain-conv

# --foreground: the bench gets one interrupt, and stops its workers and writes what finished. Without
# it timeout signals the bench and then its whole process group: a second SIGINT, which the bench takes
# as "quit at once, writing nothing" (a run's results were lost so).
# run <name> <seconds> <case limit ms> <bench args…>: one bench run, interrupted (results kept) at its limit.
run() {
  local name=$1 seconds=$2 limit=$3
  shift 3
  local start
  start=$(date +%s)
  GCB_CASE_TIMEOUT_MS=$limit timeout --foreground -k 30 -s INT "$seconds" node --import tsx src/cli/bench.ts --profile quick "$@" > "$out/$name.log" 2>&1
  echo "bench exit: $? after $(( $(date +%s) - start )) s" >> "$out/$name.log"
  cp results/latest.json "$out/$name.json" 2>/dev/null
  [ -f results/base.json ] && [ "${KEEP_BASE:-0}" = 1 ] && cp results/base.json "$out/$name-base.json"
  [ "${COPY_MD:-0}" = 1 ] && cp reports/bench.md "$out/$name.md" 2>/dev/null
  rm -f results/base.json
  grep -E '^bench: (PASS|FAIL|INCONCLUSIVE|NO BASELINE|not gated)' "$out/$name.log" | tail -1
  tail -1 "$out/$name.log"
}

case "${GPU_CALL:-1}" in
  1)
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv > "$out/gpu.csv" 2>&1
    model=$(node --import tsx scripts/worker-model.ts resnet-like)
    timeout 100 python3 workers/python/fidelity.py --model-json "$model" --batch 8 --compiler torch-inductor-cuda > "$out/fidelity.log" 2>&1
    echo "fidelity exit $?" >> "$out/fidelity.log"; tail -3 "$out/fidelity.log"
    vendor=torch-eager-cuda,torch-eager-cuda-e2e,torch-inductor-cuda,torch-inductor-cuda-e2e,torch-cudagraphs-cuda,torch-cudagraphs-cuda-e2e,jax-xla-cuda,jax-xla-cuda-e2e,tensorrt-cuda
    COPY_MD=1 run gpu-vendor-archetypes 330 120000 --hardware gpu --no-gate --model "$archetypes" --compiler "$vendor"
    COPY_MD=1 run gpu-webgpu 130 60000 --hardware all --no-gate --model "$archetypes" --compiler ort-cpu-disabled,ort-cpu-all,ort-webgpu-disabled,ort-webgpu-all,tfjs-webgpu,tfjs-webgpu-compute
    ;;
  2)
    run gpu-vendor-blocks 400 120000 --hardware gpu --no-gate --model "$blocks" --compiler torch-eager-cuda,torch-inductor-cuda,torch-cudagraphs-cuda,jax-xla-cuda
    # The paired gate on the GPU: the same tree on both sides (A/A), then the head's eager slowed by 10%.
    KEEP_BASE=1 run gpu-paired-aa 75 60000 --hardware gpu --compare . --model "$archetypes" --compiler torch-eager-cuda,jax-xla-cuda,torch-eager-cuda-e2e
    KEEP_BASE=1 GCB_TEST_SLOWDOWN_HEAD='torch-eager-cuda=10%' run gpu-paired-slow 75 60000 --hardware gpu --compare . --model "$archetypes" --compiler torch-eager-cuda,jax-xla-cuda,torch-eager-cuda-e2e
    ;;
  3)
    model=$(node --import tsx scripts/worker-model.ts resnet-like)
    timeout 50 python3 workers/python/fidelity.py --model-json "$model" --batch 8 --compiler torch-inductor-cuda --blocks 10 > "$out/fidelity.log" 2>&1
    echo "fidelity exit $?" >> "$out/fidelity.log"; tail -3 "$out/fidelity.log"
    timeout 70 python3 scripts/export-models.py > "$out/export.log" 2>&1
    echo "export exit $?" >> "$out/export.log"; tail -2 "$out/export.log"
    COPY_MD=1 run user-models 150 60000 --dir examples/user-models --hardware all --no-gate --batch 1,8,16 --compiler ort-cpu-disabled,ort-cpu-all,torch-eager-cuda,torch-inductor-cuda
    run gpu-paired-aa 60 30000 --hardware gpu --compare . --model "$archetypes" --compiler torch-eager-cuda,torch-eager-cuda-e2e
    GCB_TEST_SLOWDOWN_HEAD='torch-eager-cuda=10%' run gpu-paired-slow 60 30000 --hardware gpu --compare . --model "$archetypes" --compiler torch-eager-cuda,torch-eager-cuda-e2e
    rm -f "$out/gpu-paired-aa.json"
    ;;
esac
