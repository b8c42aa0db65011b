/** Every fixture loads and runs in ONNX Runtime (CPU), and ORT's optimisations do not change its outputs. */
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { ARCHETYPE_CLASSES, ARCHETYPE_IDS, BLOCK_IDS, buildModel, type BuiltModel } from '../fixtures/index.ts';
import { SeededRandom } from '../src/graph/random.ts';

type Level = 'disabled' | 'all';

const sessions: ort.InferenceSession[] = [];
afterAll(async () => {
  await Promise.all(sessions.map((session) => session.release()));
});

async function session(model: BuiltModel, level: Level): Promise<ort.InferenceSession> {
  const created = await ort.InferenceSession.create(Buffer.from(model.onnx), { graphOptimizationLevel: level, intraOpNumThreads: 1 });
  sessions.push(created);
  return created;
}

async function infer(model: BuiltModel, created: ort.InferenceSession, batch: number): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const shape = [batch, ...model.sampleShape];
  const input = new SeededRandom(`input/${batch}`).normals(shape.reduce((a, b) => a * b, 1), 1);
  const outputs = await created.run({ [model.inputName]: new ort.Tensor('float32', input, shape) });
  const output = outputs[model.outputName];
  if (!output) throw new Error(`${model.id}: no output ${model.outputName}`);
  return { data: output.data as Float32Array, dims: output.dims };
}

function relativeL2(actual: Float32Array, reference: Float32Array): number {
  let difference = 0;
  let norm = 0;
  for (let i = 0; i < reference.length; i++) {
    difference += ((actual[i] as number) - (reference[i] as number)) ** 2;
    norm += (reference[i] as number) ** 2;
  }
  return Math.sqrt(difference / norm);
}

function rms(values: Float32Array): number {
  return Math.sqrt(values.reduce((sum, v) => sum + v * v, 0) / values.length);
}

function expectedOutputShape(model: BuiltModel, batch: number): number[] {
  // Blocks keep their input shape; archetypes output class logits.
  return model.kind === 'block' ? [batch, ...model.sampleShape] : [batch, ARCHETYPE_CLASSES];
}

const models = [
  ...BLOCK_IDS.flatMap((id) => [buildModel(id, { depth: 1 }), buildModel(id, { depth: 3 })]),
  ...ARCHETYPE_IDS.map((id) => buildModel(id)),
];

describe.each(models.map((model) => [model.id, model] as const))('%s in onnxruntime-node', (_, model) => {
  it('runs at batch 1 and 3 with the expected shape and finite outputs, the same at optimisation level all', async () => {
    const disabled = await session(model, 'disabled');
    const all = await session(model, 'all');
    for (const batch of [1, 3]) {
      const reference = await infer(model, disabled, batch);
      expect(reference.dims).toEqual(expectedOutputShape(model, batch));
      expect(reference.data.every(Number.isFinite)).toBe(true);
      expect(rms(reference.data)).toBeGreaterThan(1e-2);
      const optimised = await infer(model, all, batch);
      expect(optimised.dims).toEqual(reference.dims);
      expect(relativeL2(optimised.data, reference.data)).toBeLessThan(1e-4);
    }
  });
});

describe('deep block stacks stay well-conditioned', () => {
  it.each(BLOCK_IDS)('%s at depth 16 keeps activations O(1) and input-dependent', async (id) => {
    const model = buildModel(id, { depth: 16 });
    const output = await infer(model, await session(model, 'disabled'), 2);
    expect(output.data.every(Number.isFinite)).toBe(true);
    expect(rms(output.data)).toBeGreaterThan(0.1);
    expect(rms(output.data)).toBeLessThan(10);
    // The two samples must still differ: a collapsed network would map every input to the same output.
    const half = output.data.length / 2;
    expect(relativeL2(output.data.subarray(0, half), output.data.subarray(half))).toBeGreaterThan(0.1);
  });
});
