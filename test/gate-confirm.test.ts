/**
 * Confirmation: the CLI measures the cases of the gate's findings again; a finding fails the run only
 * when the gate finds it in both measurements.
 */
import { describe, expect, it } from 'vitest';
import { confirmVerdict, keysToConfirm } from '../src/gate/confirm.ts';
import { computeMetrics } from '../src/metrics/compute.ts';
import { baselineOf, judgeRun } from './support/gate-harness.ts';
import { makeRun, randomSamples, type SyntheticCase } from './support/synthetic-run.ts';

const K = 'models/net/ort-cpu-all/b=4';
const OTHER = 'models/other/ort-cpu-all/b=4';
/** Two user models under ort-cpu-all, judged against the reference alongside (1 ms); `shift` slows `net`. */
function run(seed: number, shift = 1, otherShift = 1) {
  const cases: SyntheticCase[] = [
    { model: 'net', suite: 'models', compiler: 'ort-cpu-all', batch: 4, samples: randomSamples(10 * shift, 60, 0.02, seed) },
    { model: 'other', suite: 'models', compiler: 'ort-cpu-all', batch: 4, samples: randomSamples(5 * otherShift, 60, 0.02, seed + 1) },
  ];
  return makeRun(cases);
}
const baseline = baselineOf(run(1));

describe('confirmation of the gate’s findings', () => {
  it('asks to measure again exactly the cases of the findings', () => {
    const first = judgeRun(run(2, 1.3), baseline);
    expect(keysToConfirm(first, computeMetrics(run(2, 1.3)))).toEqual([K]);
    expect(keysToConfirm(judgeRun(run(2), baseline), computeMetrics(run(2)))).toBeNull(); // nothing to confirm
  });

  it('keeps a finding that the second measurement shows too', () => {
    const v = confirmVerdict(judgeRun(run(2, 1.3), baseline), judgeRun(run(3, 1.28), baseline), [K], { hardwareId: 'test', minJudgedFraction: 0.5 });
    expect(v.passed).toBe(false);
    expect(v.problems.map((p) => [p.kind, p.key])).toEqual([['regression', K]]);
    expect(v.summaryLine).toBe('FAIL: 1 regression, 0 reversals; judged 2 of 2 comparable cases; 1 case measured again to confirm 1 finding, 0 not confirmed');
  });

  it('drops a finding that the second measurement does not show, and says so', () => {
    const v = confirmVerdict(judgeRun(run(2, 1.3), baseline), judgeRun(run(3), baseline), [K], { hardwareId: 'test', minJudgedFraction: 0.5 });
    expect(v.passed).toBe(true);
    expect(v.problems).toEqual([]);
    expect(v.notes.some((n) => n.startsWith(`not confirmed when measured again: regression: ${K} is`))).toBe(true);
    expect(v.summaryLine).toBe('PASS: 0 regressions, 0 reversals; judged 2 of 2 comparable cases; 1 case measured again to confirm 1 finding, 1 not confirmed');
  });

  it('does not fail on a finding that only the second measurement has', () => {
    const v = confirmVerdict(judgeRun(run(2, 1.3), baseline), judgeRun(run(3, 1.3, 1.3), baseline), [K, OTHER], { hardwareId: 'test', minJudgedFraction: 0.5 });
    expect(v.problems.map((p) => p.key)).toEqual([K]);
    expect(v.cases.find((c) => c.key === OTHER)?.kind).toBe('unchanged');
    expect(v.cases.find((c) => c.key === OTHER)?.message).toMatch(/^unchanged \(not confirmed\): regression:/);
    expect(v.notes.some((n) => n.startsWith(`found only when measured again, not confirmed: regression: ${OTHER}`))).toBe(true);
  });

  it('leaves failures alone: a failed case is not a finding to measure again', () => {
    const failed = makeRun([{ model: 'net', suite: 'models', compiler: 'ort-cpu-all', batch: 4, state: 'failed' }, { model: 'other', suite: 'models', compiler: 'ort-cpu-all', batch: 4, median: 5 }]);
    const v = judgeRun(failed, baseline);
    expect(v.problems.map((p) => p.kind)).toEqual(['failed']);
    expect(keysToConfirm(v, computeMetrics(failed))).toBeNull();
  });
});
