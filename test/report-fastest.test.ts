/**
 * The cross-family table of the report: which stack is fastest at each model and batch, computed
 * once in the report model (src/report/select.ts) and only serialised by the renderers.
 */
import { describe, expect, it } from 'vitest';
import { fastestStacks } from '../src/report/select.ts';
import { makeRun, type SyntheticCase } from './support/synthetic-run.ts';

const gpu = (compiler: string, family: string, model: string, batch: number, median: number, depth: number | null = null): SyntheticCase => ({ compiler, family, model, batch, median, depth, hardware: 'gpu', referenceSamples: null });

describe('fastest stack per model and batch', () => {
  it('keeps the fastest compiler of each family, fastest first, only where two families measured', () => {
    const run = makeRun([
      gpu('torch-eager-cuda', 'torch-cuda', 'vit-like', 1, 3),
      gpu('torch-cudagraphs-cuda', 'torch-cuda', 'vit-like', 1, 0.5),
      gpu('jax-xla-cuda', 'jax-cuda', 'vit-like', 1, 0.8),
      gpu('ort-webgpu-all', 'onnxruntime-node', 'vit-like', 1, 4),
      // One family alone at b=8: no row.
      gpu('torch-eager-cuda', 'torch-cuda', 'vit-like', 8, 3.5),
      // Blocks: only at their largest depth in the run.
      gpu('torch-eager-cuda', 'torch-cuda', 'mixer', 1, 1, 1),
      gpu('jax-xla-cuda', 'jax-cuda', 'mixer', 1, 0.5, 1),
      gpu('torch-eager-cuda', 'torch-cuda', 'mixer', 1, 4, 8),
      gpu('jax-xla-cuda', 'jax-cuda', 'mixer', 1, 2, 8),
    ], { reference: { byFamily: {}, byHardware: {} } });
    const rows = fastestStacks(run.cases);
    expect(rows.map((r) => [r.modelId, r.depth, r.batch, r.byFamily.map((f) => f.compilerId)])).toEqual([
      ['mixer', 8, 1, ['jax-xla-cuda', 'torch-eager-cuda']],
      ['vit-like', null, 1, ['torch-cudagraphs-cuda', 'jax-xla-cuda', 'ort-webgpu-all']],
    ]);
    const vit = rows[1]?.byFamily ?? [];
    expect(vit.map((f) => f.family)).toEqual(['torch-cuda', 'jax-cuda', 'onnxruntime-node']);
    expect(vit[0]?.medianMs).toBeCloseTo(0.5, 12);
  });

  it('leaves out cases that failed, were unavailable or disagreed with the reference', () => {
    const run = makeRun([
      gpu('torch-cudagraphs-cuda', 'torch-cuda', 'vit-like', 1, 0.5),
      { ...gpu('jax-xla-cuda', 'jax-cuda', 'vit-like', 1, 0.8), state: 'failed', phase: 'run', error: 'boom' },
      gpu('ort-webgpu-all', 'onnxruntime-node', 'vit-like', 1, 4),
    ], { reference: { byFamily: {}, byHardware: {} } });
    const wrong = run.cases.map((c) => (c.state === 'completed' && c.compiler.id === 'ort-webgpu-all' ? { ...c, correctness: { reference: 'ort-cpu-disabled', relativeL2: 0.5, tolerance: 1e-3, ok: false } } : c));
    expect(fastestStacks(run.cases).map((r) => r.byFamily.map((f) => f.compilerId))).toEqual([['torch-cudagraphs-cuda', 'ort-webgpu-all']]);
    expect(fastestStacks(wrong)).toEqual([]);
  });
});
