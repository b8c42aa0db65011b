/**
 * The result model: the one contract every part of the suite shares. Everything else (friction, depth
 * gain, reversals, verdicts) is derived from it and never stored as truth. Validated with zod wherever a
 * file is read; `z.toJSONSchema` publishes the same schema as JSON Schema (see `schemas/`).
 */
import { z } from 'zod';

/**
 * Bumped on any incompatible change; readers refuse other versions with a clear message.
 * 2: every completed case carries its interleaved partners (reference and anchor), see `interleaving`.
 * 3: paired runs (`pnpm bench --compare`): a run says which side it is (`comparison`); a case measured
 *    side by side with the other side's carries `interleaving.pairing` and no anchor. Version 2 files
 *    are read as they are (every version 2 file is a valid version 3 file of a single run).
 */
export const SCHEMA_VERSION = 3 as const;
/** Versions this reader accepts. */
export const READABLE_SCHEMA_VERSIONS = [2, 3] as const;

export const SUITES = ['blocks', 'archetypes', 'models'] as const;
export type Suite = (typeof SUITES)[number];

const finite = z.number().refine(Number.isFinite, { message: 'must be a finite number' });
const nonNegative = finite.refine((v) => v >= 0, { message: 'must be >= 0' });
const positiveInt = z.number().int().positive();
/** Names of swept dimensions (`seq`): lower-case, so that they cannot be read as `b` or `d`. */
export const DIM_NAME_PATTERN = /^(?![bd]$)[a-z][a-z0-9_]*$/;

/** A group of models whose orderings and reversals are computed (docs: README "Comparison groups"). */
export const ComparisonGroupSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "must be letters, digits, '.', '_' or '-'"),
    models: z.array(z.string().min(1)).min(2),
  })
  .strict();
export type ComparisonGroup = z.infer<typeof ComparisonGroupSchema>;

export const LatencyStatsSchema = z
  .object({
    /** Samples the statistics summarise (after warm-up; before no trimming). */
    n: positiveInt,
    min: nonNegative,
    max: nonNegative,
    mean: nonNegative,
    median: nonNegative,
    p25: nonNegative,
    p75: nonNegative,
    p99: nonNegative,
    sd: nonNegative,
    /** Distribution-free 95% confidence interval of the median (order statistics). */
    medianCi: z.tuple([nonNegative, nonNegative]),
  })
  .strict();
export type LatencyStats = z.infer<typeof LatencyStatsSchema>;

export const ModelInfoSchema = z
  .object({
    /** Fixture id without depth, e.g. `resnet-basic`, `vit-like`, or a user model's name. */
    id: z.string().min(1),
    kind: z.enum(['block', 'archetype', 'user']),
    /** sha256 of the ONNX bytes measured. */
    hash: z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 hex digest'),
    /** Floating-point operations for one sample (2 per multiply-accumulate of Conv/MatMul/Gemm); null when unknown. */
    flopsPerSample: nonNegative.nullable(),
    params: z.number().int().nonnegative().nullable(),
    /** Input shape of one sample, without the batch dimension. */
    sampleShape: z.array(positiveInt),
  })
  .strict();
export type ModelInfo = z.infer<typeof ModelInfoSchema>;

export const CompilerInfoSchema = z
  .object({
    id: z.string().min(1),
    family: z.string().min(1),
    hardware: z.enum(['cpu', 'gpu']),
    settings: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    versions: z.record(z.string(), z.string()),
  })
  .strict();
export type CompilerInfo = z.infer<typeof CompilerInfoSchema>;

export const EngineInfoSchema = z
  .object({
    name: z.enum(['tinybench', 'mitata', 'null']),
    version: z.string(),
    /** Why sampling ended: enough time and samples, a narrow enough CI of the median, or the time cap. */
    stoppedBy: z.enum(['min-time', 'ci-target', 'time-cap', 'iterations']),
    warmupIterations: z.number().int().nonnegative(),
    /** Wall time spent sampling (excluding warm-up), ms. */
    timeMs: nonNegative,
  })
  .strict();
export type EngineInfo = z.infer<typeof EngineInfoSchema>;

const partnerArm = {
  /** Timed calls of this arm in each round. */
  callsPerRound: positiveInt,
  /** Every timed call of this arm, ms, in the order taken: `rounds × callsPerRound` of them. */
  samples: z.array(nonNegative).min(1),
};

/**
 * Drift control: the case was measured in rounds, each round running a block of calls of the compiler,
 * of its reference compiler (when it has one) and of the anchor, in a rotating order. A machine whose
 * speed drifts slows all arms of a round alike, so per-round ratios to a partner do not drift. What the
 * gate compares is derived from these: never stored as truth.
 */
