/**
 * onnxruntime-web with two WebAssembly threads (Emscripten pthreads on worker_threads). In its own
 * file, hence its own process: onnxruntime-web fixes its thread count at its first session.
 */
import { readdirSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { buildModel } from '../fixtures/index.ts';
import { createOrtWebAdapter, ortWebInitialisedThreads, wasmThreadsMissing } from '../src/adapters/ort-web.ts';
import { SeededRandom } from '../src/graph/random.ts';

const BATCH = 2;
const initialised = ortWebInitialisedThreads();
const skipReason =
  wasmThreadsMissing() ??
  (initialised === null ? null : `onnxruntime-web already runs with numThreads=${initialised} in this worker process`);

describe.skipIf(skipReason !== null)(`ort-wasm-t2${skipReason === null ? '' : ` [skipped: ${skipReason}]`}`, () => {
  it('runs with two threads and matches onnxruntime-node', async () => {
    const adapter = createOrtWebAdapter('ort-wasm-t2');
    expect(await adapter.availability()).toEqual({ available: true });
    expect(adapter.settings.numThreads).toBe(2);
    const model = buildModel('vit-encoder', { depth: 2 });
    const input = new SeededRandom('t2').normals(BATCH * model.sampleShape.reduce((p, d) => p * d, 1), 1);
    const threadsBefore = process.platform === 'linux' ? readdirSync('/proc/self/task').length : 0;
    const compiled = await adapter.compile(model);
    const prepared = await compiled.prepare(input, BATCH);
    await prepared.run();
    const actual = await prepared.output();
    expect(ortWebInitialisedThreads()).toBe(2);
    if (process.platform === 'linux') {
      // The extra WebAssembly thread is an OS thread (a worker).
      expect(readdirSync('/proc/self/task').length).toBeGreaterThan(threadsBefore);
    }
    await prepared.release();
    await compiled.dispose();

    const session = await ort.InferenceSession.create(Buffer.from(model.onnx), { graphOptimizationLevel: 'disabled' });
    const expected = (await session.run({ [model.inputName]: new ort.Tensor('float32', input, [BATCH, ...model.sampleShape]) }))[model.outputName]!
      .data as Float32Array;
    await session.release();
    let diff = 0;
    let norm = 0;
    for (let i = 0; i < expected.length; i++) {
      diff += (actual[i]! - expected[i]!) ** 2;
      norm += expected[i]! ** 2;
    }
    expect(Math.sqrt(diff / norm)).toBeLessThanOrEqual(1e-4);

    const t1 = await createOrtWebAdapter('ort-wasm-t1').availability();
    expect(t1.available).toBe(false);
  });
});
