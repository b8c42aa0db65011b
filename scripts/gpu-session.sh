#!/usr/bin/env bash
# The GPU measurements of one device session (30 minutes of device time, calls of at most 10 minutes),
# in three calls, each a few bench runs with their own time limits, so that every part returns what it
# measured even when the next one runs long. Every case is measured in one session (--sessions 1): on
# the GPU a case's cost is its compiles, and a second session doubled them. What a call writes is packed
# into $OUT/call-<N>.tgz (the device tool brings back at most 8 files).
#   GPU_CALL=1: measurement fidelity; users' own models (scripts/export-models.py: convnext_tiny, swin_t
#               and a BERT with int64 inputs) under ONNX Runtime on the host CPU and PyTorch on the GPU;
#               every archetype under the CUDA compilers (both modes, JAX, TensorRT's reason).
#   GPU_CALL=2: the users' models under PyTorch eager and Inductor on the GPU; the paired gate on the
#               GPU with eager and Inductor (A/A and eager 10% slower: both cut off by Inductor's cold
#               compiles on two sides at once, beyond the 30 s case limit — see call 3).
#   GPU_CALL=3: the users' models again (the converter now has GatherElements and ScatterND); the
#               paired gate with eager on device and end to end (A/A and 10%); then the archetype cases
#               of the device-resident compilers that the first call did not reach (ARCHETYPE_COMPILERS).
#   GPU_CALL=4: the blocks resnet-basic and mbv2-inverted at three depths under eager and CUDA graphs
#               (what the session's last minutes of device time held).
# The next session's three calls (5–7) measure what calls 1–4 did not reach, each part a complete run of
# its own selection (docs/results/h200-vendor.md, "The matrix in parts"):
#   GPU_CALL=5: the archetypes under eager (both modes) and JAX (both modes); vit-like under Inductor
#               (both modes) and CUDA graphs.
#   GPU_CALL=6: the blocks convnext, vit-encoder, mixer and plain-conv under eager and CUDA graphs; the
#               blocks resnet-basic, mbv2-inverted and convnext under Inductor.
#   GPU_CALL=7: the blocks vit-encoder, mixer and plain-conv under Inductor;
#               every block under JAX.
#   GPU_CALL=8: mobilenetv2-like, resnet-like and mixer-like under Inductor and CUDA graphs (both modes)
#               and TensorRT's reason; the archetypes under the WebGPU compilers beside them.
#   GPU_CALL=9: every block under the WebGPU compilers.
# A third session measures what those did not: max-autotune and the blocks end to end. Its calls run a
# queue of parts against one deadline (GPU_SECONDS, default 500): each part gets the time left, and a
# part that would get less than a minute is not started (its name is printed: the next call's queue).
#   GPU_CALL=queue GPU_PARTS="<part> <part> …": the parts below, in that order.
# Used as: device run, carry .devicekit: source .devicekit/on-device.sh && GPU_CALL=1 bash scripts/gpu-session.sh
set -uo pipefail
final=${OUT:-out}
out=$(mktemp -d)
mkdir -p "$final"
trap 'tar czf "$final/call-${GPU_CALL:-1}.tgz" -C "$out" . ; ls -la "$out"' EXIT
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
  rm -f results/latest.json results/base.json
  GCB_CASE_TIMEOUT_MS=$limit timeout --foreground -k 30 -s INT "$seconds" node --import tsx src/cli/bench.ts --profile quick "$@" > "$out/$name.log" 2>&1
  echo "bench exit: $? after $(( $(date +%s) - start )) s" >> "$out/$name.log"
  cp results/latest.json "$out/$name.json" 2>/dev/null
  [ -f results/base.json ] && [ "${KEEP_BASE:-0}" = 1 ] && cp results/base.json "$out/$name-base.json"
  [ "${COPY_MD:-0}" = 1 ] && cp reports/bench.md "$out/$name.md" 2>/dev/null
  rm -f results/base.json
  grep -E '^bench: (PASS|FAIL|INCONCLUSIVE|NO BASELINE|not gated)' "$out/$name.log" | tail -1
  tail -1 "$out/$name.log"
}

