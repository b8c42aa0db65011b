/**
 * Baselines: what a complete run looked like on one machine, committed as `baselines/<hardware-id>.json`
 * and compared against by the gate. A baseline keeps, per case, the identity (model hash, runtime
 * versions, and those of the partner it was measured alongside) that decides whether a comparison is
 * valid, summary statistics of its latency, and the quantity the gate compares — the per-round ratio to
 * that partner — as a compact sample set (evenly spaced order statistics) the gate can bootstrap
 * against; plus the derived metrics (friction β, depth gain, archetype orderings, reversals) that the
 * gate checks at series level.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ReferenceSpecSchema } from '../metrics/reference.ts';
import type { MetricsSummary, MetricValue } from '../metrics/types.ts';
import { medianCi } from '../stats/median-ci.ts';
import { mad, median, quantileSorted, sortedCopy } from '../stats/quantile.ts';
import { writeJsonAtomic } from './atomic.ts';
import { formatZodIssues, parseVersionedJson } from './validation.ts';
import { judgedPartner, quietSelfSamples } from './ratios.ts';
import { SUITES, type CaseResult, type RunResult } from './schema.ts';

/**
 * Bumped on any incompatible change to the baseline format.
 * 2: the compact sample set is of the per-round ratio to the partner measured alongside (`judged`).
 */
export const BASELINE_SCHEMA_VERSION = 2 as const;

/** Default size of the compact sample set kept per case. */
export const BASELINE_MAX_SAMPLES = 64;

export class BaselineError extends Error {
  override readonly name = 'BaselineError';
  constructor(
    message: string,
    /** The file concerned, when there is one. */
    readonly file: string | null = null,
  ) {
    super(message);
  }
}

const finite = z.number().refine(Number.isFinite, { message: 'must be a finite number' });
const nonNegative = finite.refine((v) => v >= 0, { message: 'must be >= 0' });
const interval = z.tuple([finite, finite]);

export const JudgedSchema = z.strictObject({
  /** `reference`: the compiler's reference compiler; `anchor`: the harness's fixed workload. */
  against: z.enum(['reference', 'anchor']),
  partnerId: z.string().min(1),
  /** The partner's versions (runtime packages, or the anchor's); any difference makes the case stale. */
  partnerVersions: z.record(z.string(), z.string()),
  /** Rounds the ratio was measured over (the full run, not the compact set). */
  rounds: z.number().int().positive(),
  /** Median per-round ratio, case / partner. */
  median: nonNegative,
  /** Order-statistic CI of that median at the baseline's `confidence`. */
  medianCi: interval,
  /** Compact sample set of the per-round ratios: up to `maxSamples` evenly spaced order statistics, ascending. */
  samples: z.array(nonNegative).min(1),
  /** The case's quiet anchor speed (ms a call): the state of the machine the ratios were measured in. */
  quietAnchorMs: nonNegative,
});
export type Judged = z.infer<typeof JudgedSchema>;

export const BaselineCaseSchema = z
  .strictObject({
    key: z.string().min(1),
    suite: z.enum(SUITES),
    modelId: z.string().min(1),
    /** sha256 of the ONNX bytes measured; a different hash makes the case stale. */
    modelHash: z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 hex digest'),
    compilerId: z.string().min(1),
    family: z.string().min(1),
    hardware: z.enum(['cpu', 'gpu']),
    batch: z.number().int().positive(),
    depth: z.number().int().positive().nullable(),
    /** Runtime package versions (compiler.versions); any difference makes the case stale. */
    versions: z.record(z.string(), z.string()),
    state: z.enum(['completed', 'failed', 'unavailable']),
    /** Why the case was not completed; null when it was. */
    reason: z.string().nullable(),
    /** Samples the statistics summarise (the full run, not the compact set). */
    n: z.number().int().nonnegative(),
    median: nonNegative.nullable(),
    /** Order-statistic CI of the median at the baseline's `confidence`. */
    medianCi: interval.nullable(),
    p25: nonNegative.nullable(),
    p75: nonNegative.nullable(),
    /** Raw median absolute deviation. */
    mad: nonNegative.nullable(),
    compileMs: nonNegative.nullable(),
    /** What the gate compares: the per-round ratio to the partner the case was measured alongside. */
    judged: JudgedSchema.nullable(),
  })
  .superRefine((c, ctx) => {
    if (c.state !== 'completed') return;
    for (const field of ['median', 'medianCi', 'p25', 'p75', 'mad', 'compileMs', 'judged'] as const) {
      if (c[field] === null) ctx.addIssue({ code: 'custom', path: [field], message: 'must be set for a completed case' });
    }
  });
export type BaselineCase = z.infer<typeof BaselineCaseSchema>;

