import { describe, expect, it } from 'vitest';
import { judge } from '../src/gate/judge.ts';
import { summaryLine } from '../src/gate/verdict.ts';
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
    seriesRegressions: 0, seriesImprovements: 0, newReversals: 0, flippedOrderings: 0,
  };
  it('reads like the examples', () => {
    expect(summaryLine(false, { ...zero, regression: 2, newReversals: 1 }, true)).toBe('FAIL: 2 regressions, 1 new reversal');
    expect(summaryLine(true, { ...zero, improvement: 3 }, true)).toBe('PASS: 0 regressions, 0 reversals (3 improvements)');
  });
});
