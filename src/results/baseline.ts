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
import { depthGain } from '../metrics/depth.ts';
import { frictionBeta } from '../metrics/friction.ts';
import type { MetricId } from '../metrics/registry.ts';
import type { MetricsSummary, MetricValue } from '../metrics/types.ts';
import { medianCi } from '../stats/median-ci.ts';
import { mad, median, quantileSorted, sortedCopy } from '../stats/quantile.ts';
import { writeJsonAtomic } from './atomic.ts';
import { formatZodIssues, parseVersionedJson } from './validation.ts';
import { judgedPartner, quietSelfSamples } from './ratios.ts';
import { RunPartSchema, SUITES, type CaseResult, type CompletedCase, type RunResult } from './schema.ts';

/**
 * Bumped on any incompatible change to the baseline format.
 * 2: the compact sample set is of the per-round ratio to the partner measured alongside (`judged`).
 * 3: a baseline may be made from several runs: `judged.runs` per case and `runToRun` spreads.
 */
export const BASELINE_SCHEMA_VERSION = 3 as const;

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
  /**
   * Each run the baseline was made from, in order: its median ratio and its quiet anchor speed.
   * `median` above is the median of these medians, so one outlying run cannot move the baseline far.
   */
  runs: z.array(z.strictObject({ median: nonNegative, quietAnchorMs: nonNegative })).min(1),
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

/** Swept dimensions besides batch (absent in baselines written before they existed, and for models without them). */
const baselineDims = z.record(z.string(), z.number().int().positive()).optional();

