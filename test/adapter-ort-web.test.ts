/**
 * onnxruntime-web (WebAssembly) in Node, one thread: matches onnxruntime-node on fixtures, and once it
 * has initialised its WebAssembly runtime, refuses a different thread count honestly. The two-thread
 * adapter is tested in its own file (its own process): adapter-ort-web-threads.test.ts.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { buildModel } from '../fixtures/index.ts';
import { createOrtWebAdapter, ORT_WEB_ADAPTER_IDS, ortWebInitialisedThreads, OrtWebAdapter } from '../src/adapters/ort-web.ts';
import type { ModelArtifact } from '../src/adapters/types.ts';
import { SeededRandom } from '../src/graph/random.ts';

const BATCH = 2;

function relativeL2(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < expected.length; i++) {
    diff += (actual[i]! - expected[i]!) ** 2;
    norm += expected[i]! ** 2;
  }
  return Math.sqrt(diff / norm);
}

async function reference(model: ModelArtifact, input: Float32Array): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(Buffer.from(model.onnx), { graphOptimizationLevel: 'disabled' });
  try {
    const outputs = await session.run({ [model.inputName]: new ort.Tensor('float32', input, [BATCH, ...model.sampleShape]) });
    return outputs[model.outputName]!.data as Float32Array;
  } finally {
    await session.release();
  }
}

describe('ort-wasm-t1', () => {
  const adapter = createOrtWebAdapter('ort-wasm-t1');

  it('describes itself', async () => {
    expect(ORT_WEB_ADAPTER_IDS).toEqual(['ort-wasm-t1', 'ort-wasm-t2']);
    expect(adapter.id).toBe('ort-wasm-t1');
    expect(adapter.hardware).toBe('cpu');
    expect(adapter.settings).toMatchObject({ executionProvider: 'wasm', numThreads: 1, graphOptimizationLevel: 'all' });
    expect(await adapter.versions()).toEqual({ 'onnxruntime-web': '1.30.0' });
    expect(await adapter.availability()).toEqual({ available: true });
    expect(() => new OrtWebAdapter({ threads: 0 })).toThrow(/>= 1/);
  });

  it.each(['resnet-basic', 'vit-encoder', 'mobilenetv2-like', 'mixer-like'])('%s matches onnxruntime-node', async (id) => {
    const model = buildModel(id, id.endsWith('-like') ? {} : { depth: 2 });
    const input = new SeededRandom(`${model.id}/input`).normals(BATCH * model.sampleShape.reduce((p, d) => p * d, 1), 1);
    const compiled = await adapter.compile(model);
    const prepared = await compiled.prepare(input, BATCH);
    expect(prepared.mode).toBe('end-to-end');
    await prepared.run();
    const actual = await prepared.output();
    await prepared.release();
    await compiled.dispose();
    await compiled.dispose();
    expect(relativeL2(actual, await reference(model, input))).toBeLessThanOrEqual(1e-4);
  });

  it('fixes the thread count for the process: ort-wasm-t2 is then unavailable, with the reason', async () => {
    expect(ortWebInitialisedThreads()).toBe(1);
    const t2 = createOrtWebAdapter('ort-wasm-t2');
    const availability = await t2.availability();
    expect(availability.available).toBe(false);
    expect(!availability.available && availability.reason).toMatch(/once per process.*numThreads=1.*ort-wasm-t2 needs 2/);
    await expect(t2.compile(buildModel('plain-conv'))).rejects.toThrow(/once per process/);
    expect(await adapter.availability()).toEqual({ available: true });
  });
});
