/**
 * Statistics of paired A/B (base vs head) benchmarking. Base and head are measured in interleaved
 * rounds on one machine; round r of a case gives the paired log-ratio d_r = ln(head_r / base_r), so a
 * slowdown is d > 0 and machine drift common to both sides cancels.
 *
 * - Per case, `minimumEffectTests` asks whether the change is beyond a practical threshold τ: the
 *   minimum-effect (one-sided, shifted-null) tests H0: location <= ln(1+τ) vs greater ("slower") and
 *   H0: location >= −ln(1+τ) vs less ("faster"), by the signed-rank test and by the t test.
 * - Over cases, `aggregateLogRatios` is the geometric-mean ratio with a t interval from the spread
 *   between the cases' estimates, and the same minimum-effect tests on the mean log-ratio.
 * - Over a run's many per-case tests, `benjaminiHochberg` (or `holm`) controls the false alarms.
 *
 * Thresholds are symmetric in log space: "faster by τ" means a ratio below 1/(1+τ), not 1 − τ.
 */
import {
  checkAlternative,
  checkConfidence,
  checkFinite,
  tInterval,
  tPValue,
  type Alternative,
} from './hypothesis.ts';
import { hodgesLehmann, signedRankTest } from './signed-rank.ts';
import { meanAndStandardError, tStatistic } from './t-test.ts';

export { signedRankTest, signedRankCi, hodgesLehmann, walshAverages, signedRankNullCdf } from './signed-rank.ts';
export type { SignedRankTestOptions, SignedRankTestResult, SignedRankCi } from './signed-rank.ts';
export { meanTTest, meanCi } from './t-test.ts';
export type { MeanTTestOptions, MeanTTestResult, MeanCi } from './t-test.ts';
export { benjaminiHochberg, holm } from './multiple-testing.ts';
export type { AdjustedTest, MultipleTestingResult } from './multiple-testing.ts';
export type { Alternative, Interval } from './hypothesis.ts';

/** ln(1 + τ) for a relative threshold τ >= 0 (e.g. 0.02 for 2%); throws naming a bad τ. */
export function logThreshold(tau: number, what = 'threshold'): number {
  if (!(tau >= 0) || !Number.isFinite(tau)) throw new RangeError(`${what} must be a finite relative change >= 0, got ${tau}`);
  return Math.log1p(tau);
}

export interface CaseLogRatio {
  /** The case's log-ratio estimate ln(head / base) (e.g. the mean or Hodges–Lehmann of its rounds). */
  readonly estimate: number;
  /** Its standard error; used only when it is the only case. */
  readonly se?: number;
  /** Degrees of freedom of that standard error (rounds − 1 for a mean); absent: normal. */
  readonly df?: number;
}

export interface AggregateOptions {
  /** Coverage of the interval; default 0.95. */
  readonly confidence?: number;
  /** Practical threshold τ as a relative change (0.02 = 2%) of the minimum-effect tests. */
  readonly threshold: number;
  /** Sidedness of the interval only ('greater': lower bound; 'less': upper bound); default two-sided. */
  readonly alternative?: Alternative;
  /**
   * How the cases are weighted: 'equal' (each case once; the between-case t interval), or
   * 'random-effects' (each by 1 / (se² + τ²), τ² the spread between cases beyond their own noise by
   * DerSimonian–Laird, with the Hartung–Knapp interval on k − 1 degrees of freedom, never narrower than
   * the weights alone say). Random effects let a broad shift show through the precise cases without
   * trusting any case's se alone: the interval comes from how far the cases scatter. @default 'equal'
   */
  readonly weighting?: 'equal' | 'random-effects';
}

