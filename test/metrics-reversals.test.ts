import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../src/metrics/compute.ts';
import { evenSamples, makeRun } from './support/synthetic-run.ts';

const arch = (model: string, compiler: string, batch: number, median: number, spread = 0.02) => ({
  model,
  compiler,
  batch,
  samples: evenSamples(median, 31, spread),
});

describe('archetype orderings and reversals', () => {
  const run = makeRun([
    // b=8: cnn faster under the reference, vit faster under ort-cpu-all → reversal.
    arch('cnn-like', 'ort-cpu-disabled', 8, 10),
    arch('vit-like', 'ort-cpu-disabled', 8, 12),
    arch('cnn-like', 'ort-cpu-all', 8, 6),
    arch('vit-like', 'ort-cpu-all', 8, 5),
    // ort-cpu-basic flips too, but within noise: not significant, not a reversal.
    arch('cnn-like', 'ort-cpu-basic', 8, 5.0, 0.5),
    arch('vit-like', 'ort-cpu-basic', 8, 4.98, 0.5),
    // b=1: same ordering under both → no reversal.
    arch('cnn-like', 'ort-cpu-disabled', 1, 2),
    arch('vit-like', 'ort-cpu-disabled', 1, 3),
    arch('cnn-like', 'ort-cpu-all', 1, 1),
    arch('vit-like', 'ort-cpu-all', 1, 2),
  ]);
  const m = computeMetrics(run, { bootstrap: { resamples: 1000 } });

  it('records the ordering and ratio with a CI per compiler and batch', () => {
    const o = m.orderings.find((x) => x.id === 'ort-cpu-disabled/b=8/cnn-like~vit-like');
    expect(o?.ratio.value).toBeCloseTo(10 / 12, 12);
    expect(o?.faster).toBe('cnn-like');
    expect(o?.ratio.ci?.upper).toBeLessThan(1);
    const basic = m.orderings.find((x) => x.id === 'ort-cpu-basic/b=8/cnn-like~vit-like');
    expect(basic?.faster).toBeNull();
  });

  it('reports exactly the significant flip', () => {
    expect(m.reversals.map((r) => r.id)).toEqual(['b=8/cnn-like~vit-like/ort-cpu-all-vs-ort-cpu-disabled']);
    const r = m.reversals[0];
    expect(r?.fasterUnderReference).toBe('cnn-like');
    expect(r?.fasterUnderCompiler).toBe('vit-like');
    expect(r?.compilerRatio.value).toBeCloseTo(6 / 5, 12);
    expect(r?.caseKeys).toHaveLength(4);
    expect(r?.message).toContain('cnn-like is faster than vit-like under ort-cpu-disabled');
  });

  it('takes the reference as an explicit input', () => {
    const other = computeMetrics(run, {
      bootstrap: { resamples: 1000 },
      reference: { byFamily: { 'onnxruntime-node': 'ort-cpu-all' }, byHardware: {} },
    });
    expect(other.reversals.map((r) => r.id)).toEqual(['b=8/cnn-like~vit-like/ort-cpu-disabled-vs-ort-cpu-all']);
  });
});