export const BaselineFrictionSchema = z.strictObject({
  series: z.string().min(1),
  compilerId: z.string().min(1),
  beta: finite.nullable(),
  ci: interval.nullable(),
  knee: z.number().int().positive().nullable(),
  reason: z.string().nullable(),
});

export const BaselineDepthGainSchema = z.strictObject({
  series: z.string().min(1),
  compilerId: z.string().min(1),
  referenceId: z.string().min(1),
  depthGain: finite.nullable(),
  ci: interval.nullable(),
  perBlockSpeedup: finite.nullable(),
  reason: z.string().nullable(),
});

export const BaselineOrderingSchema = z.strictObject({
  id: z.string().min(1),
  compilerId: z.string().min(1),
  hardware: z.enum(['cpu', 'gpu']),
  batch: z.number().int().positive(),
  depth: z.number().int().positive().nullable(),
  a: z.string().min(1),
  b: z.string().min(1),
  caseKeys: z.tuple([z.string(), z.string()]),
  /** lat_a / lat_b. */
  ratio: finite.nullable(),
  ci: interval.nullable(),
  /** The significantly faster archetype, or null when the CI included 1. */
  faster: z.string().nullable(),
});
export type BaselineOrdering = z.infer<typeof BaselineOrderingSchema>;

export const BaselineReversalSchema = z.strictObject({
  id: z.string().min(1),
  compilerId: z.string().min(1),
  referenceId: z.string().min(1),
  batch: z.number().int().positive(),
  depth: z.number().int().positive().nullable(),
  a: z.string().min(1),
  b: z.string().min(1),
  fasterUnderReference: z.string(),
  fasterUnderCompiler: z.string(),
  caseKeys: z.array(z.string()),
});

export const BaselineMetricsSchema = z.strictObject({
  friction: z.array(BaselineFrictionSchema),
  depthGain: z.array(BaselineDepthGainSchema),
  orderings: z.array(BaselineOrderingSchema),
  reversals: z.array(BaselineReversalSchema),
});
export type BaselineMetrics = z.infer<typeof BaselineMetricsSchema>;

export const BaselineSchema = z.strictObject({
  schemaVersion: z.literal(BASELINE_SCHEMA_VERSION),
  tool: z.literal('graph-compiler-bench'),
  kind: z.literal('baseline'),
  hardwareId: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes'),
  /** The run the baseline was made from. */
  createdFrom: z.strictObject({
    startedAt: z.iso.datetime(),
    finishedAt: z.iso.datetime(),
    profile: z.string(),
    commandLine: z.array(z.string()),
    filters: z.record(z.string(), z.string()),
  }),
  /** Reference compilers the derived metrics were computed against. */
  reference: ReferenceSpecSchema,
  /** Bootstrap settings of the derived metrics; `confidence` is also the level of each medianCi. */
  bootstrap: z.strictObject({
    resamples: z.number().int().nonnegative(),
    confidence: z.number().gt(0).lt(1),
    seed: z.number().int(),
  }),
  maxSamples: z.number().int().positive(),
  cases: z.array(BaselineCaseSchema),
  metrics: BaselineMetricsSchema,
});
export type Baseline = z.infer<typeof BaselineSchema>;

// ---------------------------------------------------------------------------------------------------
// Reading and writing.

export function parseBaseline(text: string, path: string): Baseline {
  return parseVersionedJson(text, path, {
    schema: BaselineSchema,
    version: BASELINE_SCHEMA_VERSION,
    what: 'baseline',
    advice: 're-create the baseline from a fresh complete run',
    makeError: (message) => new BaselineError(message, path),
    otherKind: (data) =>
      data['kind'] === undefined && 'cases' in data && 'hardware' in data
        ? 'this is a results file, not a baseline (make a baseline from it with pnpm bench:baseline)'
        : null,
  });
}

/** The baseline at `path`, or null when there is no such file. */
export async function loadBaseline(path: string): Promise<Baseline | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new BaselineError(`${path}: cannot read the baseline (${(error as Error).message})`, path);
  }
  return parseBaseline(text, path);
}

/** Validates, then writes atomically with sorted keys and 2-space indent. */
export async function writeBaseline(path: string, baseline: Baseline): Promise<void> {
  const parsed = BaselineSchema.safeParse(baseline);
  if (!parsed.success) throw new BaselineError(formatZodIssues(`${path} (not written)`, parsed.error, baseline), path);
  await writeJsonAtomic(path, parsed.data);
}

// ---------------------------------------------------------------------------------------------------
// Building a baseline from a run.

/**
 * Up to `max` evenly spaced order statistics of the sorted samples: indices round(i (n-1) / (max-1)),
 * so the minimum, the maximum and the shape of the distribution are kept. All samples when n <= max.
 */
