/**
 * Paired runs (head and base measured side by side) built from seeded generators, for tests of the
 * paired gate. Every round of a case has a drift factor common to both sides (the machine's speed
 * moving, which the pairing must cancel) and independent noise per side; the head can be slower by a
 * known factor. Both runs go through RunResultSchema.parse.
 */
import { RunResultSchema, type CaseResult, type RunResult } from '../../src/results/schema.ts';
import { mulberry32 } from '../../src/stats/prng.ts';
import { syntheticCase, type SyntheticCase, HARDWARE_ID } from './synthetic-run.ts';

export interface PairedCaseSpec extends Omit<SyntheticCase, 'samples' | 'referenceSamples' | 'anchorSamples' | 'versions' | 'hash'> {
  /** Head latency over base latency, the truth the gate should find. @default 1 */
  readonly headFactor?: number;
  readonly baseVersions?: Record<string, string>;
  readonly headVersions?: Record<string, string>;
  readonly baseHash?: string;
  readonly headHash?: string;
  /** Which sides have the case. @default 'both' */
  readonly sides?: 'both' | 'head' | 'base';
  readonly headState?: 'completed' | 'failed' | 'unavailable';
  /** This case's session-pair bias (log sd), over the run's sessionEffect. */
  readonly sessionEffect?: number;
}

export interface PairedOptions {
  /** Rounds per case, split evenly over the session pairs. */
  readonly rounds?: number;
  /** Session pairs per case. @default 2 */
  readonly sessions?: number;
  /** Bias of each session pair (log sd): what a pair's memory placement does to it. @default 0.005 */
  readonly sessionEffect?: number;
  /** Per-round noise of each side (log sd). @default 0.02 */
  readonly noise?: number;
  /** Per-round drift common to both sides (log sd). @default 0.3 */
  readonly drift?: number;
  readonly seed?: number;
}

function normal(rng: ReturnType<typeof mulberry32>): number {
  const u1 = Math.max(rng.next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * rng.next());
}

function paired(c: CaseResult, side: 'head' | 'base', rounds: number, sessions: number): CaseResult {
  if (c.state !== 'completed') return c;
  const per = Math.floor(rounds / sessions);
  return {
    ...c,
    interleaving: {
      ...c.interleaving,
      sessionRounds: Array.from({ length: sessions }, (_, j) => (j === sessions - 1 ? rounds - per * (sessions - 1) : per)),
      reference: null,
      anchor: null,
      pairing: { side, order: Array.from({ length: rounds }, (_, r) => (r % 2 === 0 ? 'H' : 'B')).join('') },
      disturbance: { quietAnchorMs: null, tolerance: 0.25, excludedRounds: [] },
    },
  };
}

function runOf(side: 'head' | 'base', cases: CaseResult[], removed: string[], added: string[]): RunResult {
  return RunResultSchema.parse({
    schemaVersion: 3,
    tool: 'graph-compiler-bench',
    startedAt: '2026-12-01T10:00:00.000Z',
    finishedAt: '2026-12-01T10:05:00.000Z',
    complete: true,
    interruptedBy: null,
    commandLine: ['pnpm', 'bench', '--compare', 'main'],
    profile: 'quick',
    filters: {},
    hardware: {
      id: HARDWARE_ID,
      cpu: { model: 'Test CPU', cores: 8, speedMHz: 3000 },
      memoryBytes: 16 * 2 ** 30,
      os: { platform: 'linux', release: '6.0', arch: 'x64' },
      node: 'v20.0.0',
      runtimes: {},
      gpu: null,
    },
    cases: [...cases].sort((a, b) => (a.key < b.key ? -1 : 1)),
    confirmation: null,
    comparison: {
      side,
      head: { ref: 'HEAD', sha: 'feedface00000000000000000000000000000000' },
      base: { ref: 'main', sha: 'ba5eba5e00000000000000000000000000000000' },
      seed: 1,
      removed,
      added,
    },
  });
}

/** Head and base runs of the given cases, measured in the same rounds. */
export function makePairedRuns(specs: readonly PairedCaseSpec[], options: PairedOptions = {}): { head: RunResult; base: RunResult } {
  const rounds = options.rounds ?? 12;
  const sessions = options.sessions ?? 2;
  const sessionEffect = options.sessionEffect ?? 0.005;
  const noise = options.noise ?? 0.02;
  const drift = options.drift ?? 0.3;
  const rng = mulberry32(options.seed ?? 7);
  const head: CaseResult[] = [];
  const base: CaseResult[] = [];
  const removed: string[] = [];
  const added: string[] = [];
  for (const spec of specs) {
    const median = spec.median ?? 1;
    const h: number[] = [];
    const b: number[] = [];
    const per = Math.floor(rounds / sessions);
    const biases = Array.from({ length: sessions }, () => [Math.exp((spec.sessionEffect ?? sessionEffect) * normal(rng)), Math.exp((spec.sessionEffect ?? sessionEffect) * normal(rng))] as const);
    for (let r = 0; r < rounds; r++) {
      const [hb, bb] = biases[Math.min(sessions - 1, Math.floor(r / per))] as readonly [number, number];
      const common = median * Math.exp(drift * normal(rng));
      h.push(common * hb * (spec.headFactor ?? 1) * Math.exp(noise * normal(rng)));
      b.push(common * bb * Math.exp(noise * normal(rng)));
    }
    const sides = spec.sides ?? 'both';
    const baseCase = syntheticCase({ ...spec, samples: b, versions: spec.baseVersions ?? { 'onnxruntime-node': '1.30.0' }, ...(spec.baseHash ? { hash: spec.baseHash } : {}) });
    const headCase = syntheticCase({
      ...spec,
      state: spec.headState ?? 'completed',
      samples: h,
      versions: spec.headVersions ?? { 'onnxruntime-node': '1.30.0' },
      ...(spec.headHash ? { hash: spec.headHash } : {}),
    });
    if (sides !== 'head') base.push(paired(baseCase, 'base', rounds, sessions));
    if (sides !== 'base') head.push(paired(headCase, 'head', rounds, sessions));
    if (sides === 'base') removed.push(baseCase.key);
    if (sides === 'head') added.push(headCase.key);
  }
  return { head: runOf('head', head, removed, added), base: runOf('base', base, removed, added) };
}
