/**
 * onnxruntime-node adapters: availability (CPU and WebGPU where Dawn finds an adapter; CUDA and
 * TensorRT unavailable with their reason) and agreement of every optimisation level and provider with
 * the uncompiled CPU reference on every fixture.
 */
import { describe, expect, it } from 'vitest';
import { ARCHETYPE_IDS, BLOCK_IDS, buildModel } from '../fixtures/index.ts';
import { createAdapter, REFERENCE_COMPILER } from '../src/adapters/registry.ts';
import type { CompilerAdapter, ModelArtifact } from '../src/adapters/types.ts';
import { probeWebGpu } from '../src/adapters/webgpu-device.ts';
import { firstNonFinite, relativeL2 } from '../src/harness/compare.ts';
import { deterministicInput } from '../src/harness/input.ts';
import { TOLERANCE } from '../src/harness/measure-case.ts';

const BATCH = 2;
const webGpu = await probeWebGpu();
const WEBGPU = webGpu.available ? '' : ` [skipped: ${webGpu.reason}]`;

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

describe('onnxruntime-node availability', () => {
  it('the CPU provider is available at every level', async () => {
    for (const id of ['ort-cpu-disabled', 'ort-cpu-basic', 'ort-cpu-extended', 'ort-cpu-all']) {
      expect(await (await createAdapter(id)).availability()).toEqual({ available: true });
    }
  });

  it.each([
    ['ort-cuda-all', /^onnxruntime-node ships without the CUDA provider here: its install script downloads it \(ONNXRUNTIME_NODE_INSTALL=cuda12\)/],
    ['ort-tensorrt-all', /^onnxruntime-node ships without the TensorRT provider here/],
  ])('%s is unavailable with the reason, not a crash', async (id, reason) => {
    const availability = await (await createAdapter(id)).availability();
    expect(availability.available).toBe(false);
    if (!availability.available) expect(availability.reason).toMatch(reason);
  });

  it('WebGPU is available exactly when Dawn finds an adapter, and says why not', async () => {
    const availability = await (await createAdapter('ort-webgpu-all')).availability();
    expect(availability.available).toBe(webGpu.available);
    if (!availability.available && !webGpu.available) expect(availability.reason).toBe(webGpu.reason);
  });

  it('records its settings and version', async () => {
    const adapter = await createAdapter('ort-cpu-extended');
    expect(adapter.settings).toMatchObject({ executionProvider: 'cpu', graphOptimizationLevel: 'extended' });
    expect(await adapter.versions()).toEqual({ 'onnxruntime-node': expect.stringMatching(/^1\.\d+\.\d+/) });
  });
});

const fixtures = [...BLOCK_IDS.map((id) => [id, 2] as const), ...ARCHETYPE_IDS.map((id) => [id, null] as const)];

describe.each(fixtures)('%s (depth %s) agrees with the uncompiled reference', (id, depth) => {
  const model = buildModel(id, depth === null ? {} : { depth });
  const input = deterministicInput(BATCH * model.sampleShape.reduce((a, b) => a * b, 1));
  const expected = (async () => output(await createAdapter(REFERENCE_COMPILER), model, input))();

  it.each(['ort-cpu-basic', 'ort-cpu-extended', 'ort-cpu-all'])('%s within 1e-4', async (compilerId) => {
    const actual = await output(await createAdapter(compilerId), model, input);
    expect(firstNonFinite(actual)).toBeNull();
    expect(relativeL2(actual, await expected)).toBeLessThanOrEqual(TOLERANCE.cpu);
  });

  it.skipIf(!webGpu.available).each(['ort-webgpu-disabled', 'ort-webgpu-all'])(`%s within 1e-3${WEBGPU}`, async (compilerId) => {
    const actual = await output(await createAdapter(compilerId), model, input);
    expect(relativeL2(actual, await expected)).toBeLessThanOrEqual(TOLERANCE.gpu);
  });
});
