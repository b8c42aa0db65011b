/**
 * Shared by the test-only spec files of the `faults` project (see test/robustness-bench-*.test.ts).
 * Not a spec file itself (no `.bench.ts`), so Vitest never collects it.
 *
 * Every case is tiny: the plain-conv block at depth 1 and a few milliseconds of samples, so that a whole
 * child `bench` run takes seconds on a 2-core machine. GCB_FAULT_MIN_TIME_MS lengthens each case (the
 * interrupt test needs a run that is still going when the signal arrives).
 */
import type { MeasureOptions } from '../../src/harness/engine.ts';

export function tinyMeasure(): Partial<MeasureOptions> {
  const minTimeMs = Number(process.env.GCB_FAULT_MIN_TIME_MS || 5);
  return { minTimeMs, minSamples: 3, warmupTimeMs: 0, warmupIterations: 1, maxSamples: 10_000 };
}

/** `1,2,4` → [1, 2, 4]. */
export function numbersFromEnv(name: string, fallback: readonly number[]): number[] {
  const text = process.env[name];
  return text === undefined || text === '' ? [...fallback] : text.split(',').map(Number);
}
