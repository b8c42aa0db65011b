/**
 * mitata as a measuring engine, producing the same {@link Measurement} as tinybench. mitata sorts
 * and trims its samples and batches fast functions; both are turned off (every call is one sample,
 * none dropped) and the function times itself, as with tinybench, so samples stay in the order taken.
 * mitata cannot be stopped mid-run, so adaptive sampling calls it in rounds and applies
 * {@link stopDecision} between rounds.
 */
import { measure } from 'mitata';
import type { Measurement, MeasureOptions, MeasuringEngine, StopReason, StopRule, TimedFunction } from './engine.ts';
import { packageVersion } from './package-version.ts';
import { stopDecision } from './stopping.ts';

const MITATA_VERSION = packageVersion('mitata') ?? 'unknown';
/** Length of one adaptive round, ms: short enough to stop close to the target, long enough to amortise. */
const ROUND_MS = 100;
/** Thrown from inside mitata's loop to end it when a caller's stop rule says so. */
const STOP = new Error('stop sampling');

export class MitataEngine implements MeasuringEngine {
  readonly name = 'mitata' as const;
  readonly version = MITATA_VERSION;

  async measure(fn: TimedFunction, options: MeasureOptions, stop?: StopRule): Promise<Measurement> {
    let warmupIterations = 0;
    const warmupStart = performance.now();
    while (warmupIterations < options.warmupIterations || performance.now() - warmupStart < options.warmupTimeMs) {
      await fn();
      warmupIterations += 1;
    }

    const samples: number[] = [];
    let recording = false;
    const timed = async (): Promise<void> => {
      const start = performance.now();
      await fn();
      if (recording) samples.push(performance.now() - start);
    };
    const round = async (minSamples: number, minTimeMs: number, maxSamples: number): Promise<void> => {
      // mitata calls the function once to learn whether it is async before its loop: not a sample.
      let first = true;
      await measure(
        async () => {
          if (first) {
            first = false;
            recording = false;
            await fn();
            recording = true;
            return;
          }
          await timed();
        },
        {
          min_samples: minSamples,
          max_samples: maxSamples,
          min_cpu_time: minTimeMs * 1e6,
          warmup_samples: 0,
          batch_threshold: 0,
          samples_threshold: Number.POSITIVE_INFINITY,
          gc: false,
        },
      );
      recording = false;
    };

    const samplingStart = performance.now();
    let stoppedBy: StopReason;
    if (stop !== undefined) {
      // One long mitata loop, left by throwing when the rule says stop: each call of mitata's measure
      // allocates (and so touches) an 8 MiB sample array, which in rounds of a few ms would empty the
      // caches under the measured calls of small models again and again.
      let decision: StopReason | null = null;
      recording = true;
      try {
        await measure(
          async () => {
            await timed();
            decision = stop(performance.now() - samplingStart);
            if (decision !== null) throw STOP;
          },
          {
            min_samples: Number.MAX_SAFE_INTEGER,
            max_samples: Number.MAX_SAFE_INTEGER,
            min_cpu_time: Number.MAX_SAFE_INTEGER,
            warmup_samples: 0,
            batch_threshold: 0,
            samples_threshold: Number.POSITIVE_INFINITY,
            gc: false,
          },
        );
      } catch (error) {
        if (error !== STOP) throw error;
      }
      recording = false;
      stoppedBy = decision ?? 'time-cap';
    } else if (options.targetRelativeCi === null) {
      await round(options.minSamples, options.minTimeMs, options.maxSamples);
      stoppedBy = samples.length >= options.maxSamples ? 'iterations' : 'min-time';
    } else {
      await round(options.minSamples, options.minTimeMs, options.maxSamples);
      for (;;) {
        if (samples.length >= options.maxSamples) {
          stoppedBy = 'iterations';
          break;
        }
        const decision = stopDecision(samples, performance.now() - samplingStart, options);
        if (decision !== null) {
          stoppedBy = decision;
          break;
        }
        await round(1, ROUND_MS, options.maxSamples - samples.length);
      }
    }
    if (samples.length === 0) throw new Error('mitata took no samples');
    return { samples, warmupIterations, stoppedBy, timeMs: performance.now() - samplingStart };
  }
}
