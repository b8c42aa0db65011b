import { describe, expect, it } from 'vitest';
import { judge } from '../src/gate/judge.ts';
import { summaryLine, verdictStatus } from '../src/gate/verdict.ts';
import type { MetricValue } from '../src/metrics/types.ts';

const v = (metric: MetricValue['metric'], value: number, lower: number, upper: number): MetricValue => ({
  metric,
  value,
  ci: { lower, upper, level: 0.99, method: 'bootstrap-percentile', resamples: 2000 },
});

describe('judge reads direction and threshold kind from the registry', () => {
  it('lower-is-better, relative (latency ratio run/baseline)', () => {
    expect(judge('latency', v('latency', 1.2, 1.15, 1.25), 0.1)).toBe('worse');
    expect(judge('latency', v('latency', 1.05, 1.02, 1.08), 0.1)).toBe('same'); // significant, too small
    expect(judge('latency', v('latency', 1.2, 0.95, 1.4), 0.1)).toBe('same'); // large, not significant
    expect(judge('latency', v('latency', 0.8, 0.75, 0.85), 0.1)).toBe('better');
  });

  it('higher-is-better, relative (depth gain ratio)', () => {
    expect(judge('depth-gain', v('depth-gain', 0.8, 0.75, 0.85), 0.1)).toBe('worse');
    expect(judge('depth-gain', v('depth-gain', 1.2, 1.15, 1.25), 0.1)).toBe('better');
  });

  it('lower-is-better, absolute (friction β difference)', () => {
    expect(judge('friction-beta', v('friction-beta', 0.2, 0.15, 0.25), 0.1)).toBe('worse');
    expect(judge('friction-beta', v('friction-beta', 0.05, 0.02, 0.08), 0.1)).toBe('same');
    expect(judge('friction-beta', v('friction-beta', -0.2, -0.25, -0.15), 0.1)).toBe('better');
  });

  it('never judges neutral metrics or values without a CI', () => {
    expect(judge('archetype-ratio', v('archetype-ratio', 2, 1.9, 2.1), 0.1)).toBe('same');
    expect(judge('latency', { metric: 'latency', value: 2, ci: null }, 0.1)).toBe('same');
    expect(judge('latency', { metric: 'latency', value: null, ci: null, reason: 'x' }, 0.1)).toBe('same');
  });
});

describe('summaryLine', () => {
  const zero = {
    regression: 0, improvement: 0, unchanged: 0, new: 0, missing: 0, stale: 0, unjudged: 0, failed: 0, filtered: 0,
    seriesRegressions: 0, seriesImprovements: 0, newReversals: 0, flippedOrderings: 0, judged: 40, comparable: 42,
  };
  const context = { hardwareId: 'amd-epyc-2c' };
  it('reads like the examples, saying how many cases were judged', () => {
    expect(summaryLine('fail', { ...zero, regression: 2, newReversals: 1 }, context)).toBe('FAIL: 2 regressions, 1 new reversal; judged 40 of 42 comparable cases');
    expect(summaryLine('pass', { ...zero, improvement: 3 }, context)).toBe('PASS: 0 regressions, 0 reversals; judged 40 of 42 comparable cases (3 improvements)');
  });
  it('a verdict that judged too little is inconclusive, never a pass', () => {
    expect(verdictStatus(true, { judged: 20, comparable: 42 }, true, 0.5)).toBe('inconclusive');
    expect(verdictStatus(true, { judged: 21, comparable: 42 }, true, 0.5)).toBe('pass');
    expect(verdictStatus(true, { judged: 0, comparable: 0 }, true, 0.5)).toBe('inconclusive');
    expect(verdictStatus(false, { judged: 0, comparable: 0 }, true, 0.5)).toBe('fail');
    expect(verdictStatus(true, { judged: 0, comparable: 0 }, false, 0.5)).toBe('no-baseline');
    expect(summaryLine('inconclusive', { ...zero, judged: 12, comparable: 300, unjudged: 288 }, context)).toBe(
      'INCONCLUSIVE: 0 regressions, 0 reversals; judged 12 of 300 comparable cases (288 not judged: machine in another state); too few cases judged to pass: compare side by side with pnpm bench --compare <ref>, or refresh the baseline on this machine',
    );
    expect(summaryLine('no-baseline', { ...zero, new: 5 }, context)).toBe(
      'NO BASELINE: no baseline for amd-epyc-2c yet, nothing was compared (5 new); measure this machine without the gate and write one (bench --no-gate, then baseline)',
    );
  });
});