export function compactSamples(samples: readonly number[], max = BASELINE_MAX_SAMPLES): number[] {
  const sorted = sortedCopy(samples);
  if (sorted.length <= max) return sorted;
  if (max === 1) return [quantileSorted(sorted, 0.5)];
  const out: number[] = [];
  for (let i = 0; i < max; i++) out.push(sorted[Math.round((i * (sorted.length - 1)) / (max - 1))] as number);
  return out;
}

function baselineCase(c: CaseResult, confidence: number, maxSamples: number): BaselineCase {
  const common = {
    key: c.key,
    suite: c.suite,
    modelId: c.model.id,
    modelHash: c.model.hash,
    compilerId: c.compiler.id,
    family: c.compiler.family,
    hardware: c.compiler.hardware,
    batch: c.batch,
    depth: c.depth,
    versions: { ...c.compiler.versions },
  };
  if (c.state !== 'completed') {
    return {
      ...common,
      state: c.state,
      reason: c.state === 'failed' ? `${c.phase}: ${c.error}` : c.reason,
      n: 0,
      median: null,
      medianCi: null,
      p25: null,
      p75: null,
      mad: null,
      compileMs: null,
      judged: null,
    };
  }
  const sorted = sortedCopy(quietSelfSamples(c));
  const ci = medianCi(sorted, confidence);
  const partner = judgedPartner(c);
  const ratios = sortedCopy(partner.ratios);
  const ratioCi = medianCi(ratios, confidence);
  return {
    ...common,
    state: 'completed',
    reason: null,
    n: sorted.length,
    median: median(sorted),
    medianCi: [ci.lower, ci.upper],
    p25: quantileSorted(sorted, 0.25),
    p75: quantileSorted(sorted, 0.75),
    mad: mad(sorted),
    compileMs: c.compileMs,
    judged: {
      against: partner.kind,
      partnerId: partner.id,
      partnerVersions: { ...partner.versions },
      rounds: ratios.length,
      median: median(ratios),
      medianCi: [ratioCi.lower, ratioCi.upper],
      samples: compactSamples(ratios, maxSamples),
      quietAnchorMs: c.interleaving.disturbance.quietAnchorMs,
    },
  };
}

const ciOf = (v: MetricValue): [number, number] | null => (v.value !== null && v.ci !== null ? [v.ci.lower, v.ci.upper] : null);
const reasonOf = (v: MetricValue): string | null => (v.value === null ? v.reason : null);

/** The derived-metrics section of a baseline. */
export function baselineMetricsFrom(metrics: MetricsSummary): BaselineMetrics {
  return {
    friction: metrics.friction.map((s) => ({
      series: s.series,
      compilerId: s.compilerId,
      beta: s.beta.value,
      ci: ciOf(s.beta),
      knee: s.knee,
      reason: reasonOf(s.beta),
    })),
    depthGain: metrics.depth.flatMap((s) =>
      s.comparison === null
        ? []
        : [
            {
              series: s.series,
              compilerId: s.compilerId,
              referenceId: s.comparison.referenceId,
              depthGain: s.comparison.depthGain.value,
              ci: ciOf(s.comparison.depthGain),
              perBlockSpeedup: s.comparison.perBlockSpeedup.value,
              reason: reasonOf(s.comparison.depthGain),
            },
          ],
    ),
    orderings: metrics.orderings.map((o) => ({
      id: o.id,
      compilerId: o.compilerId,
      hardware: o.hardware,
      batch: o.batch,
      depth: o.depth,
      a: o.a,
      b: o.b,
      caseKeys: [o.caseKeys[0], o.caseKeys[1]],
      ratio: o.ratio.value,
      ci: ciOf(o.ratio),
      faster: o.faster,
    })),
    reversals: metrics.reversals.map((r) => ({
      id: r.id,
      compilerId: r.compilerId,
      referenceId: r.referenceId,
      batch: r.batch,
      depth: r.depth,
      a: r.a,
      b: r.b,
      fasterUnderReference: r.fasterUnderReference,
      fasterUnderCompiler: r.fasterUnderCompiler,
      caseKeys: [...r.caseKeys],
    })),
  };
}

/**
 * A baseline from a complete run and its metrics (computed with the reference and bootstrap settings
 * the gate will use). Pure. Refuses a partial run: a baseline must describe the whole matrix it covers.
 */
