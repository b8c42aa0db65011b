/**
 * Wilcoxon signed-rank statistics of one sample of paired differences d (in the paired gate: per-round
 * log-ratios ln(head / base)): the test of H0 "d is symmetric about mu0", the Hodges–Lehmann estimate
 * of its centre and the distribution-free interval that inverts the test.
 *
 * W+ is the sum of the ranks of |d_i − mu0| over the i with d_i > mu0. Zeros (d_i − mu0 == 0) are
 * dropped before ranking (Wilcoxon's convention, as R's wilcox.test and SciPy's zero_method='wilcox').
 * Under H0 every sign is + or − with probability 1/2 independently, so with n untied non-zero values
 * W+ is distributed as the sum of a uniformly random subset of {1, …, n}: its exact law is counted by
 * dynamic programming over rank sums. The smallest one-sided p-value it can give is 2^−n.
 */
import { normalQuantile, normalUpperTail } from './normal.ts';
import { quantileSorted } from './quantile.ts';
import { medianInPlace } from './select.ts';
import { checkAlternative, checkConfidence, checkFinite, type Alternative } from './hypothesis.ts';

/** The exact null distribution is used up to this many non-zero values (beyond, the normal one). */
export const SIGNED_RANK_EXACT_MAX_N = 50;

/**
 * cumulative[n][w] = #{subsets of {1..n} with sum <= w}. Integers below 2^50, exact in doubles.
 * Built once for every n up to the exact limit (50 · 1275 additions).
 */
let cumulativeCounts: Float64Array[] | null = null;

function cumulativeFor(n: number): Float64Array {
  if (cumulativeCounts === null) {
    const tables: Float64Array[] = [];
    let counts = new Float64Array([1]); // n = 0: only the empty subset, sum 0
    for (let k = 0; k <= SIGNED_RANK_EXACT_MAX_N; k++) {
      if (k > 0) {
        // Each subset of {1..k-1} either leaves k out (same sum) or takes it (sum + k).
        const next = new Float64Array(counts.length + k);
        for (let w = 0; w < counts.length; w++) {
          next[w] = (next[w] as number) + (counts[w] as number);
          next[w + k] = (next[w + k] as number) + (counts[w] as number);
        }
        counts = next;
      }
      const cumulative = new Float64Array(counts.length);
      let running = 0;
      for (let w = 0; w < counts.length; w++) cumulative[w] = running += counts[w] as number;
      tables.push(cumulative);
    }
    cumulativeCounts = tables;
  }
  const table = cumulativeCounts[n];
  if (table === undefined) throw new RangeError(`exact signed-rank distribution is tabulated for n <= ${SIGNED_RANK_EXACT_MAX_N}, got ${n}`);
  return table;
}

/** Exact P(W+ <= w) under H0 for n untied non-zero values (0 for w < 0, 1 for w >= n(n+1)/2). */
export function signedRankNullCdf(w: number, n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`signed-rank n must be a non-negative integer, got ${n}`);
  const cumulative = cumulativeFor(n);
  const k = Math.floor(w);
  if (k < 0) return 0;
  if (k >= cumulative.length - 1) return 1;
  return (cumulative[k] as number) / Math.pow(2, n);
}

export interface SignedRankTestOptions {
  /** Hypothesised location; default 0. */
  readonly mu0?: number;
  readonly alternative: Alternative;
}

export interface SignedRankTestResult {
  /** Values left after dropping the zeros d_i − mu0 == 0. */
  readonly n: number;
  /** W+ (ranks of tied |d − mu0| are averaged). */
  readonly statistic: number;
  readonly p: number;
  /** 'exact' without ties or zeros and n <= 50; otherwise the tie- and continuity-corrected normal law. */
  readonly method: 'exact' | 'normal';
  /** Values dropped as zeros. */
  readonly zeros: number;
  /** Whether some |d − mu0| were tied (their ranks averaged). */
  readonly ties: boolean;
}