export interface AggregateResult {
  readonly cases: number;
  /** Mean of the case log-ratio estimates (null without cases). */
  readonly meanLogRatio: number | null;
  /** exp(meanLogRatio): the geometric mean of the case ratios. */
  readonly geometricMean: number | null;
  /** Standard error of meanLogRatio and its degrees of freedom (Infinity: normal). */
  readonly se: number | null;
  readonly df: number | null;
  readonly level: number;
  /** Interval of the geometric-mean ratio (exp of the log-scale interval); null when there is no se. */
  readonly ci: readonly [number, number] | null;
  /** p of H0: mean log-ratio <= ln(1+τ) vs greater (a slowdown beyond τ). */
  readonly pSlower: number;
  /** p of H0: mean log-ratio >= −ln(1+τ) vs less (an improvement beyond τ). */
  readonly pFaster: number;
  /**
   * 'between-cases': t over the k >= 2 case estimates, df = k − 1; 'random-effects': the weighted mean
   * and Hartung–Knapp interval (df = k − 1); 'single-case': that case's se.
   */
  readonly method: 'between-cases' | 'random-effects' | 'single-case' | 'none';
  /** The random-effects spread between cases τ² (log scale), when weighted so. */
  readonly tau2?: number;
  readonly note?: string;
}

/**
 * Geometric-mean ratio over cases and its minimum-effect tests. With k >= 2 cases the standard error
 * is the between-case one, sd(estimates)/√k with k − 1 degrees of freedom, so both per-case noise and
 * genuine differences between cases (one model slower, another faster) widen the interval: the
 * question answered is "is the typical case slower by more than τ", with cases as the sampling unit.
 * A single case falls back to its own se (t with its df, or normal); without one, p = 1 and no interval.
 */
export function aggregateLogRatios(cases: readonly CaseLogRatio[], options: AggregateOptions): AggregateResult {
  const level = checkConfidence(options.confidence ?? 0.95);
  const alternative = checkAlternative(options.alternative ?? 'two-sided');
  const margin = logThreshold(options.threshold);
  cases.forEach((c, i) => {
    if (!Number.isFinite(c.estimate)) throw new RangeError(`case [${i}] log-ratio estimate must be finite, got ${c.estimate}`);
    if (c.se !== undefined && !(c.se >= 0 && Number.isFinite(c.se)))
      throw new RangeError(`case [${i}] standard error must be finite and >= 0, got ${c.se}`);
    if (c.df !== undefined && !(c.df > 0)) throw new RangeError(`case [${i}] degrees of freedom must be > 0, got ${c.df}`);
  });
  const k = cases.length;
  const none = (meanLogRatio: number | null, note: string): AggregateResult => ({
    cases: k,
    meanLogRatio,
    geometricMean: meanLogRatio === null ? null : Math.exp(meanLogRatio),
    se: null,
    df: null,
    level,
    ci: null,
    pSlower: 1,
    pFaster: 1,
    method: 'none',
    note,
  });
  if (k === 0) return none(null, 'no cases');
  let mean: number;
  let se: number;
  let df: number;
  let method: 'between-cases' | 'random-effects' | 'single-case';
  let tau2: number | undefined;
  if (k >= 2 && options.weighting === 'random-effects' && cases.every((c) => c.se !== undefined)) {
    ({ mean, se, tau2 } = randomEffects(cases.map((c) => c.estimate), cases.map((c) => c.se as number)));
    df = k - 1;
    method = 'random-effects';
  } else if (k >= 2) {
    const m = meanAndStandardError(cases.map((c) => c.estimate));
    ({ mean, se } = m);
    df = k - 1;
    method = 'between-cases';
  } else {
    const only = cases[0] as CaseLogRatio;
    if (only.se === undefined) return none(only.estimate, 'a single case without a standard error: no interval, no test');
    mean = only.estimate;
    se = only.se;
    df = only.df ?? Infinity;
    method = 'single-case';
  }
  const interval = tInterval(mean, se, df, level, alternative);
  return {
    cases: k,
    meanLogRatio: mean,
    geometricMean: Math.exp(mean),
    se,
    df,
    level,
    ci: [Math.exp(interval.lower), Math.exp(interval.upper)],
    pSlower: tPValue(tStatistic(mean, margin, se), df, 'greater'),
    pFaster: tPValue(tStatistic(mean, -margin, se), df, 'less'),
    method,
    ...(tau2 === undefined ? {} : { tau2 }),
  };
}

