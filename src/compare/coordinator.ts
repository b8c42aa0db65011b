/**
 * Paired measurement of one case (`pnpm bench --compare <ref>`), as Chromium's Pinpoint and duet
 * benchmarking do it: the head's and the base's checkouts each run in their own long-lived worker
 * process (src/worker/node-worker.ts, started from each side's tree), and the coordinator — this
 * Vitest case — has them run the case in alternating rounds, a block of calls each, in a balanced,
 * seeded AB/BA order. Drift slows both halves of a round alike, so the per-round head/base ratio does
 * not drift; a round in which one side was disturbed is set aside with its partner.
 *
 * Each side's result is an ordinary CaseResult (its own compiler versions, model hash, correctness
 * against its own reference, samples in the order taken), marked as paired; the verdict is computed
 * from the two files afterwards (src/gate/paired.ts). The workers time every call themselves.
 */
import { REFERENCE_COMPILER } from '../adapters/registry.ts';
import { createEngine } from '../harness/engines.ts';
import { DEFAULT_MEASURE_OPTIONS, sessionShare, type MeasureOptions, type MeasuringEngine, type StopReason } from '../harness/engine.ts';
import { deterministicInput } from '../harness/input.ts';
import { measureInterleaved, pairedOrder, ArmError, type Arm } from '../harness/interleave.ts';
import { relativeL2, firstNonFinite } from '../harness/compare.ts';
import { TOLERANCE } from '../harness/measure-case.ts';
import { summarizeLatency } from '../harness/summary.ts';
import { getProfile } from '../profiles.ts';
import type { PlannedCase, RunPlan } from '../plan.ts';
import type { Measured } from '../run-case.ts';
import { quietSamples, roundMedians } from '../results/ratios.ts';
import type { CaseResult, Correctness, FailurePhase } from '../results/schema.ts';
import { deriveSeed } from '../stats/prng.ts';
import { median } from '../stats/quantile.ts';
import { WorkerClient, WorkerError } from '../worker/client.ts';
import {
  CompileAnswerSchema,
  DisposeAnswerSchema,
  EmptyAnswerSchema,
  float32ToBase64,
  ListAnswerSchema,
  LoadAnswerSchema,
  OutputAnswerSchema,
  RunAnswerSchema,
  wireTensorToFloat32,
  type LoadAnswer,
} from '../worker/protocol.ts';
import { nodeWorkerCommand, pinProcess } from './setup.ts';

export type SideName = 'head' | 'base';

/**
 * A round in which one side's block ran this much slower than that side's median block was disturbed
 * (a neighbour, an interrupt storm): it is set aside together with the other side's block of the same
 * round. A slowdown of the code itself moves the side's median with it and sets nothing aside.
 */
export const PAIRED_DISTURBANCE_TOLERANCE = 0.25;
/** Quiet rounds a case must keep for its disturbed ones to be set aside; with fewer, none is. */
export const MIN_QUIET_PAIRS = 4;

/** The rounds (0-based, ascending) in which either side was disturbed; none when too few would stay. Pure. */
export function disturbedPairs(headRounds: readonly number[], baseRounds: readonly number[], tolerance = PAIRED_DISTURBANCE_TOLERANCE): number[] {
  const rounds = Math.min(headRounds.length, baseRounds.length);
  const medianOf = (values: readonly number[]): number => (rounds === 0 ? 0 : median(values.slice(0, rounds)));
  const headMedian = medianOf(headRounds);
  const baseMedian = medianOf(baseRounds);
  const excluded: number[] = [];
  for (let r = 0; r < rounds; r++) {
    if ((headRounds[r] as number) > headMedian * (1 + tolerance) || (baseRounds[r] as number) > baseMedian * (1 + tolerance)) excluded.push(r);
  }
  return rounds - excluded.length >= MIN_QUIET_PAIRS ? excluded : [];
}

// ---------------------------------------------------------------------------------------------
// The two sides' workers, alive for the whole run (Vitest keeps one process for all spec files in
// paired mode), started again after one dies.

const workers = new Map<string, Promise<WorkerClient>>();

