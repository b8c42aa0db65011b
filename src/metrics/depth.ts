/**
 * Depth scaling of a repeated block: latency(d) = α + c·d by OLS over a depth sweep at one batch. α is
 * the cost that does not grow with depth (input/output, stem, head, dispatch); c the cost per block.
 * Against a reference R: S(d) = lat_R(d) / lat_C(d), depth gain = S(d_max) / S(d_min) and per-block
 * speedup c_R / c_C.
 */
import { ols } from '../stats/ols.ts';
import type { Computed } from './estimate.ts';

export interface DepthFit {
  readonly alpha: number;
  readonly perBlock: number;
}

export function depthFit(depths: readonly number[], latenciesMs: readonly number[]): DepthFit | { reason: string } {
  if (depths.length < 2) return { reason: `needs at least 2 completed depths, has ${depths.length}` };
  const fit = ols(depths, latenciesMs);
  return fit === null ? { reason: 'all depths are equal' } : { alpha: fit.intercept, perBlock: fit.slope };
}

/** S(d) = lat_R(d) / lat_C(d). */
export function depthSpeedup(referenceMs: number, compilerMs: number): Computed {
  return compilerMs > 0 ? referenceMs / compilerMs : { reason: 'compiler median latency is 0 ms' };
}

function extremes(depths: readonly number[]): { lo: number; hi: number } {
  let lo = 0;
  let hi = 0;
  depths.forEach((d, i) => {
    if (d < (depths[lo] as number)) lo = i;
    if (d > (depths[hi] as number)) hi = i;
  });
  return { lo, hi };
}

/** S(d_max) / S(d_min) over depths measured under both compilers. */
export function depthGain(depths: readonly number[], referenceMs: readonly number[], compilerMs: readonly number[]): Computed {
  if (depths.length < 2) return { reason: `needs at least 2 depths measured under both compilers, has ${depths.length}` };
  const { lo, hi } = extremes(depths);
  if (depths[lo] === depths[hi]) return { reason: 'all depths are equal' };
  const sLo = depthSpeedup(referenceMs[lo] as number, compilerMs[lo] as number);
  const sHi = depthSpeedup(referenceMs[hi] as number, compilerMs[hi] as number);
  if (typeof sLo !== 'number') return sLo;
  if (typeof sHi !== 'number') return sHi;
  return sLo > 0 ? sHi / sLo : { reason: 'reference median latency is 0 ms at the smallest depth' };
}

/** c_R / c_C; undefined unless both per-block costs are positive. */
export function perBlockSpeedup(depths: readonly number[], referenceMs: readonly number[], compilerMs: readonly number[]): Computed {
  const r = depthFit(depths, referenceMs);
  const c = depthFit(depths, compilerMs);
  if ('reason' in r) return r;
  if ('reason' in c) return c;
  if (!(r.perBlock > 0)) return { reason: `reference per-block cost is not positive (${r.perBlock.toPrecision(3)} ms)` };
  if (!(c.perBlock > 0)) return { reason: `compiler per-block cost is not positive (${c.perBlock.toPrecision(3)} ms)` };
  return r.perBlock / c.perBlock;
}
