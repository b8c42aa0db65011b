/**
 * Aggregates over many cases. The geometric mean is the mean that fits ratios: a 2× gain and a 2× loss
 * average to 1×, and it does not depend on which side of the ratio is on top (geomean of 1/x is
 * 1/geomean of x).
 */
import type { Computed } from './estimate.ts';

/** exp(mean ln x) of positive values; a reason when there are none or one is not positive. */
export function geometricMean(values: readonly number[]): Computed {
  if (values.length === 0) return { reason: 'no values' };
  let sum = 0;
  for (const x of values) {
    if (!(x > 0) || !Number.isFinite(x)) return { reason: `a value is not a positive finite number (${x})` };
    sum += Math.log(x);
  }
  return Math.exp(sum / values.length);
}

/** The geometric mean of the speedups 1/ρᵢ, from the per-case latency ratios ρᵢ = lat_C / lat_R. */
export function geometricMeanSpeedup(ratios: readonly number[]): Computed {
  if (ratios.length === 0) return { reason: 'no case measured alongside the reference' };
  const g = geometricMean(ratios);
  return typeof g === 'number' ? 1 / g : g;
}