vendor=torch-eager-cuda,torch-eager-cuda-e2e,torch-inductor-cuda,torch-inductor-cuda-e2e,torch-cudagraphs-cuda,torch-cudagraphs-cuda-e2e,jax-xla-cuda,jax-xla-cuda-e2e,tensorrt-cuda
# Parts of the third session: name -> case limit (ms) and bench selection.
declare -A queue_limit queue_args
queue_part() { queue_limit[$1]=$2; queue_args[$1]=$3; }
queue_part archetypes-max-autotune 300000 "--model $archetypes --compiler torch-inductor-max-autotune-cuda,torch-inductor-max-autotune-cuda-e2e"
# The GEMM-built archetypes alone: max-autotune did not compile mobilenetv2-like at b=1 within 5 minutes.
queue_part archetypes-max-autotune-gemm 200000 "--model vit-like,mixer-like --compiler torch-inductor-max-autotune-cuda"
queue_part blocks-max-autotune-gemm 200000 "--model vit-encoder,mixer --compiler torch-inductor-max-autotune-cuda"
queue_part blocks-max-autotune-a 300000 "--model resnet-basic,mbv2-inverted,convnext --compiler torch-inductor-max-autotune-cuda"
queue_part blocks-max-autotune-b 300000 "--model vit-encoder,mixer,plain-conv --compiler torch-inductor-max-autotune-cuda"
# What max-autotune on the GEMM-built models still lacked after the third session's first calls (mixer at
# depth 1, batch 1, and vit-encoder were measured; vit-like b=8 is measured again beside b=32).
queue_part mixer-max-autotune-d48 300000 "--model mixer --depth 4,8 --compiler torch-inductor-max-autotune-cuda"
queue_part gemm-max-autotune-rest 300000 "--model vit-like,mixer --depth 1 --batch 8,32 --compiler torch-inductor-max-autotune-cuda"
queue_part vit-max-autotune-b32 240000 "--model vit-like --batch 32 --compiler torch-inductor-max-autotune-cuda"
# max-autotune on the conv-built blocks, one block a part so that each part is a whole series (d 1, 4, 8
# × b 1, 8, 32) that `bench:baseline --extend` can add; depths reuse the autotuning of d=1 in one worker.
queue_part resnet-basic-max-autotune 300000 "--model resnet-basic --compiler torch-inductor-max-autotune-cuda"
queue_part plain-conv-max-autotune 300000 "--model plain-conv --compiler torch-inductor-max-autotune-cuda"
queue_part convnext-max-autotune 300000 "--model convnext --compiler torch-inductor-max-autotune-cuda"
queue_part mbv2-inverted-max-autotune 300000 "--model mbv2-inverted --compiler torch-inductor-max-autotune-cuda"
# The same end to end (inputs copied to the GPU on every call), one block a part; and the GEMM-built archetypes.
for block in resnet-basic plain-conv convnext mbv2-inverted vit-encoder mixer; do
  queue_part "$block-max-autotune-e2e" 300000 "--model $block --compiler torch-inductor-max-autotune-cuda-e2e"
done
queue_part gemm-archetypes-max-autotune-e2e 300000 "--model vit-like,mixer-like --compiler torch-inductor-max-autotune-cuda-e2e"
queue_part resnet-like-max-autotune 300000 "--model resnet-like --compiler torch-inductor-max-autotune-cuda,torch-inductor-max-autotune-cuda-e2e"
queue_part vit-cudagraphs-e2e 120000 "--model vit-like --compiler torch-cudagraphs-cuda-e2e"
queue_part blocks-eager-jax-e2e 60000 "--model $blocks --compiler torch-eager-cuda-e2e,jax-xla-cuda-e2e"
queue_part blocks-inductor-e2e-a 60000 "--model resnet-basic,mbv2-inverted,convnext --compiler torch-inductor-cuda-e2e"
queue_part blocks-inductor-e2e-b 60000 "--model vit-encoder,mixer,plain-conv --compiler torch-inductor-cuda-e2e"
queue_part blocks-cudagraphs-e2e-a 60000 "--model resnet-basic,mbv2-inverted,convnext --compiler torch-cudagraphs-cuda-e2e"
queue_part blocks-cudagraphs-e2e-b 60000 "--model vit-encoder,mixer,plain-conv --compiler torch-cudagraphs-cuda-e2e"

