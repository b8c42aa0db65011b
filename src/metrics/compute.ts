/**
 * `computeMetrics(run, options)`: every derived metric of one run, as plain data. Pure: reads nothing
 * but its arguments. Only completed cases enter a metric; the others are listed as missing points, and
 * a metric with too few points is null with a reason.
 */
import type { CaseResult, CompletedCase, RunResult } from '../results/schema.ts';
import { checkBootstrapSettings, DEFAULT_BOOTSTRAP, type BootstrapSettings } from '../stats/bootstrap.ts';
import { breakEvenInferences } from './compile-cost.ts';
import { depthFit, depthGain, depthSpeedup, perBlockSpeedup } from './depth.ts';
import { banksOf, type Banks } from './banks.ts';
import { geometricMeanSpeedup } from './aggregate.ts';
import { estimate, unavailable, type Computed } from './estimate.ts';
import { frictionBeta, kneeBatch, marginalBetas } from './friction.ts';
import { DEFAULT_REFERENCE, referenceFor, type ReferenceSpec } from './reference.ts';
import { comparisonGroupsOf } from './groups.ts';
import { findReversals, groupOrderings } from './reversals.ts';
import { depthSeriesKey, frictionSeriesKey, groupBy, identity, missingPoints } from './series.ts';
import { caseMetrics } from './throughput.ts';
import type {
  ComparisonGap,
  CompilerSummary,
  CompileCost,
  DepthComparison,
  DepthSeries,
  FrictionComparison,
  FrictionSeries,
  MetricsOptions,
  MetricsSummary,
} from './types.ts';

const completedOf = (cases: readonly CaseResult[]): CompletedCase[] =>
  cases.filter((c): c is CompletedCase => c.state === 'completed');

interface Context {
  readonly banks: Banks;
  readonly settings: BootstrapSettings;
  readonly reference: ReferenceSpec;
  /** Canonical identity → completed case. */
  readonly completed: ReadonlyMap<string, CompletedCase>;
  readonly notes: Set<string>;
}

/**
 * The reference the compiler's cases were measured alongside, or why there is none to compare with.
 * The pairing recorded in the cases decides; the reference spec only explains its absence.
 */
function pairingOf(
  ctx: Context,
  points: readonly CompletedCase[],
  first: CaseResult,
): { id: string; paired: CompletedCase[] } | { note: string; gap: ComparisonGap } {
  const configured = referenceFor(first.compiler, ctx.reference);
  if (configured === first.compiler.id) return { note: 'this compiler is the reference', gap: 'is-reference' };
  if (points.length === 0) return { note: 'no completed case', gap: 'no-completed-case' };
  const paired = points.filter((p) => p.interleaving.reference !== null);
  const id = paired[0]?.interleaving.reference?.compilerId;
  if (id === undefined) {
    if (configured === null) {
      return { note: `no reference configured for family ${first.compiler.family} on ${first.compiler.hardware}`, gap: 'no-reference-configured' };
    }
    const why = points.map((p) => p.interleaving.referenceNote).find((n) => n !== null);
    const note = `not measured alongside its reference ${configured}${why === undefined ? '' : ` (${why})`}`;
    ctx.notes.add(`${first.compiler.id}: ${note}; comparisons skipped`);
    return { note, gap: 'not-measured-alongside' };
  }
  if (configured !== null && configured !== id) {
    ctx.notes.add(`${first.compiler.id} was measured alongside ${id}, but the reference spec names ${configured}; comparisons are with ${id}`);
  }
  return { id, paired: paired.filter((p) => p.interleaving.reference?.compilerId === id) };
}

/** 1 / ρ: the reference's latency over the compiler's. */
const inverse = (ratio: number): Computed => (ratio > 0 ? 1 / ratio : { reason: 'the latency ratio to the reference is 0' });

