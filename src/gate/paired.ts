/**
 * The gate of a paired run (`pnpm bench --compare <ref>`): a pure function of the two sides' results.
 *
 * Per case, the rounds give paired log-ratios d_r = ln(head_r / base_r) (both sides measured in the
 * same round, so drift cancels); the case's change is their mean, with a Student-t interval, and a
 * minimum-effect test asks whether the head is slower (or faster) by more than the practical
 * threshold. Per compiler, per model and per hardware the geometric mean of the case ratios is tested
 * the same way against a smaller threshold, with cases as the sampling unit: a broad small slowdown
 * shows there even where each case alone is too noisy. Friction, depth gain and reversals are compared
 * from the same paired ratios. False alarms are controlled over the whole run: Benjamini–Hochberg over
 * the case tests and over the series tests, Holm over the aggregate tests, each at its share of the
 * run-level rate (`paired.falseAlarmRate`). Versions are compared, never "stale": every verdict names
 * the versions that changed between the sides; a changed model is reported as the change's effect.
 */
import type { MetricsSummary, Reversal } from '../metrics/types.ts';
import { referenceFor } from '../metrics/reference.ts';
import { roundMedians } from '../results/ratios.ts';
import type { CaseResult, CompletedCase, RunResult } from '../results/schema.ts';
import { normalCdf } from '../stats/normal.ts';
import { fUpperTail } from '../stats/f-distribution.ts';
import { median } from '../stats/quantile.ts';
import { tInterval, tPValue } from '../stats/hypothesis.ts';
import { fitVariancePrior, moderatedVariance, type VariancePrior } from '../stats/moderated.ts';
import { aggregateLogRatios, benjaminiHochberg, holm } from '../stats/paired.ts';
import type { GateConfig } from './config.ts';
import { byString, pct } from './format.ts';
import {
  countsOf,
  verdictStatus,
  type AggregateGroup,
  type AggregateVerdict,
  type PairedEvidence,
  type PairedSettings,
  type CaseVerdict,
  type Problem,
  type ReversalFinding,
  type SeriesVerdict,
  type Verdict,
  type VerdictCounts,
} from './verdict.ts';

/** Shares of the run-level false-alarm rate: the case tests, the aggregates, the series (friction, depth gain, reversals). */
const SHARES = { cases: 0.4, aggregates: 0.3, series: 0.3 } as const;

export interface PairedInput {
  readonly head: RunResult;
  readonly base: RunResult;
  readonly headMetrics: MetricsSummary;
  readonly baseMetrics: MetricsSummary;
  readonly config: GateConfig;
}

/** A case measured on both sides: its paired log-ratios and summary. */
interface PairedCase {
  readonly key: string;
  readonly head: CompletedCase;
  readonly base: CompletedCase;
  /** Quiet rounds' log-ratios, per session pair. */
  readonly sessions: readonly (readonly number[])[];
  readonly d: readonly number[];
  /** The case's change: the mean over its session pairs of their mean log-ratio. */
  readonly mean: number;
  /** Its standard error, between session pairs included (see {@link moderate}). */
  readonly se: number;
  readonly df: number;
  /** The sd of a session pair's bias (log scale) in the case's latency class (0: none seen). */
  readonly biasSd: number;
  /** Why the case was judged on its own pairs' agreement instead (null: on the run's model). */
  readonly ownPairs: 'disagreed' | 'few cases' | null;
  readonly changes: readonly string[];
}

/**
 * ln(head/base) of each quiet round, from the two sides' samples of the same rounds, per session pair:
 * the log-ratio of the round's median calls (robust to a call preempted by the other side, see
 * `roundMedians`).
 */
export function pairedLogRatiosBySession(head: CompletedCase, base: CompletedCase): number[][] {
  const h = roundMedians(head.samples, head.interleaving.callsPerRound);
  const b = roundMedians(base.samples, base.interleaving.callsPerRound);
  const skip = new Set([...head.interleaving.disturbance.excludedRounds, ...base.interleaving.disturbance.excludedRounds]);
  // Both sides were measured in the same rounds of the same session pairs; a file that says otherwise is one session.
  const same = JSON.stringify(head.interleaving.sessionRounds) === JSON.stringify(base.interleaving.sessionRounds);
  const bounds = same ? head.interleaving.sessionRounds : [Math.min(h.length, b.length)];
  const out: number[][] = [];
  let start = 0;
  for (const length of bounds) {
    const session: number[] = [];
    for (let r = start; r < Math.min(start + length, h.length, b.length); r++) {
      if (skip.has(r)) continue;
      const hr = h[r] as number;
      const br = b[r] as number;
      if (hr > 0 && br > 0) session.push(Math.log(hr / br));
    }
    if (session.length > 0) out.push(session);
    start += length;
  }
  return out;
}

/** ln(head/base) of each quiet round. */
export function pairedLogRatios(head: CompletedCase, base: CompletedCase): number[] {
  return pairedLogRatiosBySession(head, base).flat();
}

const mean = (xs: readonly number[]): number => xs.reduce((a, x) => a + x, 0) / xs.length;
const variance = (xs: readonly number[]): number => {
  const m = mean(xs);
  return xs.length > 1 ? xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1) : 0;
};

