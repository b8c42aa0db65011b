/**
 * The ONNX → PyTorch converter on every fixture (the blocks at depths 1 and 2, the archetypes) under
 * torch-eager-cpu, checked against the uncompiled reference, ONNX Runtime CPU with graph optimisations
 * off, at the CPU tolerance.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARCHETYPE_IDS, BLOCK_IDS, buildModel } from '../fixtures/index.ts';
import { createAdapter, REFERENCE_COMPILER } from '../src/adapters/registry.ts';
import type { CompilerAdapter, ModelArtifact } from '../src/adapters/types.ts';
import { firstNonFinite, relativeL2 } from '../src/harness/compare.ts';
import { deterministicInput } from '../src/harness/input.ts';
import { TOLERANCE } from '../src/harness/measure-case.ts';
import { sharedPythonWorker } from '../src/worker/python.ts';
import { findTorchPython } from './support/python.ts';

const BATCH = 2;
const found = findTorchPython();

async function output(adapter: CompilerAdapter, model: ModelArtifact, input: Float32Array): Promise<Float32Array> {
  const compiled = await adapter.compile(model);
  try {
    const prepared = await compiled.prepare(input, BATCH);
    try {
      return Float32Array.from(await prepared.output());
    } finally {
      await prepared.release();
    }
  } finally {
    await compiled.dispose();
  }
}

const models = [
  ...BLOCK_IDS.flatMap((id) => [1, 2].map((depth) => ({ label: `${id} d=${depth}`, build: () => buildModel(id, { depth }) }))),
  ...ARCHETYPE_IDS.map((id) => ({ label: id, build: () => buildModel(id) })),
];

let previousPython: string | undefined;
beforeAll(async () => {
  previousPython = process.env.GCB_PYTHON;
  if (found.python !== null) process.env.GCB_PYTHON = found.python;
  await sharedPythonWorker.reset();
});
afterAll(async () => {
  if (previousPython === undefined) delete process.env.GCB_PYTHON;
  else process.env.GCB_PYTHON = previousPython;
  await sharedPythonWorker.reset();
});

describe.skipIf(found.python === null)(`torch-eager-cpu agrees with ${REFERENCE_COMPILER} on every fixture${found.skip}`, () => {
  it.each(models)('$label', async ({ build }) => {
    const model = build();
    const input = deterministicInput(BATCH * model.sampleShape.reduce((a, b) => a * b, 1));
    const torch = await createAdapter('torch-eager-cpu');
    expect(await torch.availability()).toEqual({ available: true });
    const got = await output(torch, model, input);
    const want = await output(await createAdapter(REFERENCE_COMPILER), model, input);
    expect(got.length).toBe(want.length);
    expect(firstNonFinite(got)).toBeNull();
    expect(relativeL2(got, want)).toBeLessThanOrEqual(TOLERANCE.cpu);
  });
});