case "${GPU_CALL:-1}" in
  queue)
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv > "$out/gpu.csv" 2>&1
    deadline=$(( $(date +%s) + ${GPU_SECONDS:-500} ))
    for part in ${GPU_PARTS:?GPU_PARTS names the parts to run}; do
      if [ -z "${queue_args[$part]+x}" ]; then echo "gpu-session.sh: unknown part \"$part\"; parts: ${!queue_args[*]}" >&2; exit 2; fi
      left=$(( deadline - $(date +%s) ))
      if [ "$left" -lt 60 ]; then echo "not started: $part"; continue; fi
      # shellcheck disable=SC2086  # the selection is words
      COPY_MD=1 run "$part" "$left" "${queue_limit[$part]}" --sessions 1 --hardware gpu --no-gate ${queue_args[$part]}
    done
    ;;
  1)
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv > "$out/gpu.csv" 2>&1
    model=$(node --import tsx scripts/worker-model.ts resnet-like)
    timeout 50 python3 workers/python/fidelity.py --model-json "$model" --batch 8 --compiler torch-inductor-cuda --blocks 10 > "$out/fidelity.log" 2>&1
    echo "fidelity exit $?" >> "$out/fidelity.log"; tail -3 "$out/fidelity.log"
    timeout 70 python3 scripts/export-models.py > "$out/export.log" 2>&1
    echo "export exit $?" >> "$out/export.log"; tail -2 "$out/export.log"
    COPY_MD=1 run user-models 110 60000 --sessions 1 --dir examples/user-models --hardware all --no-gate --batch 1,8,16 --compiler ort-cpu-disabled,ort-cpu-all,torch-eager-cuda,torch-inductor-cuda
    COPY_MD=1 run gpu-vendor-archetypes 290 120000 --sessions 1 --hardware gpu --no-gate --model "$archetypes" --compiler "$vendor"
    ;;
  2)
    # Users' own models under PyTorch on the GPU (the models exported again: a fresh machine is bare).
    timeout 70 python3 scripts/export-models.py > "$out/export.log" 2>&1
    echo "export exit $?" >> "$out/export.log"; tail -1 "$out/export.log"
    COPY_MD=1 run user-models-gpu 200 60000 --sessions 1 --dir examples/user-models --hardware gpu --no-gate --batch 1,16 --compiler torch-eager-cuda,torch-inductor-cuda
    # The paired gate on the GPU: the same tree on both sides (A/A), then the head's eager slowed by 10%.
    KEEP_BASE=1 COPY_MD=1 run gpu-paired-aa 120 30000 --hardware gpu --compare . --model resnet-like,mobilenetv2-like,vit-like --compiler torch-eager-cuda,torch-inductor-cuda
    KEEP_BASE=1 COPY_MD=1 GCB_TEST_SLOWDOWN_HEAD='torch-eager-cuda=10%' run gpu-paired-slow 120 30000 --hardware gpu --compare . --model resnet-like,mobilenetv2-like,vit-like --compiler torch-eager-cuda,torch-inductor-cuda
    ;;
  3)
    # Users' models again, with the converter's GatherElements (BERT) and ScatterND (Swin).
    timeout 70 python3 scripts/export-models.py > "$out/export.log" 2>&1
    echo "export exit $?" >> "$out/export.log"; tail -1 "$out/export.log"
    COPY_MD=1 run user-models-gpu 140 60000 --sessions 1 --dir examples/user-models --hardware gpu --no-gate --batch 1,16 --compiler torch-eager-cuda,torch-inductor-cuda
    # The paired gate on the GPU (eager compiles in well under a second on each side): A/A, then the head's eager slowed by 10%.
    KEEP_BASE=1 COPY_MD=1 run gpu-paired-aa 90 30000 --hardware gpu --compare . --model "$archetypes" --compiler torch-eager-cuda,torch-eager-cuda-e2e
    KEEP_BASE=1 COPY_MD=1 GCB_TEST_SLOWDOWN_HEAD='torch-eager-cuda=10%' run gpu-paired-slow 90 30000 --hardware gpu --compare . --model "$archetypes" --compiler torch-eager-cuda,torch-eager-cuda-e2e
    # The archetype cases the first call's time limit cut off, the compilers on device-resident inputs first.
    COPY_MD=1 run gpu-vendor-archetypes-rest "${ARCHETYPES_REST_SECONDS:-170}" 120000 --sessions 1 --hardware gpu --no-gate --model "$archetypes" --compiler "${ARCHETYPE_COMPILERS:-tensorrt-cuda,torch-eager-cuda,torch-inductor-cuda,torch-cudagraphs-cuda}"
    ;;
  4)
    # What a few minutes of device time allow of the blocks: two blocks at three depths under eager and CUDA graphs.
    COPY_MD=1 run gpu-vendor-blocks-part 140 60000 --sessions 1 --hardware gpu --no-gate --model resnet-basic,mbv2-inverted --compiler torch-eager-cuda,torch-cudagraphs-cuda
    ;;
  5)
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv > "$out/gpu.csv" 2>&1
    COPY_MD=1 run archetypes-eager-jax "${PART_A_SECONDS:-420}" 120000 --sessions 1 --hardware gpu --no-gate --model "$archetypes" --compiler torch-eager-cuda,torch-eager-cuda-e2e,jax-xla-cuda,jax-xla-cuda-e2e
    COPY_MD=1 run archetypes-vit-inductor "${PART_B_SECONDS:-130}" 120000 --sessions 1 --hardware gpu --no-gate --model vit-like --compiler torch-inductor-cuda,torch-inductor-cuda-e2e,torch-cudagraphs-cuda
    ;;
  6)
    COPY_MD=1 run blocks-eager-graphs "${PART_A_SECONDS:-300}" 60000 --sessions 1 --hardware gpu --no-gate --model convnext,vit-encoder,mixer,plain-conv --compiler torch-eager-cuda,torch-cudagraphs-cuda
    COPY_MD=1 run blocks-inductor-a "${PART_B_SECONDS:-240}" 60000 --sessions 1 --hardware gpu --no-gate --model resnet-basic,mbv2-inverted,convnext --compiler torch-inductor-cuda
    ;;
  7)
    COPY_MD=1 run blocks-inductor-b "${PART_A_SECONDS:-200}" 60000 --sessions 1 --hardware gpu --no-gate --model vit-encoder,mixer,plain-conv --compiler torch-inductor-cuda
    COPY_MD=1 run blocks-jax "${PART_B_SECONDS:-340}" 60000 --sessions 1 --hardware gpu --no-gate --model "$blocks" --compiler jax-xla-cuda
    ;;
  8)
    COPY_MD=1 run archetypes-inductor-graphs "${PART_A_SECONDS:-330}" 120000 --sessions 1 --hardware gpu --no-gate --model mobilenetv2-like,resnet-like,mixer-like --compiler torch-inductor-cuda,torch-inductor-cuda-e2e,torch-cudagraphs-cuda,torch-cudagraphs-cuda-e2e,tensorrt-cuda
    COPY_MD=1 run archetypes-webgpu "${PART_B_SECONDS:-170}" 120000 --sessions 1 --hardware gpu --no-gate --model "$archetypes" --compiler ort-webgpu-disabled,ort-webgpu-all,tfjs-webgpu,tfjs-webgpu-compute
    ;;
  9)
    COPY_MD=1 run blocks-webgpu "${PART_A_SECONDS:-290}" 60000 --sessions 1 --hardware gpu --no-gate --model "$blocks" --compiler ort-webgpu-disabled,ort-webgpu-all,tfjs-webgpu,tfjs-webgpu-compute
    ;;
esac
