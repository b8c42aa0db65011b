/** The gate's answer, as plain data, plus the summary line and exit code derived from it. */

/** `unjudged`: comparable, but the run and the baseline measured it with the machine in different states (see MACHINE_STATE_TOLERANCE). */
export type CaseVerdictKind = 'regression' | 'improvement' | 'unchanged' | 'new' | 'missing' | 'stale' | 'unjudged' | 'failed';

export interface CaseEvidence {
  /** `relative-latency` (against the reference measured alongside) or `anchored-latency` (against the anchor). */
  readonly metric: 'relative-latency' | 'anchored-latency';
  /** The reference compiler or the anchor the ratios are to. */
  readonly partnerId: string;
  /** Median per-round ratio case / partner, in the run and in the baseline. */
  readonly runMedianRatio: number;
  readonly baselineMedianRatio: number;
  /** runMedianRatio / baselineMedianRatio: what is judged. */
  readonly ratio: number;
  /** Percentile bootstrap CI of the ratio at `confidence`; null when it could not be computed. */
  readonly ci: readonly [number, number] | null;
  readonly confidence: number;
  readonly method: string;
  readonly resamples: number;
  /** Two-sided Mann–Whitney p-value, run per-round ratios vs the baseline's compact set. */
  readonly mannWhitneyP: number;
  /**
   * Relative practical threshold applied (0.10 = 10%): the configured one, or the compiler's
   * run-to-run spread in the baseline where that is larger.
   */
  readonly threshold: number;
  /** The configured threshold for this metric and compiler. */
  readonly configuredThreshold: number;
  /** The compiler's run-to-run spread recorded in the baseline (null for a single-run baseline). */
  readonly runToRunSpread: number | null;
  readonly runRounds: number;
  /** Size of the baseline's compact sample set (the baseline run had `baselineRounds` ≥ this). */
  readonly baselineSamples: number;
  readonly baselineRounds: number;
  /** Median latency (ms) in the run and the baseline: shown, not judged (it carries the machine's drift). */
  readonly runMedianMs: number;
  readonly baselineMedianMs: number;
}

export interface CaseVerdict {
  readonly key: string;
  readonly kind: CaseVerdictKind;
  readonly compilerId: string;
  readonly message: string;
  readonly evidence: CaseEvidence | null;
}

export interface SeriesVerdict {
  /** Friction series `suite/model/compiler[/d=N]` or depth series `suite/model/compiler/b=N`. */
  readonly series: string;
  readonly metric: 'friction-beta' | 'depth-gain';
  readonly compilerId: string;
  readonly kind: 'regression' | 'improvement' | 'unchanged' | 'skipped';
  readonly run: number | null;
  readonly baseline: number | null;
  /** β_run − β_baseline (friction) or gain_run / gain_baseline (depth gain). */
  readonly change: number | null;
  readonly ci: readonly [number, number] | null;
  readonly threshold: number;
  /** Batches or depths compared (measured and comparable in both). */
  readonly points: readonly number[];
  readonly message: string;
}

export interface ReversalFinding {
  readonly kind: 'new-reversal' | 'flipped-ordering';
  readonly id: string;
  readonly caseKeys: readonly string[];
  readonly message: string;
}

export type ProblemKind =
  | 'regression'
  | 'missing'
  | 'failed'
  | 'series-regression'
  | 'new-reversal'
  | 'flipped-ordering'
  | 'hardware-mismatch';

/** Something that fails the gate, with a message naming the key. */
export interface Problem {
  readonly kind: ProblemKind;
  readonly key: string;
  readonly message: string;
}

export interface VerdictCounts {
  readonly regression: number;
  readonly improvement: number;
  readonly unchanged: number;
  readonly new: number;
  readonly missing: number;
  readonly stale: number;
  /** Cases not judged because the machine was in another state in the run than in the baseline. */
  readonly unjudged: number;
  readonly failed: number;
  /** Baseline cases absent from the run because the run's filters or profile excluded them. */
  readonly filtered: number;
  readonly seriesRegressions: number;
  readonly seriesImprovements: number;
  readonly newReversals: number;
  readonly flippedOrderings: number;
}