/** Smallest standard error a case is weighted by: a case whose rounds agreed exactly does not take all the weight. */
const MIN_CASE_SE = 1e-4;

/**
 * DerSimonian–Laird random-effects mean of estimates y with standard errors s, and its Hartung–Knapp
 * standard error (the weighted scatter of the cases about the mean over k − 1), never below the one
 * the weights alone give (the "modified" Hartung–Knapp of Röver et al. 2015).
 */
export function randomEffects(y: readonly number[], s: readonly number[]): { mean: number; se: number; tau2: number } {
  const k = y.length;
  const v = s.map((x) => Math.max(x, MIN_CASE_SE) ** 2);
  const w = v.map((x) => 1 / x);
  const sumW = w.reduce((a, x) => a + x, 0);
  const fixed = y.reduce((a, x, i) => a + (w[i] as number) * x, 0) / sumW;
  const q = y.reduce((a, x, i) => a + (w[i] as number) * (x - fixed) ** 2, 0);
  const c = sumW - w.reduce((a, x) => a + x * x, 0) / sumW;
  const tau2 = c > 0 ? Math.max(0, (q - (k - 1)) / c) : 0;
  const ws = v.map((x) => 1 / (x + tau2));
  const sumWs = ws.reduce((a, x) => a + x, 0);
  const mean = y.reduce((a, x, i) => a + (ws[i] as number) * x, 0) / sumWs;
  const hk = y.reduce((a, x, i) => a + (ws[i] as number) * (x - mean) ** 2, 0) / ((k - 1) * sumWs);
  return { mean, se: Math.sqrt(Math.max(hk, 1 / sumWs)), tau2 };
}

export interface MinimumEffectPValues {
  /** p of H0: location <= ln(1+τ) vs greater. */
  readonly pSlower: number;
  /** p of H0: location >= −ln(1+τ) vs less. */
  readonly pFaster: number;
}

export interface MinimumEffectTests {
  readonly n: number;
  /** Signed-rank tests on d ∓ ln(1+τ) (location = centre of symmetry; exact law for n <= 50). */
  readonly signedRank: MinimumEffectPValues;
  /** One-sample t tests against ±ln(1+τ) (location = mean). */
  readonly t: MinimumEffectPValues;
  /** Hodges–Lehmann estimate of d (null when empty). */
  readonly hodgesLehmann: number | null;
  /** Mean of d (null when empty) and its standard error (null when n < 2). */
  readonly mean: number | null;
  readonly se: number | null;
}

/**
 * Both per-case minimum-effect tests for the paired log-ratios d of one case and a relative threshold
 * τ, so the caller can pick the method its calibration supports. The signed-rank p-values cannot go
 * below 2^−n (n = 8 rounds: 0.0039), which bounds what a multiple-testing step can reject.
 */
export function minimumEffectTests(d: ArrayLike<number>, tau: number): MinimumEffectTests {
  const margin = logThreshold(tau, 'minimum-effect threshold τ');
  checkFinite(d, 'paired log-ratios');
  const n = d.length;
  // The two t tests share the mean and its standard error (meanTTest's rules: p = 1 below two values).
  const moments = n >= 2 ? meanAndStandardError(d) : null;
  const tP = (mu0: number, alternative: Alternative) =>
    moments === null ? 1 : tPValue(tStatistic(moments.mean, mu0, moments.se), n - 1, alternative);
  return {
    n,
    signedRank: {
      pSlower: signedRankTest(d, { mu0: margin, alternative: 'greater' }).p,
      pFaster: signedRankTest(d, { mu0: -margin, alternative: 'less' }).p,
    },
    t: { pSlower: tP(margin, 'greater'), pFaster: tP(-margin, 'less') },
    hodgesLehmann: n > 0 ? hodgesLehmann(d) : null,
    mean: moments?.mean ?? (n === 1 ? (d[0] as number) : null),
    se: moments?.se ?? null,
  };
}
