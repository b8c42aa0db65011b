import { describe, expect, it } from 'vitest';
import { makeRun, randomSamples, type SyntheticCase } from './support/synthetic-run.ts';
import { baselineOf, judgeRun } from './support/gate-harness.ts';

const noisy = (median: number, seed: number) => randomSamples(median, 200, 0.02, seed);

describe('gate: batch friction', () => {
  // β rises 0.5 → 0.7 over b = 1, 2; each point moves only ±7%, inside the 10% case threshold.
  const series = (l1: number, l2: number, seed: number): SyntheticCase[] => [
    { model: 'resnet-basic', compiler: 'ort-cpu-all', batch: 1, depth: 4, samples: noisy(l1, seed) },
    { model: 'resnet-basic', compiler: 'ort-cpu-all', batch: 2, depth: 4, samples: noisy(l2, seed + 1) },
  ];
  const baseline = baselineOf(makeRun(series(10, 10 * 2 ** 0.5, 1)));

  it('fails when β rises significantly by more than 0.1', () => {
    const v = judgeRun(makeRun(series(10 * 2 ** -0.1, 10 * 2 ** 0.6, 11)), baseline);
    expect(v.counts.regression).toBe(0);
    const s = v.series.find((x) => x.metric === 'friction-beta');
    expect(s?.kind).toBe('regression');
    expect(s?.series).toBe('blocks/resnet-basic/ort-cpu-all/d=4');
    expect(s?.change).toBeCloseTo(0.2, 1);
    expect(s?.ci?.[0]).toBeGreaterThan(0);
    expect(v.problems.map((p) => [p.kind, p.key])).toEqual([['series-regression', 'blocks/resnet-basic/ort-cpu-all/d=4']]);
    expect(v.summaryLine).toBe('FAIL: 0 regressions, 0 reversals, 1 series regression; judged 2 of 2 comparable cases');
  });

  it('passes when β is unchanged', () => {
    const v = judgeRun(makeRun(series(10, 10 * 2 ** 0.5, 21)), baseline);
    expect(v.series.find((x) => x.metric === 'friction-beta')?.kind).toBe('unchanged');
    expect(v.passed).toBe(true);
  });
});

describe('gate: depth gain', () => {
  const DEPTHS = [1, 8];
  const cases = (c1: number, c8: number, seed: number): SyntheticCase[] => [
    ...DEPTHS.map((d, i) => ({ model: 'resnet-basic', compiler: 'ort-cpu-disabled', batch: 8, depth: d, samples: noisy(2 + 3 * d, seed + i) })),
    { model: 'resnet-basic', compiler: 'ort-cpu-all', batch: 8, depth: 1, samples: noisy(c1, seed + 5) },
    { model: 'resnet-basic', compiler: 'ort-cpu-all', batch: 8, depth: 8, samples: noisy(c8, seed + 6) },
  ];
  const baseline = baselineOf(makeRun(cases(2, 9, 1)));

  it('fails when the depth gain falls significantly by more than the threshold', () => {
    // The compiler gets 7% faster at d=1 and 7% slower at d=8: no case regresses, the gain falls to 1/1.07².
    const v = judgeRun(makeRun(cases(2 / 1.07, 9 * 1.07, 31)), baseline);
    expect(v.counts.regression).toBe(0);
    const s = v.series.find((x) => x.metric === 'depth-gain');
    expect(s?.kind).toBe('regression');
    expect(s?.series).toBe('blocks/resnet-basic/ort-cpu-all/b=8');
    expect(s?.change).toBeCloseTo(1 / 1.07 ** 2, 1);
    expect(s?.ci?.[1]).toBeLessThan(1);
    expect(v.passed).toBe(false);
    expect(v.problems[0]?.message).toMatch(/^depth gain regression: blocks\/resnet-basic\/ort-cpu-all\/b=8 \(vs ort-cpu-disabled measured alongside\) fell from/);
  });

  it('does not fail when the depth gain rises', () => {
    const v = judgeRun(makeRun(cases(2 * 1.07, 9 / 1.07, 41)), baseline);
    expect(v.series.find((x) => x.metric === 'depth-gain')?.kind).toBe('improvement');
    expect(v.passed).toBe(true);
  });
});

describe('gate: reversals', () => {
  const arch = (model: string, compiler: string, median: number, seed: number, sd = 0.02): SyntheticCase => ({
    model,
    compiler,
    batch: 8,
    samples: randomSamples(median, 200, sd, seed),
  });
  const reference = [arch('cnn-like', 'ort-cpu-disabled', 10, 1), arch('vit-like', 'ort-cpu-disabled', 12, 2)];
  // Baseline: cnn faster under both compilers.
  const baseline = baselineOf(makeRun([...reference, arch('cnn-like', 'ort-cpu-all', 6, 3), arch('vit-like', 'ort-cpu-all', 7.2, 4)]));

  it('fails on a new significant reversal and on the flipped baseline ordering', () => {
    // vit/cnn: 1.2 under the reference and in the baseline, 0.87 now: clear orderings (beyond 10%) both ways.
    const run = makeRun([...reference, arch('cnn-like', 'ort-cpu-all', 6.3, 13), arch('vit-like', 'ort-cpu-all', 5.5, 14)]);
    const v = judgeRun(run, baseline);
    expect(v.counts.regression).toBe(0);
    expect(v.reversals.map((r) => [r.kind, r.id])).toEqual([
      ['new-reversal', 'b=8/cnn-like~vit-like/ort-cpu-all-vs-ort-cpu-disabled'],
      ['flipped-ordering', 'ort-cpu-all/b=8/cnn-like~vit-like'],
    ]);
    expect(v.summaryLine).toBe('FAIL: 0 regressions, 1 new reversal, 1 flipped archetype ordering; judged 4 of 4 comparable cases (1 improvement)');
    expect(v.problems[0]?.message).toContain('cnn-like is faster than vit-like under ort-cpu-disabled');
  });

  it('reports a significant flip within the practical threshold as a note, not a failure', () => {
    // vit/cnn 1.2 → 0.968: significant, but the new ordering is within 10% of a tie.
    const run = makeRun([...reference, arch('cnn-like', 'ort-cpu-all', 6.3, 43), arch('vit-like', 'ort-cpu-all', 6.1, 44)]);
    const v = judgeRun(run, baseline);
    expect(v.reversals).toEqual([]);
    expect(v.passed).toBe(true);
    expect(v.notes.some((n) => n.startsWith('reversal within the practical threshold (10.0% for '))).toBe(true);
    expect(v.notes.some((n) => /^archetype ordering ort-cpu-all\/b=8\/cnn-like~vit-like changed within the 10.0% practical threshold/.test(n))).toBe(true);
  });

  it('ignores a flip that is not significant', () => {
    const run = makeRun([...reference, arch('cnn-like', 'ort-cpu-all', 6.3, 23, 0.3), arch('vit-like', 'ort-cpu-all', 6.28, 24, 0.3)]);
    const v = judgeRun(run, baseline);
    expect(v.reversals).toEqual([]);
    expect(v.passed).toBe(true);
  });

  it('does not fail on a reversal the baseline already had', () => {
    const flipped = [...reference, arch('cnn-like', 'ort-cpu-all', 6.3, 33), arch('vit-like', 'ort-cpu-all', 6.1, 34)];
    const v = judgeRun(makeRun(flipped), baselineOf(makeRun(flipped)));
    expect(v.reversals).toEqual([]);
    expect(v.passed).toBe(true);
    expect(v.notes.some((n) => n.startsWith('known reversal'))).toBe(true);
  });
});