export const InterleavingSchema = z
  .object({
    /** Whole rounds, over all sessions. */
    rounds: positiveInt,
    /** Rounds of each session, in order (the model compiled afresh for each); they sum to `rounds`. */
    sessionRounds: z.array(positiveInt).min(1),
    /** Timed calls of the measured compiler in each round (its samples are the case's `samples`). */
    callsPerRound: positiveInt,
    /** The reference compiler, measured alongside; null when the compiler is its own reference or it could not be. */
    reference: z
      .object({ compilerId: z.string().min(1), versions: z.record(z.string(), z.string()), ...partnerArm })
      .strict()
      .nullable(),
    /** Why the reference was not measured alongside although the compiler has one; null otherwise. */
    referenceNote: z.string().min(1).nullable(),
    /**
     * The harness's fixed workload (no runtime involved): a ruler for the machine's speed. Null in a
     * paired run, where the other side measured in the same rounds is the ruler.
     */
    anchor: z.object({ id: z.string().min(1), version: z.string().min(1), ...partnerArm }).strict().nullable(),
    /**
     * Paired runs: this case was measured in the same rounds as the same case of the other side (the
     * other side's result file holds its samples, with the same rounds and calls per round). `order`
     * has one letter per round, `H` or `B`: which side ran first in that round.
     */
    pairing: z
      .object({ side: z.enum(['head', 'base']), order: z.string().regex(/^[HB]*$/, 'must be H and B letters, one per round') })
      .strict()
      .optional(),
    /**
     * Rounds set aside because the machine was disturbed during them: the anchor ran more than
     * `tolerance` slower than the case's quiet anchor speed (`quietAnchorMs`, the 10th percentile of its
     * round means; also what tells a run's state of the machine from the baseline's). Every statistic
     * (the latency summary, the ratios the gate compares) is of the other rounds; `samples` keep them all.
     */
    disturbance: z
      .object({
        /** Null when no anchor was measured (paired runs: disturbance is judged from the two sides' own rounds). */
        quietAnchorMs: nonNegative.nullable(),
        tolerance: nonNegative,
        /** 0-based round indices, ascending. */
        excludedRounds: z.array(z.number().int().nonnegative()),
      })
      .strict(),
  })
  .strict();
export type Interleaving = z.infer<typeof InterleavingSchema>;

export const CorrectnessSchema = z
  .object({
    reference: z.string(),
    /** ||y - y_ref||_2 / ||y_ref||_2 */
    relativeL2: nonNegative,
    tolerance: nonNegative,
    ok: z.boolean(),
  })
  .strict();
export type Correctness = z.infer<typeof CorrectnessSchema>;

const caseCommon = {
  /** Stable, readable key: `suite/model/compiler/b=8[/d=4]`. Baselines and merges join on it. */
  key: z.string().min(1),
  suite: z.enum(SUITES),
  model: ModelInfoSchema,
  compiler: CompilerInfoSchema,
  batch: positiveInt,
  depth: positiveInt.nullable(),
  /**
   * Swept input dimensions besides batch (a user model's `seq=128`), by name; absent when none. Part
   * of the key, after batch and depth.
   */
  dims: z.record(z.string().regex(DIM_NAME_PATTERN), positiveInt).optional(),
};

export const FAILURE_PHASES = ['load', 'compile', 'run', 'output', 'correctness', 'timeout', 'out-of-memory'] as const;
export type FailurePhase = (typeof FAILURE_PHASES)[number];