export function baselineFromRun(
  run: RunResult,
  metrics: MetricsSummary,
  options: { maxSamples?: number } = {},
): Baseline {
  if (!run.complete) {
    throw new BaselineError(
      `refusing to create a baseline from an incomplete run (started ${run.startedAt}` +
        `${run.interruptedBy === null ? '' : `, interrupted by ${run.interruptedBy}`}); run the full selection again`,
    );
  }
  if (metrics.hardwareId !== run.hardware.id) {
    throw new BaselineError(`the metrics were computed for hardware ${metrics.hardwareId}, but the run is from ${run.hardware.id}`);
  }
  const maxSamples = options.maxSamples ?? BASELINE_MAX_SAMPLES;
  if (!Number.isInteger(maxSamples) || maxSamples < 1) throw new BaselineError(`maxSamples must be a positive integer, got ${maxSamples}`);
  const cases = run.cases
    .map((c) => baselineCase(c, metrics.bootstrap.confidence, maxSamples))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    schemaVersion: BASELINE_SCHEMA_VERSION,
    tool: 'graph-compiler-bench',
    kind: 'baseline',
    hardwareId: run.hardware.id,
    createdFrom: {
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      profile: run.profile,
      commandLine: [...run.commandLine],
      filters: { ...run.filters },
    },
    reference: metrics.reference,
    bootstrap: { ...metrics.bootstrap },
    maxSamples,
    cases,
    metrics: baselineMetricsFrom(metrics),
  };
}

// ---------------------------------------------------------------------------------------------------
// What changed between two baselines.

export interface BaselineChange {
  readonly key: string;
  readonly oldMedian: number | null;
  readonly newMedian: number | null;
  /** newMedian / oldMedian, when both exist and the old one is positive. */
  readonly ratio: number | null;
  /** The judged ratio (case / partner) before and after, and what it is to; null where a side has none. */
  readonly judged: { readonly partnerId: string; readonly old: number; readonly new: number } | null;
  readonly stateChange: readonly [BaselineCase['state'], BaselineCase['state']] | null;
  readonly modelHashChanged: boolean;
  /** Runtime packages whose version changed, was added or removed. */
  readonly versionsChanged: readonly string[];
}

export interface BaselineDiff {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly BaselineChange[];
  readonly unchanged: number;
}

export function diffBaselines(previous: Baseline, next: Baseline): BaselineDiff {
  const before = new Map(previous.cases.map((c) => [c.key, c]));
  const after = new Map(next.cases.map((c) => [c.key, c]));
  const added = [...after.keys()].filter((k) => !before.has(k)).sort();
  const removed = [...before.keys()].filter((k) => !after.has(k)).sort();
  const changed: BaselineChange[] = [];
  let unchanged = 0;
  for (const [key, n] of [...after.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const o = before.get(key);
    if (o === undefined) continue;
    const names = [...new Set([...Object.keys(o.versions), ...Object.keys(n.versions)])].sort();
    const versionsChanged = names.filter((name) => o.versions[name] !== n.versions[name]);
    const change: BaselineChange = {
      key,
      oldMedian: o.median,
      newMedian: n.median,
      ratio: o.median !== null && n.median !== null && o.median > 0 ? n.median / o.median : null,
      judged:
        o.judged !== null && n.judged !== null && o.judged.partnerId === n.judged.partnerId
          ? { partnerId: n.judged.partnerId, old: o.judged.median, new: n.judged.median }
          : null,
      stateChange: o.state === n.state ? null : [o.state, n.state],
      modelHashChanged: o.modelHash !== n.modelHash,
      versionsChanged,
    };
    if (o.median !== n.median || o.judged?.median !== n.judged?.median || change.stateChange !== null || change.modelHashChanged || versionsChanged.length > 0) {
      changed.push(change);
    } else unchanged++;
  }
  return { added, removed, changed, unchanged };
}

/** Lines for a terminal: `+ key`, `- key`, `~ key: 1.000 ms -> 1.200 ms (+20.0%)`. */
export function formatBaselineDiff(diff: BaselineDiff): string[] {
  const ms = (v: number | null) => (v === null ? 'n/a' : `${v.toPrecision(4)} ms`);
  const lines = [
    ...diff.added.map((k) => `+ ${k}`),
    ...diff.removed.map((k) => `- ${k}`),
    ...diff.changed.map((c) => {
      const parts = [`${ms(c.oldMedian)} -> ${ms(c.newMedian)}`];
      const change = (ratio: number) => ` (${ratio >= 1 ? '+' : ''}${((ratio - 1) * 100).toFixed(1)}%)`;
      if (c.ratio !== null) parts[0] += change(c.ratio);
      if (c.judged !== null) {
        parts.push(`lat/${c.judged.partnerId} ${c.judged.old.toPrecision(4)} -> ${c.judged.new.toPrecision(4)}${c.judged.old > 0 ? change(c.judged.new / c.judged.old) : ''}`);
      }
      if (c.stateChange !== null) parts.push(`state ${c.stateChange[0]} -> ${c.stateChange[1]}`);
      if (c.modelHashChanged) parts.push('model changed');
      if (c.versionsChanged.length > 0) parts.push(`versions changed: ${c.versionsChanged.join(', ')}`);
      return `~ ${c.key}: ${parts.join('; ')}`;
    }),
  ];
  lines.push(`${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed, ${diff.unchanged} unchanged`);
  return lines;
}
