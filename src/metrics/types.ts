/** The plain-data result of `computeMetrics`, which the report renders and the baseline stores. */
import type { BootstrapSettings } from '../stats/bootstrap.ts';
import type { CaseResult, Suite } from '../results/schema.ts';
import type { MetricId } from './registry.ts';
import type { ReferenceSpec } from './reference.ts';

/** A confidence interval and how it was obtained. */
export interface Interval {
  readonly lower: number;
  readonly upper: number;
  readonly level: number;
  readonly method: 'bootstrap-percentile' | 'order-statistic';
  /** Bootstrap resamples used (0 for order-statistic intervals). */
  readonly resamples: number;
}

/**
 * One value of a registered metric (look up unit and direction in `METRICS[metric]`). Either a number,
 * possibly with an interval, or null with the reason it could not be computed — never NaN.
 */
export type MetricValue =
  | {
      readonly metric: MetricId;
      readonly value: number;
      readonly ci: Interval | null;
      /** Why `ci` is null, when it is. */
      readonly ciNote?: string;
    }
  | { readonly metric: MetricId; readonly value: null; readonly ci: null; readonly reason: string };

/** A case that exists in the run but was not measured, so it is left out of every metric. */
export interface MissingPoint {
  readonly key: string;
  readonly state: Exclude<CaseResult['state'], 'completed'>;
  readonly reason: string;
}

export interface CaseMetrics {
  readonly key: string;
  readonly suite: Suite;
  readonly modelId: string;
  readonly compilerId: string;
  readonly family: string;
  readonly hardware: 'cpu' | 'gpu';
  readonly batch: number;
  readonly depth: number | null;
  /** Samples the median was computed from (those of the quiet rounds). */
  readonly n: number;
  /** Median of the samples (type-7), with its order-statistic CI. */
  readonly latency: MetricValue;
  readonly perSampleLatency: MetricValue;
  readonly throughput: MetricValue;
  readonly gflops: MetricValue;
  readonly compileMs: MetricValue;
  /** The reference's latency over this compiler's, measured in the same rounds (1 / ρ). */
  readonly speedupAlongside: MetricValue;
  /** Rounds measured, and how many of them quiet (the ones every statistic is of). */
  readonly rounds: { readonly quiet: number; readonly all: number };
}

export interface MarginalBeta {
  readonly fromBatch: number;
  readonly toBatch: number;
  /** ln(L(to)/L(from)) / ln(to/from). */
  readonly beta: number;
}

/**
 * Why a series has no comparison with a reference, as data (renderers switch on this, never on the
 * note's text): `is-reference` — the compiler is the reference of its family and hardware;
 * `no-completed-case` — nothing of the series completed; `no-reference-configured` — the reference
 * spec names none for it; `not-measured-alongside` — a reference is configured but was not run next to
 * the compiler's cases (the note says why).
 */
export type ComparisonGap = 'is-reference' | 'no-completed-case' | 'no-reference-configured' | 'not-measured-alongside';

export interface FrictionComparison {
  readonly referenceId: string;
  /** Batches measured (completed) under both the compiler and the reference. */
  readonly batches: readonly number[];
  /** Batches the compiler has but the reference lacks, or the other way round. */
  readonly unmatchedBatches: readonly number[];
  /** β_R − β_C over the common batches; positive = the compiler reduces friction. */
  readonly mitigation: MetricValue;
  /** Per-sample latency ratio reference / compiler, per common batch. */
  readonly speedups: readonly { readonly batch: number; readonly speedup: MetricValue }[];
}

/** One (suite, model, compiler, depth) swept over batch. */
export interface FrictionSeries {
  /** `suite/model/compiler` plus `/d=4` for depth sweeps. */
  readonly series: string;
  readonly suite: Suite;
  readonly modelId: string;
  readonly compilerId: string;
  readonly hardware: 'cpu' | 'gpu';
  readonly depth: number | null;
  readonly points: readonly { readonly batch: number; readonly key: string; readonly medianMs: number }[];
  readonly missing: readonly MissingPoint[];
  readonly beta: MetricValue;
  readonly marginal: readonly MarginalBeta[];
  /** Lower batch of the first neighbouring pair whose marginal β ≥ 0.9; null if none. */
  readonly knee: number | null;
  /** Null for the reference itself, or when no reference is configured for this compiler. */
  readonly comparison: FrictionComparison | null;
  readonly comparisonNote?: string;
  /** Set exactly when `comparison` is null: why, as a code. */
  readonly comparisonGap?: ComparisonGap;
}

export interface DepthComparison {
  readonly referenceId: string;
  readonly depths: readonly number[];
  readonly unmatchedDepths: readonly number[];
  /** S(d) = lat_R(d) / lat_C(d), per common depth. */
  readonly speedups: readonly { readonly depth: number; readonly speedup: MetricValue }[];
  /** S(d_max) / S(d_min). */
  readonly depthGain: MetricValue;
  /** c_R / c_C. */
  readonly perBlockSpeedup: MetricValue;
}

