/**
 * Users' own models with real inputs: several int64 inputs (token ids in a range, an attention mask),
 * a swept sequence length in the key, correctness against a reference computed in the test, external
 * data loaded by path, TF.js on an ONNX file reported unavailable with its reason.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadUserModel } from '../fixtures/index.ts';
import { createAdapter } from '../src/adapters/registry.ts';
import { deterministicFeeds } from '../src/harness/input.ts';
import { measureCase, type CaseModel } from '../src/harness/measure-case.ts';
import { TinybenchEngine } from '../src/harness/tinybench-engine.ts';
import { relativeL2 } from '../src/harness/compare.ts';
import { CaseResultSchema } from '../src/results/schema.ts';
import type { UserModelRef } from '../src/plan.ts';
import { tokenModelReference, tokenModelWeights, writeTokenModel } from './support/token-model.ts';

const quick = { minTimeMs: 5, minSamples: 5, warmupTimeMs: 0, warmupIterations: 1, maxSamples: 50, maxTimeMs: 200 };
const weights = tokenModelWeights();
let directory = '';
let inlinePath = '';
let externalPath = '';

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'gcb-user-inputs-'));
  inlinePath = await writeTokenModel(directory, 'tokens', weights);
  externalPath = await writeTokenModel(directory, 'tokens-external', weights, true);
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

const ref = (path: string, extra: Partial<UserModelRef> = {}): UserModelRef => ({
  name: 'bert-tiny',
  path,
  inputs: [
    { name: 'input_ids', dtype: 'int64', shape: ['seq'], values: { kind: 'integers', min: 0, max: weights.vocab - 1 } },
    { name: 'attention_mask', dtype: 'int64', shape: ['seq'], values: { kind: 'mask' } },
  ],
  outputs: ['logits'],
  ...extra,
});

async function caseModel(path: string, seq: number, extra: Partial<UserModelRef> = {}): Promise<CaseModel> {
  return { ...(await loadUserModel(ref(path, extra), { seq })), name: 'bert-tiny' };
}

/** Compiles the model under the adapter, runs it once on deterministic feeds, frees it, and gives the
 * output with the reference computed here from the same feeds. */
async function runOnce(adapter: Awaited<ReturnType<typeof createAdapter>>, model: CaseModel, batch: number): Promise<{ output: Float32Array; expected: Float32Array }> {
  const feeds = deterministicFeeds(model.inputs ?? [], batch);
  const compiled = await adapter.compile(model);
  const prepared = await compiled.prepare(new Float32Array(0), batch, feeds);
  const output = await prepared.output();
  await prepared.release();
  await compiled.dispose();
  return { output, expected: tokenModelReference(weights, feeds[0]?.data as BigInt64Array, feeds[1]?.data as BigInt64Array) };
}

