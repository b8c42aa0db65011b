/**
 * Calibration of the gate: real cases measured twice — a "baseline" arm and a later "run" arm, each
 * compiled and measured afresh as a baseline and a pull request's run are — are turned into a baseline
 * and a run and judged by the real gate, so the false-alarm and detection rates measured are those of
 * the gate users get. Pure: cases in, decisions out.
 */
import { gate, metricsOptionsFromGateConfig, type GateConfig } from './gate/index.ts';
import { computeMetrics } from './metrics/index.ts';
import { baselineFromRun } from './results/baseline.ts';
import type { CaseResult, RunResult } from './results/schema.ts';

/** One gate decision of a trial: the case, what it was judged against, and the verdict's kind. */
export interface Decision {
  readonly key: string;
  readonly against: 'relative-latency' | 'anchored-latency' | null;
  readonly kind: string;
}

function runOf(shell: RunResult, cases: readonly CaseResult[]): RunResult {
  return { ...shell, complete: true, interruptedBy: null, filters: {}, cases: [...cases].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)) };
}

/**
 * The gate's per-case verdicts for one trial: the baseline arm becomes a baseline (through
 * `baselineFromRun`, so with its compact sample sets), the run arm a run. Series and reversal checks are
 * off: calibration is of the per-case test.
 */
export function judgeTrial(shell: RunResult, baselineArm: readonly CaseResult[], runArm: readonly CaseResult[], config: GateConfig): Decision[] {
  const caseOnly: GateConfig = { ...config, checks: { friction: false, depthGain: false, reversals: false } };
  const options = metricsOptionsFromGateConfig(caseOnly);
  const baselineRun = runOf(shell, baselineArm);
  const run = runOf(shell, runArm);
  const baseline = baselineFromRun(baselineRun, computeMetrics(baselineRun, options));
  const verdict = gate(run, baseline, computeMetrics(run, options), baseline.metrics, caseOnly);
  return verdict.cases.map((c) => ({ key: c.key, against: c.evidence?.metric ?? null, kind: c.kind }));
}

export interface Rate {
  readonly count: number;
  readonly total: number;
  readonly rate: number;
  /** Wilson 95% interval. */
  readonly low: number;
  readonly high: number;
}

/** Fraction of `decisions` equal to `kind`, with a Wilson 95% interval. */
export function rate(decisions: readonly string[], kind: string): Rate {
  const total = decisions.length;
  const count = decisions.filter((d) => d === kind).length;
  if (total === 0) return { count, total, rate: 0, low: 0, high: 1 };
  const z = 1.959964;
  const p = count / total;
  const denominator = 1 + (z * z) / total;
  const centre = (p + (z * z) / (2 * total)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / total + (z * z) / (4 * total * total))) / denominator;
  return { count, total, rate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}