function frictionSeries(ctx: Context, group: readonly CaseResult[]): FrictionSeries {
  const first = group[0] as CaseResult;
  const points = completedOf(group).sort((a, b) => a.batch - b.batch);
  const batches = points.map((p) => p.batch);
  const keys = points.map((p) => p.key);
  const { ms, relative } = ctx.banks;
  // β from the latencies users read. (In anchor units it would shed the machine's drift between the
  // cases of the sweep, but a multi-threaded runtime's spinning threads slow the anchor by amounts that
  // depend on the batch: on a 16-core host β in anchor units was 0.1 off. The gate, which compares
  // like with like, uses the ratios each case was measured against instead; see the gate's checks.)
  const beta = estimate('friction-beta', [{ bank: ms, keys }], ([m]) => frictionBeta(batches, m as number[]), ctx.settings);
  const marginal = marginalBetas(batches, keys.map((k) => ms.median(k)));
  const pairing = pairingOf(ctx, points, first);
  let comparison: FrictionComparison | null = null;
  let gap: { comparisonNote: string; comparisonGap: ComparisonGap } | undefined;
  if ('note' in pairing) gap = { comparisonNote: pairing.note, comparisonGap: pairing.gap };
  else {
    const common = pairing.paired.map((p) => p.batch);
    const pairedKeys = pairing.paired.map((p) => p.key);
    // β_R − β_C is minus the slope of ln ρ, ρ = lat_C / lat_R measured in the same rounds.
    const mitigation = estimate(
      'friction-mitigation',
      [{ bank: relative, keys: pairedKeys }],
      ([m]) => {
        const slope = frictionBeta(common, m as number[]);
        return typeof slope === 'number' ? -slope : slope;
      },
      ctx.settings,
    );
    const speedups = pairing.paired.map((p) => ({
      batch: p.batch,
      speedup: estimate('batch-speedup', [{ bank: relative, keys: [p.key] }], ([m]) => inverse((m as number[])[0] as number), ctx.settings),
    }));
    comparison = {
      referenceId: pairing.id,
      batches: common,
      unmatchedBatches: batches.filter((b) => !common.includes(b)),
      mitigation,
      speedups,
    };
  }
  return {
    series: frictionSeriesKey({ suite: first.suite, modelId: first.model.id, compilerId: first.compiler.id, depth: first.depth, dims: first.dims }),
    suite: first.suite,
    modelId: first.model.id,
    compilerId: first.compiler.id,
    hardware: first.compiler.hardware,
    depth: first.depth,
    points: points.map((p) => ({ batch: p.batch, key: p.key, medianMs: ms.median(p.key) })),
    missing: missingPoints(group),
    beta,
    marginal,
    knee: kneeBatch(marginal),
    comparison,
    ...gap,
  };
}

function depthSeries(ctx: Context, group: readonly CaseResult[]): DepthSeries {
  const first = group[0] as CaseResult;
  const points = completedOf(group).sort((a, b) => (a.depth as number) - (b.depth as number));
  const depths = points.map((p) => p.depth as number);
  const keys = points.map((p) => p.key);
  const { ms, relative, referenceMs } = ctx.banks;
  const part = [{ bank: ms, keys }];
  const fitPart = (which: 'alpha' | 'perBlock') => (m: readonly (readonly number[])[]) => {
    const fit = depthFit(depths, m[0] as number[]);
    return 'reason' in fit ? fit : fit[which];
  };
  const alpha = estimate('depth-alpha', part, fitPart('alpha'), ctx.settings);
  const perBlock = estimate('depth-per-block', part, fitPart('perBlock'), ctx.settings);
  const pairing = pairingOf(ctx, points, first);
  let comparison: DepthComparison | null = null;
  let gap: { comparisonNote: string; comparisonGap: ComparisonGap } | undefined;
  if ('note' in pairing) gap = { comparisonNote: pairing.note, comparisonGap: pairing.gap };
  else {
    const common = pairing.paired.map((p) => p.depth as number);
    const pairedKeys = pairing.paired.map((p) => p.key);
    const ones = common.map(() => 1);
    comparison = {
      referenceId: pairing.id,
      depths: common,
      unmatchedDepths: depths.filter((d) => !common.includes(d)),
      speedups: pairing.paired.map((p) => ({
        depth: p.depth as number,
        speedup: estimate('depth-speedup', [{ bank: relative, keys: [p.key] }], ([m]) => inverse((m as number[])[0] as number), ctx.settings),
      })),
      // S(d) = 1/ρ(d): the gain is ρ(d_min)/ρ(d_max), from ratios measured in the same rounds.
      depthGain: estimate('depth-gain', [{ bank: relative, keys: pairedKeys }], ([m]) => depthGain(common, ones, m as number[]), ctx.settings),
      // Per-block costs of both, fitted to the samples each took in the same rounds.
      perBlockSpeedup: estimate(
        'per-block-speedup',
        [
          { bank: referenceMs, keys: pairedKeys },
          { bank: ms, keys: pairedKeys },
        ],
        ([mr, mc]) => perBlockSpeedup(common, mr as number[], mc as number[]),
        ctx.settings,
      ),
    };
  }
  return {
    series: depthSeriesKey({ suite: first.suite, modelId: first.model.id, compilerId: first.compiler.id, batch: first.batch, dims: first.dims }),
    suite: first.suite,
    modelId: first.model.id,
    compilerId: first.compiler.id,
    hardware: first.compiler.hardware,
    batch: first.batch,
    points: points.map((p) => ({ depth: p.depth as number, key: p.key, medianMs: ms.median(p.key) })),
    missing: missingPoints(group),
    alpha,
    perBlock,
    comparison,
    ...gap,
  };
}

/**
 * Compile break-even of every case measured alongside its reference whose reference case is in the
 * run (for the reference's own compile time); the saving per inference is taken in the same rounds.
 */
