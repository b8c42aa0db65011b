import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { computeMetrics } from '../src/metrics/compute.ts';
import {
  BaselineError,
  baselineFromRun,
  compactSamples,
  diffBaselines,
  formatBaselineDiff,
  loadBaseline,
  writeBaseline,
} from '../src/results/baseline.ts';
import { evenSamples, makeRun, randomSamples, sweep } from './support/synthetic-run.ts';

const dir = await mkdtemp(join(tmpdir(), 'gcb-baseline-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

const cases = [
  ...sweep({ model: 'resnet-basic', compiler: 'ort-cpu-disabled' }, [1, 4], [1, 2], (b, d) => randomSamples(b * (d as number), 200, 0.05, b * 10 + (d as number))),
  ...sweep({ model: 'resnet-basic', compiler: 'ort-cpu-all' }, [1, 4], [1, 2], (b, d) => evenSamples(0.6 * b * (d as number))),
  { model: 'cnn-like', compiler: 'ort-cpu-all', batch: 1, median: 2 },
  { model: 'vit-like', compiler: 'ort-cpu-all', batch: 1, median: 3 },
  { model: 'vit-like', compiler: 'ort-cpu-basic', batch: 1, state: 'failed' as const, phase: 'compile' as const, error: 'boom' },
];
const run = makeRun(cases);
const metrics = computeMetrics(run, { bootstrap: { resamples: 200 } });

describe('baseline round trip', () => {
  it('baselineFromRun → write → load gives the same value', async () => {
    const baseline = baselineFromRun(run, metrics);
    const path = join(dir, 'nested', 'b.json');
    await writeBaseline(path, baseline);
    expect(await loadBaseline(path)).toEqual(baseline);
  });

  it('keeps a compact, deterministic sample set and the summary statistics', () => {
    const baseline = baselineFromRun(run, metrics);
    const c = baseline.cases.find((x) => x.key === 'blocks/resnet-basic/ort-cpu-disabled/b=4/d=2');
    expect(c?.n).toBe(200);
    // The reference is judged against the anchor, which the synthetic run holds at 1 ms: its ratios are its samples.
    expect(c?.judged).toMatchObject({ against: 'anchor', partnerId: 'js-matmul-48', rounds: 200 });
    expect(c?.judged?.samples).toHaveLength(64);
    const sorted = [...(run.cases.find((x) => x.key === c?.key) as { samples: number[] }).samples].sort((a, b) => a - b);
    // Kept to 6 significant digits.
    expect(c?.judged?.samples[0]).toBe(Number((sorted[0] as number).toPrecision(6)));
    expect(c?.judged?.samples[63]).toBe(Number((sorted[199] as number).toPrecision(6)));
    expect(c?.median).toBe((sorted[99] as number) / 2 + (sorted[100] as number) / 2);
    expect(baselineFromRun(run, metrics)).toEqual(baseline);
    const failed = baseline.cases.find((x) => x.key === 'archetypes/vit-like/ort-cpu-basic/b=1');
    expect(failed).toMatchObject({ state: 'failed', reason: 'compile: boom', judged: null, median: null });
    expect(baseline.metrics.friction.length).toBeGreaterThan(0);
    expect(baseline.metrics.depthGain.map((d) => d.series)).toEqual(['blocks/resnet-basic/ort-cpu-all/b=1', 'blocks/resnet-basic/ort-cpu-all/b=4']);
    expect(baseline.metrics.orderings.map((o) => o.id)).toEqual(['ort-cpu-all/b=1/cnn-like~vit-like']);
  });

  it('compactSamples picks evenly spaced order statistics', () => {
    expect(compactSamples([5, 1, 3], 64)).toEqual([1, 3, 5]);
    expect(compactSamples(Array.from({ length: 9 }, (_, i) => 8 - i), 3)).toEqual([0, 4, 8]);
    expect(compactSamples([1 / 3, 2 / 3])).toEqual([0.333333, 0.666667]);
  });

  it('writes sorted keys with a 2-space indent', async () => {
    const path = join(dir, 'sorted.json');
    await writeBaseline(path, baselineFromRun(run, metrics));
    const text = await readFile(path, 'utf8');
    expect(text.startsWith('{\n  "bootstrap": {\n    "confidence"')).toBe(true);
    const top = Object.keys(JSON.parse(text));
    expect(top).toEqual([...top].sort());
    const firstCase = Object.keys(JSON.parse(text).cases[0]);
    expect(firstCase).toEqual([...firstCase].sort());
  });

  it('returns null for a missing file', async () => {
    expect(await loadBaseline(join(dir, 'absent.json'))).toBeNull();
  });

  it('refuses to build a baseline from an incomplete run', () => {
    const partial = makeRun(cases, { complete: false });
    expect(() => baselineFromRun(partial, metrics)).toThrow(BaselineError);
    expect(() => baselineFromRun(partial, metrics)).toThrow(/refusing to create a baseline from an incomplete run .*interrupted by SIGINT/);
  });

  it('diffBaselines lists added, removed and changed keys with the median change', () => {
    const old = baselineFromRun(run, metrics);
    const next = baselineFromRun(
      makeRun([
        ...cases.filter((c) => c.model !== 'cnn-like'),
        { model: 'cnn-like', compiler: 'ort-cpu-all', batch: 1, median: 2.5 },
        { model: 'mlp-like', compiler: 'ort-cpu-all', batch: 1, median: 1 },
      ].filter((c) => !(c.model === 'vit-like' && c.compiler === 'ort-cpu-all'))),
      metrics,
    );
    const diff = diffBaselines(old, next);
    expect(diff.added).toEqual(['archetypes/mlp-like/ort-cpu-all/b=1']);
    expect(diff.removed).toEqual(['archetypes/vit-like/ort-cpu-all/b=1']);
    expect(diff.changed.map((c) => [c.key, c.oldMedian, c.newMedian, c.ratio])).toEqual([['archetypes/cnn-like/ort-cpu-all/b=1', 2, 2.5, 1.25]]);
    // The reference measured alongside stayed at 1 ms, so the judged ratio moved as the latency did.
    expect(formatBaselineDiff(diff)).toContain('~ archetypes/cnn-like/ort-cpu-all/b=1: 2.000 ms -> 2.500 ms (+25.0%); lat/ort-cpu-disabled 2.000 -> 2.500 (+25.0%)');
  });
});
