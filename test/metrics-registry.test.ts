import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../src/metrics/compute.ts';
import { METRICS, METRIC_IDS } from '../src/metrics/registry.ts';
import { makeRun, type SyntheticCase } from './support/synthetic-run.ts';

function metricValues(value: unknown, out: { metric: string; value: unknown }[] = []): { metric: string; value: unknown }[] {
  if (Array.isArray(value)) value.forEach((v) => metricValues(v, out));
  else if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o['metric'] === 'string' && 'value' in o) out.push({ metric: o['metric'], value: o['value'] });
    Object.values(o).forEach((v) => metricValues(v, out));
  }
  return out;
}

describe('metric registry', () => {
  it('gives every metric a unit, a direction and a description as data', () => {
    for (const id of METRIC_IDS) {
      const d = METRICS[id];
      expect(d.id).toBe(id);
      expect(['lower-is-better', 'higher-is-better', 'neutral']).toContain(d.direction);
      expect(['relative', 'absolute']).toContain(d.thresholdKind);
      expect(d.unit.length).toBeGreaterThan(0);
      expect(d.description.length).toBeGreaterThan(0);
    }
    expect(METRICS.latency.direction).toBe('lower-is-better');
    expect(METRICS.throughput.direction).toBe('higher-is-better');
  });

  it('never produces NaN or an unregistered metric, whatever points are missing', () => {
    const caseArb = fc.record({
      model: fc.constantFrom('cnn-like', 'vit-like', 'mlp'),
      compiler: fc.constantFrom('ort-cpu-disabled', 'ort-cpu-all'),
      batch: fc.constantFrom(1, 2, 4),
      depth: fc.constantFrom(null, 1, 2),
      median: fc.double({ min: 0, max: 100, noNaN: true }),
      state: fc.constantFrom('completed', 'completed', 'failed', 'unavailable'),
    });
    fc.assert(
      fc.property(fc.uniqueArray(caseArb, { selector: (c) => `${c.model}|${c.compiler}|${c.batch}|${c.depth}`, maxLength: 12 }), (specs) => {
        const run = makeRun(specs as SyntheticCase[]);
        const m = computeMetrics(run, { bootstrap: { resamples: 50 } });
        const text = JSON.stringify(m, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? 'NON-FINITE' : v));
        expect(text).not.toContain('NON-FINITE');
        for (const v of metricValues(m)) expect(Object.hasOwn(METRICS, v.metric)).toBe(true);
      }),
      // A fixed seed would hide what a random one finds; a failure prints the seed to replay it.
      { numRuns: 60 },
    );
  });
});