/**
 * Which worker process of a side runs a compiler: one shared by all, except onnxruntime-web's, which
 * fixes its WebAssembly thread count once per process (src/adapters/ort-web.ts) — in one shared worker
 * `ort-wasm-t1` was unavailable whenever `ort-wasm-t2` came first. Each thread count gets processes of
 * its own, kept for the run like the shared ones (the spec files alternate between the two counts, and
 * starting workers again at each switch cost 3–4 s a case).
 */
export function workerGroupOf(compilerId: string): string {
  const wasm = /^ort-wasm-t(\d+)/.exec(compilerId);
  return wasm === null ? 'shared' : `onnxruntime-web threads=${wasm[1]}`;
}

/**
 * Worker processes per side and group: session pair j of a case runs in process pair j mod 2. A
 * long-lived process carries a bias of its own (where its heap and code landed): on the 2-core VM one
 * head worker ran a case 35% and another 11% slower than the base's through both session pairs of the
 * same two processes, and the gate took both for changes. With each pair in processes of its own, such
 * a bias differs between a case's pairs, and the gate's between-pair variance sees it.
 */
export const WORKER_PAIRS = 2;

const workerKey = (side: SideName, group: string, slot: number): string => `${side}/${group}#${slot}`;

function sideTree(plan: RunPlan, side: SideName): string {
  const compare = plan.compare;
  if (compare === null) throw new Error('a paired case needs a plan with a comparison');
  return side === 'head' ? compare.head.tree : compare.base.tree;
}

/** Starts one worker of a side and group: unpinned, then pinned to the run's CPUs once it has listed its cases. */
function startWorker(plan: RunPlan, side: SideName, group: string, slot: number): Promise<WorkerClient> {
  return (async () => {
    const sha = side === 'head' ? plan.compare?.head.sha : plan.compare?.base.sha;
    const tree = sideTree(plan, side);
    const command = nodeWorkerCommand(tree, null);
    if (command === null) throw new WorkerError(`${tree} has no worker to start (${side} side)`, 'died');
    const client = await WorkerClient.start({
      name: `${side} worker ${slot + 1}${sha ? ` (${sha.slice(0, 12)})` : ''}${group === 'shared' ? '' : ` for ${group}`}`,
      ...command,
      cwd: tree,
      startTimeoutMs: 60_000,
      requestTimeoutMs: plan.caseTimeoutMs,
    });
    try {
      await client.request('list', { selection: plan.selection, namePattern: plan.namePattern, fileFilters: plan.fileFilters, specDir: plan.specDir }, ListAnswerSchema);
      const cpus = plan.compare?.workerCpus ?? null;
      if (cpus !== null && client.pid !== undefined) await pinProcess(client.pid, cpus);
    } catch (error) {
      client.kill();
      throw error instanceof WorkerError ? error : new WorkerError(`${client.name} could not be pinned to CPUs ${plan.compare?.workerCpus}: ${(error as Error).message}`, 'died');
    }
    return client;
  })();
}

async function workerOf(plan: RunPlan, side: SideName, group: string, slot: number): Promise<WorkerClient> {
  const key = workerKey(side, group, slot);
  const existing = workers.get(key);
  if (existing !== undefined) {
    const client = await existing.catch(() => null);
    if (client !== null && client.deadReason === null) return client;
    workers.delete(key);
  }
  // The group's first case needs all its processes soon (both sides, every session pair): they start
  // together, on every core, before anything is measured (on the 2-core VM one start is about 3 s).
  const sides: SideName[] = plan.compare === null ? [side] : ['head', 'base'];
  for (const s of sides) {
    for (let j = 0; j < WORKER_PAIRS; j++) {
      const k = workerKey(s, group, j);
      if (workers.has(k)) continue;
      const started = startWorker(plan, s, group, j);
      // Handled where it is awaited (a failed start is the case's failure); until then it must not be an unhandled rejection.
      started.catch(() => undefined);
      workers.set(k, started);
    }
  }
  return workers.get(key) as Promise<WorkerClient>;
}

let engine: Promise<MeasuringEngine> | undefined;
/** Reference outputs per side, model hash and batch: computed once, checked against by every compiler. */
const referenceOutputs = new Map<string, Float32Array>();
let nextHandle = 1;

class SideFailure extends Error {
  constructor(
    readonly side: SideName,
    readonly phase: FailurePhase,
    message: string,
  ) {
    super(message);
  }
}

