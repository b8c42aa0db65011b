/**
 * Paired confirmation: a case the paired gate calls changed is measured again in fresh worker
 * processes, and the finding stands only when both measurements show it (a bias of a case's processes
 * shared by both its session pairs does not follow it into new processes; a real change does).
 * Evaluation stays pure: both sides' first measurements ride in the run files (`confirmation`).
 */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../src/evaluate.ts';
import { DEFAULT_GATE_CONFIG } from '../src/gate/config.ts';
import { keysToConfirm } from '../src/gate/confirm.ts';
import type { CaseResult, RunResult } from '../src/results/schema.ts';
import { makePairedRuns, type PairedCaseSpec } from './support/synthetic-paired.ts';

const COMPILERS = ['ort-cpu-disabled', 'ort-cpu-basic', 'ort-cpu-all'] as const;
const MODELS = ['resnet-like', 'vit-like', 'mixer-like', 'mobilenetv2-like'] as const;
const KEY = 'archetypes/vit-like/ort-cpu-all/b=4';

function matrix(factor: (key: string) => number): PairedCaseSpec[] {
  return MODELS.flatMap((model, m) =>
    COMPILERS.flatMap((compiler, c) =>
      [1, 4, 16].map((batch) => ({ model, compiler, batch, median: (1 + m) * (1 + c * 0.2) * batch ** 0.8, headFactor: factor(`archetypes/${model}/${compiler}/b=${batch}`) })),
    ),
  );
}

/** The run with `remeasured`'s cases in place of the first measurements, which it carries as its confirmation. */
function confirmed(first: RunResult, remeasured: RunResult, keys: readonly string[]): RunResult {
  const again = new Map(remeasured.cases.map((c) => [c.key, c]));
  const firstCases: CaseResult[] = first.cases.filter((c) => keys.includes(c.key));
  return { ...first, cases: first.cases.map((c) => (keys.includes(c.key) ? (again.get(c.key) as CaseResult) : c)), confirmation: { firstCases } };
}

const judge = (head: RunResult, base: RunResult) => evaluate({ run: head, base, baseline: undefined, config: DEFAULT_GATE_CONFIG, harnessErrors: [], requireBaseline: false });

describe('paired confirmation', () => {
  // One case's head ran 30% slower in both its session pairs: a real change, or a bias of that run's processes.
  const first = makePairedRuns(matrix((key) => (key === KEY ? 1.3 : 1)), { seed: 11, rounds: 16 });

  it('asks to measure again the case the first verdict calls a regression', () => {
    const { verdict, metrics } = judge(first.head, first.base);
    expect(verdict?.problems.map((p) => [p.kind, p.key])).toEqual([['regression', KEY]]);
    expect(keysToConfirm(verdict!, metrics)).toEqual([KEY]);
  });

  it('drops a regression that fresh processes do not reproduce, and says so', () => {
    const again = makePairedRuns(matrix(() => 1), { seed: 12, rounds: 16 });
    const head = confirmed(first.head, again.head, [KEY]);
    const base = confirmed(first.base, again.base, [KEY]);
    const { verdict, outcome } = judge(head, base);
    expect(outcome).toBe('pass');
    expect(verdict?.problems).toEqual([]);
    expect(verdict?.cases.find((c) => c.key === KEY)?.kind).not.toBe('regression');
    expect(verdict?.notes.some((n) => n.startsWith(`not confirmed when measured again: regression: ${KEY}`))).toBe(true);
    expect(verdict?.summaryLine).toMatch(/^PASS: 0 regressions, 0 reversals; judged 36 of 36 cases side by side with base [^;]*; 1 case measured again to confirm 1 finding, 1 not confirmed$/);
  });

  it('keeps a regression that the fresh processes show too', () => {
    const again = makePairedRuns(matrix((key) => (key === KEY ? 1.3 : 1)), { seed: 13, rounds: 16 });
    const { verdict, outcome } = judge(confirmed(first.head, again.head, [KEY]), confirmed(first.base, again.base, [KEY]));
    expect(outcome).toBe('fail');
    expect(verdict?.problems.map((p) => [p.kind, p.key])).toEqual([['regression', KEY]]);
    expect(verdict?.summaryLine).toMatch(/^FAIL: 1 regression, 0 reversals; judged 36 of 36 cases side by side with base .*; 1 case measured again to confirm 1 finding, 0 not confirmed$/);
    const judged = verdict?.cases.find((c) => c.key === KEY);
    expect(judged?.paired?.ratio).toBeGreaterThan(1.2);
  });

  // One case's head ran 30% faster in both pairs: an improvement is a finding too, and is measured again.
  const faster = makePairedRuns(matrix((key) => (key === KEY ? 1 / 1.3 : 1)), { seed: 21, rounds: 16 });

  it('asks to measure again a case the first verdict calls an improvement, with nothing failing', () => {
    const { verdict, metrics, outcome } = judge(faster.head, faster.base);
    expect(outcome).toBe('pass');
    expect(verdict?.cases.filter((c) => c.kind === 'improvement').map((c) => c.key)).toEqual([KEY]);
    expect(keysToConfirm(verdict!, metrics)).toEqual([KEY]);
  });

  it('reports an improvement that fresh processes do not reproduce as unchanged, and says so', () => {
    const again = makePairedRuns(matrix(() => 1), { seed: 22, rounds: 16 });
    const { verdict, outcome } = judge(confirmed(faster.head, again.head, [KEY]), confirmed(faster.base, again.base, [KEY]));
    expect(outcome).toBe('pass');
    expect(verdict?.cases.filter((c) => c.kind === 'improvement')).toEqual([]);
    expect(verdict?.cases.find((c) => c.key === KEY)?.kind).toBe('unchanged');
    expect(verdict?.notes.some((n) => n.startsWith(`not confirmed when measured again: improvement: ${KEY}`))).toBe(true);
    expect(verdict?.summaryLine).toMatch(/^PASS: 0 regressions, 0 reversals; judged 36 of 36 cases side by side with base [^;]*; 1 case measured again to confirm 1 finding, 1 not confirmed$/);
  });

  it('keeps an improvement that the fresh processes show too', () => {
    const again = makePairedRuns(matrix((key) => (key === KEY ? 1 / 1.3 : 1)), { seed: 23, rounds: 16 });
    const { verdict } = judge(confirmed(faster.head, again.head, [KEY]), confirmed(faster.base, again.base, [KEY]));
    expect(verdict?.cases.filter((c) => c.kind === 'improvement').map((c) => c.key)).toEqual([KEY]);
    expect(verdict?.summaryLine).toMatch(/\(1 improvement\); 1 case measured again to confirm 1 finding, 0 not confirmed$/);
  });
});