export const CompletedCaseSchema = z
  .object({
    ...caseCommon,
    state: z.literal('completed'),
    /** Compile time: the harness's timing of compile + binding, or the runtime's own (a worker's first call). */
    compileMs: nonNegative,
    /** Named parts of the compile time as the runtime reported them (JAX: `lowerMs`, `compileMs`). */
    compilePhases: z.record(z.string(), nonNegative).optional(),
    mode: z.enum(['end-to-end', 'compute-only']),
    /** Latency of one inference of the whole batch, ms. */
    latency: LatencyStatsSchema,
    /** Every sample in the order taken, ms. */
    samples: z.array(nonNegative).min(1),
    /** Samples per second at the median latency. */
    throughput: nonNegative,
    memory: z
      .object({ rssPeakBytes: z.number().int().nonnegative(), deviceBytes: z.number().int().nonnegative().nullable() })
      .strict(),
    correctness: CorrectnessSchema.nullable(),
    engine: EngineInfoSchema,
    interleaving: InterleavingSchema,
  })
  .strict()
  .superRefine((c, ctx) => {
    const { rounds, callsPerRound, reference, anchor } = c.interleaving;
    const check = (path: (string | number)[], length: number, calls: number) => {
      if (length !== rounds * calls) {
        ctx.addIssue({ code: 'custom', path, message: `must hold rounds × callsPerRound = ${rounds} × ${calls} = ${rounds * calls} samples, got ${length}` });
      }
    };
    check(['samples'], c.samples.length, callsPerRound);
    if (reference !== null && c.interleaving.referenceNote !== null) {
      ctx.addIssue({ code: 'custom', path: ['interleaving', 'referenceNote'], message: 'must be null when the reference was measured alongside' });
    }
    if (reference !== null) check(['interleaving', 'reference', 'samples'], reference.samples.length, reference.callsPerRound);
    if (anchor !== null) check(['interleaving', 'anchor', 'samples'], anchor.samples.length, anchor.callsPerRound);
    const pairing = c.interleaving.pairing;
    if (pairing !== undefined && pairing.order.length !== rounds) {
      ctx.addIssue({ code: 'custom', path: ['interleaving', 'pairing', 'order'], message: `must have one letter per round (${rounds})` });
    }
    if (anchor === null && pairing === undefined) {
      ctx.addIssue({ code: 'custom', path: ['interleaving', 'anchor'], message: 'must be set for a case that was not measured side by side with another side' });
    }
    if (c.interleaving.sessionRounds.reduce((a, b) => a + b, 0) !== rounds) {
      ctx.addIssue({ code: 'custom', path: ['interleaving', 'sessionRounds'], message: `must sum to rounds (${rounds})` });
    }
    const excluded = c.interleaving.disturbance.excludedRounds;
    if (excluded.some((r, i) => r >= rounds || (i > 0 && r <= (excluded[i - 1] as number)))) {
      ctx.addIssue({ code: 'custom', path: ['interleaving', 'disturbance', 'excludedRounds'], message: `must be ascending round indices below ${rounds}` });
    } else if (excluded.length >= rounds) {
      ctx.addIssue({ code: 'custom', path: ['interleaving', 'disturbance', 'excludedRounds'], message: 'must leave at least one round' });
    }
  });

export const FailedCaseSchema = z
  .object({
    ...caseCommon,
    state: z.literal('failed'),
    phase: z.enum(FAILURE_PHASES),
    error: z.string().min(1),
    /** Present when the failure was a correctness disagreement. */
    correctness: CorrectnessSchema.nullable(),
  })
  .strict();

export const UnavailableCaseSchema = z
  .object({
    ...caseCommon,
    state: z.literal('unavailable'),
    reason: z.string().min(1),
  })
  .strict();

export const CaseResultSchema = z.discriminatedUnion('state', [
  CompletedCaseSchema,
  FailedCaseSchema,
  UnavailableCaseSchema,
]);
export type CaseResult = z.infer<typeof CaseResultSchema>;
export type CompletedCase = z.infer<typeof CompletedCaseSchema>;
export type FailedCase = z.infer<typeof FailedCaseSchema>;
export type UnavailableCase = z.infer<typeof UnavailableCaseSchema>;

export const GpuInfoSchema = z
  .object({
    vendor: z.string(),
    architecture: z.string(),
    device: z.string(),
    description: z.string(),
    driver: z.string(),
  })
  .strict();

export const HardwareSchema = z
  .object({
    /** Stable id derived from CPU model, core count, memory and GPU; names the baseline file. */
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes'),
    cpu: z.object({ model: z.string(), cores: positiveInt, speedMHz: z.number().nonnegative() }).strict(),
    memoryBytes: z.number().int().positive(),
    os: z.object({ platform: z.string(), release: z.string(), arch: z.string() }).strict(),
    node: z.string(),
    runtimes: z.record(z.string(), z.string()),
    gpu: GpuInfoSchema.nullable(),
  })
  .strict();
export type Hardware = z.infer<typeof HardwareSchema>;

/**
 * One part of a matrix measured in parts (src/results/parts.ts): a complete run of its own selection,
 * combined with the other parts' into one run. What it was, so that a report or a baseline can say how
 * the matrix was made.
 */
export const RunPartSchema = z
  .object({
    /** The results file the part was read from, as it was named when the parts were combined. */
    file: z.string().min(1),
    commandLine: z.array(z.string()),
    /** The part's own filters: the gate tells filtered from missing cases by these (src/evaluate.ts). */
    filters: z.record(z.string(), z.string()),
    startedAt: z.iso.datetime(),
    finishedAt: z.iso.datetime(),
    complete: z.boolean(),
    /** Cases the part holds. */
    cases: z.number().int().nonnegative(),
  })
  .strict();
