/**
 * Percentile bootstrap. Each group (one case's latency samples) is resampled with replacement on its
 * own, the statistic is recomputed, and the interval is the (alpha/2, 1 - alpha/2) type-7 quantiles of
 * the replicate values. Seeded, so the same inputs give the same interval.
 */
import { quantileSorted } from './quantile.ts';
import { mulberry32, type Rng } from './prng.ts';

export interface BootstrapSettings {
  /** Bootstrap resamples; 0 turns intervals off. */
  readonly resamples: number;
  /** Two-sided confidence level of the intervals, in (0, 1). */
  readonly confidence: number;
  /** Base seed; every stream is derived from it and a name. */
  readonly seed: number;
}

export const DEFAULT_BOOTSTRAP: BootstrapSettings = { resamples: 2000, confidence: 0.95, seed: 20250429 };

export interface PercentileInterval {
  readonly lower: number;
  readonly upper: number;
  readonly level: number;
  /** Replicates that gave a finite value (the interval is taken over these). */
  readonly valid: number;
  /** Replicates whose statistic was undefined or not finite. */
  readonly invalid: number;
}

/**
 * Medians of `resamples` resamples (with replacement, same size) of `samples`, drawn with `rng` (or,
 * faster, with mulberry32 seeded by the number given).
 * Works on ranks: the samples are sorted once, each resample is a histogram of n uniform indices into
 * the sorted array, and its type-7 median is read off the running count, so each replicate costs O(n)
 * with no comparisons.
 */
export function resampleMedians(samples: ArrayLike<number>, resamples: number, rng: Rng | number): Float64Array {
  const n = samples.length;
  if (n === 0) throw new RangeError('cannot resample an empty sample');
  const sorted = Float64Array.from(samples).sort();
  const out = new Float64Array(resamples);
  const counts = new Int32Array(n);
  const lowerRank = (n - 1) >>> 1; // 0-based rank of the lower middle value
  const even = n % 2 === 0;
  let state = typeof rng === 'number' ? rng >>> 0 : 0;
  for (let r = 0; r < resamples; r++) {
    counts.fill(0);
    if (typeof rng === 'number') {
      // mulberry32 inlined (identical stream to mulberry32(seed)): this loop is the bootstrap's hot path.
      for (let i = 0; i < n; i++) {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        const k = Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
        counts[k] = (counts[k] as number) + 1;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const k = rng.int(n);
        counts[k] = (counts[k] as number) + 1;
      }
    }
    let seen = 0;
    let j = 0;
    while ((seen += counts[j] as number) <= lowerRank) j++;
    const lower = sorted[j] as number;
    if (!even) {
      out[r] = lower;
      continue;
    }
    // The upper middle value is the same sorted value unless the lower one was the last of its count.
    if (seen > lowerRank + 1) out[r] = lower;
    else {
      j++;
      while ((counts[j] as number) === 0) j++;
      out[r] = (lower + (sorted[j] as number)) / 2;
    }
  }
  return out;
}

/** Percentile interval of replicate values; non-finite replicates are counted and left out. */
export function percentileInterval(replicates: ArrayLike<number>, level: number): PercentileInterval | null {
  if (!(level > 0 && level < 1)) throw new RangeError(`confidence level must be in (0, 1), got ${level}`);
  const all = new Float64Array(replicates.length);
  let count = 0;
  for (let i = 0; i < replicates.length; i++) {
    const v = replicates[i] as number;
    if (Number.isFinite(v)) all[count++] = v;
  }
  if (count === 0) return null;
  const finite = all.subarray(0, count).sort();
  const alpha = 1 - level;
  return {
    lower: quantileSorted(finite, alpha / 2),
    upper: quantileSorted(finite, 1 - alpha / 2),
    level,
    valid: finite.length,
    invalid: replicates.length - count,
  };
}

export interface BootstrapResult {
  /** The statistic on the original data. */
  readonly estimate: number;
  readonly interval: PercentileInterval | null;
  readonly replicates: Float64Array;
}

/**
 * General percentile bootstrap: resample every group independently, apply `statistic` to the
 * resampled groups. (The metrics use the faster median-only path in `resampleMedians`.)
 */
export function bootstrap(
  groups: readonly (readonly number[])[],
  statistic: (groups: readonly Float64Array[]) => number,
  settings: BootstrapSettings,
): BootstrapResult {
  const rng = mulberry32(settings.seed);
  const estimate = statistic(groups.map((g) => Float64Array.from(g)));
  const replicates = new Float64Array(settings.resamples);
  const scratch = groups.map((g) => new Float64Array(g.length));
  for (let r = 0; r < settings.resamples; r++) {
    groups.forEach((g, gi) => {
      const buf = scratch[gi] as Float64Array;
      for (let i = 0; i < g.length; i++) buf[i] = g[rng.int(g.length)] as number;
    });
    replicates[r] = statistic(scratch);
  }
  return {
    estimate,
    interval: settings.resamples > 0 ? percentileInterval(replicates, settings.confidence) : null,
    replicates,
  };
}

/** Throws a RangeError naming the bad setting; returns the settings. */
export function checkBootstrapSettings(settings: BootstrapSettings): BootstrapSettings {
  if (!Number.isInteger(settings.resamples) || settings.resamples < 0)
    throw new RangeError(`bootstrap resamples must be a non-negative integer, got ${settings.resamples}`);
  if (!(settings.confidence > 0 && settings.confidence < 1))
    throw new RangeError(`bootstrap confidence must be in (0, 1), got ${settings.confidence}`);
  if (!Number.isInteger(settings.seed)) throw new RangeError(`bootstrap seed must be an integer, got ${settings.seed}`);
  return settings;
}
