/**
 * The gate's configuration, `gate.config.json` at the repository root. Every option is optional; what
 * the file leaves out comes from DEFAULT_GATE_CONFIG. Unknown options and bad values are errors that
 * name the option and the value found.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { METRIC_IDS, isMetricId, type MetricId } from '../metrics/registry.ts';
import { DEFAULT_REFERENCE, type ReferenceSpec } from '../metrics/reference.ts';
import type { MetricsOptions } from '../metrics/types.ts';
import { formatZodIssues, parseJsonText } from '../results/validation.ts';
import { MACHINE_STATE_TOLERANCE } from '../harness/anchor.ts';
import type { PairedSettings } from './verdict.ts';

export interface GateConfig {
  /** Two-sided confidence level of every interval the gate judges by. */
  readonly confidence: number;
  readonly bootstrap: { readonly resamples: number; readonly seed: number };
  readonly threshold: {
    /** Practical threshold when no override applies: 0.10 = a 10% change (absolute 0.10 for β). */
    readonly default: number;
    /** Per metric id (`latency`, `friction-beta`, `depth-gain`, ...). */
    readonly byMetric: Readonly<Partial<Record<MetricId, number>>>;
    /** Per compiler id: one number for all its metrics, or per metric id. Wins over byMetric. */
    readonly byCompiler: Readonly<Record<string, number | Readonly<Partial<Record<MetricId, number>>>>>;
  };
  /** Which compiler each compiler is compared against (friction mitigation, depth gain, reversals). */
  readonly reference: ReferenceSpec;
  /** Also require the Mann–Whitney p-value to be below 1 − confidence before calling a change. */
  readonly mannWhitney: { readonly require: boolean };
  /** Series-level checks; each can be turned off. */
  readonly checks: { readonly friction: boolean; readonly depthGain: boolean; readonly reversals: boolean };
  /**
   * A case is not judged when its quiet anchor speed in the run and in the baseline differ by more than
   * this fraction (on the log scale): the machine was in another state, where ratios between workloads
   * differ too. See docs/metrics.md.
   * @default 0.15
   */
  readonly machineStateTolerance: number;
  /**
   * A verdict that found nothing but judged fewer than this fraction of the comparable cases is
   * inconclusive, not a pass (exit 1): a gate that judged almost nothing has not passed anything.
   * @default 0.5
   */
  readonly minJudgedFraction: number;
  /** The gate of paired runs (`pnpm bench --compare`): thresholds, test and run-level false-alarm rate. */
  readonly paired: PairedSettings;
}

export const DEFAULT_GATE_CONFIG: GateConfig = {
  confidence: 0.99,
  bootstrap: { resamples: 2000, seed: 20250429 },
  threshold: { default: 0.1, byMetric: { 'friction-beta': 0.1 }, byCompiler: {} },
  reference: DEFAULT_REFERENCE,
  mannWhitney: { require: false },
  checks: { friction: true, depthGain: true, reversals: true },
  machineStateTolerance: MACHINE_STATE_TOLERANCE,
  minJudgedFraction: 0.5,
  paired: { caseThreshold: 0.03, aggregateThreshold: 0.02, falseAlarmRate: 0.01 },
};

export class GateConfigError extends Error {
  override readonly name = 'GateConfigError';
}

const threshold = z.number({ error: 'must be a number between 0 and 10' }).min(0).max(10);
const bool = z.boolean({ error: 'must be true or false' });
const compilerId = z.string({ error: 'must be a compiler id (a non-empty string)' }).min(1);
const perMetric = z.record(z.string(), threshold).superRefine((record, ctx) => {
  for (const key of Object.keys(record)) {
    if (!isMetricId(key)) {
      ctx.addIssue({ code: 'custom', path: [key], message: `unknown metric id; known: ${METRIC_IDS.join(', ')}` });
    }
  }
});

export const GateConfigFileSchema = z.strictObject({
  $schema: z.string().optional(),
  $comment: z.string().optional(),
  confidence: z.number({ error: 'must be a number between 0.5 and 0.9999, e.g. 0.99' }).gte(0.5).lte(0.9999).optional(),
  bootstrap: z
    .strictObject({
      resamples: z.number({ error: 'must be a whole number from 200 to 100000' }).int().min(200).max(100_000).optional(),
      seed: z.number({ error: 'must be a whole number' }).int().optional(),
    })
    .optional(),
  threshold: z
    .strictObject({
      default: threshold.optional(),
      byMetric: perMetric.optional(),
      byCompiler: z.record(z.string(), z.union([threshold, perMetric], { error: 'must be a number between 0 and 10 or an object of metric id to number' })).optional(),
    })
    .optional(),
  reference: z
    .strictObject({
      byFamily: z.record(z.string(), compilerId).optional(),
      byHardware: z.strictObject({ cpu: compilerId.optional(), gpu: compilerId.optional() }).optional(),
    })
    .optional(),
  mannWhitney: z.strictObject({ require: bool.optional() }).optional(),
  checks: z.strictObject({ friction: bool.optional(), depthGain: bool.optional(), reversals: bool.optional() }).optional(),
  machineStateTolerance: threshold.optional(),
  minJudgedFraction: z.number({ error: 'must be a number between 0 and 1' }).min(0).max(1).optional(),
  paired: z
    .strictObject({
      caseThreshold: threshold.optional(),
      aggregateThreshold: threshold.optional(),
      falseAlarmRate: z.number({ error: 'must be a number between 0.0001 and 0.5' }).min(0.0001).max(0.5).optional(),
    })
    .optional(),
});
export type GateConfigFile = z.infer<typeof GateConfigFileSchema>;