const phaseOf = (error: unknown, fallback: FailurePhase): FailurePhase => {
  if (!(error instanceof WorkerError)) return fallback;
  switch (error.phase) {
    case 'load':
    case 'compile':
    case 'run':
    case 'output':
    case 'out-of-memory':
    case 'timeout':
      return error.phase;
    default:
      return fallback;
  }
};

interface Loaded {
  readonly side: SideName;
  readonly client: WorkerClient;
  readonly handle: string;
  readonly answer: Extract<LoadAnswer, { available: true }>;
  compileMs: number;
  mode: 'end-to-end' | 'compute-only';
  correctness: Correctness | null;
}

async function step<T>(side: SideName, phase: FailurePhase, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SideFailure) throw error;
    throw new SideFailure(side, phaseOf(error, phase), error instanceof Error ? error.message : String(error));
  }
}

/** Loads, binds the input and compiles the planned compiler (or `compilerId`) on one side. */
async function open(client: WorkerClient, side: SideName, planned: PlannedCase, plan: RunPlan, compilerId: string): Promise<Loaded | { unavailable: string; answer: LoadAnswer }> {
  const handle = `h${nextHandle++}`;
  const settings = { testSlowdown: side === 'head' ? plan.testSlowdown.head : plan.testSlowdown.base, ortThreads: plan.ortThreads };
  const answer = await step(side, 'load', () => client.request('load', { handle, key: planned.key, compiler: compilerId, settings }, LoadAnswerSchema));
  if (!answer.available) return { unavailable: answer.reason, answer };
  const sampleShape = answer.model?.sampleShape ?? [];
  const input = deterministicInput(planned.batch * sampleShape.reduce((a, b) => a * b, 1));
  await step(side, 'load', () =>
    client.request('prepare', { handle, inputs: [{ name: 'input', dtype: 'float32', shape: [planned.batch, ...sampleShape], data: float32ToBase64(input) }] }, EmptyAnswerSchema),
  );
  const compiled = await step(side, 'compile', () => client.request('compile', { handle }, CompileAnswerSchema));
  return { side, client, handle, answer, compileMs: compiled.compileMs, mode: compiled.mode ?? answer.mode ?? 'end-to-end', correctness: null };
}

async function outputOf(loaded: Pick<Loaded, 'client' | 'handle' | 'side'>): Promise<Float32Array> {
  const answer = await step(loaded.side, 'output', () => loaded.client.request('output', { handle: loaded.handle }, OutputAnswerSchema));
  return wireTensorToFloat32(answer.outputs[0] as (typeof answer.outputs)[number]);
}

async function close(loaded: Pick<Loaded, 'client' | 'handle'>): Promise<{ rssPeakBytes: number; deviceBytes: number | null } | null> {
  if (loaded.client.deadReason !== null) return null;
  try {
    return (await loaded.client.request('dispose', { handle: loaded.handle }, DisposeAnswerSchema)).memory ?? null;
  } catch {
    return null;
  }
}

/** The side's output checked against its own reference compiler, in its own worker. */
async function checkCorrectness(loaded: Loaded, planned: PlannedCase, plan: RunPlan): Promise<void> {
  const output = await outputOf(loaded);
  const bad = firstNonFinite(output);
  if (bad !== null) throw new SideFailure(loaded.side, 'output', `output[${bad.index}] is ${bad.value}: the model produced NaN or Inf`);
  if (planned.compiler === REFERENCE_COMPILER) return;
  const hash = loaded.answer.model?.hash ?? 'unknown';
  const cacheKey = `${loaded.side}/${hash}/b=${planned.batch}`;
  let expected = referenceOutputs.get(cacheKey);
  if (expected === undefined) {
    const reference = await open(loaded.client, loaded.side, planned, plan, REFERENCE_COMPILER);
    if ('unavailable' in reference) throw new SideFailure(loaded.side, 'correctness', `the reference ${REFERENCE_COMPILER} is unavailable: ${reference.unavailable}`);
    try {
      expected = Float32Array.from(await outputOf(reference));
    } finally {
      await close(reference);
    }
    referenceOutputs.set(cacheKey, expected);
  }
  if (expected.length !== output.length) {
    throw new SideFailure(loaded.side, 'correctness', `output has ${output.length} values, the reference ${REFERENCE_COMPILER} has ${expected.length}`);
  }
  const tolerance = TOLERANCE[loaded.answer.compiler.hardware];
  const error = relativeL2(output, expected);
  loaded.correctness = { reference: REFERENCE_COMPILER, relativeL2: error, tolerance, ok: error <= tolerance };
  if (!loaded.correctness.ok) {
    throw new SideFailure(
      loaded.side,
      'correctness',
      `output disagrees with ${REFERENCE_COMPILER}: relative L2 ${error.toExponential(2)} > tolerance ${tolerance.toExponential(0)}`,
    );
  }
}