/**
 * Wilcoxon signed-rank test of H0: location of d = mu0 against `alternative`.
 * - exact (n <= 50, no ties, no zeros): 'greater' p = P(W+ >= w), 'less' p = P(W+ <= w), two-sided
 *   p = min(1, 2 min(both)).
 * - normal: z = (W+ − n(n+1)/4 − c) / σ, σ² = n(n+1)(2n+1)/24 − Σ(t³ − t)/48 over tie groups of size t,
 *   continuity correction c = 0.5 ('greater'), −0.5 ('less'), 0.5 sign(W+ − n(n+1)/4) (two-sided);
 *   this is R's wilcox.test(correct = TRUE).
 * n = 0 (no data, or all zeros) gives p = 1.
 */
export function signedRankTest(d: ArrayLike<number>, options: SignedRankTestOptions): SignedRankTestResult {
  const mu0 = options.mu0 ?? 0;
  const alternative = checkAlternative(options.alternative);
  checkFinite(d, 'signed-rank sample');
  if (!Number.isFinite(mu0)) throw new RangeError(`signed-rank mu0 must be finite, got ${mu0}`);
  const shifted: number[] = [];
  for (let i = 0; i < d.length; i++) {
    const v = (d[i] as number) - mu0;
    if (v !== 0) shifted.push(v);
  }
  const n = shifted.length;
  const zeros = d.length - n;
  if (n === 0) return { n, statistic: 0, p: 1, method: 'exact', zeros, ties: false };

  // Sorted by magnitude; each value keeps its sign, which says whether its rank counts towards W+.
  shifted.sort((a, b) => Math.abs(a) - Math.abs(b));
  let statistic = 0;
  let tieTerm = 0;
  for (let i = 0; i < n; ) {
    const magnitude = Math.abs(shifted[i] as number);
    let j = i;
    while (j + 1 < n && Math.abs(shifted[j + 1] as number) === magnitude) j++;
    const size = j - i + 1;
    const averageRank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) if ((shifted[k] as number) > 0) statistic += averageRank;
    tieTerm += size * size * size - size;
    i = j + 1;
  }
  const ties = tieTerm > 0;

  if (n <= SIGNED_RANK_EXACT_MAX_N && !ties && zeros === 0) {
    const lower = signedRankNullCdf(statistic, n); // P(W+ <= w)
    const upper = 1 - signedRankNullCdf(statistic - 1, n); // P(W+ >= w)
    const p = alternative === 'greater' ? upper : alternative === 'less' ? lower : Math.min(1, 2 * Math.min(lower, upper));
    return { n, statistic, p, method: 'exact', zeros, ties };
  }

  const centred = statistic - (n * (n + 1)) / 4;
  const sigma = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48);
  const correction = alternative === 'greater' ? 0.5 : alternative === 'less' ? -0.5 : 0.5 * Math.sign(centred);
  const z = (centred - correction) / sigma;
  const p =
    alternative === 'greater'
      ? normalUpperTail(z)
      : alternative === 'less'
        ? normalUpperTail(-z)
        : Math.min(1, 2 * Math.min(normalUpperTail(z), normalUpperTail(-z)));
  return { n, statistic, p, method: 'normal', zeros, ties };
}

/** The n(n+1)/2 Walsh averages (d_i + d_j)/2, i <= j, in generation order, into `out` (or a new array). */
function walshUnsorted(d: ArrayLike<number>, out?: Float64Array): Float64Array {
  checkFinite(d, 'Walsh averages sample');
  const n = d.length;
  const averages = out ?? new Float64Array((n * (n + 1)) / 2);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const di = d[i] as number;
    for (let j = i; j < n; j++) averages[k++] = (di + (d[j] as number)) / 2;
  }
  return averages;
}

/**
 * Scratch for hodgesLehmann: allocating a small typed array costs more than the selection itself, and
 * simulations call it for every case of every seed. Never escapes a call, so the function stays pure.
 */
let walshScratch = new Float64Array(64);

/**
 * The n(n+1)/2 Walsh averages (d_i + d_j)/2, i <= j, sorted ascending. O(n²) memory and time, meant
 * for per-case round counts (thousands of values at most).
 */
