/**
 * The between-runs calibration: recorded runs, each judged by the whole gate against a baseline made
 * from the others, as recorded and slowed.
 */
import { describe, expect, it } from 'vitest';
import { leaveOneOut, rate, slowedRun } from '../src/calibration.ts';
import { DEFAULT_GATE_CONFIG, metricsOptionsFromGateConfig } from '../src/gate/config.ts';
import { computeMetrics } from '../src/metrics/compute.ts';
import type { CompletedCase, RunResult } from '../src/results/schema.ts';
import { evenSamples, makeRun } from './support/synthetic-run.ts';

const N = 31;
const run = (startedAt: string): RunResult => ({
  ...makeRun([
    { model: 'vit-like', compiler: 'ort-cpu-all', batch: 8, samples: evenSamples(6, N), referenceSamples: Array.from({ length: N }, () => 10) },
    { model: 'vit-like', compiler: 'ort-cpu-disabled', batch: 8, samples: evenSamples(10, N) },
  ]),
  startedAt,
});

describe('slowedRun', () => {
  it('scales every completed case’s own samples and latency summary, not what was measured alongside', () => {
    const slowed = slowedRun(run('2026-01-01T00:00:00.000Z'), 1.25);
    const c = slowed.cases[0] as CompletedCase;
    const original = run('2026-01-01T00:00:00.000Z').cases[0] as CompletedCase;
    expect(c.samples).toEqual(original.samples.map((v) => v * 1.25));
    expect(c.latency.median).toBeCloseTo(original.latency.median * 1.25, 12);
    expect(c.throughput).toBeCloseTo(original.throughput / 1.25, 9);
    expect(c.interleaving.reference?.samples).toEqual(original.interleaving.reference?.samples);
    expect(c.interleaving.anchor?.samples).toEqual(original.interleaving.anchor?.samples);
    expect(c.interleaving.anchor).not.toBeNull();
  });
});

describe('leaveOneOut', () => {
  const runs = ['2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z', '2026-01-03T00:00:00.000Z'].map(run);
  const measured = runs.map((run) => ({ run, metrics: computeMetrics(run, metricsOptionsFromGateConfig(DEFAULT_GATE_CONFIG)) }));
  const held = leaveOneOut(measured, DEFAULT_GATE_CONFIG, [1, 1.5]);

  it('judges each run as recorded and slowed, against a baseline of the others', () => {
    expect(held.map((h) => [h.startedAt, h.factor])).toEqual([
      ['2026-01-01T00:00:00.000Z', 1],
      ['2026-01-01T00:00:00.000Z', 1.5],
      ['2026-01-02T00:00:00.000Z', 1],
      ['2026-01-02T00:00:00.000Z', 1.5],
      ['2026-01-03T00:00:00.000Z', 1],
      ['2026-01-03T00:00:00.000Z', 1.5],
    ]);
  });

  it('finds nothing in identical runs and every case when each is 50% slower', () => {
    for (const h of held.filter((x) => x.factor === 1)) expect(h).toMatchObject({ passed: true, judged: 2, regressions: 0, unjudged: 0 });
    for (const h of held.filter((x) => x.factor === 1.5)) {
      expect(h).toMatchObject({ passed: false, judged: 2, regressions: 2 });
      expect(h.byCompiler).toEqual({ 'ort-cpu-all': { judged: 1, regressions: 1 }, 'ort-cpu-disabled': { judged: 1, regressions: 1 } });
    }
  });

  it('rates with a Wilson interval', () => {
    expect(rate(['regression', 'other', 'other', 'other'], 'regression')).toMatchObject({ count: 1, total: 4, rate: 0.25 });
  });
});
