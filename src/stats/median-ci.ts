/**
 * Distribution-free confidence interval of the median from order statistics. With B ~ Binomial(n, 1/2)
 * (the number of samples below the true median), the interval [x(k), x(n-k+1)] (1-based order
 * statistics) covers the median with probability 1 - 2 P(B <= k-1). We take the largest k whose
 * coverage is still >= the requested level. When n is too small for any k to reach it (n < 6 at 95%),
 * the interval is [min, max] and `achieved` reports its (lower) coverage.
 */
import { sortedCopy } from './quantile.ts';

export interface MedianCi {
  readonly lower: number;
  readonly upper: number;
  /** Requested coverage. */
  readonly level: number;
  /** Exact coverage of the interval returned (>= level unless n is too small). */
  readonly achieved: number;
  /** 1-based ranks of the order statistics used. */
  readonly ranks: readonly [number, number];
}

/** P(B <= j) for j = 0, 1, ... while it stays <= limit; returns the cumulative probabilities. */
function lowerTail(n: number, limit: number): number[] {
  const cdf: number[] = [];
  let logC = 0;
  let cumulative = 0;
  const logHalfN = -n * Math.LN2;
  for (let i = 0; i <= n; i++) {
    cumulative += Math.exp(logC + logHalfN);
    if (cumulative > limit) break;
    cdf.push(cumulative);
    logC += Math.log(n - i) - Math.log(i + 1);
  }
  return cdf;
}

export function medianCi(xs: ArrayLike<number>, level = 0.95): MedianCi {
  if (xs.length === 0) throw new RangeError('median CI of an empty sample');
  if (!(level > 0 && level < 1)) throw new RangeError(`confidence level must be in (0, 1), got ${level}`);
  const sorted = sortedCopy(xs);
  const n = sorted.length;
  const cdf = lowerTail(n, (1 - level) / 2);
  // cdf[j] = P(B <= j) <= alpha/2 for j < cdf.length, so k - 1 = cdf.length - 1 is the largest usable.
  const k = Math.max(1, Math.min(cdf.length, Math.floor((n + 1) / 2)));
  const tail = cdf.length > 0 ? (cdf[k - 1] as number) : Math.pow(0.5, n);
  return {
    lower: sorted[k - 1] as number,
    upper: sorted[n - k] as number,
    level,
    achieved: Math.max(0, 1 - 2 * tail),
    ranks: [k, n - k + 1],
  };
}