/** Merges a validated file over the defaults. */
export function resolveGateConfig(file: GateConfigFile, defaults: GateConfig = DEFAULT_GATE_CONFIG): GateConfig {
  const drop = <T extends object>(o: T | undefined) =>
    Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
  return {
    confidence: file.confidence ?? defaults.confidence,
    bootstrap: { ...defaults.bootstrap, ...drop(file.bootstrap) },
    threshold: {
      default: file.threshold?.default ?? defaults.threshold.default,
      byMetric: { ...defaults.threshold.byMetric, ...(file.threshold?.byMetric as Partial<Record<MetricId, number>> | undefined) },
      byCompiler: { ...defaults.threshold.byCompiler, ...(file.threshold?.byCompiler as GateConfig['threshold']['byCompiler'] | undefined) },
    },
    reference: {
      byFamily: { ...defaults.reference.byFamily, ...file.reference?.byFamily },
      byHardware: { ...defaults.reference.byHardware, ...drop(file.reference?.byHardware) },
    },
    mannWhitney: { ...defaults.mannWhitney, ...drop(file.mannWhitney) },
    checks: { ...defaults.checks, ...drop(file.checks) },
    machineStateTolerance: file.machineStateTolerance ?? defaults.machineStateTolerance,
    minJudgedFraction: file.minJudgedFraction ?? defaults.minJudgedFraction,
    paired: { ...defaults.paired, ...drop(file.paired) },
  };
}

export function parseGateConfig(text: string, path: string): GateConfig {
  const data = parseJsonText(text, path, (m) => new GateConfigError(m));
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new GateConfigError(`${path}: expected a JSON object of options at the top level`);
  }
  const parsed = GateConfigFileSchema.safeParse(data);
  if (!parsed.success) throw new GateConfigError(formatZodIssues(path, parsed.error, data, 'option'));
  return resolveGateConfig(parsed.data);
}

/** The config at `path`; the defaults when the file does not exist. */
export async function loadGateConfig(path: string): Promise<GateConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return DEFAULT_GATE_CONFIG;
    throw new GateConfigError(`${path}: cannot read the gate config (${(error as Error).message})`);
  }
  return parseGateConfig(text, path);
}

/**
 * Compiler ids the config names (reference compilers, per-compiler thresholds) that are not in `known`
 * (the registry and the compilers of the run): a typo there would silently turn comparisons or a
 * threshold off. One entry per problem, with the option that names it.
 */
export function unknownCompilerIds(config: GateConfig, known: ReadonlySet<string>): { option: string; id: string }[] {
  const named: { option: string; id: string }[] = [
    ...Object.entries(config.reference.byFamily).map(([family, id]) => ({ option: `reference.byFamily.${family}`, id })),
    ...Object.entries(config.reference.byHardware).flatMap(([hardware, id]) =>
      id === undefined ? [] : [{ option: `reference.byHardware.${hardware}`, id }],
    ),
    ...Object.keys(config.threshold.byCompiler).map((id) => ({ option: 'threshold.byCompiler', id })),
  ];
  return named.filter((entry) => !known.has(entry.id));
}

/**
 * The practical threshold for one metric of one compiler: byCompiler[compiler][metric], then
 * byCompiler[compiler] when it is a number, then byMetric[metric], then default. Read in the metric's
 * threshold unit (relative or absolute, see METRICS).
 */
export function thresholdFor(config: GateConfig, metric: MetricId, compilerId: string): number {
  const c = config.threshold.byCompiler[compilerId];
  if (typeof c === 'number') return c;
  return c?.[metric] ?? config.threshold.byMetric[metric] ?? config.threshold.default;
}

/** Metrics options matching the gate (same reference, confidence, resamples and seed). */
export function metricsOptionsFromGateConfig(config: GateConfig): MetricsOptions {
  return {
    reference: config.reference,
    bootstrap: { resamples: config.bootstrap.resamples, confidence: config.confidence, seed: config.bootstrap.seed },
  };
}