/** Per-call latency class of a case (decades of ms): cases of one class have similar session effects. */
const latencyClass = (c: CompletedCase): number => Math.floor(Math.log10(Math.max(1e-4, c.latency.median)));

/** Cases a latency class needs for a prior of its own; with fewer, the run's prior serves. */
const MIN_CLASS_CASES = 8;

/** A case whose own session pairs disagree beyond this p (against its class's session bias) keeps its own between-pair variance. */
export const OWN_SESSION_EFFECT_P = 0.001;

/** The median of χ² on one degree of freedom. */
const CHI2_1_MEDIAN = 0.4549364231195724;

type RawCase = { key: string; head: CompletedCase; base: CompletedCase; sessions: number[][]; changes: string[] };

/** One case's ingredients of the variance model. */
interface CaseMoments {
  readonly means: readonly number[];
  /** Rounds of each session pair. */
  readonly counts: readonly number[];
  /** Within-pair round variance and its degrees of freedom (null: no pair had two rounds). */
  readonly within: number | null;
  readonly dfWithin: number;
  /** The between-pairs mean square Σ n_j (m_j − m̄)² / (P − 1); null with one pair. */
  readonly betweenMs: number | null;
  /** Its expectation is within + c·σ²_b, with c = (n − Σ n_j²/n) / (P − 1). */
  readonly c: number;
}

function momentsOf(sessions: readonly (readonly number[])[]): CaseMoments {
  const means = sessions.map(mean);
  const counts = sessions.map((x) => x.length);
  const n = counts.reduce((a, k) => a + k, 0);
  const P = sessions.length;
  const dfWithin = n - P;
  const within = dfWithin > 0 ? sessions.reduce((a, x, j) => a + x.reduce((b, v) => b + (v - (means[j] as number)) ** 2, 0), 0) / dfWithin : null;
  const weighted = means.reduce((a, m, j) => a + m * (counts[j] as number), 0) / n;
  const betweenMs = P > 1 ? means.reduce((a, m, j) => a + (counts[j] as number) * (m - weighted) ** 2, 0) / (P - 1) : null;
  const c = P > 1 ? (n - counts.reduce((a, k) => a + k * k, 0) / n) / (P - 1) : 0;
  return { means, counts, within, dfWithin, betweenMs, c };
}

/**
 * σ²_b, the variance of a session pair's bias in a class of cases, by the method of moments: the mean
 * over the cases of (between-pairs mean square − within variance) / c, leaving out the cases whose own
 * pairs disagree beyond it (p < OWN_SESSION_EFFECT_P), so that one case's bad pair does not widen every
 * other case's interval. Returns σ²_b and the cases it rests on.
 */
export function sessionBiasVariance(cases: readonly { readonly betweenMs: number; readonly within: number; readonly withinDf: number; readonly c: number; readonly pairs: number }[]): { variance: number; cases: number } {
  const usable = cases.filter((x) => x.c > 0 && x.within > 0);
  if (usable.length === 0) return { variance: 0, cases: 0 };
  const estimate = (kept: typeof usable) => (kept.length === 0 ? 0 : Math.max(0, mean(kept.map((x) => (x.betweenMs - x.within) / x.c))));
  // Started from the median, not the mean: one case's badly placed pair would otherwise raise the start
  // so far that it is never found outlying (with a compiler's dozen cases, it did). A pair's bias mean
  // square is about σ²_b·χ²₁, whose median is 0.455 of its mean.
  let variance = Math.max(0, median(usable.map((x) => (x.betweenMs - x.within) / x.c)) / CHI2_1_MEDIAN);
  let kept = usable;
  for (let step = 0; step < 5; step++) {
    kept = usable.filter((x) => !outlying(x, variance));
    const next = estimate(kept);
    if (Math.abs(next - variance) <= 1e-15) break;
    variance = next;
  }
  return { variance, cases: kept.length };
}

/** Whether a case's pairs disagree beyond what its round variance and its class's σ²_b explain. */
function outlying(x: { readonly betweenMs: number; readonly within: number; readonly withinDf: number; readonly c: number; readonly pairs: number }, biasVariance: number): boolean {
  const expected = x.within + x.c * biasVariance;
  return expected > 0 && fUpperTail(x.betweenMs / expected, x.pairs - 1, Number.isFinite(x.withinDf) ? x.withinDf : 1e6) < OWN_SESSION_EFFECT_P;
}

/**
 * A case's change and its standard error. Each case is measured over session pairs, each compiled
 * afresh in processes of its own (two in a run); a pair carries a bias of its own (where its memory
 * landed), which no number of rounds removes. A case's own two pairs say little about that bias (one
 * degree of freedom), so the model is fitted to the run, as limma (Smyth 2004) does for variances:
 * - the rounds' variance within the pairs s², moderated towards a prior fitted to the cases of the
 *   same latency class (many degrees of freedom where the cases agree);
 * - plus the variance of a pair's bias σ²_b, common to the class (method of moments over its cases):
 *   Var(case mean) = Σ_j (s̃²/n_j + σ²_b) / P², so a bias does not shrink with the rounds;
 * - tested with Student t on Satterthwaite's degrees of freedom for that sum (σ²_b on the class's
 *   cases × (P − 1)), so a σ²_b estimated from few cases widens the interval;
 * - a case whose own pairs disagree far beyond that (p < OWN_SESSION_EFFECT_P) keeps its own
 *   between-pair variance, on P − 1 degrees of freedom: a session bias of that case alone is not taken
 *   for a change.
 * A shift of the head moves every pair alike and leaves the spread as it is, so the test keeps its power.
 * With fewer than MIN_CLASS_CASES cases to learn σ²_b from (a run of a few cases), each case is judged
 * on its own pairs' agreement, on P − 1 degrees of freedom: a disturbance that hit both of a lone
 * case's pairs alike is not called a change. A case whose rounds give no variance at all (one round,
 * no prior) is not judged (infinite se).
 */
