/**
 * Student's t distribution with ν > 0 degrees of freedom (ν = Infinity is the standard normal), for the
 * one-sample t test and t intervals of the paired statistics.
 *
 *   P(T > t) = I_x(ν/2, 1/2) / 2 for t >= 0, x = ν / (ν + t²)   (regularized incomplete beta)
 *
 * The tail is computed directly (never as 1 − CDF), so small p-values keep their relative precision.
 */
import { normalDensity, normalQuantile, normalUpperTail } from './normal.ts';
import { logBeta, regularizedBeta } from './special.ts';

function checkDegreesOfFreedom(df: number): void {
  if (!(df > 0)) throw new RangeError(`Student t degrees of freedom must be > 0, got ${df}`);
}

/** P(T > t). */
export function studentTUpperTail(t: number, df: number): number {
  checkDegreesOfFreedom(df);
  if (Number.isNaN(t)) throw new RangeError('Student t tail of NaN');
  if (df === Infinity) return normalUpperTail(t);
  if (t < 0) return 1 - studentTUpperTail(-t, df);
  if (t === Infinity) return 0;
  const t2 = t * t;
  if (t2 === Infinity) return 0;
  const denominator = df + t2;
  return 0.5 * regularizedBeta(df / denominator, df / 2, 0.5, t2 / denominator);
}

/** P(T <= t). */
export function studentTCdf(t: number, df: number): number {
  if (Number.isNaN(t)) throw new RangeError('Student t CDF of NaN');
  return studentTUpperTail(-t, df);
}

/** Density of T at t. */
export function studentTDensity(t: number, df: number): number {
  checkDegreesOfFreedom(df);
  if (df === Infinity) return normalDensity(t);
  return Math.exp(-((df + 1) / 2) * Math.log1p((t * t) / df) - 0.5 * Math.log(df) - logBeta(df / 2, 0.5));
}

/**
 * t with P(T <= t) = p. The smaller tail is solved for: Cornish–Fisher start from the normal quantile,
 * then Newton steps kept inside a bracket [lo, hi] (bisection when a step leaves it), to ~1e-15
 * relative. The tail is convex for t > 0, so Newton from the left of the root never overshoots.
 */
export function studentTQuantile(p: number, df: number): number {
  checkDegreesOfFreedom(df);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`Student t quantile probability must be in [0, 1], got ${p}`);
  if (df === Infinity) return normalQuantile(p);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  const tail = Math.min(p, 1 - p);
  const z = normalQuantile(1 - tail);
  const z3 = z * z * z;
  const z5 = z3 * z * z;
  const guess = z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df * df);
  let lo = 0;
  let hi = Math.max(1, 2 * guess);
  while (studentTUpperTail(hi, df) > tail) {
    lo = hi;
    hi *= 2;
    if (hi === Infinity) throw new Error(`Student t quantile out of range (p=${p}, df=${df})`);
  }
  let t = Math.min(Math.max(guess, lo), hi);
  for (let i = 0; i < 500; i++) {
    const excess = studentTUpperTail(t, df) - tail;
    if (excess === 0) break;
    if (excess > 0) lo = t;
    else hi = t;
    let next = t + excess / studentTDensity(t, df);
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    const converged = Math.abs(next - t) <= 1e-15 * next;
    t = next;
    if (converged || hi - lo <= 1e-15 * hi) break;
  }
  return p < 0.5 ? -t : t;
}
