/**
 * `node --import tsx scripts/worker-model.ts <fixture> [depth]`: writes a fixture's ONNX where the
 * Python worker reads models (.cache/worker-models/<hash>.onnx, as the adapters do) and prints, as one
 * JSON line, its path, input and output names and sample shape, for workers/python/fidelity.py.
 */
import { buildModel, getFixture } from '../fixtures/index.ts';
import { cacheOnnx } from '../fixtures/cache.ts';
import { WORKER_MODEL_DIR } from '../src/adapters/python-worker.ts';

const [id, depthText] = process.argv.slice(2);
if (id === undefined) {
  process.stderr.write('usage: worker-model.ts <fixture> [depth]\n');
  process.exit(2);
}
let fixture: ReturnType<typeof getFixture>;
try {
  fixture = getFixture(id);
} catch (error) {
  process.stderr.write(`worker-model.ts: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}
const depth = depthText === undefined ? undefined : Number(depthText);
if (depth !== undefined && (!Number.isInteger(depth) || depth < 1)) {
  process.stderr.write(`worker-model.ts: depth must be a whole number >= 1, got "${depthText}"\n`);
  process.exit(2);
}
const model = buildModel(id, fixture.kind === 'block' ? { depth: depth ?? 1 } : {});
const path = await cacheOnnx(model, WORKER_MODEL_DIR);
process.stdout.write(`${JSON.stringify({ id: model.id, path, input: model.inputName, output: model.outputName, sampleShape: model.sampleShape })}\n`);
