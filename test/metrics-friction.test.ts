import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../src/metrics/compute.ts';
import { frictionBeta, kneeBatch, marginalBetas } from '../src/metrics/friction.ts';
import { evenSamples, makeRun, sweep } from './support/synthetic-run.ts';

const BATCHES = [1, 2, 4, 8, 16];

describe('batch friction β', () => {
  it('is 0.5 when latency grows as b^0.5', () => {
    const run = makeRun(sweep({ model: 'resnet-basic', compiler: 'ort-cpu-all' }, BATCHES, [4], (b) => 3 * Math.sqrt(b)));
    const m = computeMetrics(run, { bootstrap: { resamples: 200 } });
    const s = m.friction.find((f) => f.series === 'blocks/resnet-basic/ort-cpu-all/d=4');
    expect(s?.beta.value).toBeCloseTo(0.5, 9);
    expect(Math.abs((s?.beta.value ?? 0) - 0.5)).toBeLessThan(1e-9);
    expect(s?.beta.metric).toBe('friction-beta');
    expect(s?.beta.ci).not.toBeNull();
    expect(s?.marginal.every((x) => Math.abs(x.beta - 0.5) < 1e-9)).toBe(true);
    expect(s?.knee).toBeNull();
  });

  it('computes the OLS slope directly', () => {
    expect(frictionBeta([1, 4, 16], [2, 4, 8])).toBeCloseTo(0.5, 12);
    expect(frictionBeta([1, 10], [5, 50])).toBeCloseTo(1, 12);
    expect(frictionBeta([8], [1])).toEqual({ reason: 'needs at least 2 completed batch sizes, has 1' });
  });

  it('finds marginal β and the knee on a designed series', () => {
    // Flat to b=4, then linear: marginal β = 0, 0, 1, 1 → knee at b=4 (first pair with β ≥ 0.9 starts there).
    const batches = [1, 2, 4, 8, 16];
    const lat = [10, 10, 10, 20, 40];
    const marginal = marginalBetas(batches, lat);
    expect(marginal.map((x) => [x.fromBatch, x.toBatch])).toEqual([
      [1, 2],
      [2, 4],
      [4, 8],
      [8, 16],
    ]);
    expect(marginal.map((x) => x.beta)).toEqual([0, 0, 1, 1]);
    expect(kneeBatch(marginal)).toBe(4);
    // 0.85 is below the knee threshold, 0.95 above.
    const m2 = marginalBetas([1, 2, 4], [1, 2 ** 0.85, 2 ** 0.85 * 2 ** 0.95]);
    expect(m2[0]?.beta).toBeCloseTo(0.85, 12);
    expect(kneeBatch(m2)).toBe(2);
    expect(kneeBatch(marginalBetas([1, 2], [1, 1.5]))).toBeNull();
  });

  it('sorts unsorted batch input before taking neighbours', () => {
    expect(marginalBetas([4, 1, 2], [4, 1, 2]).map((x) => x.fromBatch)).toEqual([1, 2]);
  });

  it('gives friction mitigation β_R − β_C and per-batch speedups against the reference', () => {
    const cases = [
      ...sweep({ model: 'resnet-basic', compiler: 'ort-cpu-disabled' }, BATCHES, [4], (b) => 2 * b ** 0.8),
      ...sweep({ model: 'resnet-basic', compiler: 'ort-cpu-all' }, BATCHES, [4], (b) => b ** 0.5),
    ];
    const m = computeMetrics(makeRun(cases), { bootstrap: { resamples: 300 } });
    const s = m.friction.find((f) => f.series === 'blocks/resnet-basic/ort-cpu-all/d=4');
    expect(s?.comparison?.referenceId).toBe('ort-cpu-disabled');
    expect(s?.comparison?.mitigation.value).toBeCloseTo(0.3, 9);
    const sp = s?.comparison?.speedups.map((x) => x.speedup.value) ?? [];
    BATCHES.forEach((b, i) => expect(sp[i]).toBeCloseTo((2 * b ** 0.8) / b ** 0.5, 9));
    const ci = s?.comparison?.mitigation.ci;
    expect(ci?.lower).toBeLessThanOrEqual(0.3 + 1e-9);
    expect(ci?.upper).toBeGreaterThanOrEqual(0.3 - 1e-9);
    const ref = m.friction.find((f) => f.series === 'blocks/resnet-basic/ort-cpu-disabled/d=4');
    expect(ref?.comparison).toBeNull();
    expect(ref?.comparisonNote).toBe('this compiler is the reference');
    expect(ref?.comparisonGap).toBe('is-reference');
    expect(s?.comparisonGap).toBeUndefined();
  });

  it('uses completed points only, lists the missing ones, and is null (not NaN) with fewer than 2', () => {
    const cases = [
      { model: 'mlp', compiler: 'ort-cpu-all', batch: 1, depth: 2, median: 1 },
      { model: 'mlp', compiler: 'ort-cpu-all', batch: 2, depth: 2, state: 'failed' as const, phase: 'out-of-memory' as const, error: 'OOM' },
      { model: 'mlp', compiler: 'ort-cpu-all', batch: 4, depth: 2, state: 'unavailable' as const, error: 'no' },
    ];
    const m = computeMetrics(makeRun(cases), { bootstrap: { resamples: 100 } });
    const s = m.friction[0];
    expect(s?.points.map((p) => p.batch)).toEqual([1]);
    expect(s?.missing.map((p) => [p.key, p.state, p.reason])).toEqual([
      ['blocks/mlp/ort-cpu-all/b=2/d=2', 'failed', 'out-of-memory: OOM'],
      ['blocks/mlp/ort-cpu-all/b=4/d=2', 'unavailable', 'no'],
    ]);
    expect(s?.beta).toEqual({ metric: 'friction-beta', value: null, ci: null, reason: 'needs at least 2 completed batch sizes, has 1' });
    expect(m.missing).toHaveLength(2);
  });

  it('is reproducible: the same run gives the same intervals', () => {
    const cases = sweep({ model: 'mlp', compiler: 'ort-cpu-all' }, [1, 2, 4], [1], (b) => evenSamples(b ** 0.7, 15, 0.2));
    const a = computeMetrics(makeRun(cases), { bootstrap: { resamples: 300, seed: 7 } });
    const b = computeMetrics(makeRun([...cases].reverse()), { bootstrap: { resamples: 300, seed: 7 } });
    expect(a.friction[0]?.beta).toEqual(b.friction[0]?.beta);
  });
});

describe('marginal β with extreme latencies', () => {
  it('stays finite where the ratio of latencies would overflow', async () => {
    const { marginalBetas } = await import('../src/metrics/friction.ts');
    const [m] = marginalBetas([1, 4], [5e-324, 8.881784197001252e-16]);
    expect(Number.isFinite(m!.beta)).toBe(true);
    expect(m!.beta).toBeCloseTo((Math.log(8.881784197001252e-16) - Math.log(5e-324)) / Math.log(4), 9);
  });
});
