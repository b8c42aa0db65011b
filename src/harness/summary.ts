/**
 * Summary statistics of one case's latency samples, as stored in the result model (definitions in
 * docs/metrics.md: type-7 quantiles, order-statistic CI of the median).
 */
import type { LatencyStats } from '../results/schema.ts';
import { medianCi } from '../stats/median-ci.ts';
import { quantileSorted, sortedCopy } from '../stats/quantile.ts';

export { quantileSorted };

/** 95% confidence interval of the median, distribution-free, as [lower, upper]. */
export function medianConfidenceInterval(samples: ArrayLike<number>): [number, number] {
  const ci = medianCi(samples, 0.95);
  return [ci.lower, ci.upper];
}

export function summarizeLatency(samples: readonly number[]): LatencyStats {
  const sorted = sortedCopy(samples);
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