/** One (block, compiler, batch) swept over depth. */
export interface DepthSeries {
  /** `suite/model/compiler/b=8`. */
  readonly series: string;
  readonly suite: Suite;
  readonly modelId: string;
  readonly compilerId: string;
  readonly hardware: 'cpu' | 'gpu';
  readonly batch: number;
  readonly points: readonly { readonly depth: number; readonly key: string; readonly medianMs: number }[];
  readonly missing: readonly MissingPoint[];
  /** Intercept α of latency(d) = α + c·d. */
  readonly alpha: MetricValue;
  /** Slope c (ms per block). */
  readonly perBlock: MetricValue;
  readonly comparison: DepthComparison | null;
  readonly comparisonNote?: string;
  /** Set exactly when `comparison` is null: why, as a code. */
  readonly comparisonGap?: ComparisonGap;
}

export interface CompileCost {
  readonly key: string;
  readonly referenceKey: string;
  readonly compilerId: string;
  readonly referenceId: string;
  readonly batch: number;
  readonly depth: number | null;
  readonly compileMs: number;
  readonly referenceCompileMs: number;
  /** Median latency saved per inference, lat_R − lat_C (ms); negative when the compiler is slower. */
  readonly savingMs: number;
  /** compileMs_C / (lat_R − lat_C); null with a reason when the compiler is not faster. */
  readonly breakEven: MetricValue;
}

/** Which of two models of a comparison group is faster under one compiler at one place of the sweep. */
export interface ArchetypeOrdering {
  /** `compiler/b=8/a~b` (plus `/d=N` when measured at a depth, `/seq=128` for swept dimensions). */
  readonly id: string;
  /** The comparison group the pair is compared in (`archetypes`, or a user's). */
  readonly group: string;
  readonly compilerId: string;
  readonly hardware: 'cpu' | 'gpu';
  readonly batch: number;
  readonly depth: number | null;
  /** Swept dimensions besides batch, when the models have any. */
  readonly dims?: Readonly<Record<string, number>>;
  /** Archetype ids, a < b in code-unit order. */
  readonly a: string;
  readonly b: string;
  readonly caseKeys: readonly [string, string];
  /** lat_a / lat_b. */
  readonly ratio: MetricValue;
  /** The significantly faster archetype (CI of the ratio excludes 1), or null when not significant. */
  readonly faster: string | null;
}

/** Under the compiler, the significant ordering of a pair is the opposite of under the reference. */
export interface Reversal {
  /** `b=8/a~b/compiler-vs-reference` (plus `/d=N`, `/seq=128`). */
  readonly id: string;
  readonly group: string;
  readonly batch: number;
  readonly depth: number | null;
  readonly dims?: Readonly<Record<string, number>>;
  readonly hardware: 'cpu' | 'gpu';
  readonly a: string;
  readonly b: string;
  readonly compilerId: string;
  readonly referenceId: string;
  readonly fasterUnderReference: string;
  readonly fasterUnderCompiler: string;
  readonly referenceRatio: MetricValue;
  readonly compilerRatio: MetricValue;
  /** The four cases involved. */
  readonly caseKeys: readonly string[];
  readonly message: string;
}

/**
 * One compiler on one hardware kind across the whole run: its cases by state and, for a compiler
 * measured alongside a reference, the geometric mean of its per-case speedups over that reference.
 */
export interface CompilerSummary {
  readonly compilerId: string;
  readonly family: string;
  readonly hardware: 'cpu' | 'gpu';
  /** `reference`: the reference of its family and hardware; `compared`: measured alongside `referenceId`; `unpaired`: neither. */
  readonly role: 'reference' | 'compared' | 'unpaired';
  /** The reference its cases were measured alongside (null unless `role` is `compared`). */
  readonly referenceId: string | null;
  /** Cases of the compiler in the run, by state. */
  readonly cases: { readonly all: number; readonly completed: number; readonly failed: number; readonly unavailable: number };
  /** Completed cases measured alongside `referenceId`: those the geometric mean is over. */
  readonly pairedCases: number;
  /**
   * exp(mean over paired cases of ln S), S = 1/ρ the case's median per-round speedup over the reference
   * measured alongside; bootstrap CI from resampling every case's per-round ratios (metric `geomean-speedup`).
   */
  readonly geomeanSpeedup: MetricValue;
}

export interface MetricsOptions {
  /** Which compiler each compiler is compared against (default: ort-cpu-disabled on CPU). */
  readonly reference?: ReferenceSpec;
  readonly bootstrap?: Partial<BootstrapSettings>;
}

export interface MetricsSummary {
  readonly hardwareId: string;
  /** Copied from the run: false means some cases were cut short. */
  readonly runComplete: boolean;
  readonly reference: ReferenceSpec;
  readonly bootstrap: BootstrapSettings;
  readonly cases: readonly CaseMetrics[];
  /** Every case in the run that was not completed (failed or unavailable). */
  readonly missing: readonly MissingPoint[];
  readonly friction: readonly FrictionSeries[];
  readonly depth: readonly DepthSeries[];
  readonly compileCost: readonly CompileCost[];
  readonly orderings: readonly ArchetypeOrdering[];
  readonly reversals: readonly Reversal[];
  /** One row per (compiler, hardware kind), sorted by hardware then compiler id. */
  readonly compilers: readonly CompilerSummary[];
  /** Things the reader should know (e.g. a reference compiler absent from the run). */
  readonly notes: readonly string[];
}

/** A comparison group's ordering: the name the code uses where the group is not the archetypes. */
export type GroupOrdering = ArchetypeOrdering;
