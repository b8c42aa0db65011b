/**
 * Valid RunResults built from latency generators, for metric and gate tests. Every run goes through
 * RunResultSchema.parse, so test data stays honest to the result model.
 */
import { createHash } from 'node:crypto';
import { caseKey, RunResultSchema, type CaseResult, type RunResult, type Suite } from '../../src/results/schema.ts';
import { DEFAULT_REFERENCE, referenceFor, type ReferenceSpec } from '../../src/metrics/reference.ts';
import { mulberry32 } from '../../src/stats/prng.ts';

export const HARDWARE_ID = 'test-cpu-8c-16g';

/**
 * `n` samples whose median is exactly `median` (n odd): evenly spaced in median·(1 ± spread).
 * Deterministic, so metrics on them are exact.
 */
export function evenSamples(median: number, n = 31, spread = 0.02): number[] {
  return Array.from({ length: n }, (_, i) => median * (1 + spread * (2 * ((i + 0.5) / n) - 1)));
}

/** `n` log-normal samples around `median` with relative spread `sd`, from a seeded generator. */
export function randomSamples(median: number, n: number, sd: number, seed: number): number[] {
  const rng = mulberry32(seed);
  const out: number[] = [];
  while (out.length < n) {
    const u1 = Math.max(rng.next(), 1e-12);
    const u2 = rng.next();
    const r = Math.sqrt(-2 * Math.log(u1));
    out.push(median * Math.exp(sd * r * Math.cos(2 * Math.PI * u2)));
    if (out.length < n) out.push(median * Math.exp(sd * r * Math.sin(2 * Math.PI * u2)));
  }
  return out;
}

export interface SyntheticCase {
  readonly model: string;
  readonly compiler: string;
  readonly batch: number;
  readonly depth?: number | null;
  /** Defaults: `blocks` when a depth is given, else `archetypes`. */
  readonly suite?: Suite;
  readonly state?: 'completed' | 'failed' | 'unavailable';
  /** Samples in ms; default evenSamples(median ?? 1). */
  readonly samples?: readonly number[];
  readonly median?: number;
  readonly compileMs?: number;
  readonly flopsPerSample?: number | null;
  readonly hash?: string;
  readonly versions?: Record<string, string>;
  readonly family?: string;
  readonly hardware?: 'cpu' | 'gpu';
  readonly phase?: 'load' | 'compile' | 'run' | 'output' | 'correctness' | 'timeout' | 'out-of-memory';
  readonly error?: string;
  /**
   * Samples of the reference measured alongside, one per sample of the case (one call per round).
   * Default: when the compiler has a reference (see {@link makeRun}), a constant at the median of the
   * reference's own case in the run, or 1 ms when the run has none; `null`: not measured alongside.
   */
  readonly referenceSamples?: readonly number[] | null;
  /** Samples of the anchor, one per sample of the case; default a constant 1 ms, so anchored latency = latency. */
  readonly anchorSamples?: readonly number[];
}

export const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

export function modelHash(model: string, depth: number | null): string {
  return sha(`${model}/${depth ?? ''}`);
}

function quantileOf(sorted: number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const a = sorted[lo] as number;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)] as number;
  return a + (h - lo) * (b - a);
}

const constant = (value: number, n: number): number[] => Array.from({ length: n }, () => value);

