/**
 * The gate judges each case against the partner it was measured alongside: a compiler against its
 * reference (relative latency), the reference against the anchor (anchored latency). So the machine's
 * speed between the baseline and the run does not enter, and a slowdown is charged to the arm that slowed.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_GATE_CONFIG, parseGateConfig } from '../src/gate/config.ts';
import type { CompletedCase, RunResult } from '../src/results/schema.ts';
import { baselineOf, judgeRun } from './support/gate-harness.ts';
import { makeRun, randomSamples, type SyntheticCase } from './support/synthetic-run.ts';

const K_ALL = 'archetypes/vit-like/ort-cpu-all/b=8';
const K_DIS = 'archetypes/vit-like/ort-cpu-disabled/b=8';

/**
 * The machine runs at `machine` × its speed; the compiler and the reference take `all` and `disabled`
 * ms on a machine of speed 1. Everything measured alongside (reference and anchor) slows with the machine.
 */
function run(seed: number, { machine = 1, all = 6, disabled = 10 } = {}): RunResult {
  const noise = (median: number, s: number) => randomSamples(median, 100, 0.03, seed * 10 + s);
  const anchor = Array.from({ length: 100 }, () => machine);
  const cases: SyntheticCase[] = [
    { model: 'vit-like', compiler: 'ort-cpu-all', batch: 8, samples: noise(all * machine, 1), referenceSamples: noise(disabled * machine, 2), anchorSamples: anchor },
    { model: 'vit-like', compiler: 'ort-cpu-disabled', batch: 8, samples: noise(disabled * machine, 3), anchorSamples: anchor },
  ];
  return makeRun(cases);
}

const baseline = baselineOf(run(1));
const verdictOf = (v: ReturnType<typeof judgeRun>, key: string) => v.cases.find((c) => c.key === key);

describe('gate: each case against its partner', () => {
  it('passes a run on a machine 12% slower throughout: nothing the cases were compared with moved', () => {
    const v = judgeRun(run(2, { machine: 1.12 }), baseline);
    expect(v.passed).toBe(true);
    expect(verdictOf(v, K_ALL)?.evidence).toMatchObject({ metric: 'relative-latency', partnerId: 'ort-cpu-disabled' });
    expect(verdictOf(v, K_DIS)?.evidence).toMatchObject({ metric: 'anchored-latency', partnerId: 'js-matmul-48' });
    // The latency itself moved 12%, and is shown, not judged.
    expect(verdictOf(v, K_ALL)?.evidence?.runMedianMs).toBeGreaterThan(1.08 * (verdictOf(v, K_ALL)?.evidence?.baselineMedianMs ?? 0));
    expect(verdictOf(v, K_ALL)?.message).toMatch(/relative to ort-cpu-disabled measured alongside .*median [\d.]+ ms vs [\d.]+ ms, not judged/);
  });

  it('charges a slower compiler to the compiler', () => {
    const v = judgeRun(run(3, { all: 6 * 1.2 }), baseline);
    expect(verdictOf(v, K_ALL)?.kind).toBe('regression');
    expect(verdictOf(v, K_DIS)?.kind).toBe('unchanged');
    expect(v.problems.map((p) => p.key)).toEqual([K_ALL]);
    expect(v.problems[0]?.message).toMatch(/^regression: archetypes\/vit-like\/ort-cpu-all\/b=8 is \d+\.\d% slower than the baseline relative to ort-cpu-disabled measured alongside/);
  });

  it('charges a slower reference to the reference; the compiler then looks better relative to it, which never fails', () => {
    const v = judgeRun(run(4, { disabled: 10 * 1.25 }), baseline);
    expect(verdictOf(v, K_DIS)?.kind).toBe('regression');
    expect(verdictOf(v, K_DIS)?.message).toMatch(/slower than the baseline in units of the anchor \(js-matmul-48\) measured alongside/);
    expect(verdictOf(v, K_ALL)?.kind).toBe('improvement');
    expect(v.problems.map((p) => p.key)).toEqual([K_DIS]);
  });

  it('compares a case whose partner\'s version changed, naming it; calls it stale only when the partner itself changed', () => {
    const changed = run(5);
    const cases = changed.cases.map((c) =>
      c.key === K_ALL && c.state === 'completed' && c.interleaving.reference !== null
        ? ({ ...c, interleaving: { ...c.interleaving, reference: { ...c.interleaving.reference, versions: { 'onnxruntime-node': '1.31.0' } } } } satisfies CompletedCase)
        : c,
    );
    const v = judgeRun({ ...changed, cases }, baseline);
    expect(verdictOf(v, K_ALL)?.kind).not.toBe('stale');
    expect(verdictOf(v, K_ALL)?.evidence?.versionChanges).toEqual(["ort-cpu-disabled's onnxruntime-node 1.30.0 → 1.31.0"]);
    expect(verdictOf(v, K_ALL)?.message).toContain("ort-cpu-disabled's onnxruntime-node 1.30.0 → 1.31.0");
    const anchorOnly = run(5).cases.map((c) => (c.key === K_ALL && c.state === 'completed' ? { ...c, interleaving: { ...c.interleaving, reference: null } } : c));
    expect(verdictOf(judgeRun({ ...changed, cases: anchorOnly }, baseline), K_ALL)?.message).toContain('measured alongside js-matmul-48 now, ort-cpu-disabled in the baseline');
  });

  it('does not judge cases measured with the machine in another state (the anchor 40% slower), and says so', () => {
    // In such states ratios between workloads move too (on the VM by up to 17%): they are not compared.
    const v = judgeRun(run(6, { machine: 1.4, all: 6 * 1.3 }), baseline);
    expect(verdictOf(v, K_ALL)?.kind).toBe('unjudged');
    expect(verdictOf(v, K_DIS)?.kind).toBe('unjudged');
    expect(verdictOf(v, K_ALL)?.message).toMatch(
      /^not judged: archetypes\/vit-like\/ort-cpu-all\/b=8 was measured with the machine in another state than in the baseline \(the anchor took 1\.400 ms a call, 1\.000 ms in the baseline, beyond ±15\.0%\)/,
    );
    expect(v.passed).toBe(true);
    expect(v.summaryLine).toBe('INCONCLUSIVE: 0 regressions, 0 reversals; judged 0 of 2 comparable cases (2 not judged: machine in another state); too few cases judged to pass: compare side by side with pnpm bench --compare <ref>, or refresh the baseline on this machine');
    expect(v.notes).toContain(verdictOf(v, K_ALL)?.message);
    expect(baseline.cases.find((c) => c.key === K_ALL)?.judged?.quietAnchorMs).toBe(1);
    // The tolerance is a setting: with it wide open, the slower compiler is caught relative to its reference.
    const open = judgeRun(run(6, { machine: 1.4, all: 6 * 1.3 }), baseline, { ...DEFAULT_GATE_CONFIG, machineStateTolerance: 10 });
    expect(verdictOf(open, K_ALL)?.kind).toBe('regression');
    expect(parseGateConfig('{"machineStateTolerance": 0.3}', 'g.json').machineStateTolerance).toBe(0.3);
    expect(() => parseGateConfig('{"machineStateTolerance": "wide"}', 'g.json')).toThrow(/machineStateTolerance must be a number between 0 and 10, got "wide"/);
  });
});
