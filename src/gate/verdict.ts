/** The gate's answer, as plain data, plus the summary line and exit code derived from it. */

/** `unjudged`: comparable, but the run and the baseline measured it with the machine in different states (see MACHINE_STATE_TOLERANCE). */
export type CaseVerdictKind = 'regression' | 'improvement' | 'unchanged' | 'new' | 'missing' | 'stale' | 'unjudged' | 'failed' | 'added' | 'removed';

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
  /** Runtime versions that differ from the baseline's (`onnxruntime-node 1.30.0 → 1.31.0`): compared, and named. */
  readonly versionChanges: readonly string[];
}

export interface CaseVerdict {
  readonly key: string;
  readonly kind: CaseVerdictKind;
  readonly compilerId: string;
  readonly message: string;
  /** Against a committed baseline: what decided the verdict. */
  readonly evidence: CaseEvidence | null;
  /** Side by side with the base (paired runs): what decided the verdict. */
  readonly paired?: PairedEvidence;
}

/** The evidence of one case compared side by side. */
export interface PairedEvidence {
  readonly metric: 'paired-latency';
  /** Geometric mean over the quiet rounds of head/base: exp(mean d). */
  readonly ratio: number;
  /** Student-t interval of that ratio at `confidence`. */
  readonly ci: readonly [number, number] | null;
  readonly confidence: number;
  /** One-sided minimum-effect p-values: slower (faster) than base by more than the threshold. */
  readonly pSlower: number;
  readonly pFaster: number;
  /** Benjamini–Hochberg adjusted p of the slower test over the run's cases. */
  readonly qSlower: number;
  readonly threshold: number;
  readonly method: string;
  /** Paired rounds used, and those set aside as disturbed. */
  readonly rounds: number;
  readonly excludedRounds: number;
  /** Median latency of each side, ms: shown beside the ratio. */
  readonly headMedianMs: number;
  readonly baseMedianMs: number;
  /** What differs between the sides' cases besides the code: `onnxruntime-node 1.30.0 → 1.31.0`, a changed model. */
  readonly changes: readonly string[];
}

export type AggregateGroup = 'compiler' | 'model' | 'hardware';

/** A geometric-mean change over a group of cases. */
export interface AggregateVerdict {
  readonly group: AggregateGroup;
  /** `cpu/ort-cpu-all`, `cpu/archetypes/vit-like`, `cpu`. */
  readonly id: string;
  readonly kind: 'regression' | 'improvement' | 'unchanged';
  readonly cases: number;
  /** Geometric mean of the case ratios head/base. */
  readonly ratio: number | null;
  readonly ci: readonly [number, number] | null;
  readonly confidence: number;
  readonly pSlower: number;
  /** Holm-adjusted p of the slower test over every aggregate of the run. */
  readonly adjustedSlower: number;
  readonly threshold: number;
  /** Version changes every case of the group shares. */
  readonly changes: readonly string[];
  readonly message: string;
}

/** How the paired gate's error budget and thresholds are set (gate.config.json `paired`). */
export interface PairedSettings {
  /** Practical threshold per case: a change smaller than this is never called. */
  readonly caseThreshold: number;
  /** Practical threshold of the compiler, model and hardware aggregates. */
  readonly aggregateThreshold: number;
  /** Whole-run false-alarm rate, split between the case, aggregate and series families. */
  readonly falseAlarmRate: number;
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
  | 'hardware-mismatch'
  | 'aggregate-regression';

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
  /** Cases compared with evidence (regression, improvement or unchanged with a measured ratio). */
  readonly judged: number;
  /** Cases that could have been compared: judged, plus those not judged (machine state, no ratio). */
  readonly comparable: number;
}

/**
 * `pass`: judged enough and found nothing; `fail`: a problem; `inconclusive`: found nothing but judged
 * too little to say so (a verdict that judged nothing never reads as a pass); `no-baseline`: nothing
 * to compare with yet.
 */
export type VerdictStatus = 'pass' | 'fail' | 'inconclusive' | 'no-baseline';

/**
 * The status from the findings and how much was judged: fewer than `minJudgedFraction` of the
 * comparable cases judged (and at least one) is inconclusive.
 */