export const BaselineOrderingSchema = z.strictObject({
  /** The comparison group; absent in baselines written before groups existed (then: `archetypes`). */
  group: z.string().min(1).optional(),
  dims: baselineDims,
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
  group: z.string().min(1).optional(),
  dims: baselineDims,
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

export const RunToRunSpreadSchema = z.strictObject({
  /** Run pairs × cases the spread was taken over. */
  pairs: z.number().int().positive(),
  /**
   * The RUN_TO_RUN_QUANTILE quantile of the change between runs over those pairs, in the unit of the
   * metric's threshold: a relative change (0.12 = 12%) for ratios, a difference for friction β.
   */
  spread: nonNegative,
});
export type RunToRunSpread = z.infer<typeof RunToRunSpreadSchema>;

/** Which quantile of the pairwise run-to-run changes a baseline records as the spread. */
export const RUN_TO_RUN_QUANTILE = 0.99;

export const BaselineSchema = z.strictObject({
  schemaVersion: z.literal(BASELINE_SCHEMA_VERSION),
  tool: z.literal('graph-compiler-bench'),
  kind: z.literal('baseline'),
  hardwareId: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes'),
  /**
   * The run(s) the baseline was made from: the start of the first and the end of the last; the
   * profile, command line and filters (the same in every run) of the first.
   */
  createdFrom: z.strictObject({
    startedAt: z.iso.datetime(),
    finishedAt: z.iso.datetime(),
    profile: z.string(),
    commandLine: z.array(z.string()),
    filters: z.record(z.string(), z.string()),
    /**
     * When the run(s) were each combined from parts of one matrix (src/results/parts.ts): every part,
     * ordered by its start. Absent for runs measured whole (and in baselines written before parts).
     */
    parts: z.array(RunPartSchema).min(1).optional(),
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
  /**
   * How much the judged ratios moved between the runs the baseline was made from, keyed
   * `<metric>/<compiler>` (e.g. `relative-latency/ort-cpu-all`); empty for a single-run baseline. The
   * gate never calls a change smaller than this spread a regression: on this machine it happens
   * without any change to the code.
   */
  runToRun: z.strictObject({
    runs: z.number().int().positive(),
    spread: z.record(z.string(), RunToRunSpreadSchema),
  }),
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

/** Significant digits the compact sample sets keep: far finer than any measurement, and baselines stay small. */
export const BASELINE_SAMPLE_DIGITS = 6;

/**
 * Up to `max` evenly spaced order statistics of the sorted samples: indices round(i (n-1) / (max-1)),
 * so the minimum, the maximum and the shape of the distribution are kept. All samples when n <= max.
 * Each is rounded to BASELINE_SAMPLE_DIGITS significant digits (which keeps the order).
 */
export function compactSamples(samples: readonly number[], max = BASELINE_MAX_SAMPLES): number[] {
  const round = (v: number) => Number(v.toPrecision(BASELINE_SAMPLE_DIGITS));
  const sorted = sortedCopy(samples);
  if (sorted.length <= max) return sorted.map(round);
  if (max === 1) return [round(quantileSorted(sorted, 0.5))];
  const out: number[] = [];
  for (let i = 0; i < max; i++) out.push(round(sorted[Math.round((i * (sorted.length - 1)) / (max - 1))] as number));
  return out;
}

const byKey = <T extends { key: string }>(a: T, b: T): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** One case across the runs a baseline is made from: the same identity in each, or a BaselineError. */
function baselineCase(runs: readonly CaseResult[], confidence: number, maxSamples: number): BaselineCase {
  const c = runs[0] as CaseResult;
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
  for (const [i, other] of runs.entries()) {
    const differs =
      other.state !== c.state ? `it is ${c.state} in run 1 but ${other.state} in run ${i + 1}`
      : other.model.hash !== c.model.hash ? `its model hash differs between run 1 and run ${i + 1}`
      : JSON.stringify(other.compiler.versions) !== JSON.stringify(c.compiler.versions) ? `its runtime versions differ between run 1 and run ${i + 1}`
      : null;
    if (differs !== null) throw new BaselineError(`the runs do not measure ${c.key} alike: ${differs}; make the baseline from runs of the same code on the same machine`);
  }
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
  const completed = runs as readonly CompletedCase[];
  const partners = completed.map((r) => judgedPartner(r));
  const partner = partners[0] as (typeof partners)[number];
  for (const [i, other] of partners.entries()) {
    if (other.kind !== partner.kind || other.id !== partner.id || JSON.stringify(other.versions) !== JSON.stringify(partner.versions)) {
      throw new BaselineError(`the runs do not measure ${c.key} alike: it was measured alongside ${partner.id} in run 1 but ${other.id} in run ${i + 1}`);
    }
  }
  // The rounds of all runs pooled: the baseline's sample set spans the runs, so its median is the
  // middle of what the machine did over all of them.
  const sorted = sortedCopy(completed.flatMap((r) => quietSelfSamples(r)));
  const ci = medianCi(sorted, confidence);
  const ratios = sortedCopy(partners.flatMap((r) => r.ratios));
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
    compileMs: median(completed.map((r) => r.compileMs)),
    judged: {
      against: partner.kind,
      partnerId: partner.id,
      partnerVersions: { ...partner.versions },
      rounds: ratios.length,
      median: median(ratios),
      medianCi: [ratioCi.lower, ratioCi.upper],
      samples: compactSamples(ratios, maxSamples),
      quietAnchorMs: median(completed.map(quietAnchorOf)),
      runs: partners.map((r, i) => ({ median: median(r.ratios), quietAnchorMs: quietAnchorOf(completed[i] as CompletedCase) })),
    },
  };
}

/** A baseline's runs are plain runs, measured with the anchor (paired runs are refused above). */
const quietAnchorOf = (c: CompletedCase): number => c.interleaving.disturbance.quietAnchorMs ?? 0;

/** `<metric>/<compiler>`: how `runToRun.spread` is keyed (metric ids as in the metrics registry). */
export function runToRunKey(metric: MetricId, compilerId: string): string {
  return `${metric}/${compilerId}`;
}

/** A recorded spread as text, in its metric's unit: `12.3%`, or `0.064` (a difference in β) for friction. */
export function formatSpread(key: string, spread: number): string {
  return key.startsWith('friction-beta/') ? spread.toFixed(3) : `${(spread * 100).toFixed(1)}%`;
}

/** The metric a case's judged ratio is compared on. */
export function judgedMetric(against: Judged['against']): 'relative-latency' | 'anchored-latency' {
  return against === 'reference' ? 'relative-latency' : 'anchored-latency';
}

/**
 * How far each compiler's gated quantities moved between the runs a baseline is made from, as the
 * gate computes them from per-case medians: the judged ratio (relative, |ln r_i/r_j|), friction β on
 * the judged ratios (absolute, |β_i − β_j|), depth gain on the ratios to the reference (relative) and
 * the archetype latency ratios (relative). Per `<metric>/<compiler>`, the RUN_TO_RUN_QUANTILE quantile
 * over every pair of runs and every case or series, in the metric's threshold unit.
 */
export function runToRunSpreads(cases: readonly BaselineCase[], runMetrics: readonly MetricsSummary[]): Record<string, RunToRunSpread> {
  const out: Record<string, RunToRunSpread> = {};
  for (const [key, values] of runToRunChanges(cases, runMetrics)) {
    const q = quantileSorted(values, RUN_TO_RUN_QUANTILE);
    out[key] = { pairs: values.length, spread: key.startsWith('friction-beta/') ? q : Math.expm1(q) };
  }
  return out;
}

/**
 * The changes `runToRunSpreads` takes its quantile of, per `<metric>/<compiler>` (sorted keys),
 * ascending: |ln(a/b)| for ratios, |a − b| for friction β.
 */
export function runToRunChanges(cases: readonly BaselineCase[], runMetrics: readonly MetricsSummary[]): Map<string, number[]> {
  const changes = new Map<string, number[]>();
  const addPairs = (key: string, values: readonly (number | null)[], relative: boolean) => {
    for (let i = 0; i < values.length; i++) {
      for (let j = i + 1; j < values.length; j++) {
        const a = values[i];
        const b = values[j];
        if (a === null || a === undefined || b === null || b === undefined) continue;
        if (relative && !(a > 0 && b > 0)) continue;
        (changes.get(key) ?? changes.set(key, []).get(key)!).push(relative ? Math.abs(Math.log(a / b)) : Math.abs(a - b));
      }
    }
  };
  const judged = new Map(cases.flatMap((c) => (c.judged === null ? [] : [[c.key, c.judged] as const])));
  const runs = runMetrics.length;
  const perRun = (keys: readonly string[]): number[][] | null => {
    const js = keys.map((k) => judged.get(k));
    if (js.some((j) => j === undefined || j.runs.length !== runs)) return null;
    return Array.from({ length: runs }, (_, r) => js.map((j) => (j as Judged).runs[r]!.median));
  };
  for (const c of cases) if (c.judged !== null) addPairs(runToRunKey(judgedMetric(c.judged.against), c.compilerId), c.judged.runs.map((r) => r.median), true);
  const first = runMetrics[0];
  if (first !== undefined && runs > 1) {
    for (const s of first.friction) {
      const keys = s.points.map((p) => p.key);
      const medians = perRun(keys);
      if (medians === null || new Set(keys.map((k) => judged.get(k)?.partnerId)).size !== 1) continue;
      const batches = s.points.map((p) => p.batch);
      addPairs(runToRunKey('friction-beta', s.compilerId), medians.map((m) => { const b = frictionBeta(batches, m); return typeof b === 'number' ? b : null; }), false);
    }
    for (const s of first.depth) {
      const points = s.points.filter((p) => judged.get(p.key)?.against === 'reference');
      const medians = perRun(points.map((p) => p.key));
      if (medians === null || points.length < 2) continue;
      const depths = points.map((p) => p.depth);
      const ones = depths.map(() => 1);
      addPairs(runToRunKey('depth-gain', s.compilerId), medians.map((m) => { const g = depthGain(depths, ones, m); return typeof g === 'number' ? g : null; }), true);
    }
    const orderings = groupBy(runMetrics.map((m) => m.orderings), (o) => o.id);
    for (const list of orderings.values()) {
      if (list.length !== runs) continue;
      addPairs(runToRunKey('archetype-ratio', (list[0] as (typeof list)[number]).compilerId), list.map((o) => o.ratio.value), true);
    }
  }
  return new Map([...changes].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, values]) => [key, sortedCopy(values)]));
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
      group: o.group,
      ...(o.dims === undefined ? {} : { dims: { ...o.dims } }),
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
      group: r.group,
      ...(r.dims === undefined ? {} : { dims: { ...r.dims } }),
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
 * Of the same series in each run, the one with the median value (the lower middle for an even count;
 * entries without a value last): its value, interval and reason travel together.
 */
function medianEntry<T>(entries: readonly T[], value: (entry: T) => number | null): T {
  const valued = entries.filter((e) => value(e) !== null).sort((a, b) => (value(a) as number) - (value(b) as number));
  return valued.length === 0 ? (entries[0] as T) : (valued[Math.floor((valued.length - 1) / 2)] as T);
}

function groupBy<T>(lists: readonly (readonly T[])[], key: (entry: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const list of lists) for (const entry of list) (out.get(key(entry)) ?? out.set(key(entry), []).get(key(entry))!).push(entry);
  return out;
}

/**
 * The derived metrics of several runs as one baseline section: each friction and depth-gain series at
 * its median run; an archetype ordering keeps its faster archetype only when every run agrees (else it
 * is not clear, and cannot flip); a reversal seen in any run is known, since this machine produces it.
 */
export function mergeBaselineMetrics(sections: readonly BaselineMetrics[]): BaselineMetrics {
  if (sections.length === 1) return sections[0] as BaselineMetrics;
  const friction = [...groupBy(sections.map((s) => s.friction), (f) => `${f.series}\u0000${f.compilerId}`).values()].map((g) => medianEntry(g, (f) => f.beta));
  const depthGain = [...groupBy(sections.map((s) => s.depthGain), (d) => `${d.series}\u0000${d.compilerId}\u0000${d.referenceId}`).values()].map((g) =>
    medianEntry(g, (d) => d.depthGain),
  );
  const orderings = [...groupBy(sections.map((s) => s.orderings), (o) => o.id).values()].map((g) => {
    const middle = medianEntry(g, (o) => o.ratio);
    const agreed = g.length === sections.length && g.every((o) => o.faster === middle.faster) ? middle.faster : null;
    return { ...middle, faster: agreed };
  });
  const reversals = [...groupBy(sections.map((s) => s.reversals), (r) => r.id).values()].map((g) => g[0] as (typeof g)[number]);
  return { friction, depthGain, orderings, reversals };
}

/** A run and its metrics, computed with the reference and bootstrap settings the gate will use. */
export interface MeasuredRun {
  readonly run: RunResult;
  readonly metrics: MetricsSummary;
}

/**
 * A baseline from a complete run and its metrics (computed with the reference and bootstrap settings
 * the gate will use). Pure. Refuses a partial run: a baseline must describe the whole matrix it covers.
 */
export function baselineFromRun(run: RunResult, metrics: MetricsSummary, options: { maxSamples?: number } = {}): Baseline {
  return baselineFromRuns([{ run, metrics }], options);
}

/**
 * A baseline from several complete runs of the same matrix on the same machine: each case's rounds
 * pooled, the derived metrics merged (see mergeBaselineMetrics), and the run-to-run spread of each
 * compiler's judged ratios recorded, which the gate takes as that compiler's smallest believable
 * change. Pure. Refuses runs that differ in hardware, profile, filters, cases or what they measured.
 * A run combined from parts (src/results/parts.ts) is one run here; the baseline records its parts.
 */
export function baselineFromRuns(given: readonly MeasuredRun[], options: { maxSamples?: number } = {}): Baseline {
  const runs = [...given].sort((a, b) => (a.run.startedAt < b.run.startedAt ? -1 : a.run.startedAt > b.run.startedAt ? 1 : 0));
  if (runs.length === 0) throw new BaselineError('no runs to make a baseline from');
  const first = runs[0] as MeasuredRun;
  for (const [i, { run, metrics }] of runs.entries()) {
    const which = runs.length === 1 ? 'the run' : `run ${i + 1} (started ${run.startedAt})`;
    if (!run.complete) {
      throw new BaselineError(
        `refusing to create a baseline from an incomplete run (started ${run.startedAt}` +
          `${run.interruptedBy === null ? '' : `, interrupted by ${run.interruptedBy}`}); run the full selection again`,
      );
    }
    if (run.comparison !== undefined) {
      throw new BaselineError(
        `${which} is the ${run.comparison.side} side of a paired run (pnpm bench --compare), measured without the anchor a baseline needs; make baselines from plain pnpm bench runs`,
      );
    }
    if (metrics.hardwareId !== run.hardware.id) {
      throw new BaselineError(`the metrics were computed for hardware ${metrics.hardwareId}, but the run is from ${run.hardware.id}`);
    }
    if (run.hardware.id !== first.run.hardware.id) throw new BaselineError(`${which} is from hardware ${run.hardware.id}, run 1 from ${first.run.hardware.id}: a baseline is of one machine`);
    if (run.profile !== first.run.profile) throw new BaselineError(`${which} used profile "${run.profile}", run 1 "${first.run.profile}": make the baseline from runs of one profile`);
    if (JSON.stringify(run.filters) !== JSON.stringify(first.run.filters)) throw new BaselineError(`${which} was filtered differently from run 1: make the baseline from runs of the same selection`);
    if (JSON.stringify(metrics.reference) !== JSON.stringify(first.metrics.reference) || JSON.stringify(metrics.bootstrap) !== JSON.stringify(first.metrics.bootstrap)) {
      throw new BaselineError(`the metrics of ${which} were computed with other settings than those of run 1`);
    }
  }
  const maxSamples = options.maxSamples ?? BASELINE_MAX_SAMPLES;
  if (!Number.isInteger(maxSamples) || maxSamples < 1) throw new BaselineError(`maxSamples must be a positive integer, got ${maxSamples}`);
  const byCase = new Map<string, CaseResult[]>();
  for (const [i, { run }] of runs.entries()) {
    for (const c of run.cases) {
      const list = byCase.get(c.key) ?? byCase.set(c.key, []).get(c.key)!;
      if (list.length !== i) throw new BaselineError(`${c.key} is in run ${i + 1} but not in run ${list.length + 1}: make the baseline from runs of the same selection`);
      list.push(c);
    }
  }
  for (const [key, list] of byCase) {
    if (list.length !== runs.length) throw new BaselineError(`${key} is in run ${list.length} but not in run ${list.length + 1}: make the baseline from runs of the same selection`);
  }
  const cases = [...byCase.values()].map((list) => baselineCase(list, first.metrics.bootstrap.confidence, maxSamples)).sort(byKey);
  const last = runs[runs.length - 1] as MeasuredRun;
  const parts = runs.flatMap(({ run }) => run.parts ?? []).sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : 0));
  return {
    schemaVersion: BASELINE_SCHEMA_VERSION,
    tool: 'graph-compiler-bench',
    kind: 'baseline',
    hardwareId: first.run.hardware.id,
    createdFrom: {
      startedAt: first.run.startedAt,
      finishedAt: last.run.finishedAt,
      profile: first.run.profile,
      commandLine: [...first.run.commandLine],
      filters: { ...first.run.filters },
      ...(parts.length === 0 ? {} : { parts: structuredClone(parts) }),
    },
    reference: first.metrics.reference,
    bootstrap: { ...first.metrics.bootstrap },
    maxSamples,
    runToRun: { runs: runs.length, spread: runToRunSpreads(cases, runs.map((r) => r.metrics)) },
    cases,
    metrics: mergeBaselineMetrics(runs.map((r) => baselineMetricsFrom(r.metrics))),
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
