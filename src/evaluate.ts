/**
 * Evaluation: a pure function from what was measured (the head run, the base run of a paired run, the
 * first measurements of cases measured again to confirm) and what it is judged against (the gate
 * config, the committed baseline) to metrics, a verdict and an outcome. It reads and writes nothing;
 * the pipeline loads its inputs and writes what it returns, once.
 */
import { join } from 'node:path';
import { confirmVerdict, gate, metricsOptionsFromGateConfig, type GateConfig, type Verdict } from './gate/index.ts';
import { pairedGate } from './gate/paired.ts';
import { computeMetrics, type MetricsSummary } from './metrics/index.ts';
import type { Baseline } from './results/baseline.ts';
import type { RunResult } from './results/schema.ts';

/** A problem outside any case: a spec file that failed to load, a case that threw before it was measured. */
export interface HarnessError {
  readonly where: string;
  readonly message: string;
}

/**
 * How a run ended, in order of precedence: `interrupted` (exit 130), `incomplete` (errors outside any
 * case or failed cases: exit 1), then the verdict's status — `fail` and `inconclusive` exit 1,
 * `no-baseline` exits 0 unless a baseline is required, `pass` and `not-gated` exit 0.
 */
export type Outcome = 'pass' | 'fail' | 'inconclusive' | 'no-baseline' | 'not-gated' | 'incomplete' | 'interrupted';

export interface EvaluationInput {
  /** The run (the head side of a paired run); cases measured again replace their first measurements. */
  readonly run: RunResult;
  /** Paired runs: the base side, measured in the same rounds. */
  readonly base: RunResult | null;
  /** The committed baseline: undefined when the run is not gated, null when there is none for this hardware. */
  readonly baseline: Baseline | null | undefined;
  readonly config: GateConfig;
  readonly harnessErrors: readonly HarnessError[];
  /** No baseline for this hardware fails the run instead of passing it with a note. */
  readonly requireBaseline: boolean;
}

export interface Evaluation {
  readonly metrics: MetricsSummary;
  /** Paired runs: the base side's metrics. */
  readonly baseMetrics: MetricsSummary | null;
  /** Null when not gated. */
  readonly verdict: Verdict | null;
  readonly outcome: Outcome;
}

export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** The exit code of an outcome: the one place it is decided. */
export function exitCodeOf(outcome: Outcome | 'usage', requireBaseline = false): number {
  switch (outcome) {
    case 'pass':
    case 'not-gated':
      return EXIT.ok;
    case 'no-baseline':
      return requireBaseline ? EXIT.failed : EXIT.ok;
    case 'fail':
    case 'inconclusive':
    case 'incomplete':
      return EXIT.failed;
    case 'interrupted':
      return EXIT.interrupted;
    case 'usage':
      return EXIT.usage;
  }
}

export function evaluate(input: EvaluationInput): Evaluation {
  const { run, base, baseline, config } = input;
  const options = metricsOptionsFromGateConfig(config);
  const metrics = computeMetrics(run, options);
  const baseMetrics = base === null ? null : computeMetrics(base, options);
  let verdict: Verdict | null = null;
  if (base !== null) {
    verdict = pairedGate({ head: run, base, headMetrics: metrics, baseMetrics: baseMetrics as MetricsSummary, config });
    if (run.confirmation !== null) {
      // Measured again in fresh workers: a problem stands only when the first measurements of both sides show it too.
      const firstHead = firstMeasurements(run);
      const firstBase = firstMeasurements(base);
      const first = pairedGate({ head: firstHead, base: firstBase, headMetrics: computeMetrics(firstHead, options), baseMetrics: computeMetrics(firstBase, options), config });
      verdict = confirmVerdict(first, verdict, run.confirmation.firstCases.map((c) => c.key), {
        hardwareId: run.hardware.id,
        minJudgedFraction: config.minJudgedFraction,
      });
    }
  } else if (baseline !== undefined) {
    verdict = gate(run, baseline, metrics, baseline?.metrics ?? null, config);
    if (run.confirmation !== null) {
      // A problem stands only when the gate also finds it in the first measurements (src/gate/confirm.ts).
      const firstRun = firstMeasurements(run);
      const first = gate(firstRun, baseline, computeMetrics(firstRun, options), baseline?.metrics ?? null, config);
      verdict = confirmVerdict(first, verdict, run.confirmation.firstCases.map((c) => c.key), {
        hardwareId: run.hardware.id,
        minJudgedFraction: config.minJudgedFraction,
      });
    }
  }
  return { metrics, baseMetrics, verdict, outcome: outcomeOf(input, verdict) };
}

function outcomeOf(input: EvaluationInput, verdict: Verdict | null): Outcome {
  if (input.run.interruptedBy !== null) return 'interrupted';
  if (input.harnessErrors.length > 0 || input.run.cases.some((c) => c.state === 'failed')) return 'incomplete';
  if (verdict === null) return 'not-gated';
  return verdict.status;
}

/** The run as first measured: the cases measured again replaced by their first measurements. */
export function firstMeasurements(run: RunResult): RunResult {
  if (run.confirmation === null) return run;
  const first = new Map(run.confirmation.firstCases.map((c) => [c.key, c]));
  return { ...run, cases: run.cases.map((c) => first.get(c.key) ?? c), confirmation: null };
}

export function baselinePathFor(run: RunResult, options: { readonly baselinesDir: string; readonly baselinePath?: string | undefined }): string {
  return options.baselinePath ?? join(options.baselinesDir, `${run.hardware.id}.json`);
}

/**
 * The run's metrics and, unless `baseline` is undefined (not gated), its verdict against the baseline
 * (null: none yet), for callers that judge one stored run (the merged report, calibration).
 */
export function judge(run: RunResult, baseline: Baseline | null | undefined, config: GateConfig): { metrics: MetricsSummary; verdict: Verdict | null } {
  const { metrics, verdict } = evaluate({ run, base: null, baseline, config, harnessErrors: [], requireBaseline: false });
  return { metrics, verdict };
}
