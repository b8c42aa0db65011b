/** The F distribution's upper tail, for the variance-ratio tests of the paired gate. */
import { regularizedBeta, regularizedGammaQ } from './special.ts';

/**
 * P(F > f) for F with (d1, d2) degrees of freedom (d2 may be Infinity: then χ²(d1)/d1).
 */
export function fUpperTail(f: number, d1: number, d2: number): number {
  if (!(d1 > 0) || !(d2 > 0)) throw new RangeError(`the F distribution needs degrees of freedom > 0, got ${d1} and ${d2}`);
  if (!(f > 0)) return 1;
  if (!Number.isFinite(d2)) return regularizedGammaQ(d1 / 2, (d1 * f) / 2);
  return regularizedBeta(d2 / (d2 + d1 * f), d2 / 2, d1 / 2);
}