export type RunPart = z.infer<typeof RunPartSchema>;

const ComparisonSideSchema = z
  .object({
    /** What the user named: a git ref, a sha or a folder. */
    ref: z.string().min(1),
    /** The commit, when known. */
    sha: z.string().nullable(),
  })
  .strict();

export const RunResultSchema = z
  .object({
    schemaVersion: z.union([z.literal(2), z.literal(SCHEMA_VERSION)]),
    tool: z.literal('graph-compiler-bench'),
    startedAt: z.iso.datetime(),
    finishedAt: z.iso.datetime(),
    /** False when the run was interrupted or cases were cut short; a partial run never updates a baseline. */
    complete: z.boolean(),
    interruptedBy: z.string().nullable(),
    commandLine: z.array(z.string()),
    profile: z.string(),
    /**
     * Filters that narrowed the matrix (compiler, block, batch, depth); empty when the whole matrix ran.
     * A run combined from parts holds, per key, the union of the parts' values (the smallest one filter
     * set that covers them all, so it may name more than ran); each part's own filters are in `parts`.
     */
    filters: z.record(z.string(), z.string()),
    hardware: HardwareSchema,
    cases: z.array(CaseResultSchema),
    /**
     * The comparison groups the run's orderings and reversals are computed over (the built-in
     * `archetypes` group among them). Absent in files written before groups existed: those mean the
     * archetypes group alone (src/metrics/groups.ts).
     */
    comparisonGroups: z.array(ComparisonGroupSchema).optional(),
    /**
     * When the gate's first verdict found problems, the cases they involve were measured again and
     * `cases` holds the new measurements; here are the first ones. A problem fails the run only when
     * the gate finds it in both (see src/gate/confirm.ts). Null when nothing was measured again.
     */
    confirmation: z.object({ firstCases: z.array(CaseResultSchema) }).strict().nullable(),
    /**
     * Paired runs (`pnpm bench --compare <ref>`): which side this file is, and both sides' checkouts.
     * The other side's file is beside it (`results/latest.json` is the head, `results/base.json` the base).
     */
    comparison: z
      .object({
        side: z.enum(['head', 'base']),
        head: ComparisonSideSchema,
        base: ComparisonSideSchema,
        /** Seeds the balanced order of the paired rounds. */
        seed: z.number().int(),
        /** Keys the base defines for this selection and the head does not (removed by the change). */
        removed: z.array(z.string()),
        /** Keys the head defines and the base does not (added by the change). */
        added: z.array(z.string()),
        /** CPUs both sides' workers were pinned to; null: not pinned. */
        workerCpus: z.string().nullable().optional(),
      })
      .strict()
      .optional(),
    /**
     * A run combined from parts (`pnpm bench:report`/`bench:baseline` given several runs of one machine,
     * src/results/parts.ts): each part, ordered by its start. Absent for a run measured whole. The run's
     * own command line is then the command that combined them.
     */
    parts: z.array(RunPartSchema).min(1).optional(),
  })
  .strict();
export type RunResult = z.infer<typeof RunResultSchema>;

/**
 * The case key: `suite/model/compiler/b=8` plus `/d=4` for depth sweeps and `/seq=128` for each swept
 * dimension, in name order (so the key does not depend on the order a spec lists them).
 */
export function caseKey(parts: {
  suite: Suite;
  modelId: string;
  compilerId: string;
  batch: number;
  depth: number | null;
  dims?: Readonly<Record<string, number>> | undefined;
}): string {
  const base = `${parts.suite}/${parts.modelId}/${parts.compilerId}/${placeOf(parts.batch, parts.depth, parts.dims)}`;
  return base;
}

/** Where in a sweep a case is: `b=8`, `b=8/d=4`, `b=8/seq=128`. */
export function placeOf(batch: number, depth: number | null, dims?: Readonly<Record<string, number>>): string {
  const parts = [`b=${batch}`];
  if (depth !== null) parts.push(`d=${depth}`);
  for (const name of Object.keys(dims ?? {}).sort()) parts.push(`${name}=${(dims as Record<string, number>)[name]}`);
  return parts.join('/');
}

/** `/seq=128/…` of a case's swept dimensions, or '' (for series keys that leave batch or depth out). */
export function dimsSuffix(dims: Readonly<Record<string, number>> | undefined): string {
  return Object.keys(dims ?? {})
    .sort()
    .map((name) => `/${name}=${(dims as Record<string, number>)[name]}`)
    .join('');
}

