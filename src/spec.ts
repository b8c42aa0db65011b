/**
 * The helper a spec file calls. A spec file names a model, a compiler and the sweep; this turns it into
 * ordinary Vitest cases (one per batch × depth) that measure with the harness and attach the
 * CaseResult to the case's meta, where the bench reporter collects it.
 *
 * ```ts
 * // benches/blocks/resnet-basic/ort-cpu-all.bench.ts
 * import { benchSpec } from '../../../src/spec.ts';
 * benchSpec({ model: 'resnet-basic', compiler: 'ort-cpu-all', batches: [1, 2, 4, 8], depths: [1, 2, 4] });
 * ```
 */
import { describe, test } from 'vitest';
import { buildModel, getFixture, loadUserModel, type BuiltModel } from '../fixtures/index.ts';
import { compilerHardware, createAdapter, REFERENCE_COMPILER } from './adapters/registry.ts';
import { parseSlowdowns, SlowedAdapter, slowdownFor } from './adapters/slowed.ts';
import type { CompilerAdapter, GpuInfo } from './adapters/types.ts';
import { createEngine } from './harness/engines.ts';
import type { MeasureOptions } from './harness/engine.ts';
import { measureCase, type CaseModel } from './harness/measure-case.ts';
import { loadGateConfig } from './gate/config.ts';
import { referenceFor } from './metrics/reference.ts';
import { outputDirsFromEnv } from './output-dirs.ts';
import { getProfile, sweepValues } from './profiles.ts';
import { caseKey, type CaseResult, type Suite } from './results/schema.ts';
import { selectionFromEnv } from './selection.ts';

declare module 'vitest' {
  interface TaskMeta {
    /** The measured result of a bench case, collected by the bench reporter. */
    caseResult?: CaseResult;
    /** The GPU adapter a GPU compiler ran on, for the hardware fingerprint. */
    gpu?: GpuInfo | null;
  }
}

/** A model a user brings as an ONNX file. */
export interface UserModelRef {
  /** Name used in keys and reports, e.g. `my-net`. */
  readonly name: string;
  /** Path to the .onnx file, relative to the project root or absolute. */
  readonly path: string;
  /** Input to feed; @default the model's first input */
  readonly inputName?: string;
  /** Shape of one sample without the batch dimension; @default read from the model (fixed dims only) */
  readonly sampleShape?: readonly number[];
}

export interface BenchSpec {
  /** A block or archetype id from `fixtures/`, or a user's ONNX model. */
  readonly model: string | UserModelRef;
  /** A compiler id from the registry (`ort-cpu-all`, …), or an adapter instance (tests, custom runtimes). */
  readonly compiler: string | CompilerAdapter;
  /** Batch sizes to sweep. */
  readonly batches: readonly number[];
  /** Depths to sweep (blocks only: the block repeated d times). */
  readonly depths?: readonly number[];
  /** Overrides of the profile's measuring options for this spec. */
  readonly measure?: Partial<MeasureOptions>;
  /** Overrides the profile's number of sessions per case. */
  readonly sessions?: number;
}

interface ResolvedModel {
  readonly suite: Suite;
  readonly name: string;
  readonly build: (depth: number | null) => Promise<CaseModel>;
  readonly hasDepth: boolean;
}

function resolveModel(ref: string | UserModelRef): ResolvedModel {
  if (typeof ref !== 'string') {
    let loaded: Promise<BuiltModel> | undefined;
    return {
      suite: 'models',
      name: ref.name,
      hasDepth: false,
      build: async () => toCaseModel(ref.name, await (loaded ??= loadUserModel(ref))),
    };
  }
  const fixture = getFixture(ref); // throws, listing the valid ids, for an unknown one
  const built = new Map<number | null, CaseModel>();
  return {
    suite: fixture.kind === 'block' ? 'blocks' : 'archetypes',
    name: ref,
    hasDepth: fixture.kind === 'block',
    build: async (depth) => {
      let model = built.get(depth);
      if (model === undefined) {
        model = toCaseModel(ref, buildModel(ref, depth === null ? {} : { depth }));
        built.set(depth, model);
      }
      return model;
    },
  };
}

function toCaseModel(name: string, model: BuiltModel): CaseModel {
  return { ...model, name };
}

function positiveIntegers(what: string, values: readonly number[]): void {
  if (values.length === 0 || values.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new Error(`${what} must be a non-empty list of positive whole numbers, got [${values.join(', ')}]`);
  }
}

