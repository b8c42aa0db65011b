/**
 * One-sample Student t test and t interval of the mean. Exact for normal data; for other data with
 * finite variance the level holds asymptotically (the paired log-ratios of a benchmark are close to
 * normal unless rounds are disturbed — the signed-rank test is the robust alternative).
 *
 *   mean = Σ x / n,  s² = Σ (x − mean)² / (n − 1),  se = s / √n,  t = (mean − mu0) / se,  df = n − 1
 */
import {
  checkAlternative,
  checkConfidence,
  checkFinite,
  tInterval,
  tPValue,
  type Alternative,
  type Interval,
} from './hypothesis.ts';

export interface MeanTTestOptions {
  /** Hypothesised mean; default 0. */
  readonly mu0?: number;
  readonly alternative: Alternative;
}

export interface MeanTTestResult {
  readonly n: number;
  /** Sample mean (null for an empty sample). */
  readonly mean: number | null;
  /** Standard error of the mean; null when n < 2. */
  readonly se: number | null;
  readonly df: number | null;
  /** t statistic; ±Infinity when the values have no spread but differ from mu0; null when n < 2. */
  readonly statistic: number | null;
  readonly p: number;
  /** Why there is no test (n < 2). */
  readonly reason?: string;
}

export interface MeanAndSe {
  readonly n: number;
  readonly mean: number;
  readonly se: number;
}

/** Mean and standard error (n >= 2), two-pass so that a large common offset does not cost digits. */
export function meanAndStandardError(values: ArrayLike<number>): MeanAndSe {
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i] as number;
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const dev = (values[i] as number) - mean;
    squares += dev * dev;
  }
  return { n, mean, se: Math.sqrt(squares / (n - 1) / n) };
}

/** The t statistic, with the 0/0 of a spread-free sample at mu0 read as 0 (no evidence either way). */
export function tStatistic(mean: number, mu0: number, se: number): number {
  const difference = mean - mu0;
  if (se === 0) return difference === 0 ? 0 : difference > 0 ? Infinity : -Infinity;
  return difference / se;
}

/** One-sample t test of H0: mean = mu0 against `alternative`; n < 2 gives p = 1 with a reason. */
export function meanTTest(values: ArrayLike<number>, options: MeanTTestOptions): MeanTTestResult {
  const alternative = checkAlternative(options.alternative);
  const mu0 = options.mu0 ?? 0;
  if (!Number.isFinite(mu0)) throw new RangeError(`t test mu0 must be finite, got ${mu0}`);
  checkFinite(values, 't test sample');
  const n = values.length;
  if (n < 2)
    return {
      n,
      mean: n === 1 ? (values[0] as number) : null,
      se: null,
      df: null,
      statistic: null,
      p: 1,
      reason: `a t test needs at least 2 values, got ${n}`,
    };
  const m = meanAndStandardError(values);
  const statistic = tStatistic(m.mean, mu0, m.se);
  return { n, mean: m.mean, se: m.se, df: n - 1, statistic, p: tPValue(statistic, n - 1, alternative) };
}

export interface MeanCi {
  readonly n: number;
  /** Sample mean (null for an empty sample). */
  readonly estimate: number | null;
  readonly level: number;
  readonly alternative: Alternative;
  readonly se: number | null;
  readonly df: number | null;
  /** mean ± t(df) se; one-sided bounds are ±Infinity on the open side; null when n < 2. */
  readonly interval: Interval | null;
  readonly reason?: string;
}

/** t interval of the mean at `confidence` (two-sided unless `alternative` asks for one bound). */
export function meanCi(values: ArrayLike<number>, confidence = 0.95, alternative: Alternative = 'two-sided'): MeanCi {
  const level = checkConfidence(confidence);
  checkAlternative(alternative);
  checkFinite(values, 't interval sample');
  const n = values.length;
  if (n < 2)
    return {
      n,
      estimate: n === 1 ? (values[0] as number) : null,
      level,
      alternative,
      se: null,
      df: null,
      interval: null,
      reason: `a t interval needs at least 2 values, got ${n}`,
    };
  const m = meanAndStandardError(values);
  return { n, estimate: m.mean, level, alternative, se: m.se, df: n - 1, interval: tInterval(m.mean, m.se, n - 1, level, alternative) };
}
