/**
 * Point estimates with bootstrap intervals for statistics of case medians. Every metric is a function of
 * the medians of a few cases; one bootstrap replicate resamples each case's samples, recomputes the
 * medians and recomputes the statistic. Replicate medians are computed once per case (seeded by the
 * case key, so reproducible and independent of processing order) and shared by every statistic.
 */
import { percentileInterval, resampleMedians, type BootstrapSettings } from '../stats/bootstrap.ts';
import { deriveSeed } from '../stats/prng.ts';
import { median } from '../stats/quantile.ts';
import type { MetricId } from './registry.ts';
import type { MetricValue } from './types.ts';

/** A statistic's value, or why it has none. */
export type Computed = number | { readonly reason: string };

export function unavailable(metric: MetricId, reason: string): MetricValue {
  return { metric, value: null, ci: null, reason };
}

/**
 * Replicate medians are a deterministic function of (samples, seed, resamples, stream name), so they are
 * memoised per samples array: computeMetrics and the gate, given the same run, resample it once. Results
 * are treated as immutable; a samples array must not be mutated after it has been resampled.
 */
const REPLICATES = new WeakMap<readonly number[], Map<string, Float64Array>>();

/** Samples by case key, with memoised medians and bootstrap replicate medians. */
export class SampleBank {
  readonly #samples: ReadonlyMap<string, readonly number[]>;
  readonly #medians = new Map<string, number>();
  readonly #replicates = new Map<string, Float64Array>();

  /** `domain` separates streams: the run's and the baseline's replicates of one key are independent. */
  constructor(
    samples: ReadonlyMap<string, readonly number[]>,
    readonly settings: BootstrapSettings,
    readonly domain: string,
  ) {
    this.#samples = samples;
  }

  has(key: string): boolean {
    return (this.#samples.get(key)?.length ?? 0) > 0;
  }

  samples(key: string): readonly number[] {
    const s = this.#samples.get(key);
    if (s === undefined || s.length === 0) throw new Error(`no samples for ${key}`);
    return s;
  }

  median(key: string): number {
    let m = this.#medians.get(key);
    if (m === undefined) {
      m = median(this.samples(key));
      this.#medians.set(key, m);
    }
    return m;
  }

  replicates(key: string): Float64Array {
    let r = this.#replicates.get(key);
    if (r === undefined) {
      const samples = this.samples(key);
      const stream = `${this.settings.seed}|${this.settings.resamples}|${this.domain}:${key}`;
      let perArray = REPLICATES.get(samples);
      r = perArray?.get(stream);
      if (r === undefined) {
        r = resampleMedians(samples, this.settings.resamples, deriveSeed(this.settings.seed, `${this.domain}:${key}`));
        if (perArray === undefined) REPLICATES.set(samples, (perArray = new Map()));
        perArray.set(stream, r);
      }
      this.#replicates.set(key, r);
    }
    return r;
  }
}

export interface Part {
  readonly bank: SampleBank;
  readonly keys: readonly string[];
}

/**
 * Applies `f` to the medians of each part's keys (point estimate) and to every bootstrap replicate;
 * the interval is the percentile interval of the replicates. All parts must share resamples and
 * confidence (`settings`).
 */
export function estimate(
  metric: MetricId,
  parts: readonly Part[],
  f: (medians: readonly (readonly number[])[]) => Computed,
  settings: Pick<BootstrapSettings, 'resamples' | 'confidence'>,
): MetricValue {
  const point = f(parts.map((p) => p.keys.map((k) => p.bank.median(k))));
  if (typeof point !== 'number') return unavailable(metric, point.reason);
  if (!Number.isFinite(point)) return unavailable(metric, 'the value is not finite');
  const resamples = settings.resamples;
  if (resamples === 0) return { metric, value: point, ci: null, ciNote: 'bootstrap turned off (0 resamples)' };
  const reps = parts.map((p) => p.keys.map((k) => p.bank.replicates(k)));
  const values = new Float64Array(resamples);
  const scratch = parts.map((p) => new Array<number>(p.keys.length).fill(0));
  for (let r = 0; r < resamples; r++) {
    for (let pi = 0; pi < reps.length; pi++) {
      const row = reps[pi] as Float64Array[];
      const out = scratch[pi] as number[];
      for (let k = 0; k < row.length; k++) out[k] = (row[k] as Float64Array)[r] as number;
    }
    const v = f(scratch);
    values[r] = typeof v === 'number' ? v : Number.NaN;
  }
  const interval = percentileInterval(values, settings.confidence);
  if (interval === null) return { metric, value: point, ci: null, ciNote: 'no bootstrap resample gave a value' };
  // Dropping undefined replicates biases the tails; report no interval when they could matter.
  if (interval.invalid > ((1 - settings.confidence) / 2) * resamples) {
    return {
      metric,
      value: point,
      ci: null,
      ciNote: `${interval.invalid} of ${resamples} bootstrap resamples gave no value; interval not reported`,
    };
  }
  return {
    metric,
    value: point,
    ci: { lower: interval.lower, upper: interval.upper, level: interval.level, method: 'bootstrap-percentile', resamples },
  };
}

/** Whether the value's interval lies entirely above (`1`), below (`-1`) or around (`0`) `x`. */
export function sideOf(value: MetricValue, x: number): -1 | 0 | 1 {
  if (value.value === null || value.ci === null) return 0;
  if (value.ci.lower > x) return 1;
  if (value.ci.upper < x) return -1;
  return 0;
}
