/**
 * Test-only: the plain-conv block (depth 1) on ONNX Runtime (all optimisations), with a fault injected
 * by FaultAdapter. GCB_FAULT picks the faults (comma-separated, one spec per fault, e.g.
 * `nan-output,wrong-output`), GCB_FAULT_BATCHES the batch sizes (default 1) and GCB_FAULT_FROM_BATCH
 * the first batch size that misbehaves (default 1).
 */
import { createAdapter } from '../../../src/adapters/registry.ts';
import { benchSpec } from '../../../src/spec.ts';
import { FaultAdapter, type Fault } from '../../support/fault-adapter.ts';
import { numbersFromEnv, tinyMeasure } from '../common.ts';

const faults = (process.env.GCB_FAULT || 'none').split(',') as Fault[];
const fromBatch = Number(process.env.GCB_FAULT_FROM_BATCH || 1);
const inner = await createAdapter('ort-cpu-all');

for (const fault of faults) {
  benchSpec({
    model: 'plain-conv',
    compiler: new FaultAdapter({ fault, fromBatch, inner }),
    batches: numbersFromEnv('GCB_FAULT_BATCHES', [1]),
    depths: [1],
    measure: tinyMeasure(),
  });
}
