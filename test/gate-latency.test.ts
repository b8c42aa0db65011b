import { describe, expect, it } from 'vitest';
import { DEFAULT_GATE_CONFIG } from '../src/gate/config.ts';
import { exitCodeOf } from '../src/evaluate.ts';
import { makeRun, randomSamples, type SyntheticCase } from './support/synthetic-run.ts';
import { baselineOf, judgeRun } from './support/gate-harness.ts';

const MODELS = ['cnn-like', 'vit-like', 'mlp-like'];
const KEY = 'models/vit-like/ort-cpu-all/b=8';

/** Three user-model cases (no archetype orderings involved); `shift` multiplies vit-like's latency; `seed` picks the noise. */
function runWith(seed: number, shift = 1): ReturnType<typeof makeRun> {
  const cases: SyntheticCase[] = MODELS.map((model, i) => ({
    model,
    suite: 'models',
    compiler: 'ort-cpu-all',
    batch: 8,
    samples: randomSamples((10 + i) * (model === 'vit-like' ? shift : 1), 100, 0.05, seed * 100 + i),
  }));
  return makeRun(cases);
}

const baseline = baselineOf(runWith(1));

describe('gate on case latency', () => {
  it('passes when the distributions are the same (unchanged)', () => {
    const v = judgeRun(runWith(2), baseline);
    expect(v.passed).toBe(true);
    expect(exitCodeOf(v.status)).toBe(0);
    expect(v.cases.map((c) => c.kind)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(v.summaryLine).toBe('PASS: 0 regressions, 0 reversals; judged 3 of 3 comparable cases');
    const e = v.cases[0]?.evidence;
    expect(e?.ci?.[0]).toBeLessThanOrEqual(1);
    expect(e?.ci?.[1]).toBeGreaterThanOrEqual(1);
    // Each case is judged by its ratio to the reference measured alongside (1 ms here): 100 rounds.
    expect(e).toMatchObject({ metric: 'relative-latency', partnerId: 'ort-cpu-disabled', confidence: 0.99, resamples: 2000, threshold: 0.1, runRounds: 100, baselineSamples: 64, baselineRounds: 100 });
  });

  it('fails on a 20% slowdown and names the key', () => {
    const v = judgeRun(runWith(2, 1.2), baseline);
    expect(v.passed).toBe(false);
    expect(exitCodeOf(v.status)).toBe(1);
    expect(v.summaryLine).toBe('FAIL: 1 regression, 0 reversals; judged 3 of 3 comparable cases');
    const r = v.cases.find((c) => c.kind === 'regression');
    expect(r?.key).toBe(KEY);
    expect(r?.evidence?.ratio).toBeGreaterThan(1.1);
    expect(r?.evidence?.ci?.[0]).toBeGreaterThan(1);
    expect(v.problems).toEqual([{ kind: 'regression', key: KEY, message: expect.stringMatching(new RegExp(`^regression: ${KEY} is \\d+\\.\\d% slower than the baseline`)) }]);
  });

  it('passes a 3% slowdown at the 10% threshold, even when it is significant', () => {
    const v = judgeRun(runWith(2, 1.03), baseline);
    expect(v.passed).toBe(true);
    expect(v.cases.find((c) => c.key === KEY)?.kind).toBe('unchanged');
  });

  it('applies a per-compiler threshold override', () => {
    const strict = { ...DEFAULT_GATE_CONFIG, threshold: { default: 0.1, byMetric: {}, byCompiler: { 'ort-cpu-all': 0.01 } } };
    const v = judgeRun(runWith(2, 1.05), baseline, strict);
    const c = v.cases.find((x) => x.key === KEY);
    expect(c?.evidence?.threshold).toBe(0.01);
    expect(c?.kind).toBe('regression');
  });

  it('reports an improvement and never fails on it', () => {
    const v = judgeRun(runWith(2, 0.8), baseline);
    expect(v.passed).toBe(true);
    expect(v.cases.find((c) => c.key === KEY)?.kind).toBe('improvement');
    expect(v.summaryLine).toBe('PASS: 0 regressions, 0 reversals; judged 3 of 3 comparable cases (1 improvement)');
  });

  it('is deterministic', () => {
    expect(judgeRun(runWith(3, 1.05), baseline)).toEqual(judgeRun(runWith(3, 1.05), baseline));
  });
});
