"""Measurement fidelity of the Python worker: do its `run` timings say what a plain CUDA-event loop says?

One process, one compiled function. The model is loaded and compiled through the worker's own ops,
exactly as a benchmark case does (same code path, same settings); then, in alternating blocks so that
drift falls on both alike, (a) the worker's `run` op times `--calls` calls, and (b) a direct loop
written here times the same number of calls of the same compiled function with its own
torch.cuda.Event pairs (and perf_counter, for context). It prints both medians and their difference;
the acceptance is agreement within 3% (exit 0; 1 otherwise; 2 for bad arguments).

    model=$(node --import tsx scripts/worker-model.ts resnet-like)        # writes .cache/worker-models/<hash>.onnx
    python3 workers/python/fidelity.py --model-json "$model" --batch 8 --compiler torch-inductor-cuda

Also: --model PATH --input NAME --output NAME --sample-shape 3,64,64 instead of --model-json.
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from gcb_worker.environment import configure  # noqa: E402

configure()

import numpy as np  # noqa: E402

from gcb_worker.compilers import BY_ID  # noqa: E402
from gcb_worker.timing import no_gc  # noqa: E402
from gcb_worker.worker import Worker  # noqa: E402

TOLERANCE = 0.03


def ask(worker: Worker, request_id: int, op: str, **fields: object) -> dict:
    answer = worker.handle({'id': request_id, 'op': op, **fields})
    if not answer.get('ok'):
        raise SystemExit(f'fidelity: {op} failed: {answer.get("error")}')
    return answer


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--model-json', help='the JSON line scripts/worker-model.ts prints')
    parser.add_argument('--model', help='absolute path of an ONNX file')
    parser.add_argument('--input', default='input')
    parser.add_argument('--output', default='output')
    parser.add_argument('--sample-shape', help='one sample, without the batch: e.g. 3,64,64')
    parser.add_argument('--batch', type=int, default=8)
    parser.add_argument('--compiler', default='torch-inductor-cuda')
    parser.add_argument('--calls', type=int, default=50, help='calls per block')
    parser.add_argument('--blocks', type=int, default=20, help='blocks of each kind, alternating')
    args = parser.parse_args()

    if args.model_json:
        spec = json.loads(args.model_json)
        path, input_name, output_name, sample = spec['path'], spec['input'], spec['output'], [int(d) for d in spec['sampleShape']]
    elif args.model and args.sample_shape:
        path, input_name, output_name = os.path.abspath(args.model), args.input, args.output
        sample = [int(d) for d in args.sample_shape.split(',')]
    else:
        parser.error('give --model-json, or --model with --sample-shape')
    if args.batch < 1 or args.calls < 1 or args.blocks < 1:
        parser.error('--batch, --calls and --blocks must be at least 1')

    worker = Worker()
    hello = ask(worker, 1, 'hello', protocol=1)
    offered = {c['id']: c for c in hello['compilers']}
    if args.compiler not in offered:
        parser.error(f'unknown compiler {args.compiler}; the worker offers {", ".join(offered)}')
    if not offered[args.compiler]['available']:
        print(f'fidelity: {args.compiler} is unavailable: {offered[args.compiler]["reason"]}', file=sys.stderr)
        return 1
    spec = BY_ID[args.compiler]
    if spec.framework != 'torch' or (spec.device == 'cuda' and spec.mode != 'compute-only'):
        parser.error('the direct loop is written for the torch compilers, on CUDA in compute-only mode')

    shape = [args.batch, *sample]
    load = ask(worker, 2, 'load', handle='h', compiler=args.compiler, batch=args.batch,
               model={'path': path, 'inputs': [{'name': input_name, 'dtype': 'float32', 'shape': shape}], 'outputs': [output_name]})
    if not load['available']:
        print(f'fidelity: {args.compiler} cannot run the model: {load["reason"]}', file=sys.stderr)
        return 1
    x = np.sin(np.arange(int(np.prod(shape)), dtype=np.float64) * 0.37).astype('<f4').reshape(shape)
    ask(worker, 3, 'prepare', handle='h', inputs=[{'name': input_name, 'dtype': 'float32', 'shape': shape, 'data': base64.b64encode(x.tobytes()).decode()}])
    compiled = ask(worker, 4, 'compile', handle='h')

    import torch

    session = worker.handles['h'].session
    fn = session.fn
    inputs = session.inputs_device if spec.mode == 'compute-only' else session.inputs_host
    mark_step = session.mark_step
    cuda = spec.device == 'cuda'

    def direct(calls: int) -> tuple[list[float], list[float]]:
        """The reference loop: CUDA events around each call (the host waiting for each to finish), or
        on the CPU perf_counter alone. Its events are made before the loop and the garbage collector is
        off, as in any careful timing loop: a call this short is launch-bound, so host work between
        the events (an allocation, a collection) would show in the GPU's interval."""
        walls = []
        pairs = [(torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)) for _ in range(calls)] if cuda else []
        with torch.no_grad(), no_gc():
            for index in range(calls):
                if mark_step is not None:
                    mark_step()
                began = time.perf_counter_ns()
                if cuda:
                    pairs[index][0].record()
                out = fn(*inputs)
                if cuda:
                    pairs[index][1].record()
                    pairs[index][1].synchronize()
                walls.append((time.perf_counter_ns() - began) / 1e6)
                del out
        return ([s.elapsed_time(e) for s, e in pairs] if cuda else walls), walls

    ask(worker, 5, 'run', handle='h', calls=args.calls)  # warm both paths up
    direct(args.calls)
    worker_times: list[float] = []
    direct_times: list[float] = []
    direct_walls: list[float] = []
    for block in range(args.blocks):
        order = ('worker', 'direct') if block % 2 == 0 else ('direct', 'worker')
        for kind in order:
            if kind == 'worker':
                worker_times += ask(worker, 10 + block, 'run', handle='h', calls=args.calls)['times']
            else:
                times, walls = direct(args.calls)
                direct_times += times
                direct_walls += walls
    ask(worker, 9999, 'dispose', handle='h')

    w, d = statistics.median(worker_times), statistics.median(direct_times)
    difference = (w - d) / d
    device = torch.cuda.get_device_name(0) if cuda else 'CPU'
    print(f'model {path} batch {args.batch} compiler {args.compiler} (torch {torch.__version__}, {device})')
    print(f'compile (first call): {compiled["compileMs"]:.1f} ms')
    print(f'worker run, median of {len(worker_times)} calls:            {w:.4f} ms')
    print(f'direct {"CUDA-event" if cuda else "perf_counter"} loop, median of {len(direct_times)} calls: {d:.4f} ms')
    print(f'direct loop, host wall clock (perf_counter), median:   {statistics.median(direct_walls):.4f} ms')
    print(f'difference: {difference * 100:+.2f}% (acceptance: within ±{TOLERANCE * 100:.0f}%)')
    ok = abs(difference) <= TOLERANCE
    print('PASS' if ok else 'FAIL')
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