export function syntheticCase(spec: SyntheticCase, reference: { id: string; medianMs: number } | null = null): CaseResult {
  const depth = spec.depth ?? null;
  const suite = spec.suite ?? (depth === null ? 'archetypes' : 'blocks');
  const kind = suite === 'blocks' ? 'block' : suite === 'archetypes' ? 'archetype' : 'user';
  const common: Pick<CaseResult, 'key' | 'suite' | 'model' | 'compiler' | 'batch' | 'depth'> = {
    key: caseKey({ suite, modelId: spec.model, compilerId: spec.compiler, batch: spec.batch, depth }),
    suite,
    model: {
      id: spec.model,
      kind,
      hash: spec.hash ?? modelHash(spec.model, depth),
      flopsPerSample: spec.flopsPerSample === undefined ? 1e6 : spec.flopsPerSample,
      params: 1000,
      sampleShape: [3, 8, 8],
    },
    compiler: {
      id: spec.compiler,
      family: spec.family ?? (spec.compiler.startsWith('ort-') ? 'onnxruntime-node' : 'tfjs'),
      hardware: spec.hardware ?? 'cpu',
      settings: { optimizationLevel: spec.compiler.split('-').at(-1) ?? '' },
      versions: spec.versions ?? { 'onnxruntime-node': '1.30.0' },
    },
    batch: spec.batch,
    depth,
  };
  const state = spec.state ?? 'completed';
  if (state === 'failed') {
    return { ...common, state, phase: spec.phase ?? 'run', error: spec.error ?? 'synthetic failure', correctness: null };
  }
  if (state === 'unavailable') return { ...common, state, reason: spec.error ?? 'synthetic: not available here' };
  const samples = [...(spec.samples ?? evenSamples(spec.median ?? 1))];
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = samples.reduce((s, x) => s + x, 0) / samples.length;
  const median = quantileOf(sorted, 0.5);
  return {
    ...common,
    state: 'completed',
    compileMs: spec.compileMs ?? 100,
    mode: 'end-to-end',
    latency: {
      n: samples.length,
      min: sorted[0] as number,
      max: sorted[sorted.length - 1] as number,
      mean,
      median,
      p25: quantileOf(sorted, 0.25),
      p75: quantileOf(sorted, 0.75),
      p99: quantileOf(sorted, 0.99),
      sd: Math.sqrt(samples.reduce((s, x) => s + (x - mean) ** 2, 0) / Math.max(1, samples.length - 1)),
      medianCi: [sorted[0] as number, sorted[sorted.length - 1] as number],
    },
    samples,
    throughput: median > 0 && Number.isFinite((spec.batch * 1000) / median) ? (spec.batch * 1000) / median : 0,
    memory: { rssPeakBytes: 1_000_000, deviceBytes: null },
    correctness: null,
    engine: { name: 'null', version: '0', stoppedBy: 'iterations', warmupIterations: 0, timeMs: 1 },
    interleaving: {
      rounds: samples.length,
      sessionRounds: [samples.length],
      callsPerRound: 1,
      reference:
        reference === null || spec.referenceSamples === null
          ? null
          : {
              compilerId: reference.id,
              versions: spec.versions ?? { 'onnxruntime-node': '1.30.0' },
              callsPerRound: 1,
              samples: [...(spec.referenceSamples ?? constant(reference.medianMs, samples.length))],
            },
      referenceNote: null,
      anchor: { id: 'js-matmul-48', version: '1/v8-test', callsPerRound: 1, samples: [...(spec.anchorSamples ?? constant(1, samples.length))] },
      disturbance: { quietAnchorMs: spec.anchorSamples === undefined ? 1 : [...spec.anchorSamples].sort((a, b) => a - b)[0] ?? 1, tolerance: 0.1, excludedRounds: [] },
    },
  };
}

export interface RunOptions {
  /** Which compiler is measured alongside which; default {@link DEFAULT_REFERENCE} (ort-cpu-disabled on CPU). */
  readonly reference?: ReferenceSpec;
  readonly complete?: boolean;
  readonly filters?: Record<string, string>;
  readonly profile?: string;
  readonly hardwareId?: string;
}

/** The reference each case is measured alongside, at the median of its own case in the run (else 1 ms). */
function pairedReference(spec: SyntheticCase, all: readonly SyntheticCase[], referenceSpec: ReferenceSpec): { id: string; medianMs: number } | null {
  const family = spec.family ?? (spec.compiler.startsWith('ort-') ? 'onnxruntime-node' : 'tfjs');
  const id = referenceFor({ family, hardware: spec.hardware ?? 'cpu' }, referenceSpec);
  if (id === null || id === spec.compiler) return null;
  // The reference's own case, whatever became of it: measured alongside, it ran as that case describes.
  const own = all.find((c) => c.compiler === id && c.model === spec.model && c.batch === spec.batch && (c.depth ?? null) === (spec.depth ?? null));
  if (own === undefined) return { id, medianMs: 1 };
  const samples = [...(own.samples ?? evenSamples(own.median ?? 1))].sort((a, b) => a - b);
  return { id, medianMs: quantileOf(samples, 0.5) };
}

export function makeRun(cases: readonly SyntheticCase[], options: RunOptions = {}): RunResult {
  const referenceSpec = options.reference ?? DEFAULT_REFERENCE;
  return RunResultSchema.parse({
    schemaVersion: 2,
    tool: 'graph-compiler-bench',
    startedAt: '2025-04-29T10:00:00.000Z',
    finishedAt: '2025-04-29T10:05:00.000Z',
    complete: options.complete ?? true,
    interruptedBy: options.complete === false ? 'SIGINT' : null,
    commandLine: ['pnpm', 'bench'],
    profile: options.profile ?? 'default',
    filters: options.filters ?? {},
    hardware: {
      id: options.hardwareId ?? HARDWARE_ID,
      cpu: { model: 'Test CPU', cores: 8, speedMHz: 3000 },
      memoryBytes: 16 * 2 ** 30,
      os: { platform: 'linux', release: '6.0', arch: 'x64' },
      node: 'v20.0.0',
      runtimes: { 'onnxruntime-node': '1.30.0' },
      gpu: null,
    },
    cases: cases.map((c) => syntheticCase(c, pairedReference(c, cases, referenceSpec))),
    confirmation: null,
  });
}

/** One case per (batch, depth) with latency from `latency(batch, depth)`. */
export function sweep(
  base: Omit<SyntheticCase, 'batch' | 'depth' | 'median' | 'samples'>,
  batches: readonly number[],
  depths: readonly (number | null)[],
  latency: (batch: number, depth: number | null) => number | readonly number[],
): SyntheticCase[] {
  return depths.flatMap((depth) =>
    batches.map((batch) => {
      const l = latency(batch, depth);
      return typeof l === 'number' ? { ...base, batch, depth, median: l } : { ...base, batch, depth, samples: l };
    }),
  );
}
