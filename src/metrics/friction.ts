/**
 * Batch friction: how latency grows with batch size. β is the OLS slope of ln(median latency) on
 * ln(batch) over one batch sweep; β = 0 means a bigger batch is free, β = 1 means latency grows in
 * proportion (no amortisation). Per-sample throughput scales as b^(1-β).
 */
import { ols } from '../stats/ols.ts';
import type { Computed } from './estimate.ts';
import type { MarginalBeta } from './types.ts';

/** Marginal β at or above this means batching has stopped paying: the knee. */
export const KNEE_BETA = 0.9;

/** OLS slope of ln(latency) on ln(batch). Needs ≥ 2 distinct batches and positive latencies. */
export function frictionBeta(batches: readonly number[], latenciesMs: readonly number[]): Computed {
  if (batches.length < 2) return { reason: `needs at least 2 completed batch sizes, has ${batches.length}` };
  if (latenciesMs.some((l) => !(l > 0))) return { reason: 'a median latency is 0 ms, so ln(latency) is undefined' };
  const fit = ols(batches.map(Math.log), latenciesMs.map(Math.log));
  return fit === null ? { reason: 'all batch sizes are equal' } : fit.slope;
}

/** β between neighbouring batches (sorted ascending): ln(L2/L1) / ln(b2/b1). */
export function marginalBetas(batches: readonly number[], latenciesMs: readonly number[]): MarginalBeta[] {
  const points = batches.map((b, i) => ({ b, l: latenciesMs[i] as number })).sort((x, y) => x.b - y.b);
  const out: MarginalBeta[] = [];
  for (let i = 1; i < points.length; i++) {
    const p = points[i - 1] as { b: number; l: number };
    const q = points[i] as { b: number; l: number };
    if (q.b === p.b || !(p.l > 0) || !(q.l > 0)) continue;
    // The ratio of two extreme latencies can overflow; the difference of their logarithms cannot.
    const ratio = q.l / p.l;
    const logRatio = Number.isFinite(ratio) && ratio > 0 ? Math.log(ratio) : Math.log(q.l) - Math.log(p.l);
    out.push({ fromBatch: p.b, toBatch: q.b, beta: logRatio / Math.log(q.b / p.b) });
  }
  return out;
}

/** The lower batch of the first neighbouring pair whose marginal β ≥ `threshold`; null if none. */
export function kneeBatch(marginal: readonly MarginalBeta[], threshold = KNEE_BETA): number | null {
  return marginal.find((m) => m.beta >= threshold)?.fromBatch ?? null;
}
