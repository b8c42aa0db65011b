/**
 * Measures one point of a sweep: (model, compiler, batch[, depth]) → CaseResult.
 *
 * Order, after MLPerf LoadGen: everything that is not the inference itself (loading, compiling,
 * binding inputs, the correctness check) happens outside the timed region. Every failure becomes a
 * `failed` result with the phase it happened in; an unavailable compiler becomes `unavailable` with
 * its reason. Nothing here imports a runtime: adapters come in by injection.
 */
import { UnavailableForModelError, type CompiledModel, type CompilerAdapter, type InputTensor, type ModelArtifact, type PreparedRun } from '../adapters/types.ts';
import {
  caseKey,
  placeOf,
  type CaseResult,
  type Correctness,
  type FailurePhase,
  type ModelInfo,
  type Suite,
} from '../results/schema.ts';
import { quietSamples, roundMeans } from '../results/ratios.ts';
import { ANCHOR_ID, ANCHOR_VERSION, createAnchor, disturbedRounds, DISTURBANCE_TOLERANCE } from './anchor.ts';
import { DEFAULT_MEASURE_OPTIONS, sessionShare, type MeasureOptions, type MeasuringEngine, type StopReason } from './engine.ts';
import { ArmError, measureInterleaved, type Arm } from './interleave.ts';
import { deterministicFeeds, deterministicInput } from './input.ts';
import { relativeL2, firstNonFinite } from './compare.ts';
import { summarizeLatency } from './summary.ts';

/** Relative L2 tolerance against the reference, by the hardware the compiler runs on. */
export const TOLERANCE = { cpu: 1e-4, gpu: 1e-3 } as const;

export interface CaseModel extends ModelArtifact {
  readonly kind: ModelInfo['kind'];
  /** Fixture or user model name, without depth. */
  readonly name: string;
  readonly flopsPerSample: number | null;
  readonly params: number | null;
  readonly depth: number | null;
  /** Swept input dimensions besides batch (a user model's `seq`), part of the case key; absent when none. */
  readonly dims?: Readonly<Record<string, number>>;
  /** Relative L2 error allowed against the reference; @default {@link TOLERANCE} of the compiler's hardware */
  readonly tolerance?: number;
}

/** What every session of a case is fed: the first float input's values, and every input's tensor for a multi-input model. */
interface CaseInputs {
  readonly data: Float32Array;
  readonly feeds: readonly InputTensor[] | undefined;
}

function caseInputs(model: CaseModel, batch: number): CaseInputs {
  if (model.inputs === undefined) return { data: deterministicInput(batch * model.sampleShape.reduce((a, b) => a * b, 1)), feeds: undefined };
  const feeds = deterministicFeeds(model.inputs, batch);
  const float = feeds.find((f) => f.dtype === 'float32');
  return { data: float === undefined ? new Float32Array(0) : (float.data as Float32Array), feeds };
}

export interface MeasureCaseInput {
  readonly suite: Suite;
  readonly model: CaseModel;
  readonly adapter: CompilerAdapter;
  /** The uncompiled reference the output is checked against; `null` when `adapter` is the reference. */
  readonly reference: CompilerAdapter | null;
  /**
   * The reference compiler the gate compares this compiler with, measured alongside it in the same
   * rounds (drift control); `null` or absent when the compiler is its own reference. The anchor is
   * always measured alongside as well.
   * @default null
   */
  readonly pairedReference?: CompilerAdapter | null;
  readonly batch: number;
  readonly engine: MeasuringEngine;
  /** @default DEFAULT_MEASURE_OPTIONS */
  readonly measure?: Partial<MeasureOptions>;
  /**
   * Whole-case time limit (ms): a compile or inference that has not returned by then fails the case
   * as `timeout` instead of hanging the run.
   * @default 120000
   */
  readonly timeoutMs?: number;
  /** Caches reference outputs across the compilers of one model and batch. */
  readonly referenceCache?: Map<string, Float32Array>;
  /**
   * Sessions the samples are spread over: the model is compiled this many times and each session
   * takes its share of the time and samples. A session's speed varies a little with where its memory
   * lands; pooling sessions puts that variation into the samples, where the gate can see it, instead of
   * letting one lucky or unlucky session stand for the case.
   * @default 1
   */
  readonly sessions?: number;
}

