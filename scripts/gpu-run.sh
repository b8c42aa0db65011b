#!/usr/bin/env bash
# The GPU matrix, as run on the lent NVIDIA machine (see ../shared/device/README.md):
#   bash ../shared/device/pack-kit.sh   (with KIT_DROP as in docs/results/README.md)
#   device run, carry .devicekit:  source .devicekit/on-device.sh && bash scripts/gpu-run.sh
# It runs the CPU and GPU compilers on that machine in one run (one hardware id), writes the baseline
# for it, and copies results, report, baseline and log to $OUT.
set -uo pipefail
out=${OUT:-out}
mkdir -p "$out"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv > "$out/gpu.csv" 2>&1 || true
export GCB_CASE_TIMEOUT_MS=${GCB_CASE_TIMEOUT_MS:-60000}
models=${GPU_MODELS:-resnet-like,mobilenetv2-like,vit-like,mixer-like,resnet-basic,vit-encoder}
compilers=${GPU_COMPILERS:-ort-cpu-disabled,ort-cpu-all,ort-webgpu-disabled,ort-webgpu-all,tfjs-webgpu,tfjs-webgpu-compute,ort-cuda-all,ort-tensorrt-all,tfjs-node-gpu}
# SIGINT before the device's own limit: the run then writes what it measured, marked incomplete.
timeout -s INT "${GPU_RUN_SECONDS:-480}" node --import tsx src/cli/bench.ts --hardware all --profile "${GPU_PROFILE:-quick}" \
  --model "$models" --compiler "$compilers" --no-gate > "$out/bench.log" 2>&1
echo "bench exit: $?" >> "$out/bench.log"
node --import tsx src/cli/baseline.ts >> "$out/bench.log" 2>&1
echo "baseline exit: $?" >> "$out/bench.log"
cp results/latest.json "$out/gpu-results.json" 2>/dev/null
cp reports/bench.md "$out/gpu-report.md" 2>/dev/null
cp baselines/*.json "$out/" 2>/dev/null
tail -40 "$out/bench.log"