export function walshAverages(d: ArrayLike<number>): Float64Array {
  return walshUnsorted(d).sort();
}

/**
 * Hodges–Lehmann estimate of the centre of a symmetric distribution: the (type-7) median of the Walsh
 * averages, found by selection rather than a sort. The estimate that goes with the signed-rank test
 * (the mu0 at which W+ is balanced); robust to a few outlying rounds, and 95.5% as efficient as the
 * mean for normal data.
 */
export function hodgesLehmann(d: ArrayLike<number>): number {
  if (d.length === 0) throw new RangeError('Hodges–Lehmann estimate of an empty sample');
  const count = (d.length * (d.length + 1)) / 2;
  if (walshScratch.length < count) walshScratch = new Float64Array(count);
  walshUnsorted(d, walshScratch);
  return medianInPlace(walshScratch, count);
}

export interface SignedRankCi {
  /** Hodges–Lehmann estimate. */
  readonly estimate: number;
  readonly lower: number;
  readonly upper: number;
  /** Requested two-sided coverage. */
  readonly level: number;
  /** Coverage of the interval returned: exact under H0's symmetry for 'exact', approximate for 'normal'. */
  readonly achieved: number;
  readonly method: 'exact' | 'normal';
  /** 1-based ranks k, M − k + 1 of the sorted Walsh averages used (M = n(n+1)/2). */
  readonly ranks: readonly [number, number];
  /** Set when n is too small to reach the level: the interval is then [min, max] of the Walsh averages. */
  readonly note?: string;
}

/**
 * Distribution-free interval for the centre of symmetry: [w(k), w(M−k+1)] of the sorted Walsh averages
 * w, where k − 1 is the largest critical value with P(W+ <= k − 1) <= α/2 (α = 1 − level): mu0 is
 * outside the interval exactly when the two-sided signed-rank test at level α rejects it (Hollander &
 * Wolfe, §3.3). Exact law for n <= 50; above, k = floor(n(n+1)/4 + 1/2 − z σ), σ² = n(n+1)(2n+1)/24
 * (normal law with continuity correction). Ties in d are not corrected for (the interval is the
 * inversion for continuous data).
 */
export function signedRankCi(d: ArrayLike<number>, confidence = 0.95): SignedRankCi {
  const level = checkConfidence(confidence);
  const n = d.length;
  if (n === 0) throw new RangeError('signed-rank interval of an empty sample');
  const walsh = walshAverages(d);
  const m = walsh.length;
  const estimate = quantileSorted(walsh, 0.5);
  const halfAlpha = (1 - level) / 2;
  let k: number;
  let achieved: number;
  let method: 'exact' | 'normal';
  if (n <= SIGNED_RANK_EXACT_MAX_N) {
    method = 'exact';
    k = 0;
    // Largest k with P(W+ <= k − 1) <= α/2; P(W+ <= k − 1) grows with k, so walk up from k = 1.
    while (k < Math.floor((m + 1) / 2) && signedRankNullCdf(k, n) <= halfAlpha) k++;
    k = Math.max(1, k);
    achieved = 1 - 2 * signedRankNullCdf(k - 1, n);
  } else {
    method = 'normal';
    const mean = (n * (n + 1)) / 4;
    const sigma = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24);
    k = Math.max(1, Math.min(Math.floor((m + 1) / 2), Math.floor(mean + 0.5 - normalQuantile(1 - halfAlpha) * sigma)));
    achieved = 1 - 2 * normalUpperTail((mean - (k - 0.5)) / sigma);
  }
  const base = {
    estimate,
    lower: walsh[k - 1] as number,
    upper: walsh[m - k] as number,
    level,
    achieved,
    method,
    ranks: [k, m - k + 1] as const,
  };
  if (achieved < level)
    return {
      ...base,
      note: `n = ${n} is too small for ${level} coverage: the widest interval (min, max of the Walsh averages) covers ${achieved.toPrecision(4)}`,
    };
  return base;
}