/** A failure inside a phase; carries the phase so the result says where it broke. */
class PhaseError extends Error {
  constructor(
    readonly phase: FailurePhase,
    message: string,
    readonly correctness: Correctness | null = null,
  ) {
    super(message);
  }
}

/** Messages of runtimes that ran out of memory, whatever phase they failed in. */
export const OUT_OF_MEMORY = /out of memory|bad_alloc|failed to allocate|allocation failed|ENOMEM|Array buffer allocation|heap limit/i;

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

async function inPhase<T>(phase: FailurePhase, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof PhaseError || error instanceof UnavailableForModelError) throw error;
    const message = messageOf(error);
    throw new PhaseError(OUT_OF_MEMORY.test(message) ? 'out-of-memory' : phase, message);
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PhaseError('timeout', `${what()} did not finish within ${ms} ms (per-case limit)`)), ms);
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}

export async function measureCase(input: MeasureCaseInput): Promise<CaseResult> {
  const { suite, model, adapter, batch } = input;
  const versions = await adapter.versions();
  const common = {
    key: caseKey({ suite, modelId: model.name, compilerId: adapter.id, batch, depth: model.depth, dims: model.dims }),
    suite,
    model: {
      id: model.name,
      kind: model.kind,
      hash: model.hash,
      flopsPerSample: model.flopsPerSample,
      params: model.params,
      sampleShape: [...model.sampleShape],
    },
    compiler: {
      id: adapter.id,
      family: adapter.family,
      hardware: adapter.hardware,
      settings: { ...adapter.settings },
      versions: { ...versions },
    },
    batch,
    depth: model.depth,
    ...(model.dims === undefined ? {} : { dims: { ...model.dims } }),
  };

  const availability = await adapter.availability();
  if (!availability.available) return { ...common, state: 'unavailable', reason: availability.reason };

  let phase: FailurePhase = 'compile';
  const timeoutMs = input.timeoutMs ?? 120_000;
  try {
    return await withTimeout(measureAvailable(input, common, (p) => (phase = p)), timeoutMs, () => `${phase} of ${common.key}`);
  } catch (error) {
    // A compiler that finds, once it sees the model, that it cannot run it (a worker's converter
    // lacking an operator) makes the case unavailable, as an unavailable compiler does.
    if (error instanceof UnavailableForModelError) return { ...common, state: 'unavailable', reason: error.message };
    const failure = error instanceof PhaseError ? error : new PhaseError(phase, messageOf(error));
    return { ...common, state: 'failed', phase: failure.phase, error: failure.message, correctness: failure.correctness };
  }
}

type Common = Omit<
  Extract<CaseResult, { state: 'completed' }>,
  'state' | 'compileMs' | 'compilePhases' | 'mode' | 'latency' | 'samples' | 'throughput' | 'memory' | 'correctness' | 'engine' | 'interleaving'
>;

/** A compiled model with its batch bound, and how to let go of both. */
interface Session {
  readonly run: PreparedRun;
  close(): Promise<void>;
}

async function openSession(adapter: CompilerAdapter, model: CaseModel, data: CaseInputs, batch: number): Promise<Session> {
  return sessionOf(await adapter.compile(model), data, batch);
}

/** Binds the batch to a compiled model; the model is disposed again when binding fails. */
async function sessionOf(compiled: CompiledModel, data: CaseInputs, batch: number): Promise<Session> {
  let run: PreparedRun;
  try {
    run = await (data.feeds === undefined ? compiled.prepare(data.data, batch) : compiled.prepare(data.data, batch, data.feeds));
  } catch (error) {
    await compiled.dispose();
    throw error;
  }
  return {
    run,
    close: async () => {
      try {
        await run.release();
      } finally {
        await compiled.dispose();
      }
    },
  };
}

