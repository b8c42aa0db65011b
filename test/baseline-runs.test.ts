/**
 * A baseline made from several runs pools their rounds and records how far each compiler's gated
 * quantities moved between them; the gate takes that spread as the smallest change it believes.
 */
import { describe, expect, it } from 'vitest';
import { BaselineError } from '../src/results/baseline.ts';
import type { RunResult } from '../src/results/schema.ts';
import { baselineOf, baselineOfRuns, judgeRun } from './support/gate-harness.ts';
import { evenSamples, makeRun, type SyntheticCase } from './support/synthetic-run.ts';

const K_ALL = 'archetypes/vit-like/ort-cpu-all/b=8';
const K_DIS = 'archetypes/vit-like/ort-cpu-disabled/b=8';
const N = 31;
const constant = (value: number) => Array.from({ length: N }, () => value);

/** ort-cpu-all at `ratio` × its reference (10 ms), measured alongside it; the anchor takes `anchor` ms. */
function run(ratio: number, { anchor = 1, drop = false }: { anchor?: number; drop?: boolean } = {}): RunResult {
  const cases: SyntheticCase[] = [
    { model: 'vit-like', compiler: 'ort-cpu-all', batch: 8, samples: evenSamples(10 * ratio, N), referenceSamples: constant(10), anchorSamples: constant(anchor) },
  ];
  if (!drop) cases.push({ model: 'vit-like', compiler: 'ort-cpu-disabled', batch: 8, samples: evenSamples(10, N), anchorSamples: constant(anchor) });
  return makeRun(cases);
}

const caseOf = (v: ReturnType<typeof judgeRun>, key: string) => v.cases.find((c) => c.key === key);

describe('a baseline from several runs', () => {
  it('keeps each run’s median ratio, pools the rounds, and records the run-to-run spread per metric and compiler', () => {
    const baseline = baselineOfRuns([run(0.6), run(0.66)]);
    const judged = baseline.cases.find((c) => c.key === K_ALL)!.judged!;
    expect(judged.runs.map((r) => r.median)).toEqual([expect.closeTo(0.6, 12), expect.closeTo(0.66, 12)]);
    expect(judged.runs.map((r) => r.quietAnchorMs)).toEqual([1, 1]);
    expect(judged.rounds).toBe(2 * N);
    // The pooled median of 31 + 31 evenly spaced ratios: the mean of the top of the first run's and the bottom of the second's.
    const top = 0.6 * (1 + 0.02 * (2 * ((N - 0.5) / N) - 1));
    const bottom = 0.66 * (1 + 0.02 * (2 * (0.5 / N) - 1));
    expect(judged.median).toBeCloseTo((top + bottom) / 2, 12);
    expect(baseline.runToRun.runs).toBe(2);
    expect(baseline.runToRun.spread['relative-latency/ort-cpu-all']).toEqual({ pairs: 1, spread: expect.closeTo(0.1, 12) });
    expect(baseline.runToRun.spread['anchored-latency/ort-cpu-disabled']).toEqual({ pairs: 1, spread: 0 });
  });

  it('records nothing of the kind for a single run, and keeps that run as its only one', () => {
    const baseline = baselineOf(run(0.6));
    expect(baseline.runToRun).toEqual({ runs: 1, spread: {} });
    expect(baseline.cases.find((c) => c.key === K_ALL)!.judged!.runs).toHaveLength(1);
  });

  it('records the spread of friction β between runs as a difference in β', () => {
    const sweep = (slope: number) =>
      makeRun(
        [1, 2, 4].map((batch) => ({
          model: 'vit-like',
          compiler: 'ort-cpu-all',
          batch,
          samples: constant(6 * batch ** slope),
          referenceSamples: constant(10),
        })),
      );
    const baseline = baselineOfRuns([sweep(0), sweep(0.1)]);
    expect(baseline.runToRun.spread['friction-beta/ort-cpu-all']).toEqual({ pairs: 1, spread: expect.closeTo(0.1, 12) });
  });

  it('refuses runs of different machines, selections or models, naming the difference', () => {
    const other = structuredClone(run(0.6));
    other.hardware.id = 'another-machine';
    expect(() => baselineOfRuns([run(0.6), other])).toThrow(BaselineError);
    expect(() => baselineOfRuns([run(0.6), other])).toThrow(/is from hardware another-machine, run 1 from test-cpu-8c-16g: a baseline is of one machine/);
    expect(() => baselineOfRuns([run(0.6), run(0.6, { drop: true })])).toThrow(`${K_DIS} is in run 1 but not in run 2: make the baseline from runs of the same selection`);
    const changed = structuredClone(run(0.6));
    for (const c of changed.cases) c.model.hash = 'f'.repeat(64);
    expect(() => baselineOfRuns([run(0.6), changed])).toThrow(`the runs do not measure ${K_ALL} alike: its model hash differs between run 1 and run 2`);
  });
});

describe('the gate with a baseline from several runs', () => {
  // The ratio moved 15% between the baseline's two runs of unchanged code.
  const baseline = baselineOfRuns([run(0.6), run(0.69)]);
  const pooled = baseline.cases.find((c) => c.key === K_ALL)!.judged!.median;

  it('does not call a change within the run-to-run spread a regression, though it is beyond the configured threshold', () => {
    const v = judgeRun(run(pooled * 1.12), baseline);
    const verdict = caseOf(v, K_ALL)!;
    expect(verdict.kind).toBe('unchanged');
    expect(verdict.evidence).toMatchObject({ threshold: expect.closeTo(0.15, 10), configuredThreshold: 0.1, runToRunSpread: expect.closeTo(0.15, 10) });
    expect(verdict.message).toMatch(/significant but within the threshold; .*threshold 15\.0%, ort-cpu-all's run-to-run spread over the baseline's 2 runs \(configured 10\.0%\)/);
    expect(v.passed).toBe(true);
  });

  it('calls a change beyond the spread a regression and says which threshold it crossed', () => {
    const v = judgeRun(run(pooled * 1.25), baseline);
    expect(caseOf(v, K_ALL)?.kind).toBe('regression');
    expect(v.problems[0]?.message).toMatch(/^regression: archetypes\/vit-like\/ort-cpu-all\/b=8 is 25\.0% slower .*threshold 15\.0%, ort-cpu-all's run-to-run spread/);
  });

  it('judges a case when the machine is in the state of any of the baseline’s runs', () => {
    const states = baselineOfRuns([run(0.6, { anchor: 1 }), run(0.6, { anchor: 1.5 })]);
    // 1.5 ms is 20% from the median of the runs' anchors (1.25 ms), but it is where the second run was.
    expect(caseOf(judgeRun(run(0.6, { anchor: 1.5 }), states), K_ALL)?.kind).toBe('unchanged');
    const far = caseOf(judgeRun(run(0.6, { anchor: 2 }), states), K_ALL)!;
    expect(far.kind).toBe('unjudged');
    expect(far.message).toContain("(the anchor took 2.000 ms a call, 1.000 ms, 1.500 ms in the baseline's runs, beyond ±15.0%)");
  });
});