describe('a user model with int64 token ids and an attention mask', () => {
  it('resolves the swept sequence length into every input and estimates FLOPs at it', async () => {
    const model = await caseModel(inlinePath, 16);
    expect(model.inputs?.map((i) => [i.name, i.dtype, i.sampleShape])).toEqual([
      ['input_ids', 'int64', [16]],
      ['attention_mask', 'int64', [16]],
    ]);
    // MatMul [16, 8] x [8, 4] per sample: 2 * 16 * 8 * 4.
    expect(model.flopsPerSample).toBe(2 * 16 * weights.hidden * weights.classes);
    expect(model.params).toBe(weights.vocab * weights.hidden + weights.hidden * weights.classes);
  });

  it('draws token ids in the stated range and masks a padded tail of each sample', () => {
    const [ids, mask] = deterministicFeeds(
      [
        { name: 'input_ids', dtype: 'int64', sampleShape: [32], values: { kind: 'integers', min: 3, max: 9 } },
        { name: 'attention_mask', dtype: 'int64', sampleShape: [32], values: { kind: 'mask' } },
      ],
      4,
    );
    const idValues = [...(ids?.data as BigInt64Array)].map(Number);
    expect(Math.min(...idValues)).toBeGreaterThanOrEqual(3);
    expect(Math.max(...idValues)).toBeLessThanOrEqual(9);
    expect(new Set(idValues).size).toBe(7);
    const maskValues = [...(mask?.data as BigInt64Array)].map(Number);
    for (let row = 0; row < 4; row++) {
      const sample = maskValues.slice(row * 32, row * 32 + 32);
      const kept = sample.indexOf(0) === -1 ? 32 : sample.indexOf(0);
      expect(kept).toBeGreaterThanOrEqual(16);
      expect(sample.slice(kept).every((v) => v === 0)).toBe(true);
    }
  });

  it('runs under ONNX Runtime CPU and agrees with the reference computed here', async () => {
    const model = await caseModel(inlinePath, 12);
    const { output, expected } = await runOnce(await createAdapter('ort-cpu-all'), model, 3);
    expect(output.length).toBe(3 * 12 * weights.classes);
    expect(relativeL2(output, expected)).toBeLessThan(1e-6);
  });

  it('is measured as a case keyed by batch and sequence length, checked against ort-cpu-disabled', async () => {
    const model = await caseModel(inlinePath, 8, { tolerance: 1e-5 });
    const result = CaseResultSchema.parse(
      await measureCase({
        suite: 'models',
        model,
        adapter: await createAdapter('ort-cpu-all'),
        reference: await createAdapter('ort-cpu-disabled'),
        pairedReference: await createAdapter('ort-cpu-disabled'),
        batch: 2,
        engine: new TinybenchEngine(),
        measure: quick,
        timeoutMs: 30_000,
      }),
    );
    expect(result.state).toBe('completed');
    expect(result.key).toBe('models/bert-tiny/ort-cpu-all/b=2/seq=8');
    expect(result.dims).toEqual({ seq: 8 });
    if (result.state !== 'completed') return;
    expect(result.correctness).toMatchObject({ reference: 'ort-cpu-disabled', tolerance: 1e-5, ok: true });
  });

  it('loads weights from an external data file by path, with the same outputs', async () => {
    const inline = await caseModel(inlinePath, 6);
    const external = await caseModel(externalPath, 6);
    expect(external.externalData).toEqual(['tokens-external.weights.bin']);
    expect(external.params).toBe(inline.params);
    const adapter = await createAdapter('ort-cpu-disabled');
    const outputOf = async (model: CaseModel): Promise<Float32Array> => {
      const compiled = await adapter.compile(model);
      const prepared = await compiled.prepare(new Float32Array(0), 2, deterministicFeeds(model.inputs ?? [], 2));
      const out = Float32Array.from(await prepared.output());
      await prepared.release();
      await compiled.dispose();
      return out;
    };
    expect(await outputOf(external)).toEqual(await outputOf(inline));
  });

  it('hands external data to onnxruntime-web, which reads no files itself', async () => {
    const model = await caseModel(externalPath, 6);
    const { output, expected } = await runOnce(await createAdapter('ort-wasm-t1'), model, 2);
    expect(relativeL2(output, expected)).toBeLessThan(1e-6);
  });

  it('names a missing external data file', async () => {
    const lonely = join(directory, 'lonely');
    const { mkdir, copyFile } = await import('node:fs/promises');
    await mkdir(lonely, { recursive: true });
    await copyFile(externalPath, join(lonely, 'tokens-external.onnx'));
    await expect(caseModel(join(lonely, 'tokens-external.onnx'), 6)).rejects.toThrow(/external data file tokens-external\.weights\.bin, not found/);
  });

  it('gives clear errors naming the bad value', async () => {
    await expect(caseModel(inlinePath, 8, { inputs: [{ name: 'input_ids', dtype: 'int64', shape: ['seq'] }] })).rejects.toThrow(/does not describe "attention_mask"/);
    await expect(
      caseModel(inlinePath, 8, {
        inputs: [
          { name: 'input_ids', dtype: 'int32', shape: ['seq'] },
          { name: 'attention_mask', shape: ['seq'] },
        ],
      }),
    ).rejects.toThrow(/input_ids is int64 in the model, the spec says int32/);
    await expect(caseModel(inlinePath, 8, { outputs: ['pooled'] })).rejects.toThrow(/no output named "pooled" \(outputs: logits\)/);
    await expect(loadUserModel(ref(inlinePath), {})).rejects.toThrow(/\[seq\] with dimensions neither fixed nor swept/);
    await expect(loadUserModel(ref(inlinePath), { seq: 4, width: 2 })).rejects.toThrow(/dimension "width" is swept, but no input of the model has it/);
    await expect(loadUserModel({ name: 'bert-tiny', path: inlinePath })).rejects.toThrow(/2 inputs \(input_ids, attention_mask\); describe each with inputs/);
  });

  it('uses the file’s symbolic dimension of the same name when an input gives no shape', async () => {
    const model = await loadUserModel(
      {
        name: 'bert-tiny',
        path: inlinePath,
        inputs: [
          { name: 'input_ids', values: { kind: 'integers', min: 0, max: 9 } },
          { name: 'attention_mask', values: { kind: 'ones' } },
        ],
      },
      { sequence: 5 },
    );
    expect(model.inputs?.map((i) => [i.dtype, i.sampleShape])).toEqual([
      ['int64', [5]],
      ['int64', [5]],
    ]);
  });
});

describe('the Python worker on a user model of int64 inputs', () => {
  it('runs it under torch-eager-cpu, external data included, and agrees with the reference', async ({ skip }) => {
    const adapter = await createAdapter('torch-eager-cpu');
    const availability = await adapter.availability();
    if (!availability.available) skip(`torch-eager-cpu: ${availability.reason}`);
    // A path relative to the project root, as spec files write them, as well as absolute ones.
    for (const path of [inlinePath, externalPath, relative(process.cwd(), externalPath)]) {
      const { output, expected } = await runOnce(adapter, await caseModel(path, 8), 2);
      expect(relativeL2(output, expected)).toBeLessThan(1e-5);
    }
  });
});

describe('TF.js on an ONNX user model', () => {
  it('is unavailable with the reason, not failed', async () => {
    const path = join(directory, 'plain.onnx');
    const { buildModel } = await import('../fixtures/index.ts');
    await writeFile(path, buildModel('plain-conv').onnx);
    const model: CaseModel = { ...(await loadUserModel({ name: 'my-conv', path })), name: 'my-conv' };
    const result = await measureCase({
      suite: 'models',
      model,
      adapter: await createAdapter('tfjs-cpu'),
      reference: await createAdapter('ort-cpu-disabled'),
      batch: 1,
      engine: new TinybenchEngine(),
      measure: quick,
      timeoutMs: 30_000,
    });
    expect(result.state).toBe('unavailable');
    if (result.state !== 'unavailable') return;
    expect(result.reason).toMatch(/tfjs-cpu runs models built from this suite's graph IR only .* "my-conv" is an ONNX file/);
  });
});
