/**
 * A measuring engine times one function many times and returns every sample in the order taken.
 * Engines are interchangeable (tinybench, mitata) and produce the same {@link Measurement}.
 */

export interface MeasureOptions {
  /**
   * Sampling runs at least this long (ms), after warm-up.
   * @default 300
   */
  readonly minTimeMs: number;
  /**
   * Sampling takes at least this many samples, however long they take.
   * @default 10
   */
  readonly minSamples: number;
  /**
   * Warm-up time (ms) before sampling; its iterations are not recorded.
   * @default 50
   */
  readonly warmupTimeMs: number;
  /**
   * Warm-up runs at least this many iterations.
   * @default 3
   */
  readonly warmupIterations: number;
  /**
   * Adaptive stopping: once `minTimeMs` and `minSamples` are met, stop as soon as the 95% confidence
   * interval of the median is within ±this fraction of the median; otherwise go on until `maxTimeMs`.
   * `null` turns adaptive stopping off (sampling stops at `minTimeMs`).
   * @default null
   */
  readonly targetRelativeCi: number | null;
  /**
   * The time cap (ms) of adaptive sampling.
   * @default 3000
   */
  readonly maxTimeMs: number;
  /**
   * Sampling stops at this many samples even before `minTimeMs`: a sub-microsecond function would
   * otherwise fill the result file with millions of samples.
   * @default 5000
   */
  readonly maxSamples: number;
}

export const DEFAULT_MEASURE_OPTIONS: MeasureOptions = {
  minTimeMs: 300,
  minSamples: 10,
  warmupTimeMs: 50,
  warmupIterations: 3,
  targetRelativeCi: null,
  maxTimeMs: 3000,
  maxSamples: 5000,
};

/** One session's share of a case's measuring options when the case is spread over `sessions` sessions. */
export function sessionShare(options: MeasureOptions, sessions: number): MeasureOptions {
  return {
    ...options,
    minTimeMs: options.minTimeMs / sessions,
    maxTimeMs: options.maxTimeMs / sessions,
    minSamples: Math.max(3, Math.ceil(options.minSamples / sessions)),
    maxSamples: Math.max(3, Math.ceil(options.maxSamples / sessions)),
  };
}

export type StopReason = 'min-time' | 'ci-target' | 'time-cap' | 'iterations';

export interface Measurement {
  /** Milliseconds per call, in the order taken. */
  readonly samples: readonly number[];
  readonly warmupIterations: number;
  readonly stoppedBy: StopReason;
  /** Wall time of the sampling phase, ms. */
  readonly timeMs: number;
}

export type TimedFunction = () => Promise<void> | void;

/**
 * Decides, after a call, whether sampling may stop, from the time spent sampling so far (ms); null to
 * go on. Given to an engine, it replaces all of the engine's own stopping (minimum time and samples,
 * adaptive stopping, caps): the engine samples until the rule says stop. The interleaved measurement
 * uses it to stop on the precision of a ratio between arms rather than of one arm's samples.
 */
export type StopRule = (elapsedMs: number) => StopReason | null;

export interface MeasuringEngine {
  readonly name: 'tinybench' | 'mitata';
  readonly version: string;
  /** Times `fn` repeatedly after a warm-up; `stop` overrides when to stop (see {@link StopRule}). */
  measure(fn: TimedFunction, options: MeasureOptions, stop?: StopRule): Promise<Measurement>;
}
