/**
 * Interleaved measurement of two configurations (drift control). When a machine's speed drifts
 * during a run (thermal limits, a noisy neighbour, frequency scaling), measuring A fully and then B
 * turns the drift into a false difference. Alternating short blocks — A B B A, A B B A, … — exposes both
 * to the same drift, so the comparison of their samples stays fair.
 */
import type { Measurement, MeasureOptions, TimedFunction } from './engine.ts';

export type Arm = 'a' | 'b';

/**
 * The order of one round: `blockSize` calls of each arm, ABBA so that neither arm always goes first
 * (a first-in-round penalty, e.g. a cold cache, falls on both equally).
 */
export function roundOrder(round: number, blockSize: number): Arm[] {
  const first: Arm = round % 2 === 0 ? 'a' : 'b';
  const second: Arm = first === 'a' ? 'b' : 'a';
  return [...Array<Arm>(blockSize).fill(first), ...Array<Arm>(blockSize).fill(second)];
}

export interface InterleaveOptions extends Pick<MeasureOptions, 'minTimeMs' | 'minSamples' | 'warmupIterations'> {
  /**
   * Calls of one arm in a row before switching: long enough to keep caches warm for that arm,
   * short enough that drift cannot build up between the arms.
   * @default 4
   */
  readonly blockSize?: number;
}

export interface InterleavedMeasurement {
  readonly a: Measurement;
  readonly b: Measurement;
  readonly rounds: number;
}

/** Measures `a` and `b` in alternating blocks until both have enough samples and time. */
export async function measureInterleaved(a: TimedFunction, b: TimedFunction, options: InterleaveOptions): Promise<InterleavedMeasurement> {
  const blockSize = options.blockSize ?? 4;
  for (let i = 0; i < options.warmupIterations; i++) {
    await a();
    await b();
  }
  const samples: Record<Arm, number[]> = { a: [], b: [] };
  const functions: Record<Arm, TimedFunction> = { a, b };
  const start = performance.now();
  let rounds = 0;
  while (
    samples.a.length < options.minSamples ||
    samples.b.length < options.minSamples ||
    performance.now() - start < options.minTimeMs
  ) {
    for (const arm of roundOrder(rounds, blockSize)) {
      const t0 = performance.now();
      await functions[arm]();
      samples[arm].push(performance.now() - t0);
    }
    rounds += 1;
  }
  const timeMs = performance.now() - start;
  const measurement = (arm: Arm): Measurement => ({
    samples: samples[arm],
    warmupIterations: options.warmupIterations,
    stoppedBy: 'min-time',
    timeMs,
  });
  return { a: measurement('a'), b: measurement('b'), rounds };
}
