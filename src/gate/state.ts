/** What the gate's checks share while judging one run. */
import type { Banks } from '../metrics/banks.ts';
import type { SampleBank } from '../metrics/estimate.ts';
import type { BootstrapSettings } from '../stats/bootstrap.ts';
import { runToRunKey, type RunToRunSpread } from '../results/baseline.ts';
import type { MetricId } from '../metrics/registry.ts';
import { thresholdFor, type GateConfig } from './config.ts';
import type { Problem } from './verdict.ts';

export interface State {
  readonly config: GateConfig;
  readonly settings: BootstrapSettings;
  readonly run: Banks;
  /** The baseline's compact sample sets of the judged ratio (see `Banks.judged`). */
  readonly baseJudged: SampleBank;
  /** The baseline's run-to-run spreads, keyed `<metric>/<compiler>` (empty for a single-run baseline). */
  readonly runToRun: Readonly<Record<string, RunToRunSpread>>;
  /** Runs the baseline was made from. */
  readonly baselineRuns: number;
  /** Case key → the reference compiler it was measured alongside (cases with one). */
  readonly referenceOf: ReadonlyMap<string, string>;
  /** Keys completed in both, not stale: the only ones any comparison uses. */
  readonly comparable: Set<string>;
  readonly problems: Problem[];
  readonly notes: string[];
}


/** A threshold as the gate applies it: the configured one, raised to the baseline's run-to-run spread. */
export interface AppliedThreshold {
  readonly threshold: number;
  readonly configured: number;
  /** The compiler's run-to-run spread on this metric in the baseline; null when it records none. */
  readonly spread: number | null;
}

/**
 * The threshold for one metric of one compiler. A change no larger than the quantity moved between
 * the baseline's own runs of unchanged code is not evidence of anything, so the spread is a floor.
 */
export function appliedThreshold(st: State, metric: MetricId, compilerId: string): AppliedThreshold {
  const configured = thresholdFor(st.config, metric, compilerId);
  const spread = st.runToRun[runToRunKey(metric, compilerId)]?.spread ?? null;
  return { threshold: spread === null ? configured : Math.max(configured, spread), configured, spread };
}

/** How a message names an applied threshold; `format` writes a value in the metric's unit. */
export function thresholdText(st: State, t: AppliedThreshold, compilerId: string, format: (v: number) => string): string {
  if (t.spread === null) return format(t.threshold);
  if (t.spread > t.configured) return `${format(t.threshold)}, ${compilerId}'s run-to-run spread over the baseline's ${st.baselineRuns} runs (configured ${format(t.configured)})`;
  return `${format(t.threshold)} (run-to-run spread ${format(t.spread)})`;
}
