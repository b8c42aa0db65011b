/**
 * A Node worker (docs/worker-protocol.md): this checkout's compilers, fixtures and spec files as a
 * system under test in its own process. `pnpm bench --compare <ref>` starts one from each side's
 * checkout (`node --import tsx src/worker/node-worker.ts`, cwd = that checkout), so the base side runs
 * the base's adapters, models and node_modules and the head side the head's, and both are driven over
 * the same protocol. Each call is timed here, next to the runtime; only keys, numbers and bytes leave.
 *
 * stdout carries the protocol alone: anything a runtime logs goes to stderr.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { COMPILER_IDS, compilerHardware, compilerDescription } from '../adapters/registry.ts';
import type { CompiledModel, CompilerAdapter, PreparedRun } from '../adapters/types.ts';
import type { CaseModel } from '../harness/measure-case.ts';
import { OUT_OF_MEMORY } from '../harness/measure-case.ts';
import { packageVersion } from '../harness/package-version.ts';
import { collectSpecs, planCases, specFilesUnder, type CollectedSpec, type SingleCompilerSpec, type PlannedCase, type RunPlan } from '../plan.ts';
import { DEFAULT_PLAN, plannedAdapter, plannedModel } from '../run-case.ts';
import { deterministicFeeds } from '../harness/input.ts';
import { float32ToBase64, PROTOCOL_VERSION, type WorkerPhase } from './protocol.ts';

// The protocol owns stdout; a runtime's chatter must not break it.
const protocolOut = process.stdout.write.bind(process.stdout);
console.log = console.info = console.debug = (...args: unknown[]) => process.stderr.write(`${args.map(String).join(' ')}\n`);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) =>
  (process.stderr.write as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest)) as typeof process.stdout.write;

class Failure extends Error {
  constructor(
    message: string,
    readonly phase: WorkerPhase,
  ) {
    super(message);
  }
}

interface Handle {
  readonly planned: PlannedCase;
  readonly adapter: CompilerAdapter;
  readonly model: CaseModel;
  input: Float32Array | null;
  compiled: CompiledModel | null;
  prepared: PreparedRun | null;
}

const root = process.cwd();
let specs: readonly CollectedSpec[] = [];
const cases = new Map<string, PlannedCase>();
const handles = new Map<string, Handle>();

const messageOf = (error: unknown): string => (error instanceof Error ? error.message || error.name : String(error));

async function inPhase<T>(phase: WorkerPhase, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof Failure) throw error;
    const message = messageOf(error);
    throw new Failure(message, OUT_OF_MEMORY.test(message) ? 'out-of-memory' : phase);
  }
}

function handleOf(request: Record<string, unknown>): Handle {
  const handle = handles.get(String(request.handle));
  if (handle === undefined) throw new Failure(`no loaded handle "${String(request.handle)}"`, 'protocol');
  return handle;
}

const specOf = (planned: PlannedCase): SingleCompilerSpec | null =>
  specs.find((s) => s.file === planned.specFile && (typeof s.spec.compiler === 'string' ? s.spec.compiler : s.spec.compiler.id) === planned.compiler)?.spec ?? null;

type Answer = Record<string, unknown>;

const OPS: Record<string, (request: Record<string, unknown>) => Promise<Answer>> = {
  async hello(request) {
    const asked = Number(request.protocol);
    if (!Number.isInteger(asked) || asked < 1) throw new Failure(`hello asked for protocol ${String(request.protocol)}; this worker speaks ${PROTOCOL_VERSION}`, 'protocol');
    const runtimes: Record<string, string> = { node: process.version };
    for (const name of ['onnxruntime-node', 'onnxruntime-web', '@tensorflow/tfjs-core']) {
      const version = packageVersion(name);
      if (version !== null) runtimes[name] = version;
    }
    return {
      protocol: Math.min(asked, PROTOCOL_VERSION),
      worker: { name: 'node', version: packageVersion('graph-compiler-bench') ?? readOwnVersion() },
      runtimes,
      compilers: COMPILER_IDS.map((id) => ({ id, hardware: compilerHardware(id), family: 'registry', description: compilerDescription(id), available: true })),
      device: null,
    };
  },

  async list(request) {
    const plan = request as unknown as Pick<RunPlan, 'selection' | 'namePattern' | 'fileFilters' | 'specDir'>;
    const files = (await specFilesUnder(root, plan.specDir)).filter(
      (file) => plan.fileFilters.length === 0 || plan.fileFilters.some((filter) => file.includes(filter)),
    );
    const collected = await collectSpecs(root, files);
    const planned = planCases(collected.specs, { selection: plan.selection, namePattern: plan.namePattern });
    specs = collected.specs;
    cases.clear();
    for (const c of planned.cases) cases.set(c.key, c);
    return {
      cases: planned.cases.map((c) => ({ key: c.key, compiler: c.compiler, hardware: c.hardware })),
      errors: [...collected.errors, ...planned.errors],
    };
  },

  async load(request) {
    const key = String(request.key);
    const planned = cases.get(key);
    if (planned === undefined) return { available: false, reason: `this checkout does not define ${key} for the selection` };
    const compilerId = typeof request.compiler === 'string' ? request.compiler : planned.compiler;
    const settings = (request.settings ?? {}) as { testSlowdown?: string | null; ortThreads?: number | null };
    const plan = { ...DEFAULT_PLAN, ortThreads: settings.ortThreads ?? null };
    const adapter = await inPhase('load', () => plannedAdapter(compilerId, compilerId === planned.compiler ? specOf(planned) : null, plan, settings.testSlowdown ?? null));
    const model = await inPhase('load', () => plannedModel(planned));
    const described = {
      compiler: { id: adapter.id, family: adapter.family, hardware: adapter.hardware, settings: { ...adapter.settings }, versions: { ...(await adapter.versions()) } },
      model: { hash: model.hash, flopsPerSample: model.flopsPerSample, params: model.params, sampleShape: [...model.sampleShape], kind: model.kind },
    };
    const availability = await adapter.availability();
    if (!availability.available) return { available: false, reason: availability.reason, ...described };
    handles.set(String(request.handle), { planned, adapter, model, input: null, compiled: null, prepared: null });
    return { available: true, ...described };
  },

  async prepare(request) {
    const handle = handleOf(request);
    const inputs = request.inputs as { dtype: string; data: string }[] | undefined;
    const first = inputs?.[0];
    if (first === undefined || first.dtype !== 'float32') throw new Failure('prepare needs one float32 input', 'protocol');
    const bytes = Buffer.from(first.data, 'base64');
    handle.input = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    return {};
  },

  async compile(request) {
    const handle = handleOf(request);
    if (handle.input === null) throw new Failure('compile before prepare', 'protocol');
    const input = handle.input;
    const start = performance.now();
    handle.compiled = await inPhase('compile', () => handle.adapter.compile(handle.model));
    const compiled = handle.compiled;
    // A model of several inputs is fed what this side builds from the same seeds as the other side (src/harness/input.ts).
    const inputs = handle.model.inputs;
    handle.prepared = await inPhase('run', () =>
      inputs === undefined ? compiled.prepare(input, handle.planned.batch) : compiled.prepare(input, handle.planned.batch, deterministicFeeds(inputs, handle.planned.batch)),
    );
    return { compileMs: handle.prepared.compileMs ?? performance.now() - start, mode: handle.prepared.mode };
  },

  async run(request) {
    const prepared = handleOf(request).prepared;
    if (prepared === null) throw new Failure('run before compile', 'protocol');
    const calls = Number(request.calls);
    if (!Number.isInteger(calls) || calls < 1) throw new Failure(`run needs calls >= 1, got ${String(request.calls)}`, 'protocol');
    if (prepared.timedCalls) return { times: [...(await inPhase('run', () => (prepared.timedCalls as (k: number) => Promise<readonly number[]>)(calls)))] };
    const times: number[] = new Array<number>(calls);
    for (let i = 0; i < calls; i++) {
      const t0 = performance.now();
      try {
        await prepared.run();
      } catch (error) {
        throw new Failure(messageOf(error), OUT_OF_MEMORY.test(messageOf(error)) ? 'out-of-memory' : 'run');
      }
      times[i] = performance.now() - t0;
    }
    return { times };
  },

  async output(request) {
    const handle = handleOf(request);
    const prepared = handle.prepared;
    if (prepared === null) throw new Failure('output before compile', 'protocol');
    const values = await inPhase('output', () => prepared.output());
    return { outputs: [{ name: handle.model.outputName, dtype: 'float32', shape: [values.length], data: float32ToBase64(values) }] };
  },

  async dispose(request) {
    const handle = handles.get(String(request.handle));
    handles.delete(String(request.handle));
    try {
      await handle?.prepared?.release();
    } finally {
      await handle?.compiled?.dispose();
    }
    const deviceBytes = handle?.adapter.deviceMemoryBytes ? await handle.adapter.deviceMemoryBytes() : null;
    return { memory: { rssPeakBytes: process.resourceUsage().maxRSS * 1024, deviceBytes } };
  },
};

function readOwnVersion(): string {
  try {
    return (JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function send(message: Answer): void {
  protocolOut(`${JSON.stringify(message)}\n`);
}

async function serve(line: string): Promise<boolean> {
  let request: Record<string, unknown>;
  try {
    request = JSON.parse(line) as Record<string, unknown>;
  } catch {
    send({ id: -1, ok: false, error: { message: `not JSON: ${line.slice(0, 100)}`, phase: 'protocol' } });
    return true;
  }
  const id = request.id;
  const op = String(request.op);
  if (op === 'shutdown') {
    send({ id, ok: true });
    return false;
  }
  const handler = OPS[op];
  if (handler === undefined) {
    send({ id, ok: false, error: { message: `unknown op "${op}"`, phase: 'protocol' } });
    return true;
  }
  try {
    send({ id, ok: true, ...(await handler(request)) });
  } catch (error) {
    const phase = error instanceof Failure ? error.phase : 'run';
    send({ id, ok: false, error: { message: messageOf(error), phase } });
  }
  return true;
}

// One request at a time, in order; the worker ends when stdin closes or on shutdown.
const lines = createInterface({ input: process.stdin });
const queue: string[] = [];
let busy = false;
let closed = false;
lines.on('line', (line) => {
  if (line.trim() === '') return;
  queue.push(line);
  void drain();
});
lines.on('close', () => {
  closed = true;
  if (!busy) process.exit(0);
});
async function drain(): Promise<void> {
  if (busy) return;
  busy = true;
  while (queue.length > 0) {
    const keepGoing = await serve(queue.shift() as string);
    if (!keepGoing) process.exit(0);
  }
  busy = false;
  if (closed) process.exit(0);
}
