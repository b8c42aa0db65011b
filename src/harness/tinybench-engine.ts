/**
 * tinybench 6 as a measuring engine. tinybench keeps its samples sorted, so the task function times
 * itself, keeps each sample in the order taken and hands the same duration back to tinybench
 * (`overriddenDuration`): both see identical numbers. Adaptive stopping aborts the task once
 * {@link stopDecision} says so.
 */
import { Bench } from 'tinybench';
import type { Measurement, MeasureOptions, MeasuringEngine, StopReason, StopRule, TimedFunction } from './engine.ts';
import { packageVersion } from './package-version.ts';
import { stopDecision } from './stopping.ts';

const TINYBENCH_VERSION = packageVersion('tinybench') ?? 'unknown';

/** How often (in samples) the adaptive rule is evaluated: sorting every sample would cost more than it saves. */
const CHECK_EVERY = 8;

export class TinybenchEngine implements MeasuringEngine {
  readonly name = 'tinybench' as const;
  readonly version = TINYBENCH_VERSION;

  async measure(fn: TimedFunction, options: MeasureOptions, stop?: StopRule): Promise<Measurement> {
    const samples: number[] = [];
    let phase: 'warmup' | 'run' = 'warmup';
    let warmupIterations = 0;
    let samplingStart = 0;
    let stoppedBy: StopReason | null = null;
    const controller = new AbortController();
    const adaptive = options.targetRelativeCi !== null;

    const bench = new Bench({
      // Adaptive runs go on to the cap unless the rule aborts them; a caller's rule is the only limit.
      time: stop !== undefined ? Number.MAX_SAFE_INTEGER : adaptive ? options.maxTimeMs : options.minTimeMs,
      iterations: stop === undefined ? options.minSamples : 1,
      warmup: options.warmupTimeMs > 0 || options.warmupIterations > 0,
      warmupTime: options.warmupTimeMs,
      warmupIterations: options.warmupIterations,
      throws: true,
      signal: controller.signal,
    });
    bench.add(
      'case',
      async () => {
        const start = performance.now();
        await fn();
        const duration = performance.now() - start;
        if (phase === 'run') samples.push(duration);
        else warmupIterations += 1;
        return { overriddenDuration: duration };
      },
      {
        async: true,
        beforeAll(mode) {
          phase = mode === 'warmup' ? 'warmup' : 'run';
          if (phase === 'run') samplingStart = performance.now();
        },
        afterEach() {
          if (phase !== 'run') return;
          if (stop !== undefined) {
            const decision = stop(performance.now() - samplingStart);
            if (decision !== null) {
              stoppedBy = decision;
              controller.abort();
            }
            return;
          }
          if (samples.length >= options.maxSamples) {
            stoppedBy = 'iterations';
            controller.abort();
            return;
          }
          if (!adaptive || samples.length % CHECK_EVERY !== 0) return;
          const decision = stopDecision(samples, performance.now() - samplingStart, options);
          if (decision === 'ci-target') {
            stoppedBy = decision;
            controller.abort();
          }
        },
      },
    );
    await bench.run();
    const task = bench.tasks[0];
    const result = task?.result;
    if (result !== undefined && result.state === 'errored') throw result.error;
    if (samples.length === 0) throw new Error('tinybench took no samples');
    const timeMs = performance.now() - samplingStart;
    return {
      samples,
      warmupIterations,
      stoppedBy: stoppedBy ?? (adaptive || stop !== undefined ? 'time-cap' : 'min-time'),
      timeMs,
    };
  }
}