function moderate(raw: readonly RawCase[]): PairedCase[] {
  const stats = raw.map((c) => ({ c, m: momentsOf(c.sessions), d: c.sessions.flat(), cls: latencyClass(c.base) }));
  const classes = [...new Set(stats.map((s) => s.cls))];
  const membersOf = (cls: number) => {
    const members = stats.filter((s) => s.cls === cls);
    return members.length >= MIN_CLASS_CASES ? members : stats;
  };
  const fitted = new Map(
    classes.map((cls) => {
      const members = membersOf(cls);
      const withVariance = members.filter((s) => s.m.within !== null && s.m.within > 0);
      // The cases' within variances have their own degrees of freedom; the prior is fitted on the most common.
      const df = withVariance.length === 0 ? 1 : median(withVariance.map((s) => s.m.dfWithin));
      const prior = withVariance.length >= 2 ? fitVariancePrior(withVariance.map((s) => s.m.within as number), df) : null;
      const moderated = (m: CaseMoments): { variance: number; df: number } | null => {
        if (m.within !== null && prior !== null) return moderatedVariance(prior, m.within, m.dfWithin);
        if (m.within !== null) return { variance: m.within, df: m.dfWithin };
        // No round variance of its own: the prior's, on its degrees of freedom.
        return prior === null || !Number.isFinite(prior.variance) ? null : { variance: prior.variance, df: prior.df };
      };
      const bias = sessionBiasVariance(
        members.flatMap((s) => {
          const w = moderated(s.m);
          return s.m.betweenMs === null || w === null ? [] : [{ betweenMs: s.m.betweenMs, within: w.variance, withinDf: w.df, c: s.m.c, pairs: s.m.means.length }];
        }),
      );
      return [cls, { moderated, bias }] as const;
    }),
  );
  // A pair's bias differs far more between compilers than between latencies (a two-thread WebAssembly
  // runtime on two cores against single-threaded ONNX Runtime): σ²_b is learnt per compiler where it
  // has enough cases, else from the latency class. The round variance stays fitted per latency class.
  type Fitted = { moderated: (m: CaseMoments) => { variance: number; df: number } | null; bias: { variance: number; cases: number } };
  const biasInputs = (members: typeof stats) =>
    members.flatMap((s) => {
      const w = (fitted.get(s.cls) as Fitted).moderated(s.m);
      return s.m.betweenMs === null || w === null ? [] : [{ betweenMs: s.m.betweenMs, within: w.variance, withinDf: w.df, c: s.m.c, pairs: s.m.means.length }];
    });
  const compilerBias = new Map<string, { variance: number; cases: number }>();
  for (const compilerId of new Set(stats.map((s) => s.c.head.compiler.id))) {
    const inputs = biasInputs(stats.filter((s) => s.c.head.compiler.id === compilerId));
    if (inputs.length >= MIN_CLASS_CASES) compilerBias.set(compilerId, sessionBiasVariance(inputs));
  }
  return stats.map((s) => {
    const classModel = fitted.get(s.cls) as Fitted;
    const model: Fitted = { moderated: classModel.moderated, bias: compilerBias.get(s.c.head.compiler.id) ?? classModel.bias };
    const P = s.m.means.length;
    const w = model.moderated(s.m);
    let variance = Infinity;
    let df = 1;
    let ownPairs: 'disagreed' | 'few cases' | null = null;
    if (w !== null) {
      const rounds = (w.variance * s.m.counts.reduce((a, k) => a + 1 / k, 0)) / P ** 2;
      const bias = model.bias.variance / P;
      const dfRounds = Number.isFinite(w.df) ? w.df : 1e6;
      const dfBias = Math.max(1, model.bias.cases * Math.max(1, P - 1));
      variance = rounds + bias;
      df = variance > 0 ? variance ** 2 / (rounds ** 2 / dfRounds + (bias > 0 ? bias ** 2 / dfBias : 0)) : 1;
      const ownVariance = P > 1 ? s.m.means.reduce((a, m) => a + (m - mean(s.m.means)) ** 2, 0) / (P - 1) / P : 0;
      if (P > 1 && model.bias.cases < MIN_CLASS_CASES) {
        // Too few cases to learn a pair's bias from: the case is known only as well as its own pairs agree.
        variance = Math.max(variance, ownVariance);
        df = P - 1;
        ownPairs = 'few cases';
      } else if (s.m.betweenMs !== null && outlying({ betweenMs: s.m.betweenMs, within: w.variance, withinDf: w.df, c: s.m.c, pairs: P }, model.bias.variance)) {
        // This case's pairs disagree on their own: its change is known only as well as its pairs agree.
        ownPairs = 'disagreed';
        variance = Math.max(variance, ownVariance);
        df = P - 1;
      }
    }
    if (!(variance > 0)) variance = Infinity;
    return {
      key: s.c.key,
      head: s.c.head,
      base: s.c.base,
      sessions: s.c.sessions,
      d: s.d,
      mean: mean(s.m.means),
      se: Math.sqrt(variance),
      df,
      biasSd: Math.sqrt(model.bias.variance),
      ownPairs,
      changes: s.c.changes,
    };
  });
}


