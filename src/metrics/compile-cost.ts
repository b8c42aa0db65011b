/**
 * Compile break-even: how many inferences at one batch size the compiler must run before its compile
 * time is paid back by the latency it saves over the reference: compileMs_C / (lat_R − lat_C).
 */
import type { Computed } from './estimate.ts';

export function breakEvenInferences(compileMs: number, referenceLatencyMs: number, compilerLatencyMs: number): Computed {
  const saving = referenceLatencyMs - compilerLatencyMs;
  if (!(saving > 0)) {
    return {
      reason:
        saving === 0
          ? 'not faster than the reference at this batch (same median latency), so compiling never pays back'
          : `not faster than the reference at this batch (${(-saving).toPrecision(3)} ms slower per inference), so compiling never pays back`,
    };
  }
  return compileMs / saving;
}