async function measureAvailable(
  input: MeasureCaseInput,
  common: Common,
  enter: (phase: FailurePhase) => void,
): Promise<CaseResult> {
  const { model, adapter, batch } = input;
  const options: MeasureOptions = { ...DEFAULT_MEASURE_OPTIONS, ...input.measure };
  const data = caseInputs(model, batch);
  const open: Session[] = [];
  try {
    enter('compile');
    const compileStart = performance.now();
    const compiled = await inPhase('compile', () => adapter.compile(model));
    const harnessCompileMs = performance.now() - compileStart;
    enter('run');
    const first = await inPhase('run', () => sessionOf(compiled, data, batch));
    open.push(first);
    const mode = first.run.mode;
    // A worker times its own compile (its first call); the harness's clock would add the process boundary.
    const compileMs = first.run.compileMs ?? harnessCompileMs;
    const compilePhases = first.run.compilePhases;

    enter('output');
    const output = await inPhase('run', () => first.run.output());
    const bad = firstNonFinite(output);
    if (bad !== null) throw new PhaseError('output', `output[${bad.index}] is ${bad.value}: the model produced NaN or Inf`);

    enter('correctness');
    const correctness = input.reference === null ? null : await checkAgainstReference(input, data, output);
    if (correctness !== null && !correctness.ok) {
      throw new PhaseError(
        'correctness',
        `output disagrees with ${correctness.reference}: relative L2 ${correctness.relativeL2.toExponential(2)} > tolerance ${correctness.tolerance.toExponential(0)}`,
        correctness,
      );
    }

    enter('run');
    const paired = await openPaired(input, data);
    if (paired.session !== null) open.push(paired.session);
    const sessions = Math.max(1, Math.floor(input.sessions ?? 1));
    const share = sessionShare(options, sessions);
    const anchor = createAnchor();
    const armCount = paired.session === null ? 2 : 3;
    const anchorArm = armCount - 1;
    const samples: number[][] = Array.from({ length: armCount }, () => []);
    let callsPerRound: readonly number[] | undefined;
    let untimedFirst: readonly boolean[] | undefined;
    let rounds = 0;
    const sessionRounds: number[] = [];
    let timeMs = 0;
    let warmupIterations = 0;
    let stoppedBy: StopReason = 'min-time';
    for (let session = 0; session < sessions; session++) {
      const self = session === 0 ? first : await inPhase('compile', () => openSession(adapter, model, data, batch));
      if (session > 0) open.push(self);
      let reference: Session | null = paired.session;
      if (session > 0 && paired.adapter !== null) {
        const again = paired.adapter;
        reference = await openSession(again, model, data, batch).catch((error: unknown) => {
          throw new PhaseError('compile', `reference ${again.id}, measured alongside: ${messageOf(error)}`);
        });
        open.push(reference);
      }
      const arms: Arm[] = [armOf(self.run), ...(reference === null ? [] : [armOf(reference.run)]), anchor];
      const m = await inPhase('run', () =>
        measureInterleaved(arms, input.engine, {
          ...share,
          judgedArm: 1,
          ...(callsPerRound === undefined ? {} : { callsPerRound }),
          ...(untimedFirst === undefined ? {} : { untimedFirst }),
        }).catch((error: unknown) => {
          // The reference's own failures while it runs alongside are named as its, not the compiler's.
          if (error instanceof ArmError && error.arm === 1 && paired.adapter !== null) {
            throw new Error(`reference ${paired.adapter.id}, measured alongside: ${error.message}`);
          }
          throw error instanceof ArmError ? error.cause : error;
        }),
      );
      callsPerRound = m.callsPerRound;
      untimedFirst = m.untimedFirst;
      m.samples.forEach((armSamples, arm) => (samples[arm] as number[]).push(...armSamples));
      rounds += m.rounds;
      sessionRounds.push(m.rounds);
      timeMs += m.timeMs;
      warmupIterations += m.warmupIterations;
      stoppedBy = m.stoppedBy;
      // Each session is let go as soon as it is measured, so at most one of each is held at a time.
      for (const done of reference === null ? [self] : [self, reference]) {
        open.splice(open.indexOf(done), 1);
        await done.close();
      }
    }
    const calls = callsPerRound as readonly number[];
    // Rounds in which the anchor ran slow against the case's own quiet speed are set aside.
    const disturbance = disturbedRounds(roundMeans(samples[anchorArm] as number[], calls[anchorArm] as number));
    const excludedRounds = disturbance.excluded;
    const selfSamples = samples[0] as number[];
    if (selfSamples.length === 0) throw new PhaseError('run', 'no whole round of measurements was completed');
    // The summary is of the quiet rounds, as every statistic derived from the case is.
    const latency = summarizeLatency(quietSamples(selfSamples, calls[0] as number, excludedRounds));
    const deviceBytes = adapter.deviceMemoryBytes ? await adapter.deviceMemoryBytes() : null;
    return {
      ...common,
      state: 'completed',
      compileMs,
      ...(compilePhases === undefined ? {} : { compilePhases: { ...compilePhases } }),
      mode,
      latency,
      samples: selfSamples,
      throughput: latency.median > 0 ? (batch * 1000) / latency.median : 0,
      memory: { rssPeakBytes: process.resourceUsage().maxRSS * 1024, deviceBytes },
      correctness,
      engine: { name: input.engine.name, version: input.engine.version, stoppedBy, warmupIterations, timeMs },
      interleaving: {
        rounds,
        sessionRounds,
        callsPerRound: calls[0] as number,
        reference:
          paired.adapter === null || paired.session === null
            ? null
            : { compilerId: paired.adapter.id, versions: paired.versions, callsPerRound: calls[1] as number, samples: samples[1] as number[] },
        referenceNote: paired.note,
        anchor: { id: ANCHOR_ID, version: ANCHOR_VERSION, callsPerRound: calls[anchorArm] as number, samples: samples[anchorArm] as number[] },
        disturbance: { quietAnchorMs: disturbance.quietAnchorMs, tolerance: DISTURBANCE_TOLERANCE, excludedRounds },
      },
    };
  } finally {
    await closeAll(open);
  }
}