/** `onnxruntime-node 1.30.0 → 1.31.0`, one entry per package that differs; and a changed model. */
export function sideChanges(base: CaseResult, head: CaseResult): string[] {
  const changes: string[] = [];
  const before = base.compiler.versions;
  const after = head.compiler.versions;
  for (const name of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    if (before[name] !== after[name]) changes.push(`${name} ${before[name] ?? '(none)'} → ${after[name] ?? '(none)'}`);
  }
  if (base.model.hash !== head.model.hash) changes.push(`model ${head.model.id} changed (${base.model.hash.slice(0, 12)}… → ${head.model.hash.slice(0, 12)}…)`);
  return changes;
}

const sideName = (run: RunResult, side: 'head' | 'base'): string => {
  const s = run.comparison?.[side];
  if (s === undefined) return side;
  return s.sha === null ? `${side} ${s.ref}` : `${side} ${s.sha.slice(0, 7)}`;
};

const ciText = (ci: readonly [number, number] | null, confidence: number): string =>
  ci === null ? 'no interval' : `${Math.round(confidence * 100)}% CI ${ci[0].toFixed(3)}–${ci[1].toFixed(3)}`;

const changeText = (changes: readonly string[]): string => (changes.length === 0 ? '' : `; ${changes.join(', ')}`);

const pText = (p: number): string => (p < 1e-4 ? p.toExponential(1) : p.toPrecision(2));