// Ctrl-C in a terminal signals the whole process group, the Vitest worker running the cases included.
// Under the bench CLI, which then stops the run and writes the cases that finished, the worker must not
// die first (the run would end in a "Worker forks emitted error"): it ignores SIGINT and leaves the
// stopping to the CLI (Vitest itself stops its workers with SIGTERM).
if (process.env.GCB_CLI_PID !== undefined && process.env.GCB_CLI_PID !== String(process.pid)) {
  process.on('SIGINT', () => {});
}

export function benchSpec(spec: BenchSpec): void {
  const selection = selectionFromEnv();
  const profile = getProfile(selection.profile);
  const model = resolveModel(spec.model);
  const compilerId = typeof spec.compiler === 'string' ? spec.compiler : spec.compiler.id;
  const hardware = typeof spec.compiler === 'string' ? compilerHardware(compilerId) : spec.compiler.hardware;

  positiveIntegers(`${model.name}/${compilerId}: batches`, spec.batches);
  if (model.hasDepth) {
    if (spec.depths === undefined) throw new Error(`${model.name}/${compilerId}: a block spec must name its depths`);
    positiveIntegers(`${model.name}/${compilerId}: depths`, spec.depths);
  } else if (spec.depths !== undefined) {
    throw new Error(`${model.name}/${compilerId}: depths apply to blocks only; ${model.name} is not a block`);
  }

  const selected =
    (selection.hardware === 'all' || selection.hardware === hardware) &&
    (selection.compilers === null || selection.compilers.includes(compilerId)) &&
    (selection.models === null || selection.models.includes(model.name));
  const batches = sweepValues(spec.batches, profile.sweep).filter((b) => selection.batches?.includes(b) ?? true);
  const depths: (number | null)[] = model.hasDepth
    ? sweepValues(spec.depths ?? [], profile.sweep).filter((d) => selection.depths?.includes(d) ?? true)
    : [null];
  const title = `${model.suite}/${model.name}/${compilerId}`;

  if (!selected || batches.length === 0 || depths.length === 0) {
    // Vitest fails a file without cases; a skipped one says why nothing ran.
    test.skip(`${title}: not selected by the current filters`, () => {});
    return;
  }

  const slowed = (created: CompilerAdapter): CompilerAdapter => {
    const slowdown = slowdownFor(parseSlowdowns(process.env.GCB_TEST_SLOWDOWN), created.id);
    return slowdown === undefined ? created : new SlowedAdapter(created, slowdown);
  };
  let adapter: Promise<CompilerAdapter> | undefined;
  const getAdapter = (): Promise<CompilerAdapter> =>
    (adapter ??= (async () => slowed(typeof spec.compiler === 'string' ? await createAdapter(spec.compiler) : spec.compiler))());
  // The reference the gate compares this compiler with (gate.config.json), measured alongside it.
  let paired: Promise<CompilerAdapter | null> | undefined;
  const getPaired = (compiler: CompilerAdapter): Promise<CompilerAdapter | null> =>
    (paired ??= (async () => {
      const config = await loadGateConfig(outputDirsFromEnv().gateConfigPath);
      const id = referenceFor(compiler, config.reference);
      return id === null || id === compiler.id ? null : slowed(await createAdapter(id));
    })());
  const reference = compilerId === REFERENCE_COMPILER ? null : createAdapter(REFERENCE_COMPILER);
  const referenceCache = new Map<string, Float32Array>();
  const engine = createEngine(selection.engine);
  const timeoutMs = caseTimeoutMs();

  describe(title, () => {
    for (const depth of depths) {
      for (const batch of batches) {
        const key = caseKey({ suite: model.suite, modelId: model.name, compilerId, batch, depth });
        test(key, async ({ task, skip }) => {
          const compiler = await getAdapter();
          const result = await measureCase({
            suite: model.suite,
            model: await model.build(depth),
            adapter: compiler,
            reference: reference === null ? null : await reference,
            pairedReference: await getPaired(compiler),
            batch,
            engine: await engine,
            measure: { ...profile.measure, ...spec.measure },
            timeoutMs,
            referenceCache,
            sessions: spec.sessions ?? profile.sessions,
          });
          task.meta.caseResult = result;
          task.meta.gpu = compiler.gpuInfo ? await compiler.gpuInfo() : null;
          if (result.state === 'failed') {
            throw new Error(`${result.key} failed in ${result.phase}: ${result.error}`);
          }
          if (result.state === 'unavailable') skip(`unavailable: ${result.reason}`);
        });
      }
    }
  });
}

function caseTimeoutMs(): number {
  const text = process.env.GCB_CASE_TIMEOUT_MS;
  if (text === undefined || text === '') return 120_000;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`GCB_CASE_TIMEOUT_MS must be a positive number of milliseconds, got "${text}"`);
  }
  return value;
}