export interface Verdict {
  readonly passed: boolean;
  readonly summaryLine: string;
  readonly counts: VerdictCounts;
  readonly cases: readonly CaseVerdict[];
  readonly series: readonly SeriesVerdict[];
  readonly reversals: readonly ReversalFinding[];
  readonly problems: readonly Problem[];
  /** Informational lines (stale cases, skipped checks, mismatched settings). */
  readonly notes: readonly string[];
  readonly settings: {
    readonly confidence: number;
    readonly resamples: number;
    readonly seed: number;
    readonly defaultThreshold: number;
    readonly mannWhitneyRequired: boolean;
  };
  readonly baseline: {
    readonly hardwareId: string;
    /** When the (last) run the baseline was made from finished. */
    readonly createdFrom: string;
    /** Runs the baseline was made from. */
    readonly runs: number;
    /** `<metric>/<compiler>` → run-to-run spread: the floor of that threshold (empty for one run). */
    readonly runToRun: Readonly<Record<string, number>>;
  } | null;
}

/** The verdict's counts, from its case, series and reversal findings. */
export function countsOf(
  cases: readonly CaseVerdict[],
  series: readonly SeriesVerdict[],
  reversals: readonly ReversalFinding[],
  filtered: number,
): VerdictCounts {
  const tally = (kind: CaseVerdictKind) => cases.filter((c) => c.kind === kind).length;
  return {
    regression: tally('regression'),
    improvement: tally('improvement'),
    unchanged: tally('unchanged'),
    new: tally('new'),
    missing: tally('missing'),
    stale: tally('stale'),
    unjudged: tally('unjudged'),
    failed: tally('failed'),
    filtered,
    seriesRegressions: series.filter((s) => s.kind === 'regression').length,
    seriesImprovements: series.filter((s) => s.kind === 'improvement').length,
    newReversals: reversals.filter((r) => r.kind === 'new-reversal').length,
    flippedOrderings: reversals.filter((r) => r.kind === 'flipped-ordering').length,
  };
}

export const EXIT_PASS = 0;
export const EXIT_GATE_FAILED = 1;

/** 0 when the gate passed, 1 when it failed. */
export function gateExitCode(verdict: Pick<Verdict, 'passed'>): 0 | 1 {
  return verdict.passed ? EXIT_PASS : EXIT_GATE_FAILED;
}

function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

/**
 * `FAIL: 2 regressions, 1 new reversal` / `PASS: 0 regressions, 0 reversals (3 improvements)`:
 * regressions and reversals always, other failing counts when non-zero, informational ones in brackets.
 */
export function summaryLine(passed: boolean, c: VerdictCounts, hasBaseline: boolean, otherProblems: readonly string[] = []): string {
  const failing = [...otherProblems, count(c.regression, 'regression')];
  if (c.newReversals === 0 && c.flippedOrderings === 0) failing.push('0 reversals');
  if (c.newReversals > 0) failing.push(count(c.newReversals, 'new reversal'));
  if (c.flippedOrderings > 0) failing.push(count(c.flippedOrderings, 'flipped archetype ordering'));
  if (c.seriesRegressions > 0) failing.push(count(c.seriesRegressions, 'series regression'));
  if (c.failed > 0) failing.push(`${c.failed} failed`);
  if (c.missing > 0) failing.push(`${c.missing} missing`);
  const info: string[] = [];
  if (c.improvement > 0) info.push(count(c.improvement, 'improvement'));
  if (c.seriesImprovements > 0) info.push(count(c.seriesImprovements, 'series improvement'));
  if (c.new > 0) info.push(`${c.new} new`);
  if (c.stale > 0) info.push(`${c.stale} stale`);
  if (c.unjudged > 0) info.push(`${c.unjudged} not judged: machine in another state`);
  if (c.filtered > 0) info.push(`${c.filtered} filtered out`);
  const bracket = hasBaseline ? info.join(', ') : `no baseline${info.length > 0 ? `: ${info.join(', ')}` : ''}`;
  return `${passed ? 'PASS' : 'FAIL'}: ${failing.join(', ')}${bracket === '' ? '' : ` (${bracket})`}`;
}