export function pairedGate(input: PairedInput): Verdict {
  const { head, base, config } = input;
  const settings = config.paired;
  const confidence = config.confidence;
  const baseLabel = sideName(head, 'base');
  const headCases = new Map(head.cases.map((c) => [c.key, c]));
  const baseCases = new Map(base.cases.map((c) => [c.key, c]));
  const removed = head.comparison?.removed ?? [];
  const problems: Problem[] = [];
  const notes: string[] = [];
  const cases: CaseVerdict[] = [];
  const paired: PairedCase[] = [];
  const measuredCases: RawCase[] = [];

  for (const key of [...headCases.keys()].sort(byString)) {
    const h = headCases.get(key) as CaseResult;
    const b = baseCases.get(key);
    const compilerId = h.compiler.id;
    if (h.state === 'failed') {
      const message = `failed: ${key} (${h.phase}: ${h.error})`;
      problems.push({ kind: 'failed', key, message });
      cases.push({ key, kind: 'failed', compilerId, message, evidence: null });
      continue;
    }
    if (b === undefined) {
      cases.push({ key, kind: 'added', compilerId, message: `added: ${key} is new in the head (not in ${baseLabel})${h.state === 'unavailable' ? `; unavailable: ${h.reason}` : ''}`, evidence: null });
      continue;
    }
    if (h.state === 'unavailable') {
      if (b.state === 'completed') {
        const message = `missing: ${key} was measured in ${baseLabel} but is unavailable in the head (${h.reason})`;
        problems.push({ kind: 'missing', key, message });
        cases.push({ key, kind: 'missing', compilerId, message, evidence: null });
      } else {
        cases.push({ key, kind: 'unchanged', compilerId, message: `unchanged: ${key} not measured on either side (${h.reason})`, evidence: null });
      }
      continue;
    }
    if (b.state !== 'completed') {
      const why = b.state === 'failed' ? `failed in ${b.phase}: ${b.error}` : `unavailable: ${b.reason}`;
      cases.push({ key, kind: 'new', compilerId, message: `new: ${key} measured in the head only; in ${baseLabel} it ${why}`, evidence: null });
      continue;
    }
    const sessions = pairedLogRatiosBySession(h, b);
    if (sessions.length === 0) {
      cases.push({ key, kind: 'unchanged', compilerId, message: `unchanged: ${key} not judged (no paired round)`, evidence: null });
      continue;
    }
    measuredCases.push({ key, head: h, base: b, sessions, changes: sideChanges(b, h) });
  }
  for (const c of moderate(measuredCases)) {
    if (Number.isFinite(c.se)) {
      paired.push(c);
    } else {
      cases.push({ key: c.key, kind: 'unchanged', compilerId: c.head.compiler.id, message: `unchanged: ${c.key} not judged (one round per session pair and no other case to learn the round variance from)`, evidence: null });
    }
  }
  for (const key of removed) {
    cases.push({ key, kind: 'removed', compilerId: key.split('/')[2] ?? '', message: `removed: ${key} is in ${baseLabel} but the head no longer defines it`, evidence: null });
  }

  // Per case: minimum-effect t tests on the moderated standard error, Benjamini–Hochberg over the run's cases.
  const margin = Math.log1p(settings.caseThreshold);
  const tests = paired.map((c) => ({
    pSlower: c.se > 0 ? tPValue((c.mean - margin) / c.se, c.df, 'greater') : c.mean > margin ? 0 : 1,
    pFaster: c.se > 0 ? tPValue((c.mean + margin) / c.se, c.df, 'less') : c.mean < -margin ? 0 : 1,
  }));
  const qCases = settings.falseAlarmRate * SHARES.cases;
  const slower = benjaminiHochberg(tests.map((t) => t.pSlower), qCases);
  const faster = benjaminiHochberg(tests.map((t) => t.pFaster), qCases);
  paired.forEach((c, i) => {
    const test = tests[i] as (typeof tests)[number];
    const interval = c.se > 0 ? tInterval(c.mean, c.se, c.df, confidence, 'two-sided') : null;
    const ci: [number, number] | null = interval === null ? null : [Math.exp(interval.lower), Math.exp(interval.upper)];
    const ratio = Math.exp(c.mean);
    const evidence: PairedEvidence = {
      metric: 'paired-latency',
      ratio,
      ci,
      confidence,
      pSlower: test.pSlower,
      pFaster: test.pFaster,
      qSlower: (slower.tests[i] as { adjusted: number }).adjusted,
      threshold: settings.caseThreshold,
      method: c.ownPairs !== null
        ? `Student t on the mean log-ratio head/base of ${c.sessions.length} session pairs, on the variance between its own pairs, ${c.ownPairs === 'disagreed' ? 'which disagreed' : 'the run having too few cases to learn a pair’s bias from'} (${c.df} df)`
        : `Student t on the mean log-ratio head/base of ${c.sessions.length} session pair${c.sessions.length === 1 ? '' : 's'}, round variance moderated with the run's plus a pair's bias of ${pct(Math.expm1(c.biasSd))} sd (${Math.round(c.df)} df)`,
      rounds: c.d.length,
      excludedRounds: c.head.interleaving.disturbance.excludedRounds.length,
      headMedianMs: c.head.latency.median,
      baseMedianMs: c.base.latency.median,
      changes: c.changes,
    };
    const detail = `head/base ${ratio.toFixed(3)}, ${ciText(ci, confidence)}, ${c.d.length} paired rounds in ${c.sessions.length} session pairs; p = ${pText(test.pSlower < test.pFaster ? test.pSlower : test.pFaster)}; threshold ${pct(settings.caseThreshold)}; median ${c.head.latency.median.toPrecision(4)} vs ${c.base.latency.median.toPrecision(4)} ms${changeText(c.changes)}`;
    if ((slower.tests[i] as { rejected: boolean }).rejected) {
      const message = `regression: ${c.key} is ${pct(ratio - 1)} slower than ${baseLabel}, measured side by side (${detail})`;
      problems.push({ kind: 'regression', key: c.key, message });
      cases.push({ key: c.key, kind: 'regression', compilerId: c.head.compiler.id, message, evidence: null, paired: evidence });
    } else if ((faster.tests[i] as { rejected: boolean }).rejected) {
      cases.push({ key: c.key, kind: 'improvement', compilerId: c.head.compiler.id, message: `improvement: ${c.key} is ${pct(1 - ratio)} faster than ${baseLabel} (${detail})`, evidence: null, paired: evidence });
    } else {
      cases.push({ key: c.key, kind: 'unchanged', compilerId: c.head.compiler.id, message: `unchanged: ${c.key} (${detail})`, evidence: null, paired: evidence });
    }
  });

  const aggregates = aggregateVerdicts(paired, settings, confidence, baseLabel, problems);
  const tested = reversalChanges(paired, input, settings, notes);
  const { series, reversals: findings } = seriesFamily([...frictionChanges(paired, input), ...depthGainChanges(paired, input)], tested.findings, settings, problems, notes);
  const known = tested.known;

  const sorted = cases.sort((a, b) => byString(a.key, b.key));
  const counts: VerdictCounts = {
    ...countsOf(sorted, series, findings, 0, paired.length),
    judged: paired.length,
  };
  const passed = problems.length === 0;
  const status = verdictStatus(passed, counts, true, config.minJudgedFraction);
  return {
    passed,
    status,
    summaryLine: pairedSummaryLine(status, counts, aggregates, baseLabel, cases),
    counts,
    cases: sorted,
    series,
    reversals: findings,
    problems,
    notes,
    settings: {
      confidence,
      resamples: config.bootstrap.resamples,
      seed: config.bootstrap.seed,
      defaultThreshold: settings.caseThreshold,
      mannWhitneyRequired: false,
    },
    baseline: null,
    paired: {
      base: head.comparison?.base ?? { ref: 'base', sha: null },
      head: head.comparison?.head ?? { ref: 'head', sha: null },
      aggregates,
      knownReversals: known,
      versionChanges: versionChangesOf(paired),
      settings,
    },
  };
}

