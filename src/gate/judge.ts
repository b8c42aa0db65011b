/**
 * Deciding whether a change is real and large enough, from the metric's direction and threshold kind in
 * the registry (never from its name). `change` is the run-vs-baseline comparison with its interval:
 * a ratio run/baseline for relative metrics, a difference run − baseline for absolute ones.
 *
 *   relative: up   = CI entirely above 1 and ratio > 1 + t;  down = CI entirely below 1 and ratio < 1/(1 + t)
 *   absolute: up   = CI entirely above 0 and diff  > t;      down = CI entirely below 0 and diff  < −t
 *
 * For a lower-is-better metric "up" is worse; for higher-is-better, "down" is worse.
 */
import { sideOf } from '../metrics/estimate.ts';
import { METRICS, type MetricId } from '../metrics/registry.ts';
import type { MetricValue } from '../metrics/types.ts';

export type Judgement = 'worse' | 'better' | 'same';

export function judge(metric: MetricId, change: MetricValue, threshold: number): Judgement {
  if (change.value === null) return 'same';
  const def = METRICS[metric];
  const relative = def.thresholdKind === 'relative';
  const side = sideOf(change, relative ? 1 : 0);
  const up = side === 1 && (relative ? change.value > 1 + threshold : change.value > threshold);
  const down = side === -1 && (relative ? change.value < 1 / (1 + threshold) : change.value < -threshold);
  if (def.direction === 'lower-is-better') return up ? 'worse' : down ? 'better' : 'same';
  if (def.direction === 'higher-is-better') return down ? 'worse' : up ? 'better' : 'same';
  return 'same';
}