/** What a side's result says about the case whatever happened to it. */
function commonOf(planned: PlannedCase, answer: LoadAnswer | null): Omit<Extract<CaseResult, { state: 'unavailable' }>, 'state' | 'reason'> {
  const model = answer?.model;
  const compiler = answer?.compiler;
  return {
    key: planned.key,
    suite: planned.suite,
    model: {
      id: typeof planned.model === 'string' ? planned.model : planned.model.name,
      kind: model?.kind ?? (planned.suite === 'blocks' ? 'block' : planned.suite === 'archetypes' ? 'archetype' : 'user'),
      hash: model?.hash ?? '0'.repeat(64),
      flopsPerSample: model?.flopsPerSample ?? null,
      params: model?.params ?? null,
      sampleShape: [...(model?.sampleShape ?? [])],
    },
    compiler: {
      id: planned.compiler,
      family: compiler?.family ?? 'unknown',
      hardware: compiler?.hardware ?? planned.hardware,
      settings: { ...(compiler?.settings ?? {}) },
      versions: { ...(compiler?.versions ?? {}) },
    },
    batch: planned.batch,
    depth: planned.depth,
    ...(planned.dims === undefined ? {} : { dims: { ...planned.dims } }),
  };
}

interface SideState {
  readonly side: SideName;
  answer: LoadAnswer | null;
  loaded: Loaded | null;
  result: CaseResult | null;
}

function failed(planned: PlannedCase, state: SideState, failure: SideFailure): CaseResult {
  return { ...commonOf(planned, state.answer), state: 'failed', phase: failure.phase, error: failure.message, correctness: state.loaded?.correctness ?? null };
}

/**
 * Measures the planned case on both sides (or on the head alone when the base does not have it or
 * could not measure it) and returns both results.
 */
export async function measurePairedCase(planned: PlannedCase, plan: RunPlan): Promise<Measured> {
  const withBase = plan.compare !== null && !plan.compare.added.includes(planned.key);
  const states: SideState[] = [
    { side: 'head', answer: null, loaded: null, result: null },
    ...(withBase ? [{ side: 'base' as const, answer: null, loaded: null, result: null }] : []),
  ];
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), plan.caseTimeoutMs)));
  const work = measureSides(planned, plan, states);
  const outcome = await Promise.race([work.then(() => 'done' as const), timeout]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    // A hung worker cannot be trusted with the next case: both are stopped and start afresh.
    // They leave the pool at once: a killed worker is marked dead only when it has exited.
    for (const side of ['head', 'base'] as const) {
      for (let slot = 0; slot < WORKER_PAIRS; slot++) {
        const key = workerKey(side, workerGroupOf(planned.compiler), slot);
        const worker = workers.get(key);
        workers.delete(key);
        void worker?.then((client) => client.kill(), () => undefined);
      }
    }
    for (const state of states) {
      state.result ??= failed(planned, state, new SideFailure(state.side, 'timeout', `${planned.key} did not finish within ${plan.caseTimeoutMs} ms (per-case limit) on the ${state.side} side`));
    }
    await work.catch(() => undefined);
  }
  const [head, base] = states as [SideState, SideState | undefined];
  return { result: head.result as CaseResult, baseResult: base?.result ?? null, gpu: null };
}

