/**
 * When to stop sampling a case. Pure, so the rule can be tested on synthetic sample streams.
 */
import { medianConfidenceInterval, quantileSorted } from './summary.ts';
import type { MeasureOptions, StopReason } from './engine.ts';

/**
 * Decides whether sampling may stop after `samples` taken over `elapsedMs`.
 * Returns the reason to stop, or `null` to go on.
 */
export function stopDecision(
  samples: readonly number[],
  elapsedMs: number,
  options: Pick<MeasureOptions, 'minTimeMs' | 'minSamples' | 'targetRelativeCi' | 'maxTimeMs'>,
): StopReason | null {
  const enough = samples.length >= options.minSamples;
  if (options.targetRelativeCi === null) {
    return enough && elapsedMs >= options.minTimeMs ? 'min-time' : null;
  }
  if (enough && elapsedMs >= options.maxTimeMs) return 'time-cap';
  if (!enough || elapsedMs < options.minTimeMs) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  const [low, high] = medianConfidenceInterval(sorted);
  const median = quantileSorted(sorted, 0.5);
  if (median <= 0) return null;
  const halfWidth = Math.max(median - low, high - median) / median;
  return halfWidth <= options.targetRelativeCi ? 'ci-target' : null;
}
