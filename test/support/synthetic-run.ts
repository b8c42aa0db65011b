/**
 * Valid RunResults built from latency generators, for metric and gate tests. Every run goes through
 * RunResultSchema.parse, so test data stays honest to the result model.
 */
import { createHash } from 'node:crypto';
import { caseKey, RunResultSchema, type CaseResult, type RunResult, type Suite } from '../../src/results/schema.ts';
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

export function syntheticCase(spec: SyntheticCase): CaseResult {
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
    engine: { name: 'null', version: '0', stoppedBy: 'iterations', warmupIterations: 0, timeMs: 1, interleavedWith: null },
  };
}

export interface RunOptions {
  readonly complete?: boolean;
  readonly filters?: Record<string, string>;
  readonly profile?: string;
  readonly hardwareId?: string;
}

export function makeRun(cases: readonly SyntheticCase[], options: RunOptions = {}): RunResult {
  return RunResultSchema.parse({
    schemaVersion: 1,
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
    cases: cases.map(syntheticCase),
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
