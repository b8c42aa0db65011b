import { describe, expect, it } from 'vitest';
import { geometricMean, geometricMeanSpeedup } from '../src/metrics/aggregate.ts';
import { computeMetrics } from '../src/metrics/compute.ts';
import { evenSamples, makeRun } from './support/synthetic-run.ts';

describe('geometric mean', () => {
  it('is exp(mean ln x), symmetric in ratios, and a reason for what has none', () => {
    expect(geometricMean([2, 8])).toBeCloseTo(4, 12);
    expect(geometricMean([2, 0.5])).toBeCloseTo(1, 12);
    expect(geometricMean([])).toEqual({ reason: 'no values' });
    expect(geometricMean([1, 0])).toEqual({ reason: 'a value is not a positive finite number (0)' });
    expect(geometricMean([1, Number.POSITIVE_INFINITY])).toEqual({ reason: 'a value is not a positive finite number (Infinity)' });
    // Speedups are 1/ρ: the geometric mean of 1/ρ is 1/(the geometric mean of ρ).
    expect(geometricMeanSpeedup([0.5, 0.625])).toBeCloseTo(Math.sqrt(2 * 1.6), 12);
    expect(geometricMeanSpeedup([])).toEqual({ reason: 'no case measured alongside the reference' });
  });
});

describe('per-compiler summaries in the metrics', () => {
  // The reference at 2 ms and 4 ms, ort-cpu-all at 1 ms and 2.5 ms measured alongside: speedups 2 and 1.6.
  const run = makeRun([
    { model: 'mlp', compiler: 'ort-cpu-disabled', batch: 1, samples: evenSamples(2) },
    { model: 'mlp', compiler: 'ort-cpu-disabled', batch: 4, samples: evenSamples(4) },
    { model: 'mlp', compiler: 'ort-cpu-all', batch: 1, samples: evenSamples(1) },
    { model: 'mlp', compiler: 'ort-cpu-all', batch: 4, samples: evenSamples(2.5) },
    { model: 'mlp', compiler: 'ort-cpu-all', batch: 8, state: 'failed', error: 'boom' },
    { model: 'mlp', compiler: 'tfjs-cpu', batch: 1, samples: evenSamples(3), referenceSamples: null },
  ]);
  const metrics = computeMetrics(run, { bootstrap: { resamples: 400, seed: 9 } });

  it('gives each compiler its role, its cases by state and the geometric-mean speedup with a bootstrap CI', () => {
    expect(metrics.compilers.map((c) => [c.compilerId, c.role, c.referenceId, c.cases, c.pairedCases])).toEqual([
      ['ort-cpu-all', 'compared', 'ort-cpu-disabled', { all: 3, completed: 2, failed: 1, unavailable: 0 }, 2],
      ['ort-cpu-disabled', 'reference', null, { all: 2, completed: 2, failed: 0, unavailable: 0 }, 0],
      ['tfjs-cpu', 'unpaired', null, { all: 1, completed: 1, failed: 0, unavailable: 0 }, 0],
    ]);
    const g = metrics.compilers[0]!.geomeanSpeedup;
    expect(g.metric).toBe('geomean-speedup');
    expect(g.value).toBeCloseTo(Math.sqrt(2 * 1.6), 9);
    expect(g.ci?.method).toBe('bootstrap-percentile');
    expect(g.ci!.lower).toBeLessThanOrEqual(g.value!);
    expect(g.ci!.upper).toBeGreaterThanOrEqual(g.value!);
    // Samples within ±2% of their medians: the mean of two cases moves by less than that.
    expect(g.ci!.upper / g.ci!.lower).toBeLessThan(1.04);
    expect(metrics.compilers[1]!.geomeanSpeedup).toEqual({ metric: 'geomean-speedup', value: null, ci: null, reason: 'this compiler is the reference' });
    expect(metrics.compilers[2]!.geomeanSpeedup).toEqual({ metric: 'geomean-speedup', value: null, ci: null, reason: 'not measured alongside a reference' });
  });

  it('says why a series has no comparison as a code, not only in words', () => {
    const gap = (compiler: string) => metrics.friction.find((s) => s.compilerId === compiler);
    expect(gap('ort-cpu-disabled')).toMatchObject({ comparison: null, comparisonGap: 'is-reference', comparisonNote: 'this compiler is the reference' });
    expect(gap('ort-cpu-all')?.comparisonGap).toBeUndefined();
    // ort-cpu-disabled is tfjs-cpu's reference too (default: by hardware), but it was not run alongside.
    expect(gap('tfjs-cpu')).toMatchObject({ comparison: null, comparisonGap: 'not-measured-alongside' });
    const none = computeMetrics(run, { reference: { byFamily: {}, byHardware: {} }, bootstrap: { resamples: 50 } });
    expect(none.friction.find((s) => s.compilerId === 'tfjs-cpu')).toMatchObject({ comparison: null, comparisonGap: 'no-reference-configured' });
    expect(none.compilers.map((c) => c.role)).toEqual(['compared', 'unpaired', 'unpaired']);
  });
});