function aggregateVerdicts(paired: readonly PairedCase[], settings: PairedSettings, confidence: number, baseLabel: string, problems: Problem[]): AggregateVerdict[] {
  const groups = new Map<string, { group: AggregateGroup; id: string; members: PairedCase[] }>();
  const add = (group: AggregateGroup, id: string, c: PairedCase): void => {
    const key = `${group}:${id}`;
    let entry = groups.get(key);
    if (entry === undefined) groups.set(key, (entry = { group, id, members: [] }));
    entry.members.push(c);
  };
  for (const c of paired) {
    const hw = c.head.compiler.hardware;
    add('compiler', `${hw}/${c.head.compiler.id}`, c);
    add('model', `${hw}/${c.head.suite}/${c.head.model.id}`, c);
    add('hardware', hw, c);
  }
  const entries = [...groups.values()].sort((a, b) => byString(`${a.group}:${a.id}`, `${b.group}:${b.id}`));
  const results = entries.map((e) =>
    aggregateLogRatios(
      e.members.map((m) => ({ estimate: m.mean, se: m.se, df: m.df })),
      { confidence, threshold: settings.aggregateThreshold, weighting: 'random-effects' },
    ),
  );
  const alpha = settings.falseAlarmRate * SHARES.aggregates;
  const slower = holm(results.map((r) => r.pSlower), alpha);
  const faster = holm(results.map((r) => r.pFaster), alpha);
  return entries.map((e, i) => {
    const r = results[i] as (typeof results)[number];
    const shared = e.members.length === 0 ? [] : (e.members[0] as PairedCase).changes.filter((change) => e.members.every((m) => m.changes.includes(change)));
    const kind = (slower.tests[i] as { rejected: boolean }).rejected ? 'regression' : (faster.tests[i] as { rejected: boolean }).rejected ? 'improvement' : 'unchanged';
    const ratio = r.geometricMean;
    const what = `${e.group} ${e.id} (${e.members.length} case${e.members.length === 1 ? '' : 's'})`;
    const detail = `geometric mean head/base ${ratio === null ? '—' : ratio.toFixed(4)} (cases weighted by their precision, random effects), ${ciText(r.ci, confidence)}; threshold ${pct(settings.aggregateThreshold)}${changeText(shared)}`;
    const message =
      kind === 'regression'
        ? `regression: ${what} is ${pct((ratio ?? 1) - 1)} slower than ${baseLabel} (${detail})`
        : kind === 'improvement'
          ? `improvement: ${what} is ${pct(1 - (ratio ?? 1))} faster than ${baseLabel} (${detail})`
          : `unchanged: ${what} (${detail})`;
    if (kind === 'regression') problems.push({ kind: 'aggregate-regression', key: `${e.group}:${e.id}`, message });
    return {
      group: e.group,
      id: e.id,
      kind,
      cases: e.members.length,
      ratio,
      ci: r.ci,
      confidence,
      pSlower: r.pSlower,
      adjustedSlower: (slower.tests[i] as { adjusted: number }).adjusted,
      threshold: settings.aggregateThreshold,
      changes: shared,
      message,
    };
  });
}

/** A linear combination Σ w·θ of case log-ratios, with its standard error (cases independent). */
function combination(terms: readonly { readonly c: PairedCase; readonly w: number }[]): { value: number; se: number } {
  let value = 0;
  let variance = 0;
  for (const { c, w } of terms) {
    value += w * c.mean;
    variance += w * w * c.se * c.se;
  }
  return { value, se: Math.sqrt(variance) };
}

/** One-sided p of H0: value ≤ margin (normal; the case standard errors carry ≥ 7 degrees of freedom). */
const pAbove = (value: number, se: number, margin: number): number => (se > 0 ? 1 - normalCdf((value - margin) / se) : value > margin ? 0 : 1);

/** A series test before the run-level correction: its verdict if it stands, and its p-value. */
interface Tested<T> {
  readonly finding: T;
  readonly p: number;
}

/** β_head − β_base over a batch sweep: the OLS slope of the paired case log-ratios against ln(batch). */
function frictionChanges(paired: readonly PairedCase[], input: PairedInput): Tested<SeriesVerdict>[] {
  const byKey = new Map(paired.map((c) => [c.key, c]));
  const out: Tested<SeriesVerdict>[] = [];
  const threshold = input.config.threshold.byMetric['friction-beta'] ?? input.config.threshold.default;
  const baseSeries = new Map(input.baseMetrics.friction.map((s) => [s.series, s]));
  for (const s of input.headMetrics.friction) {
    const points = s.points.map((p) => ({ batch: p.batch, c: byKey.get(p.key) })).filter((p): p is { batch: number; c: PairedCase } => p.c !== undefined);
    if (points.length < 2) continue;
    const xs = points.map((p) => Math.log(p.batch));
    const mx = xs.reduce((a, x) => a + x, 0) / xs.length;
    const sxx = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
    if (!(sxx > 0)) continue;
    const change = combination(points.map((p, i) => ({ c: p.c, w: ((xs[i] as number) - mx) / sxx })));
    const p = pAbove(change.value, change.se, threshold);
    const z = 2.5758;
    const verdict: SeriesVerdict = {
      series: s.series,
      metric: 'friction-beta',
      compilerId: s.compilerId,
      kind: 'unchanged',
      run: s.beta.value,
      baseline: baseSeries.get(s.series)?.beta.value ?? null,
      change: change.value,
      ci: [change.value - z * change.se, change.value + z * change.se],
      threshold,
      points: points.map((q) => q.batch),
      message: `friction ${s.series}: β changed by ${change.value >= 0 ? '+' : ''}${change.value.toFixed(3)} from the paired ratios over b=${points.map((q) => q.batch).join(',')} (threshold ${threshold})`,
    };
    out.push({ finding: verdict, p });
  }
  return out;
}

