/**
 * Quantiles, median and MAD. One definition everywhere: Hyndman & Fan type 7 (linear interpolation
 * between order statistics; the default of R and NumPy). For sorted x[0..n-1] and 0 <= p <= 1:
 *
 *   h = (n - 1) p,  Q(p) = x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h])
 *
 * so Q(0) is the minimum, Q(1) the maximum and Q(0.5) the usual median (mean of the two middle values
 * when n is even).
 */

export function sortedCopy(xs: ArrayLike<number>): number[] {
  return Array.from(xs).sort((a, b) => a - b);
}

function assertUsable(n: number, p: number): void {
  if (n === 0) throw new RangeError('quantile of an empty sample');
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile probability must be in [0, 1], got ${p}`);
}

/** Type-7 quantile of an already sorted (ascending) sample. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  assertUsable(sorted.length, p);
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (h - lo) * (b - a);
}

/** Type-7 quantile of an unsorted sample (the input is not modified). */
export function quantile(xs: ArrayLike<number>, p: number): number {
  return quantileSorted(sortedCopy(xs), p);
}

export function median(xs: ArrayLike<number>): number {
  return quantile(xs, 0.5);
}

/** Multiply the raw MAD by this to estimate the standard deviation of normal data. */
export const MAD_NORMAL_SCALE = 1.482602218505602;

/** Median absolute deviation from the median, raw (scale 1) unless a scale is given. */
export function mad(xs: ArrayLike<number>, scale = 1): number {
  const m = median(xs);
  return median(Array.from(xs, (x) => Math.abs(x - m))) * scale;
}