export function verdictStatus(passed: boolean, counts: Pick<VerdictCounts, 'judged' | 'comparable'>, hasBaseline: boolean, minJudgedFraction: number): VerdictStatus {
  if (!passed) return 'fail';
  if (!hasBaseline) return 'no-baseline';
  return counts.judged < Math.max(1, Math.ceil(minJudgedFraction * counts.comparable)) ? 'inconclusive' : 'pass';
}

export interface Verdict {
  /** No problem found (the gate may still be inconclusive: see `status`). */
  readonly passed: boolean;
  readonly status: VerdictStatus;
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
  /** Paired runs: what the head was compared with, and what only a paired run finds. */
  readonly paired?: {
    readonly base: { readonly ref: string; readonly sha: string | null };
    readonly head: { readonly ref: string; readonly sha: string | null };
    /** Geometric-mean changes per compiler, model and hardware. */
    readonly aggregates: readonly AggregateVerdict[];
    /** Reversals both sides show: known, not the change's doing. */
    readonly knownReversals: readonly import('../metrics/types.ts').Reversal[];
    /** Version changes between the sides, per compiler, with how many of its cases they touch. */
    readonly versionChanges: readonly { readonly compilerId: string; readonly change: string; readonly cases: number }[];
    readonly settings: PairedSettings;
  };
}

/** The verdict's counts, from its case, series and reversal findings. */
export function countsOf(
  cases: readonly CaseVerdict[],
  series: readonly SeriesVerdict[],
  reversals: readonly ReversalFinding[],
  filtered: number,
  /** Cases that reached a comparison (judged or not); at least those judged or unjudged. */
  comparable = 0,
): VerdictCounts {
  const tally = (kind: CaseVerdictKind) => cases.filter((c) => c.kind === kind).length;
  const judged = cases.filter((c) => c.evidence !== null).length;
  return {
    judged,
    comparable: Math.max(comparable, judged + tally('unjudged')),
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



function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

/**
 * `FAIL: 2 regressions, 1 new reversal; judged 40 of 42 cases` / `PASS: 0 regressions, 0 reversals; judged
 * 42 of 42 cases (3 improvements)`: the status, regressions and reversals always, other failing counts
 * when non-zero, how many cases were judged, informational counts in brackets.
 */
export function summaryLine(
  status: VerdictStatus,
  c: VerdictCounts,
  context: { readonly hardwareId: string; readonly otherProblems?: readonly string[]; readonly hasBaseline?: boolean },
): string {
  const info: string[] = [];
  if (c.improvement > 0) info.push(count(c.improvement, 'improvement'));
  if (c.seriesImprovements > 0) info.push(count(c.seriesImprovements, 'series improvement'));
  if (c.new > 0) info.push(`${c.new} new`);
  if (c.stale > 0) info.push(`${c.stale} stale`);
  if (c.unjudged > 0) info.push(`${c.unjudged} not judged: machine in another state`);
  if (c.filtered > 0) info.push(`${c.filtered} filtered out`);
  const bracket = info.length === 0 ? '' : ` (${info.join(', ')})`;
  if (status === 'no-baseline') {
    return `NO BASELINE: no baseline for ${context.hardwareId} yet, nothing was compared${bracket}; measure this machine without the gate and write one (bench --no-gate, then baseline)`;
  }
  const failing = [...(context.otherProblems ?? []), count(c.regression, 'regression')];
  if (c.newReversals === 0 && c.flippedOrderings === 0) failing.push('0 reversals');
  if (c.newReversals > 0) failing.push(count(c.newReversals, 'new reversal'));
  if (c.flippedOrderings > 0) failing.push(count(c.flippedOrderings, 'flipped archetype ordering'));
  if (c.seriesRegressions > 0) failing.push(count(c.seriesRegressions, 'series regression'));
  if (c.failed > 0) failing.push(`${c.failed} failed`);
  if (c.missing > 0) failing.push(`${c.missing} missing`);
  const word = { pass: 'PASS', fail: 'FAIL', inconclusive: 'INCONCLUSIVE' }[status];
  const judged =
    context.hasBaseline === false
      ? `no baseline for ${context.hardwareId} yet`
      : `judged ${c.judged} of ${c.comparable} comparable case${c.comparable === 1 ? '' : 's'}`;
  const advice = status === 'inconclusive' ? '; too few cases judged to pass: compare side by side with pnpm bench --compare <ref>, or refresh the baseline on this machine' : '';
  return `${word}: ${failing.join(', ')}; ${judged}${bracket}${advice}`;
}
