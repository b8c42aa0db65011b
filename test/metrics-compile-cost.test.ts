import { describe, expect, it } from 'vitest';
import { breakEvenInferences } from '../src/metrics/compile-cost.ts';
import { computeMetrics } from '../src/metrics/compute.ts';
import { makeRun } from './support/synthetic-run.ts';

describe('compile break-even', () => {
  it('is compileMs_C / (lat_R − lat_C)', () => {
    expect(breakEvenInferences(200, 10, 6)).toBe(50);
  });

  it('is null with a reason when the compiler is not faster (never Infinity or NaN)', () => {
    expect(breakEvenInferences(200, 6, 6)).toEqual({
      reason: 'not faster than the reference at this batch (same median latency), so compiling never pays back',
    });
    expect(breakEvenInferences(200, 6, 8)).toEqual({
      reason: 'not faster than the reference at this batch (2.00 ms slower per inference), so compiling never pays back',
    });
  });

  it('is computed per case against the reference at the same batch and depth', () => {
    const run = makeRun([
      { model: 'resnet-basic', compiler: 'ort-cpu-disabled', batch: 4, depth: 2, median: 10, compileMs: 20 },
      { model: 'resnet-basic', compiler: 'ort-cpu-all', batch: 4, depth: 2, median: 6, compileMs: 200 },
      { model: 'resnet-basic', compiler: 'ort-cpu-basic', batch: 4, depth: 2, median: 12, compileMs: 50 },
    ]);
    const m = computeMetrics(run, { bootstrap: { resamples: 200 } });
    const all = m.compileCost.find((c) => c.compilerId === 'ort-cpu-all');
    expect(all?.breakEven.value).toBeCloseTo(50, 9);
    expect(all?.savingMs).toBeCloseTo(4, 12);
    expect(all?.referenceKey).toBe('blocks/resnet-basic/ort-cpu-disabled/b=4/d=2');
    const basic = m.compileCost.find((c) => c.compilerId === 'ort-cpu-basic');
    expect(basic?.breakEven.value).toBeNull();
    expect(basic?.breakEven).toMatchObject({ metric: 'break-even-inferences', reason: expect.stringContaining('not faster') });
    expect(m.compileCost.some((c) => c.compilerId === 'ort-cpu-disabled')).toBe(false);
  });
});