function compileCosts(ctx: Context, cases: readonly CompletedCase[]): CompileCost[] {
  const { ms, referenceMs } = ctx.banks;
  const out: CompileCost[] = [];
  for (const c of cases) {
    const pair = c.interleaving.reference;
    if (pair === null || pair.compilerId === c.compiler.id) continue;
    const r = ctx.completed.get(identity(c, pair.compilerId));
    if (r === undefined) continue;
    out.push({
      key: c.key,
      referenceKey: r.key,
      compilerId: c.compiler.id,
      referenceId: pair.compilerId,
      batch: c.batch,
      depth: c.depth,
      compileMs: c.compileMs,
      referenceCompileMs: r.compileMs,
      savingMs: referenceMs.median(c.key) - ms.median(c.key),
      breakEven: estimate(
        'break-even-inferences',
        [
          { bank: referenceMs, keys: [c.key] },
          { bank: ms, keys: [c.key] },
        ],
        ([mr, mc]) => breakEvenInferences(c.compileMs, (mr as number[])[0] as number, (mc as number[])[0] as number),
        ctx.settings,
      ),
    });
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * Per (compiler, hardware kind): cases by state, and the geometric mean of the per-case speedups over
 * the reference measured alongside, with a bootstrap CI over every case's per-round ratios.
 */
function compilerSummaries(ctx: Context, cases: readonly CaseResult[]): CompilerSummary[] {
  const groups = groupBy(cases, (c) => `${c.compiler.hardware}\u0000${c.compiler.id}`);
  return [...groups.values()].map((group) => {
    const first = group[0] as CaseResult;
    const completed = completedOf(group);
    const configured = referenceFor(first.compiler, ctx.reference);
    const referenceId = completed.find((c) => c.interleaving.reference !== null)?.interleaving.reference?.compilerId ?? null;
    const paired = referenceId === null ? [] : completed.filter((c) => c.interleaving.reference?.compilerId === referenceId && ctx.banks.relative.has(c.key));
    const role: CompilerSummary['role'] = configured === first.compiler.id ? 'reference' : referenceId !== null ? 'compared' : 'unpaired';
    const keys = paired.map((c) => c.key);
    const geomeanSpeedup =
      role !== 'compared'
        ? unavailable('geomean-speedup', role === 'reference' ? 'this compiler is the reference' : 'not measured alongside a reference')
        : estimate('geomean-speedup', [{ bank: ctx.banks.relative, keys }], ([m]) => geometricMeanSpeedup(m as number[]), ctx.settings);
    const count = (state: CaseResult['state']) => group.filter((c) => c.state === state).length;
    return {
      compilerId: first.compiler.id,
      family: first.compiler.family,
      hardware: first.compiler.hardware,
      role,
      referenceId: role === 'compared' ? referenceId : null,
      cases: { all: group.length, completed: count('completed'), failed: count('failed'), unavailable: count('unavailable') },
      pairedCases: role === 'compared' ? paired.length : 0,
      geomeanSpeedup,
    };
  });
}

export function resolveMetricsOptions(options: MetricsOptions = {}): { reference: ReferenceSpec; bootstrap: BootstrapSettings } {
  return {
    reference: options.reference ?? DEFAULT_REFERENCE,
    bootstrap: checkBootstrapSettings({ ...DEFAULT_BOOTSTRAP, ...options.bootstrap }),
  };
}

export function computeMetrics(run: RunResult, options: MetricsOptions = {}): MetricsSummary {
  const { reference, bootstrap: settings } = resolveMetricsOptions(options);
  const completed = completedOf(run.cases);
  const ctx: Context = {
    banks: banksOf(run.cases, settings, 'run'),
    settings,
    reference,
    completed: new Map(completed.map((c) => [identity(c), c])),
    notes: new Set(),
  };
  const friction = [
    ...groupBy(run.cases, (c) => frictionSeriesKey({ suite: c.suite, modelId: c.model.id, compilerId: c.compiler.id, depth: c.depth, dims: c.dims })).values(),
  ].map((g) => frictionSeries(ctx, g));
  const depth = [
    ...groupBy(
      run.cases.filter((c) => c.depth !== null),
      (c) => depthSeriesKey({ suite: c.suite, modelId: c.model.id, compilerId: c.compiler.id, batch: c.batch, dims: c.dims }),
    ).values(),
  ].map((g) => depthSeries(ctx, g));
  const orderings = groupOrderings(completed, comparisonGroupsOf(run), ctx.banks.ms, settings);
  const compilers = new Map(run.cases.map((c) => [c.compiler.id, c.compiler]));
  return {
    hardwareId: run.hardware.id,
    runComplete: run.complete,
    reference,
    bootstrap: settings,
    cases: completed
      .map((c) => caseMetrics(c, settings.confidence))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
    missing: missingPoints(run.cases),
    friction,
    depth,
    compileCost: compileCosts(ctx, completed),
    orderings,
    reversals: findReversals(orderings, compilers, reference),
    compilers: compilerSummaries(ctx, run.cases),
    notes: [...ctx.notes].sort(),
  };
}

