/**
 * `computeMetrics(run, options)`: every derived metric of one run, as plain data. Pure: reads nothing
 * but its arguments. Only completed cases enter a metric; the others are listed as missing points, and
 * a metric with too few points is null with a reason.
 */
import type { CaseResult, CompletedCase, RunResult } from '../results/schema.ts';
import { checkBootstrapSettings, DEFAULT_BOOTSTRAP, type BootstrapSettings } from '../stats/bootstrap.ts';
import { breakEvenInferences } from './compile-cost.ts';
import { depthFit, depthGain, depthSpeedup, perBlockSpeedup } from './depth.ts';
import { estimate, SampleBank } from './estimate.ts';
import { frictionBeta, kneeBatch, marginalBetas } from './friction.ts';
import { DEFAULT_REFERENCE, referenceFor, type ReferenceSpec } from './reference.ts';
import { archetypeOrderings, findReversals } from './reversals.ts';
import { depthSeriesKey, frictionSeriesKey, groupBy, identity, missingPoints } from './series.ts';
import { caseMetrics } from './throughput.ts';
import type {
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

/** Sample bank over a run's completed cases (domain `run`). */
export function runSampleBank(run: RunResult, settings: BootstrapSettings, domain = 'run'): SampleBank {
  return new SampleBank(new Map(completedOf(run.cases).map((c) => [c.key, c.samples])), settings, domain);
}

interface Context {
  readonly bank: SampleBank;
  readonly settings: BootstrapSettings;
  readonly reference: ReferenceSpec;
  /** Canonical identity → completed case. */
  readonly completed: ReadonlyMap<string, CompletedCase>;
  readonly compilerIds: ReadonlySet<string>;
  readonly notes: Set<string>;
}

/** The reference id for a case, or a note explaining why there is no comparison. */
function referenceOf(ctx: Context, c: CaseResult): { id: string } | { note: string } | null {
  const refId = referenceFor(c.compiler, ctx.reference);
  if (refId === null)
    return { note: `no reference configured for family ${c.compiler.family} on ${c.compiler.hardware}` };
  if (refId === c.compiler.id) return null;
  if (!ctx.compilerIds.has(refId)) {
    ctx.notes.add(`reference compiler ${refId} (for ${c.compiler.id}) has no completed case in this run; comparisons skipped`);
    return { note: `reference compiler ${refId} not measured in this run` };
  }
  return { id: refId };
}

function frictionSeries(ctx: Context, group: readonly CaseResult[]): FrictionSeries {
  const first = group[0] as CaseResult;
  const points = completedOf(group).sort((a, b) => a.batch - b.batch);
  const batches = points.map((p) => p.batch);
  const medians = points.map((p) => ctx.bank.median(p.key));
  const keys = points.map((p) => p.key);
  const beta = estimate('friction-beta', [{ bank: ctx.bank, keys }], ([m]) => frictionBeta(batches, m as number[]), ctx.settings);
  const marginal = marginalBetas(batches, medians);
  const ref = referenceOf(ctx, first);
  let comparison: FrictionComparison | null = null;
  let comparisonNote: string | undefined;
  if (ref !== null && 'note' in ref) comparisonNote = ref.note;
  else if (ref === null) comparisonNote = 'this compiler is the reference';
  else {
    const pairs = points
      .map((p) => ({ c: p, r: ctx.completed.get(identity(p, ref.id)) }))
      .filter((x): x is { c: CompletedCase; r: CompletedCase } => x.r !== undefined);
    const refBatches = [...ctx.completed.values()]
      .filter((r) => r.compiler.id === ref.id && r.suite === first.suite && r.model.id === first.model.id && r.depth === first.depth)
      .map((r) => r.batch);
    const common = pairs.map((x) => x.c.batch);
    const unmatched = [...new Set([...batches, ...refBatches])].filter((b) => !common.includes(b)).sort((a, b) => a - b);
    const mitigation = estimate(
      'friction-mitigation',
      [
        { bank: ctx.bank, keys: pairs.map((x) => x.r.key) },
        { bank: ctx.bank, keys: pairs.map((x) => x.c.key) },
      ],
      ([mr, mc]) => {
        const br = frictionBeta(common, mr as number[]);
        const bc = frictionBeta(common, mc as number[]);
        if (typeof br !== 'number') return { reason: `${br.reason} under both compilers` };
        if (typeof bc !== 'number') return { reason: `${bc.reason} under both compilers` };
        return br - bc;
      },
      ctx.settings,
    );
    const speedups = pairs.map(({ c, r }) => ({
      batch: c.batch,
      speedup: estimate(
        'batch-speedup',
        [{ bank: ctx.bank, keys: [r.key, c.key] }],
        ([m]) => depthSpeedup((m as number[])[0] as number, (m as number[])[1] as number),
        ctx.settings,
      ),
    }));
    comparison = { referenceId: ref.id, batches: common, unmatchedBatches: unmatched, mitigation, speedups };
  }
  return {
    series: frictionSeriesKey({ suite: first.suite, modelId: first.model.id, compilerId: first.compiler.id, depth: first.depth }),
    suite: first.suite,
    modelId: first.model.id,
    compilerId: first.compiler.id,
    hardware: first.compiler.hardware,
    depth: first.depth,
    points: points.map((p, i) => ({ batch: p.batch, key: p.key, medianMs: medians[i] as number })),
    missing: missingPoints(group),
    beta,
    marginal,
    knee: kneeBatch(marginal),
    comparison,
    ...(comparisonNote === undefined ? {} : { comparisonNote }),
  };
}

function depthSeries(ctx: Context, group: readonly CaseResult[]): DepthSeries {
  const first = group[0] as CaseResult;
  const points = completedOf(group).sort((a, b) => (a.depth as number) - (b.depth as number));
  const depths = points.map((p) => p.depth as number);
  const keys = points.map((p) => p.key);
  const part = [{ bank: ctx.bank, keys }];
  const fitPart = (which: 'alpha' | 'perBlock') => (m: readonly (readonly number[])[]) => {
    const fit = depthFit(depths, m[0] as number[]);
    return 'reason' in fit ? fit : fit[which];
  };
  const alpha = estimate('depth-alpha', part, fitPart('alpha'), ctx.settings);
  const perBlock = estimate('depth-per-block', part, fitPart('perBlock'), ctx.settings);
  const ref = referenceOf(ctx, first);
  let comparison: DepthComparison | null = null;
  let comparisonNote: string | undefined;
  if (ref !== null && 'note' in ref) comparisonNote = ref.note;
  else if (ref === null) comparisonNote = 'this compiler is the reference';
  else {
    const pairs = points
      .map((p) => ({ c: p, r: ctx.completed.get(identity(p, ref.id)) }))
      .filter((x): x is { c: CompletedCase; r: CompletedCase } => x.r !== undefined);
    const common = pairs.map((x) => x.c.depth as number);
    const refDepths = [...ctx.completed.values()]
      .filter((r) => r.compiler.id === ref.id && r.suite === first.suite && r.model.id === first.model.id && r.batch === first.batch && r.depth !== null)
      .map((r) => r.depth as number);
    const unmatched = [...new Set([...depths, ...refDepths])].filter((d) => !common.includes(d)).sort((a, b) => a - b);
    const parts = [
      { bank: ctx.bank, keys: pairs.map((x) => x.r.key) },
      { bank: ctx.bank, keys: pairs.map((x) => x.c.key) },
    ];
    comparison = {
      referenceId: ref.id,
      depths: common,
      unmatchedDepths: unmatched,
      speedups: pairs.map(({ c, r }) => ({
        depth: c.depth as number,
        speedup: estimate(
          'depth-speedup',
          [{ bank: ctx.bank, keys: [r.key, c.key] }],
          ([m]) => depthSpeedup((m as number[])[0] as number, (m as number[])[1] as number),
          ctx.settings,
        ),
      })),
      depthGain: estimate('depth-gain', parts, ([mr, mc]) => depthGain(common, mr as number[], mc as number[]), ctx.settings),
      perBlockSpeedup: estimate(
        'per-block-speedup',
        parts,
        ([mr, mc]) => perBlockSpeedup(common, mr as number[], mc as number[]),
        ctx.settings,
      ),
    };
  }
  return {
    series: depthSeriesKey({ suite: first.suite, modelId: first.model.id, compilerId: first.compiler.id, batch: first.batch }),
    suite: first.suite,
    modelId: first.model.id,
    compilerId: first.compiler.id,
    hardware: first.compiler.hardware,
    batch: first.batch,
    points: points.map((p) => ({ depth: p.depth as number, key: p.key, medianMs: ctx.bank.median(p.key) })),
    missing: missingPoints(group),
    alpha,
    perBlock,
    comparison,
    ...(comparisonNote === undefined ? {} : { comparisonNote }),
  };
}

function compileCosts(ctx: Context, cases: readonly CompletedCase[]): CompileCost[] {
  const out: CompileCost[] = [];
  for (const c of cases) {
    const ref = referenceOf(ctx, c);
    if (ref === null || 'note' in ref) continue;
    const r = ctx.completed.get(identity(c, ref.id));
    if (r === undefined) continue;
    const lr = ctx.bank.median(r.key);
    const lc = ctx.bank.median(c.key);
    out.push({
      key: c.key,
      referenceKey: r.key,
      compilerId: c.compiler.id,
      referenceId: ref.id,
      batch: c.batch,
      depth: c.depth,
      compileMs: c.compileMs,
      referenceCompileMs: r.compileMs,
      savingMs: lr - lc,
      breakEven: estimate(
        'break-even-inferences',
        [{ bank: ctx.bank, keys: [r.key, c.key] }],
        ([m]) => breakEvenInferences(c.compileMs, (m as number[])[0] as number, (m as number[])[1] as number),
        ctx.settings,
      ),
    });
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
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
    bank: runSampleBank(run, settings),
    settings,
    reference,
    completed: new Map(completed.map((c) => [identity(c), c])),
    compilerIds: new Set(completed.map((c) => c.compiler.id)),
    notes: new Set(),
  };
  const friction = [
    ...groupBy(run.cases, (c) => frictionSeriesKey({ suite: c.suite, modelId: c.model.id, compilerId: c.compiler.id, depth: c.depth })).values(),
  ].map((g) => frictionSeries(ctx, g));
  const depth = [
    ...groupBy(
      run.cases.filter((c) => c.depth !== null),
      (c) => depthSeriesKey({ suite: c.suite, modelId: c.model.id, compilerId: c.compiler.id, batch: c.batch }),
    ).values(),
  ].map((g) => depthSeries(ctx, g));
  const orderings = archetypeOrderings(completed, ctx.bank, settings);
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
    notes: [...ctx.notes].sort(),
  };
}

