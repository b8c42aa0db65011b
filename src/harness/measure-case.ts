/**
 * Measures one point of a sweep: (model, compiler, batch[, depth]) → CaseResult.
 *
 * Order, after MLPerf LoadGen: everything that is not the inference itself (loading, compiling,
 * binding inputs, the correctness check) happens outside the timed region. Every failure becomes a
 * `failed` result with the phase it happened in; an unavailable compiler becomes `unavailable` with
 * its reason. Nothing here imports a runtime: adapters come in by injection.
 */
import type { CompilerAdapter, ModelArtifact, PreparedRun } from '../adapters/types.ts';
import {
  caseKey,
  type CaseResult,
  type Correctness,
  type FailurePhase,
  type ModelInfo,
  type Suite,
} from '../results/schema.ts';
import { DEFAULT_MEASURE_OPTIONS, sessionShare, type MeasureOptions, type MeasuringEngine } from './engine.ts';
import { deterministicInput } from './input.ts';
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
}

export interface MeasureCaseInput {
  readonly suite: Suite;
  readonly model: CaseModel;
  readonly adapter: CompilerAdapter;
  /** The uncompiled reference the output is checked against; `null` when `adapter` is the reference. */
  readonly reference: CompilerAdapter | null;
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

const OUT_OF_MEMORY = /out of memory|bad_alloc|failed to allocate|allocation failed|ENOMEM|Array buffer allocation|heap limit/i;

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

async function inPhase<T>(phase: FailurePhase, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof PhaseError) throw error;
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
    key: caseKey({ suite, modelId: model.name, compilerId: adapter.id, batch, depth: model.depth }),
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
  };

  const availability = await adapter.availability();
  if (!availability.available) return { ...common, state: 'unavailable', reason: availability.reason };

  let phase: FailurePhase = 'compile';
  const timeoutMs = input.timeoutMs ?? 120_000;
  try {
    return await withTimeout(measureAvailable(input, common, (p) => (phase = p)), timeoutMs, () => `${phase} of ${common.key}`);
  } catch (error) {
    const failure = error instanceof PhaseError ? error : new PhaseError(phase, messageOf(error));
    return { ...common, state: 'failed', phase: failure.phase, error: failure.message, correctness: failure.correctness };
  }
}

type Common = Omit<Extract<CaseResult, { state: 'completed' }>, 'state' | 'compileMs' | 'mode' | 'latency' | 'samples' | 'throughput' | 'memory' | 'correctness' | 'engine'>;

async function measureAvailable(
  input: MeasureCaseInput,
  common: Common,
  enter: (phase: FailurePhase) => void,
): Promise<CaseResult> {
  const { model, adapter, batch } = input;
  const options: MeasureOptions = { ...DEFAULT_MEASURE_OPTIONS, ...input.measure };
  const data = deterministicInput(batch * model.sampleShape.reduce((a, b) => a * b, 1));

  enter('compile');
  const compileStart = performance.now();
  const compiled = await inPhase('compile', () => adapter.compile(model));
  const compileMs = performance.now() - compileStart;
  let prepared: PreparedRun | undefined;
  try {
    enter('run');
    prepared = await inPhase('run', () => compiled.prepare(data, batch));
    const run = prepared;

    enter('output');
    const output = await inPhase('run', () => run.output());
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
    const sessions = Math.max(1, Math.floor(input.sessions ?? 1));
    const share = sessionShare(options, sessions);
    let measurement = await inPhase('run', () => input.engine.measure(() => run.run(), share));
    const samples = [...measurement.samples];
    let timeMs = measurement.timeMs;
    let warmupIterations = measurement.warmupIterations;
    for (let session = 1; session < sessions; session++) {
      const again = await inPhase('compile', () => adapter.compile(model));
      try {
        const prepared = await inPhase('run', () => again.prepare(data, batch));
        try {
          measurement = await inPhase('run', () => input.engine.measure(() => prepared.run(), share));
        } finally {
          await prepared.release();
        }
      } finally {
        await again.dispose();
      }
      samples.push(...measurement.samples);
      timeMs += measurement.timeMs;
      warmupIterations += measurement.warmupIterations;
    }
    const latency = summarizeLatency(samples);
    const deviceBytes = adapter.deviceMemoryBytes ? await adapter.deviceMemoryBytes() : null;
    return {
      ...common,
      state: 'completed',
      compileMs,
      mode: run.mode,
      latency,
      samples,
      throughput: latency.median > 0 ? (batch * 1000) / latency.median : 0,
      memory: { rssPeakBytes: process.resourceUsage().maxRSS * 1024, deviceBytes },
      correctness,
      engine: {
        name: input.engine.name,
        version: input.engine.version,
        stoppedBy: measurement.stoppedBy,
        warmupIterations,
        timeMs,
        interleavedWith: null,
      },
    };
  } finally {
    await prepared?.release();
    await compiled.dispose();
  }
}

async function checkAgainstReference(input: MeasureCaseInput, data: Float32Array, output: Float32Array): Promise<Correctness> {
  const reference = input.reference as CompilerAdapter;
  const cacheKey = `${input.model.hash}/b=${input.batch}/${reference.id}`;
  let expected = input.referenceCache?.get(cacheKey);
  if (expected === undefined) {
    const compiled = await inPhase('correctness', () => reference.compile(input.model));
    try {
      const prepared = await inPhase('correctness', () => compiled.prepare(data, input.batch));
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
  const tolerance = TOLERANCE[input.adapter.hardware];
  const error = relativeL2(output, expected);
  return { reference: reference.id, relativeL2: error, tolerance, ok: error <= tolerance };
}