/** ln(depth gain) head − base: [θ_R(d_max) − θ_C(d_max)] − [θ_R(d_min) − θ_C(d_min)] from the paired ratios. */
function depthGainChanges(paired: readonly PairedCase[], input: PairedInput): Tested<SeriesVerdict>[] {
  const byKey = new Map(paired.map((c) => [c.key, c]));
  const out: Tested<SeriesVerdict>[] = [];
  const threshold = input.config.threshold.byMetric['depth-gain'] ?? input.config.threshold.default;
  for (const s of input.headMetrics.depth) {
    const first = s.points[0];
    if (first === undefined) continue;
    const firstCase = byKey.get(first.key);
    if (firstCase === undefined) continue;
    const referenceId = referenceFor(firstCase.head.compiler, input.config.reference);
    if (referenceId === null || referenceId === s.compilerId) continue;
    const refKey = (depth: number): string => `${s.suite}/${s.modelId}/${referenceId}/b=${s.batch}/d=${depth}`;
    const usable = s.points.filter((p) => byKey.has(p.key) && byKey.has(refKey(p.depth))).sort((a, b) => a.depth - b.depth);
    if (usable.length < 2) continue;
    const lo = usable[0] as (typeof usable)[number];
    const hi = usable[usable.length - 1] as (typeof usable)[number];
    const change = combination([
      { c: byKey.get(refKey(hi.depth)) as PairedCase, w: 1 },
      { c: byKey.get(hi.key) as PairedCase, w: -1 },
      { c: byKey.get(refKey(lo.depth)) as PairedCase, w: -1 },
      { c: byKey.get(lo.key) as PairedCase, w: 1 },
    ]);
    const margin = Math.log1p(threshold);
    // A fall in depth gain is the regression: test −change above the margin.
    const p = pAbove(-change.value, change.se, margin);
    const z = 2.5758;
    const ratio = Math.exp(change.value);
    const verdict: SeriesVerdict = {
      series: s.series,
      metric: 'depth-gain',
      compilerId: s.compilerId,
      kind: 'unchanged',
      run: null,
      baseline: null,
      change: ratio,
      ci: [Math.exp(change.value - z * change.se), Math.exp(change.value + z * change.se)],
      threshold,
      points: usable.map((q) => q.depth),
      message: `depth gain ${s.series} against ${referenceId}: ×${ratio.toFixed(3)} head/base from the paired ratios over d=${lo.depth}…${hi.depth} (threshold ${pct(threshold)})`,
    };
    out.push({ finding: verdict, p });
  }
  return out;
}

/**
 * Reversals of each side, compared. One present in both is known; one only in the head is new, and
 * fails the gate when the paired ratios show that the ordering it rests on really changed (the change
 * of ln(a/b) under the compiler or under the reference is beyond the case threshold): the two sides
 * were measured in the same rounds, so a reversal that appears without such a change is noise.
 */
function reversalChanges(
  paired: readonly PairedCase[],
  input: PairedInput,
  settings: PairedSettings,
  notes: string[],
): { findings: Tested<ReversalFinding>[]; known: Reversal[] } {
  const byKey = new Map(paired.map((c) => [c.key, c]));
  const baseIds = new Set(input.baseMetrics.reversals.map((r) => r.id));
  const headIds = new Set(input.headMetrics.reversals.map((r) => r.id));
  const known = input.headMetrics.reversals.filter((r) => baseIds.has(r.id));
  const findings: Tested<ReversalFinding>[] = [];
  const margin = Math.log1p(settings.caseThreshold);
  for (const r of input.headMetrics.reversals) {
    if (baseIds.has(r.id)) continue;
    // The reversal's cases, whatever suite its group's models are in: the reference's a and b, then the compiler's.
    const [refA, refB, compA, compB] = r.caseKeys;
    const keysOf = (compiler: string): [string | undefined, string | undefined] => (compiler === r.referenceId ? [refA, refB] : [compA, compB]);
    const terms = (compiler: string) => {
      const [ka, kb] = keysOf(compiler);
      return [
        { c: ka === undefined ? undefined : byKey.get(ka), w: 1 },
        { c: kb === undefined ? undefined : byKey.get(kb), w: -1 },
      ];
    };
    const changes = [r.compilerId, r.referenceId].flatMap((compiler) => {
      const t = terms(compiler);
      if (t.some((x) => x.c === undefined)) return [];
      const change = combination(t as { c: PairedCase; w: number }[]);
      return [{ compiler, change, p: Math.min(pAbove(change.value, change.se, margin), pAbove(-change.value, change.se, margin)) }];
    });
    if (changes.length === 0) {
      notes.push(`new reversal ${r.id} in the head, but its cases were not measured on both sides: not judged`);
      continue;
    }
    const strongest = changes.reduce((a, b) => (b.p < a.p ? b : a));
    const finding: ReversalFinding = {
      kind: 'new-reversal',
      id: r.id,
      caseKeys: [...r.caseKeys],
      message: `new reversal: ${r.message}; not in the base; ln(${r.a}/${r.b}) under ${strongest.compiler} moved by ${strongest.change.value >= 0 ? '+' : ''}${strongest.change.value.toFixed(3)} (±${(2.5758 * strongest.change.se).toFixed(3)}) between the sides`,
    };
    // Two orderings were looked at: the smaller p, doubled (Bonferroni over the two).
    findings.push({ finding, p: Math.min(1, 2 * strongest.p) });
  }
  for (const r of input.baseMetrics.reversals) {
    if (!headIds.has(r.id)) notes.push(`reversal gone in the head: ${r.message}`);
  }
  return { findings, known };
}

