/** Cases of the tests of runs measured in parts: one model at batch 8, ort-cpu-all beside its reference. */
import { evenSamples, type SyntheticCase } from './synthetic-run.ts';

export const N = 31;
export const constant = (value: number): number[] => Array.from({ length: N }, () => value);

/** `compiler` on `model` at batch 8, `ms` a call; ort-cpu-all measured alongside its reference (10 ms). */
export const at = (model: string, compiler: 'ort-cpu-all' | 'ort-cpu-disabled', ms: number): SyntheticCase =>
  compiler === 'ort-cpu-all'
    ? { model, compiler, batch: 8, samples: evenSamples(ms, N), referenceSamples: constant(10) }
    : { model, compiler, batch: 8, samples: evenSamples(ms, N) };
