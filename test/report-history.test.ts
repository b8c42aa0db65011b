/**
 * The history exports against their formats. The schemas are written from the formats' documentation:
 * github-action-benchmark's custom tools read a JSON array of `{ name, unit, value, range?, extra? }`
 * (its `BenchmarkResult`: name and unit strings, value a number, range and extra free text); Bencher
 * Metric Format is an object of benchmark names (at most 1024 characters) to objects of measure slugs
 * (at most 64 characters) to `{ value, lower_value?, upper_value? }`, all numbers.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { metricsOptionsFromGateConfig, DEFAULT_GATE_CONFIG } from '../src/gate/config.ts';
import { computeMetrics } from '../src/metrics/compute.ts';
import { bencherMetricFormat, BMF_MEASURES, githubActionBenchmarkEntries } from '../src/report/history.ts';
import { parseRunResult } from '../src/results/run-file.ts';
import { stableJson } from '../src/results/atomic.ts';
import { evenSamples, makeRun } from './support/synthetic-run.ts';

const finite = z.number().refine(Number.isFinite, 'must be finite');
const GabSchema = z
  .array(z.strictObject({ name: z.string().min(1), unit: z.string().min(1), value: finite, range: z.string().optional(), extra: z.string().optional() }))
  .refine((entries) => new Set(entries.map((e) => e.name)).size === entries.length, 'names must be unique');
const BmfMetricSchema = z
  .strictObject({ value: finite, lower_value: finite.optional(), upper_value: finite.optional() })
  .refine((m) => (m.lower_value === undefined) === (m.upper_value === undefined), 'lower_value and upper_value come together')
  .refine((m) => m.lower_value === undefined || (m.lower_value <= m.value && m.value <= (m.upper_value as number)), 'value within its bounds');
const BmfSchema = z.record(z.string().min(1).max(1024), z.record(z.string().regex(/^[a-z0-9-]+$/).max(64), BmfMetricSchema));

const tiny = makeRun([
  { model: 'mlp', compiler: 'ort-cpu-disabled', batch: 1, samples: evenSamples(2) },
  { model: 'mlp', compiler: 'ort-cpu-disabled', batch: 4, samples: evenSamples(4) },
  { model: 'mlp', compiler: 'ort-cpu-all', batch: 1, samples: evenSamples(1) },
  { model: 'mlp', compiler: 'ort-cpu-all', batch: 4, samples: evenSamples(2.5) },
  { model: 'mlp', compiler: 'tfjs-cpu', batch: 1, state: 'failed', error: 'boom' },
]);
const tinyMetrics = computeMetrics(tiny, { bootstrap: { resamples: 200, seed: 4 } });

describe('github-action-benchmark customSmallerIsBetter', () => {
  it('has one entry per completed case (ms), per case measured alongside its reference (×), and per compiler (geometric mean)', () => {
    const entries = GabSchema.parse(githubActionBenchmarkEntries({ run: tiny, metrics: tinyMetrics }));
    expect(entries.map((e) => [e.name, e.unit])).toEqual([
      ['archetypes/mlp/ort-cpu-all/b=1', 'ms'],
      ['archetypes/mlp/ort-cpu-all/b=1 ÷ ort-cpu-disabled', '×'],
      ['archetypes/mlp/ort-cpu-all/b=4', 'ms'],
      ['archetypes/mlp/ort-cpu-all/b=4 ÷ ort-cpu-disabled', '×'],
      ['archetypes/mlp/ort-cpu-disabled/b=1', 'ms'],
      ['archetypes/mlp/ort-cpu-disabled/b=4', 'ms'],
      ['ort-cpu-all ÷ ort-cpu-disabled, geometric mean', '×'],
    ]);
    const byName = new Map(entries.map((e) => [e.name, e]));
    expect(byName.get('archetypes/mlp/ort-cpu-all/b=4')?.value).toBeCloseTo(2.5, 12);
    // Smaller is better everywhere: the latency relative to the reference, not the speedup.
    expect(byName.get('archetypes/mlp/ort-cpu-all/b=4 ÷ ort-cpu-disabled')?.value).toBeCloseTo(2.5 / 4, 12);
    expect(byName.get('ort-cpu-all ÷ ort-cpu-disabled, geometric mean')?.value).toBeCloseTo(Math.sqrt(0.5 * 0.625), 9);
    // The range is the larger half-width of the CI of the median.
    const ci = tinyMetrics.cases.find((c) => c.key === 'archetypes/mlp/ort-cpu-all/b=4')!.latency.ci!;
    expect(byName.get('archetypes/mlp/ort-cpu-all/b=4')?.range).toBe(`± ${Math.max(2.5 - ci.lower, ci.upper - 2.5).toPrecision(4)}`);
    expect(byName.get('archetypes/mlp/ort-cpu-all/b=4')?.extra).toMatch(/^median of 31 samples; 95% CI [\d.]+–[\d.]+ ms; test-cpu-8c-16g · default profile$/);
  });
});

describe('Bencher Metric Format', () => {
  it('has a benchmark per completed case with latency (ns), throughput and relative latency, and one per compiler', () => {
    const bmf = BmfSchema.parse(bencherMetricFormat({ run: tiny, metrics: tinyMetrics }));
    expect(Object.keys(bmf).sort()).toEqual([
      'archetypes/mlp/ort-cpu-all/b=1',
      'archetypes/mlp/ort-cpu-all/b=4',
      'archetypes/mlp/ort-cpu-disabled/b=1',
      'archetypes/mlp/ort-cpu-disabled/b=4',
      'ort-cpu-all ÷ ort-cpu-disabled, geometric mean',
    ]);
    const all4 = bmf['archetypes/mlp/ort-cpu-all/b=4']!;
    expect(Object.keys(all4).sort()).toEqual([BMF_MEASURES.latency, BMF_MEASURES.relative, BMF_MEASURES.throughput].sort());
    expect(all4[BMF_MEASURES.latency]?.value).toBeCloseTo(2.5e6, 3);
    expect(all4[BMF_MEASURES.throughput]?.value).toBeCloseTo(1600, 9);
    expect(all4[BMF_MEASURES.relative]?.value).toBeCloseTo(0.625, 12);
    expect(Object.keys(bmf['archetypes/mlp/ort-cpu-disabled/b=1']!).sort()).toEqual(['latency', 'throughput']);
  });
});

describe('on a recorded run', () => {
  const run = parseRunResult(readFileSync('test/data/run-h200.json', 'utf8'), 'run-h200.json');
  const metrics = computeMetrics(run, { ...metricsOptionsFromGateConfig(DEFAULT_GATE_CONFIG), bootstrap: { resamples: 100 } });

  it('both exports validate against their formats and survive a round trip through JSON', () => {
    const completed = run.cases.filter((c) => c.state === 'completed').length;
    const gab = GabSchema.parse(JSON.parse(stableJson(githubActionBenchmarkEntries({ run, metrics }))));
    expect(gab.filter((e) => e.unit === 'ms')).toHaveLength(completed);
    const bmf = BmfSchema.parse(JSON.parse(stableJson(bencherMetricFormat({ run, metrics }))));
    expect(Object.keys(bmf).filter((k) => k.startsWith('archetypes/'))).toHaveLength(completed);
  });

  it('the schemas reject what the formats do not allow', () => {
    expect(GabSchema.safeParse([{ name: 'a', unit: 'ms', value: Number.NaN }]).success).toBe(false);
    expect(GabSchema.safeParse([{ name: 'a', unit: 'ms', value: 1, range: 1 }]).success).toBe(false);
    expect(GabSchema.safeParse([{ name: 'a', unit: 'ms', value: 1 }, { name: 'a', unit: 'ms', value: 2 }]).success).toBe(false);
    expect(BmfSchema.safeParse({ b: { Latency: { value: 1 } } }).success).toBe(false);
    expect(BmfSchema.safeParse({ b: { latency: { value: 1, lower_value: 2, upper_value: 3 } } }).success).toBe(false);
    expect(BmfSchema.safeParse({ b: { latency: { value: 1, lower_value: 0.5 } } }).success).toBe(false);
  });
});
