/**
 * Summary statistics of one case's latency samples, as stored in the result model.
 */
import type { LatencyStats } from '../results/schema.ts';

/** Linear interpolation between order statistics (type 7, as R and NumPy default). */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new Error('quantile of no samples');
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const a = sorted[lower] as number;
  const b = sorted[Math.ceil(position)] as number;
  return a + (b - a) * (position - lower);
}

/**
 * Distribution-free 95% confidence interval of the median from order statistics: the ranks
 * n/2 ± 1.96·√n/2 (normal approximation to the binomial), clamped to the sample.
 */
export function medianConfidenceInterval(sorted: readonly number[], z = 1.959964): [number, number] {
  const n = sorted.length;
  if (n === 0) throw new Error('confidence interval of no samples');
  const half = (z * Math.sqrt(n)) / 2;
  const lowRank = Math.max(0, Math.floor(n / 2 - half));
  const highRank = Math.min(n - 1, Math.ceil(n / 2 + half) - 1);
  return [sorted[lowRank] as number, sorted[Math.max(lowRank, highRank)] as number];
}

export function summarizeLatency(samples: readonly number[]): LatencyStats {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  const mean = sorted.reduce((sum, x) => sum + x, 0) / n;
  const variance = n > 1 ? sorted.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (n - 1) : 0;
  return {
    n,
    min: sorted[0] as number,
    max: sorted[n - 1] as number,
    mean,
    median: quantileSorted(sorted, 0.5),
    p25: quantileSorted(sorted, 0.25),
    p75: quantileSorted(sorted, 0.75),
    p99: quantileSorted(sorted, 0.99),
    sd: Math.sqrt(variance),
    medianCi: medianConfidenceInterval(sorted),
  };
}