async function measureSides(planned: PlannedCase, plan: RunPlan, states: SideState[]): Promise<void> {
  // Open each side; a side that cannot run the case is recorded and the other goes on alone.
  for (const state of states) {
    try {
      const client = await step(state.side, 'load', () => workerOf(plan, state.side, workerGroupOf(planned.compiler), 0));
      const opened = await open(client, state.side, planned, plan, planned.compiler);
      state.answer = opened.answer;
      if ('unavailable' in opened) {
        state.result = { ...commonOf(planned, opened.answer), state: 'unavailable', reason: opened.unavailable };
        continue;
      }
      state.loaded = opened;
      await checkCorrectness(opened, planned, plan);
    } catch (error) {
      const failure = error instanceof SideFailure ? error : new SideFailure(state.side, 'run', String(error));
      state.result = failed(planned, state, failure);
    }
  }
  const live = states.filter((s) => s.result === null && s.loaded !== null);
  try {
    if (live.length > 0) await measureRounds(planned, plan, live);
  } finally {
    for (const state of states) {
      if (state.loaded === null) continue;
      const memory = await close(state.loaded);
      if (memory !== null && state.result?.state === 'completed') state.result = { ...state.result, memory };
    }
  }
}

/**
 * Session pairs per case in a paired run. A compiled session's speed depends on where its memory
 * landed: on the 2-core VM one session of a 0.3 ms model ran 30% faster than another of the same code,
 * for as long as it lived, so a pair of sessions carries a bias that no number of rounds removes. Each
 * case is therefore measured over two pairs, compiled afresh on both sides, and the gate sees the
 * spread between them (src/gate/paired.ts, the moderated case variance).
 */
export const PAIRED_SESSIONS = 2;

/** Rounds a session of calls too slow for its time cap keeps (each side's calls per round are then 1). */
export const PAIRED_MIN_ROUNDS_AT_CAP = 2;

