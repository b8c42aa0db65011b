/**
 * Calibration of the gate: real cases measured twice — a "baseline" arm and a later "run" arm, each
 * compiled and measured afresh as a baseline and a pull request's run are — are turned into a baseline
 * and a run and judged by the real gate, so the false-alarm and detection rates measured are those of
 * the gate users get. Pure: cases in, decisions out.
 */
import { gate, metricsOptionsFromGateConfig, type GateConfig, type Verdict } from './gate/index.ts';
import { computeMetrics } from './metrics/index.ts';
import { baselineFromRun, baselineFromRuns, type MeasuredRun } from './results/baseline.ts';
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

// ---------------------------------------------------------------------------------------------------
// Between runs: the gate on recorded runs, each judged against a baseline made from the others.

/** A run whose every completed case took `factor` × as long: a slowdown of each case's own arm. */
export function slowedRun(run: RunResult, factor: number): RunResult {
  if (factor === 1) return run;
  const cases = run.cases.map((c): CaseResult => {
    if (c.state !== 'completed') return c;
    const l = c.latency;
    const scale = (v: number) => v * factor;
    return {
      ...c,
      samples: c.samples.map(scale),
      throughput: c.throughput / factor,
      latency: { ...l, min: scale(l.min), max: scale(l.max), mean: scale(l.mean), median: scale(l.median), p25: scale(l.p25), p75: scale(l.p75), p99: scale(l.p99), sd: scale(l.sd), medianCi: [scale(l.medianCi[0]), scale(l.medianCi[1])] },
    };
  });
  return { ...run, cases };
}

/** What the whole gate said about one held-out run. */
export interface HeldOutVerdict {
  readonly startedAt: string;
  /** Slowdown applied to every case's own arm (1: as recorded). */
  readonly factor: number;
  readonly passed: boolean;
  /** Cases judged (compared with the baseline, machine state matching). */
  readonly judged: number;
  readonly regressions: number;
  readonly seriesRegressions: number;
  readonly newReversals: number;
  readonly flippedOrderings: number;
  /** Cases not judged because the machine was in another state. */
  readonly unjudged: number;
  /** Per compiler: cases judged and regressions among them. */
  readonly byCompiler: Readonly<Record<string, { readonly judged: number; readonly regressions: number }>>;
}

function perCompiler(cases: Verdict['cases']): Record<string, { judged: number; regressions: number }> {
  const out: Record<string, { judged: number; regressions: number }> = {};
  for (const c of cases) {
    if (c.evidence === null) continue;
    const entry = (out[c.compilerId] ??= { judged: 0, regressions: 0 });
    entry.judged++;
    if (c.kind === 'regression') entry.regressions++;
  }
  return out;
}

/**
 * Leave-one-out over recorded runs of the same matrix: each run, as recorded and slowed by each of
 * `factors`, judged by the full gate (series and reversal checks included, no confirmation) against a
 * baseline made from all the other runs. Each run comes with its metrics (computed with the gate's
 * settings). Pure.
 */
export function leaveOneOut(measured: readonly MeasuredRun[], config: GateConfig, factors: readonly number[]): HeldOutVerdict[] {
  const options = metricsOptionsFromGateConfig(config);
  const out: HeldOutVerdict[] = [];
  for (const [i, held] of measured.entries()) {
    const baseline = baselineFromRuns(measured.filter((_, j) => j !== i));
    for (const factor of factors) {
      const run = slowedRun(held.run, factor);
      const metrics = factor === 1 ? held.metrics : computeMetrics(run, options);
      const v = gate(run, baseline, metrics, baseline.metrics, config);
      out.push({
        startedAt: held.run.startedAt,
        factor,
        passed: v.passed,
        judged: v.cases.filter((c) => c.evidence !== null).length,
        regressions: v.counts.regression,
        seriesRegressions: v.counts.seriesRegressions,
        newReversals: v.counts.newReversals,
        flippedOrderings: v.counts.flippedOrderings,
        unjudged: v.counts.unjudged,
        byCompiler: perCompiler(v.cases),
      });
    }
  }
  return out;
}