/**
 * Benjamini–Hochberg over the series tests (friction, depth gain, new reversals): the ones it rejects
 * fail the gate; a new reversal it does not reject is a note, not a finding.
 */
function seriesFamily(
  series: readonly Tested<SeriesVerdict>[],
  reversals: readonly Tested<ReversalFinding>[],
  settings: PairedSettings,
  problems: Problem[],
  notes: string[],
): { series: SeriesVerdict[]; reversals: ReversalFinding[] } {
  const result = benjaminiHochberg([...series, ...reversals].map((t) => t.p), settings.falseAlarmRate * SHARES.series);
  const rejected = (i: number): boolean => (result.tests[i] as { rejected: boolean }).rejected;
  const judgedSeries = series.map(({ finding }, i) => {
    if (!rejected(i)) return finding;
    const message = `series regression: ${finding.message}`;
    problems.push({ kind: 'series-regression', key: finding.series, message });
    return { ...finding, kind: 'regression' as const, message };
  });
  const kept: ReversalFinding[] = [];
  reversals.forEach(({ finding }, j) => {
    if (rejected(series.length + j)) {
      kept.push(finding);
      problems.push({ kind: 'new-reversal', key: finding.id, message: finding.message });
    } else {
      notes.push(`${finding.message} — within the noise of the paired ratios, not a finding`);
    }
  });
  return { series: judgedSeries, reversals: kept };
}

function versionChangesOf(paired: readonly PairedCase[]): { compilerId: string; change: string; cases: number }[] {
  const counts = new Map<string, { compilerId: string; change: string; cases: number }>();
  for (const c of paired) {
    for (const change of c.changes) {
      const key = `${c.head.compiler.id}\u0000${change}`;
      const entry = counts.get(key) ?? { compilerId: c.head.compiler.id, change, cases: 0 };
      entry.cases += 1;
      counts.set(key, entry);
    }
  }
  return [...counts.values()].sort((a, b) => byString(`${a.compilerId} ${a.change}`, `${b.compilerId} ${b.change}`));
}

function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

/** The summary line of a paired verdict whose cases or problems changed since (a confirmation). */
export function pairedVerdictLine(verdict: Verdict, status: Verdict['status'], counts: VerdictCounts, cases: readonly CaseVerdict[]): string {
  const base = verdict.paired?.base;
  const label = base === undefined ? 'base' : base.sha === null ? `base ${base.ref}` : `base ${base.sha.slice(0, 7)}`;
  return pairedSummaryLine(status, counts, verdict.paired?.aggregates ?? [], label, cases);
}

/** `PASS: 0 regressions, 0 reversals; judged 308 of 308 cases side by side with base a1b2c3d (…)`. */
function pairedSummaryLine(status: Verdict['status'], c: VerdictCounts, aggregates: readonly AggregateVerdict[], baseLabel: string, cases: readonly CaseVerdict[]): string {
  const aggregateRegressions = aggregates.filter((a) => a.kind === 'regression');
  const failing = [count(c.regression, 'regression')];
  if (aggregateRegressions.length > 0) failing.push(`${aggregateRegressions.length} slower ${aggregateRegressions.length === 1 ? 'group' : 'groups'} (${aggregateRegressions.map((a) => a.id).join(', ')})`);
  failing.push(c.newReversals === 0 ? '0 reversals' : count(c.newReversals, 'new reversal'));
  if (c.seriesRegressions > 0) failing.push(count(c.seriesRegressions, 'series regression'));
  if (c.failed > 0) failing.push(`${c.failed} failed`);
  if (c.missing > 0) failing.push(`${c.missing} missing`);
  const info: string[] = [];
  if (c.improvement > 0) info.push(count(c.improvement, 'improvement'));
  const improvedGroups = aggregates.filter((a) => a.kind === 'improvement');
  if (improvedGroups.length > 0) info.push(`${improvedGroups.length} faster ${improvedGroups.length === 1 ? 'group' : 'groups'}`);
  const added = cases.filter((x) => x.kind === 'added').length;
  const removedCount = cases.filter((x) => x.kind === 'removed').length;
  if (added > 0) info.push(`${added} added`);
  if (removedCount > 0) info.push(`${removedCount} removed`);
  if (c.new > 0) info.push(`${c.new} measured in the head only`);
  const word = { pass: 'PASS', fail: 'FAIL', inconclusive: 'INCONCLUSIVE', 'no-baseline': 'NO BASELINE' }[status];
  return `${word}: ${failing.join(', ')}; judged ${c.judged} of ${c.comparable} case${c.comparable === 1 ? '' : 's'} side by side with ${baseLabel}${info.length === 0 ? '' : ` (${info.join(', ')})`}`;
}
