/**
 * Which compiler each compiler is compared against. An explicit input everywhere (metrics options, gate
 * config, baseline), never decided deep inside a metric: look up the compiler's family first, then its
 * hardware kind. The default compares everything on CPU with ONNX Runtime with graph optimisation off.
 */
import { z } from 'zod';
import type { CompilerInfo, RunResult } from '../results/schema.ts';

const compilerId = z.string({ error: 'must be a compiler id (a non-empty string)' }).min(1);

export const ReferenceSpecSchema = z.strictObject({
  /** family → reference compiler id, e.g. `{ "tfjs": "tfjs-cpu" }`. Checked first. */
  byFamily: z.record(z.string(), compilerId),
  /** hardware kind → reference compiler id, for families not listed in byFamily. */
  byHardware: z.strictObject({ cpu: compilerId.optional(), gpu: compilerId.optional() }),
});
export type ReferenceSpec = z.infer<typeof ReferenceSpecSchema>;

export const DEFAULT_REFERENCE: ReferenceSpec = { byFamily: {}, byHardware: { cpu: 'ort-cpu-disabled' } };

/** The reference compiler id for `compiler`, or null when the spec names none. */
export function referenceFor(
  compiler: Pick<CompilerInfo, 'family' | 'hardware'>,
  spec: ReferenceSpec,
): string | null {
  return spec.byFamily[compiler.family] ?? spec.byHardware[compiler.hardware] ?? null;
}

/**
 * family → compiler id for compilers whose recorded settings mark them as the reference
 * (`settings.reference === true` or `"true"`). A convenience for callers that build a ReferenceSpec
 * from a run; the metrics never call it themselves.
 */
export function referencesFromSettings(run: RunResult): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of run.cases) {
    const flag = c.compiler.settings['reference'];
    if (flag === true || flag === 'true') out[c.compiler.family] ??= c.compiler.id;
  }
  return out;
}
