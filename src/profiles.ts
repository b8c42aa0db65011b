/**
 * Profiles: how much of each spec's sweep runs and how long each case is measured.
 * `default` is what `pnpm bench` runs; `quick` is the pull-request gate; `full` is for nightly runs.
 */
import type { MeasureOptions } from './harness/engine.ts';

export const PROFILE_NAMES = ['default', 'quick', 'full'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

export interface Profile {
  readonly name: ProfileName;
  readonly description: string;
  /** Which of a spec's batch sizes and depths run: all of them, or the smallest, middle and largest. */
  readonly sweep: 'all' | 'ends';
  readonly measure: Partial<MeasureOptions>;
  /** Sessions each case's samples are spread over (see `measureCase`). */
  readonly sessions: number;
  /**
   * Paired runs (`--compare`): base and head alternate in rounds of one block each, `blockMs` long
   * per side; sampling (both sides together) follows `measure`, and stops on the precision of the
   * per-round head/base ratio. One session per side: the pairing, not spreading, controls drift.
   * Blocks are short (1 ms: one call for any model slower than that, one untimed and a few timed for
   * faster ones): on the 2-core VM a worker's speed wanders by ±20% over tens of milliseconds, so two
   * 30-ms blocks in a row did not share it, and a 10% slowdown of ort-cpu-all was called in 0 of 66
   * cases with 30-ms blocks and in 49 of 66 with 1-ms blocks, in the same time (docs/paired.md).
   */
  readonly paired: { readonly blockMs: number; readonly minRounds: number; readonly measure: Partial<MeasureOptions> };
}

export const PROFILES: Readonly<Record<ProfileName, Profile>> = {
  default: {
    name: 'default',
    description: 'every batch and depth of each spec; 2 sessions per case, adaptive to ±2% of the judged ratio, 200–600 ms',
    sweep: 'all',
    measure: { minTimeMs: 200, minSamples: 12, warmupTimeMs: 30, warmupIterations: 3, targetRelativeCi: 0.02, maxTimeMs: 600 },
    sessions: 2,
    paired: { blockMs: 1, minRounds: 48, measure: { minTimeMs: 500, minSamples: 2, warmupTimeMs: 30, warmupIterations: 2, targetRelativeCi: 0.015, maxTimeMs: 1200 } },
  },
  quick: {
    name: 'quick',
    description: 'smallest, middle and largest batch and depth; 2 sessions per case, adaptive to ±2% of the judged ratio, 120–300 ms',
    sweep: 'ends',
    measure: { minTimeMs: 120, minSamples: 12, warmupTimeMs: 20, warmupIterations: 3, targetRelativeCi: 0.02, maxTimeMs: 300 },
    sessions: 2,
    paired: { blockMs: 1, minRounds: 40, measure: { minTimeMs: 300, minSamples: 2, warmupTimeMs: 20, warmupIterations: 1, targetRelativeCi: 0.02, maxTimeMs: 700 } },
  },
  full: {
    name: 'full',
    description: 'every batch and depth; 4 sessions per case, adaptive to ±0.5% of the judged ratio, capped at 3 s',
    sweep: 'all',
    measure: { minTimeMs: 600, minSamples: 30, warmupTimeMs: 200, warmupIterations: 5, targetRelativeCi: 0.005, maxTimeMs: 3000 },
    sessions: 4,
    paired: { blockMs: 1, minRounds: 64, measure: { minTimeMs: 2000, minSamples: 16, warmupTimeMs: 100, warmupIterations: 3, targetRelativeCi: 0.005, maxTimeMs: 6000 } },
  },
};

export function getProfile(name: string): Profile {
  if (!(PROFILE_NAMES as readonly string[]).includes(name)) {
    throw new Error(`unknown profile "${name}"; valid profiles: ${PROFILE_NAMES.join(', ')}`);
  }
  return PROFILES[name as ProfileName];
}

/** The values of a sweep a profile keeps: all, or the smallest, middle and largest (in order). */
export function sweepValues(values: readonly number[], sweep: Profile['sweep']): number[] {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  if (sweep === 'all' || sorted.length <= 3) return sorted;
  return [sorted[0] as number, sorted[Math.floor((sorted.length - 1) / 2)] as number, sorted[sorted.length - 1] as number];
}
