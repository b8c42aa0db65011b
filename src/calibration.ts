/**
 * Calibration of the gate: turns pairs of sample sets (a "baseline" arm and a "run" arm of the same
 * cases) into real runs and baselines and asks the real gate, so the false-alarm and detection rates
 * measured are those of the gate users get. Pure: samples in, decisions out.
 */
import { gate, type GateConfig } from './gate/index.ts';
import { summarizeLatency } from './harness/summary.ts';
import { computeMetrics } from './metrics/index.ts';
import { metricsOptionsFromGateConfig } from './gate/index.ts';
import { baselineFromRun } from './results/baseline.ts';
import type { CompletedCase, RunResult } from './results/schema.ts';

/** One case's two arms of one trial. */
export interface ArmPair {
  /** A completed case that supplies the metadata (key, model, compiler); its samples are replaced. */
  readonly template: CompletedCase;
  readonly baselineSamples: readonly number[];
  readonly runSamples: readonly number[];
}

function withSamples(template: CompletedCase, samples: readonly number[]): CompletedCase {
  const latency = summarizeLatency(samples);
  return {
    ...template,
    samples: [...samples],
    latency,
    throughput: latency.median > 0 ? (template.batch * 1000) / latency.median : 0,
  };
}

function runOf(shell: RunResult, cases: CompletedCase[]): RunResult {
  return { ...shell, complete: true, interruptedBy: null, filters: {}, cases };
}

/**
 * The gate's per-case verdicts for one trial: the baseline arms become a baseline (through
 * `baselineFromRun`, so with its compact sample set), the run arms a run. Series and reversal checks
 * are off: calibration is of the per-case test.
 */
export function judgeTrial(shell: RunResult, pairs: readonly ArmPair[], config: GateConfig): Map<string, string> {
  const caseOnly: GateConfig = { ...config, checks: { friction: false, depthGain: false, reversals: false } };
  const options = metricsOptionsFromGateConfig(caseOnly);
  const baselineRun = runOf(shell, pairs.map((p) => withSamples(p.template, p.baselineSamples)));
  const run = runOf(shell, pairs.map((p) => withSamples(p.template, p.runSamples)));
  const baseline = baselineFromRun(baselineRun, computeMetrics(baselineRun, options));
  const verdict = gate(run, baseline, computeMetrics(run, options), baseline.metrics, caseOnly);
  return new Map(verdict.cases.map((c) => [c.key, c.kind]));
}

/** Fraction of `decisions` equal to `kind`, with a Wilson 95% interval. */
export function rate(decisions: readonly string[], kind: string): { count: number; total: number; rate: number; low: number; high: number } {
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