async function measureRounds(planned: PlannedCase, plan: RunPlan, live: SideState[]): Promise<void> {
  const profile = getProfile(plan.profile);
  const fixed = plan.pairedRounds;
  // A fixed number of rounds (calibration): no time rule, no adaptive stop, the rounds asked for.
  const whole: MeasureOptions =
    fixed === null
      ? { ...DEFAULT_MEASURE_OPTIONS, ...planned.measure }
      : { ...DEFAULT_MEASURE_OPTIONS, ...planned.measure, minTimeMs: 0, minSamples: 1, targetRelativeCi: null, maxTimeMs: Number.MAX_SAFE_INTEGER, maxSamples: Number.MAX_SAFE_INTEGER };
  const sessions = plan.pairedSessions;
  // The gate judges rounds, not one side's calls: at the time cap a session of slow calls (tfjs-cpu at
  // b=8, 2–3 s a call) stops at its minimum rounds, whatever a spec's own minSamples asks of a single side.
  const options = { ...sessionShare(whole, sessions), ...(fixed === null ? { minSamples: PAIRED_MIN_ROUNDS_AT_CAP } : {}) };
  const minRounds = Math.max(2, Math.ceil((fixed ?? profile.paired.minRounds) / sessions));
  const paired = live.length === 2;
  const seed = deriveSeed(plan.seed, planned.key);
  const order = pairedOrder(seed);
  const measuring = await (engine ??= createEngine(plan.engine));
  const samples: number[][] = live.map(() => []);
  const sessionRounds: number[] = [];
  const excludedRounds: number[] = [];
  let calls: readonly number[] | undefined;
  let untimedFirst: readonly boolean[] | undefined;
  let rounds = 0;
  let stoppedBy: StopReason = 'min-time';
  let warmupIterations = 0;
  let timeMs = 0;
  for (let session = 0; session < sessions; session++) {
    if (session > 0) {
      // A fresh pair, in each side's next worker process: each compiles the case again (its output was checked with the first).
      for (const state of live) {
        const old = state.loaded as Loaded;
        await close(old);
        try {
          const client = await step(state.side, 'load', () => workerOf(plan, state.side, workerGroupOf(planned.compiler), session % WORKER_PAIRS));
          const again = await open(client, state.side, planned, plan, planned.compiler);
          if ('unavailable' in again) throw new SideFailure(state.side, 'compile', again.unavailable);
          state.loaded = { ...again, correctness: old.correctness };
        } catch (error) {
          state.loaded = null;
          const failure = error instanceof SideFailure ? error : new SideFailure(state.side, 'compile', String(error));
          for (const other of live) other.result = other === state ? failed(planned, other, failure) : failed(planned, other, new SideFailure(other.side, 'compile', `not measured: the ${state.side} side failed to compile its second session (${failure.message})`));
          return;
        }
      }
    }
    const arms: Arm[] = live.map((state) => {
      const loaded = state.loaded as Loaded;
      return { timedCalls: async (k: number) => (await loaded.client.request('run', { handle: loaded.handle, calls: k }, RunAnswerSchema)).times };
    });
    const offset = rounds;
    let measured;
    try {
      measured = await measureInterleaved(arms, measuring, {
        ...options,
        // Alone, nothing is judged: sample for the minimum time.
        ...(paired ? {} : { targetRelativeCi: null }),
        blockMs: profile.paired.blockMs,
        // A block must last its millisecond even for a call of microseconds (one untimed call, then the timed ones).
        maxCallsPerBlock: 4096,
        sharedCallsPerRound: true,
        minRounds,
        // The worker ran the model already (its compile, the output check): one warm-up call will do.
        warmupMinCalls: 1,
        judgedArm: 1,
        // Stop on the precision of the ratio the gate judges: of the rounds' median calls.
        roundStatistic: 'median',
        ...(paired ? { order: (r: number) => order(offset + r) } : {}),
        ...(calls === undefined ? {} : { callsPerRound: calls }),
        ...(untimedFirst === undefined ? {} : { untimedFirst }),
      });
    } catch (error) {
      const arm = error instanceof ArmError ? error.arm : 0;
      const state = live[arm] as SideState;
      const cause = error instanceof ArmError ? error.cause : error;
      const failure = new SideFailure(state.side, phaseOf(cause, 'run'), cause instanceof Error ? cause.message : String(cause));
      for (const other of live) other.result = other === state ? failed(planned, other, failure) : failed(planned, other, new SideFailure(other.side, 'run', `not measured: the ${state.side} side failed in the same rounds (${failure.message})`));
      return;
    }
    calls = measured.callsPerRound;
    untimedFirst = measured.untimedFirst;
    measured.samples.forEach((armSamples, arm) => (samples[arm] as number[]).push(...armSamples));
    // The rounds as the gate sees them: their median calls (a whole round slowed is a disturbance; one call preempted is not).
    const medians = live.map((_, arm) => roundMedians(measured.samples[arm] as number[], (calls as readonly number[])[arm] as number));
    if (paired) excludedRounds.push(...disturbedPairs(medians[0] as number[], medians[1] as number[]).map((r) => r + offset));
    sessionRounds.push(measured.rounds);
    rounds += measured.rounds;
    stoppedBy = measured.stoppedBy;
    warmupIterations += measured.warmupIterations;
    timeMs += measured.timeMs;
  }
  const perRound = calls as readonly number[];
  const orderText = Array.from({ length: rounds }, (_, r) => (order(r)[0] === 0 ? 'H' : 'B')).join('');
  live.forEach((state, arm) => {
    const loaded = state.loaded as Loaded;
    const armSamples = samples[arm] as number[];
    const armCalls = perRound[arm] as number;
    const latency = summarizeLatency(quietSamples(armSamples, armCalls, excludedRounds));
    state.result = {
      ...commonOf(planned, state.answer),
      state: 'completed',
      compileMs: loaded.compileMs,
      mode: loaded.mode,
      latency,
      samples: armSamples,
      throughput: latency.median > 0 ? (planned.batch * 1000) / latency.median : 0,
      memory: { rssPeakBytes: 0, deviceBytes: null },
      correctness: loaded.correctness,
      engine: { name: measuring.name, version: measuring.version, stoppedBy, warmupIterations, timeMs },
      interleaving: {
        rounds,
        sessionRounds,
        callsPerRound: armCalls,
        reference: null,
        referenceNote: null,
        anchor: null,
        pairing: { side: state.side, order: paired ? orderText : state.side === 'head' ? 'H'.repeat(rounds) : 'B'.repeat(rounds) },
        disturbance: { quietAnchorMs: null, tolerance: PAIRED_DISTURBANCE_TOLERANCE, excludedRounds: [...excludedRounds] },
      },
    };
  });
}