/** What the interleaving times: the run itself, or the times a worker took on its own clock. */
function armOf(run: PreparedRun): Arm {
  const timedCalls = run.timedCalls;
  return timedCalls === undefined ? () => run.run() : { timedCalls: (calls) => timedCalls.call(run, calls) };
}

/** Closes every session, the last opened first, even when one fails to close; then throws the first failure. */
async function closeAll(sessions: readonly Session[]): Promise<void> {
  let failure: unknown = null;
  for (const session of [...sessions].reverse()) {
    try {
      await session.close();
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure !== null) throw failure;
}

interface Paired {
  readonly adapter: CompilerAdapter | null;
  readonly session: Session | null;
  readonly versions: Record<string, string>;
  /** Why the compiler's reference is not measured alongside, when it has one. */
  readonly note: string | null;
}

/**
 * The reference to measure alongside, compiled and bound. A reference that is unavailable or fails
 * here does not fail the compiler's case: the case is then measured against the anchor only, and the
 * note says why (the reference's own case reports its failure).
 */
async function openPaired(input: MeasureCaseInput, data: CaseInputs): Promise<Paired> {
  const reference = input.pairedReference ?? null;
  if (reference === null) return { adapter: null, session: null, versions: {}, note: null };
  const availability = await reference.availability();
  if (!availability.available) {
    return { adapter: null, session: null, versions: {}, note: `reference ${reference.id} unavailable: ${availability.reason}` };
  }
  try {
    const versions = { ...(await reference.versions()) };
    const session = await openSession(reference, input.model, data, input.batch);
    return { adapter: reference, session, versions, note: null };
  } catch (error) {
    return { adapter: null, session: null, versions: {}, note: `reference ${reference.id} could not be measured alongside: ${messageOf(error)}` };
  }
}

async function checkAgainstReference(input: MeasureCaseInput, data: CaseInputs, output: Float32Array): Promise<Correctness> {
  const reference = input.reference as CompilerAdapter;
  const cacheKey = `${input.model.hash}/${placeOf(input.batch, null, input.model.dims)}/${(input.model.outputNames ?? []).join(',')}/${reference.id}`;
  let expected = input.referenceCache?.get(cacheKey);
  if (expected === undefined) {
    const compiled = await inPhase('correctness', () => reference.compile(input.model));
    try {
      const prepared = await inPhase('correctness', () =>
        data.feeds === undefined ? compiled.prepare(data.data, input.batch) : compiled.prepare(data.data, input.batch, data.feeds),
      );
      try {
        expected = await inPhase('correctness', () => prepared.output());
      } finally {
        await prepared.release();
      }
    } finally {
      await compiled.dispose();
    }
    // Copy: a runtime may reuse the output buffer.
    expected = Float32Array.from(expected);
    input.referenceCache?.set(cacheKey, expected);
  }
  if (expected.length !== output.length) {
    throw new PhaseError(
      'correctness',
      `output has ${output.length} values, the reference ${reference.id} has ${expected.length}`,
    );
  }
  const tolerance = input.model.tolerance ?? TOLERANCE[input.adapter.hardware];
  const error = relativeL2(output, expected);
  return { reference: reference.id, relativeL2: error, tolerance, ok: error <= tolerance };
}
