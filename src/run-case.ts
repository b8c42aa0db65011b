/**
 * What a registered bench case does when Vitest runs it: measure one planned case, in this process
 * (single mode: the compiler with its reference and the anchor alongside), or side by side with the
 * base checkout's worker (paired mode, src/compare/coordinator.ts). The run plan is the only input
 * that crosses from the CLI into the Vitest worker (GCB_PLAN names its file).
 */
import { readFileSync } from 'node:fs';
import { buildModel, loadUserModel, type BuiltModel } from '../fixtures/index.ts';
import { createAdapter, REFERENCE_COMPILER } from './adapters/registry.ts';
import { parseSlowdowns, SlowedAdapter, slowdownFor, slowsModels } from './adapters/slowed.ts';
import type { CompilerAdapter, GpuInfo } from './adapters/types.ts';
import { createEngine } from './harness/engines.ts';
import type { MeasuringEngine } from './harness/engine.ts';
import { measureCase, type CaseModel } from './harness/measure-case.ts';
import { DEFAULT_REFERENCE, referenceFor } from './metrics/reference.ts';
import { ARCHETYPES_GROUP, parsePlan, type PlannedCase, type RunPlan, type SingleCompilerSpec } from './plan.ts';
import type { CaseResult } from './results/schema.ts';

/** The plan of a run started without the CLI (a bare `vitest run --project bench`). */
export const DEFAULT_PLAN: RunPlan = {
  planVersion: 1,
  commandLine: [],
  mode: 'single',
  profile: 'default',
  engine: 'tinybench',
  hardware: 'all',
  filters: {},
  selection: { compilers: null, models: null, batches: null, depths: null, hardware: 'all', profile: 'default', engine: 'tinybench' },
  namePattern: null,
  fileFilters: [],
  caseTimeoutMs: 120_000,
  ortThreads: null,
  testSlowdown: { head: null, base: null },
  reference: DEFAULT_REFERENCE,
  seed: 0,
  pairedRounds: null,
  pairedSessions: 2,
  project: 'bench',
  specDir: 'benches',
  cases: [],
  comparisonGroups: [ARCHETYPES_GROUP],
  compare: null,
};

let plan: RunPlan | null | undefined;

/** The plan the CLI handed over, read once per process; null when there is none. */
export function activePlan(): RunPlan | null {
  if (plan === undefined) {
    const path = process.env.GCB_PLAN;
    plan = path === undefined || path === '' ? null : parsePlan(readFileSync(path, 'utf8'), path);
  }
  return plan;
}

export interface Measured {
  readonly result: CaseResult;
  /** Paired mode: the base side's result (null when the base does not define the case). */
  readonly baseResult: CaseResult | null;
  readonly gpu: GpuInfo | null;
}

export async function measurePlanned(planned: PlannedCase, spec: SingleCompilerSpec, runPlan: RunPlan): Promise<Measured> {
  if (runPlan.mode === 'paired') {
    const { measurePairedCase } = await import('./compare/coordinator.ts');
    return measurePairedCase(planned, runPlan);
  }
  return measureSingle(planned, spec, runPlan);
}

// In-process measurement. Adapters, models and reference outputs are kept for the process's life (one
// spec file's cases, or the whole run when Vitest shares one process between files).
const adapters = new Map<string, Promise<CompilerAdapter>>();
const models = new Map<string, Promise<CaseModel>>();
const referenceOutputs = new Map<string, Float32Array>();
let engine: Promise<MeasuringEngine> | undefined;

/** The compiler as the run measures it: the registry's (or the spec's own instance), slowed when a test asks. */
export function plannedAdapter(id: string, spec: SingleCompilerSpec | null, runPlan: RunPlan, slowdownText: string | null): Promise<CompilerAdapter> {
  const memo = `${id} ${slowdownText ?? ''}`;
  let adapter = adapters.get(memo);
  if (adapter === undefined) {
    adapter = (async () => {
      const own = spec !== null && typeof spec.compiler !== 'string' && spec.compiler.id === id ? spec.compiler : null;
      const created = own ?? (await createAdapter(id, { ortThreads: runPlan.ortThreads }));
      const slowdowns = parseSlowdowns(slowdownText ?? undefined);
      const slowdown = slowdownFor(slowdowns, id);
      if (slowdown !== undefined) return new SlowedAdapter(created, slowdown);
      // A model's slowdown applies under every compiler: decided per model when it is compiled.
      return slowsModels(slowdowns) ? new SlowedAdapter(created, (model) => slowdownFor(slowdowns, id, model.id.split('/')[0])) : created;
    })();
    adapters.set(memo, adapter);
  }
  return adapter;
}

/** The planned case's model, built from this checkout's fixtures or read from the user's file. */
export function plannedModel(planned: Pick<PlannedCase, 'model' | 'depth' | 'dims'>): Promise<CaseModel> {
  const dims = planned.dims ?? {};
  const memo =
    typeof planned.model === 'string'
      ? `${planned.model}/d=${planned.depth ?? '-'}`
      : `user:${planned.model.name}:${planned.model.path}:${JSON.stringify(Object.entries(dims).sort())}`;
  let model = models.get(memo);
  if (model === undefined) {
    const ref = planned.model;
    model = (async (): Promise<CaseModel> => {
      if (typeof ref !== 'string') return { ...(await loadUserModel(ref, dims)), name: ref.name };
      const built: BuiltModel = buildModel(ref, planned.depth === null ? {} : { depth: planned.depth });
      return { ...built, name: ref };
    })();
    models.set(memo, model);
    // A model that fails to load is not cached: the next case reports the same error itself.
    model.catch(() => models.delete(memo));
  }
  return model;
}

async function measureSingle(planned: PlannedCase, spec: SingleCompilerSpec, runPlan: RunPlan): Promise<Measured> {
  const slowdown = runPlan.testSlowdown.head;
  const compiler = await plannedAdapter(planned.compiler, spec, runPlan, slowdown);
  // The reference the gate compares this compiler with, measured alongside it.
  const pairedId = referenceFor(compiler, runPlan.reference);
  const paired = pairedId === null || pairedId === compiler.id ? null : await plannedAdapter(pairedId, null, runPlan, slowdown);
  const reference = compiler.id === REFERENCE_COMPILER ? null : await plannedAdapter(REFERENCE_COMPILER, null, runPlan, null);
  const result = await measureCase({
    suite: planned.suite,
    model: await plannedModel(planned),
    adapter: compiler,
    reference,
    pairedReference: paired,
    batch: planned.batch,
    engine: await (engine ??= createEngine(runPlan.engine)),
    measure: planned.measure,
    timeoutMs: runPlan.caseTimeoutMs,
    referenceCache: referenceOutputs,
    sessions: planned.sessions,
  });
  return { result, baseResult: null, gpu: compiler.gpuInfo ? await compiler.gpuInfo() : null };
}
