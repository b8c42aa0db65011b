import { describe, expect, it } from 'vitest';
import { NullAdapter } from '../src/adapters/null.ts';
import { SlowedAdapter } from '../src/adapters/slowed.ts';
import { ANCHOR_ID, ANCHOR_VERSION, DISTURBANCE_TOLERANCE } from '../src/harness/anchor.ts';
import { anchorRatios, judgedPartner, quietSelfSamples, referenceRatios } from '../src/results/ratios.ts';
import { TinybenchEngine } from '../src/harness/tinybench-engine.ts';
import { measureCase, type MeasureCaseInput } from '../src/harness/measure-case.ts';
import { CaseResultSchema } from '../src/results/schema.ts';
import { FaultAdapter, type Fault } from './support/fault-adapter.ts';
import { tinyModel } from './support/tiny-model.ts';

const quick = { minTimeMs: 5, minSamples: 5, warmupTimeMs: 0, warmupIterations: 1, maxSamples: 200 };

function input(overrides: Partial<MeasureCaseInput>): MeasureCaseInput {
  return {
    suite: 'models',
    model: tinyModel(),
    adapter: new NullAdapter(),
    reference: null,
    batch: 2,
    engine: new TinybenchEngine(),
    measure: quick,
    timeoutMs: 2000,
    ...overrides,
  };
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const fault = (f: Fault, fromBatch?: number) => new FaultAdapter({ fault: f, ...(fromBatch ? { fromBatch } : {}) });

describe('measureCase', () => {
  it('measures the null adapter and records a valid completed case', async () => {
    const result = CaseResultSchema.parse(await measureCase(input({})));
    expect(result.state).toBe('completed');
    if (result.state !== 'completed') return;
    expect(result.key).toBe('models/tiny/null/b=2');
    expect(result.samples.length).toBeGreaterThanOrEqual(5);
    // The summary is of the quiet rounds' samples (all of them unless some rounds were set aside).
    expect(result.latency.n).toBe(quietSelfSamples(result).length);
    expect(result.engine.name).toBe('tinybench');
    expect(result.correctness).toBeNull();
  });

  it('keys depth sweeps with /d=', async () => {
    const result = await measureCase(input({ model: tinyModel('tiny', 4) }));
    expect(result.key).toBe('models/tiny/null/b=2/d=4');
  });

  it('reports an unavailable compiler with its reason', async () => {
    const result = await measureCase(input({ adapter: fault('unavailable') }));
    expect(result).toMatchObject({ state: 'unavailable', reason: 'test-fault: this compiler is never available' });
  });

  it.each([
    ['throw-on-compile', 'compile', /unsupported operator Foo/],
    ['throw-on-run', 'run', /kernel launch failed/],
    ['nan-output', 'output', /output\[1\] is NaN/],
    ['out-of-memory', 'out-of-memory', /out of memory/],
    ['hang-on-compile', 'timeout', /compile of models\/tiny\/fault-hang-on-compile\/b=2 did not finish within 300 ms/],
    ['hang-on-run', 'timeout', /did not finish within 300 ms/],
  ] as const)('turns %s into a failed case in phase %s', async (f, phase, message) => {
    const result = CaseResultSchema.parse(await measureCase(input({ adapter: fault(f), timeoutMs: 300 })));
    expect(result.state).toBe('failed');
    if (result.state !== 'failed') return;
    expect(result.phase).toBe(phase);
    expect(result.error).toMatch(message);
  });

  it('fails only the batches that run out of memory', async () => {
    const small = await measureCase(input({ adapter: fault('out-of-memory', 8), batch: 4 }));
    const large = await measureCase(input({ adapter: fault('out-of-memory', 8), batch: 8 }));
    expect(small.state).toBe('completed');
    expect(large).toMatchObject({ state: 'failed', phase: 'out-of-memory' });
  });

  it('checks the output against the reference and fails a disagreement', async () => {
    const reference = new FaultAdapter({ fault: 'none', id: 'reference' });
    const agrees = await measureCase(input({ adapter: fault('none'), reference }));
    expect(agrees.state === 'completed' && agrees.correctness).toEqual({
      reference: 'reference',
      relativeL2: 0,
      tolerance: 1e-4,
      ok: true,
    });
    const disagrees = await measureCase(input({ adapter: fault('wrong-output'), reference }));
    expect(disagrees).toMatchObject({ state: 'failed', phase: 'correctness', correctness: { relativeL2: 1, ok: false } });
    expect(disagrees.state === 'failed' && disagrees.error).toMatch(/disagrees with reference: relative L2 1\.00e\+0 > tolerance 1e-4/);
  });

  it('uses the GPU tolerance for GPU compilers', async () => {
    const reference = new FaultAdapter({ fault: 'none', id: 'reference' });
    const result = await measureCase(input({ adapter: new FaultAdapter({ fault: 'none', hardware: 'gpu' }), reference }));
    expect(result.state === 'completed' && result.correctness?.tolerance).toBe(1e-3);
  });
});

describe('measureCase: what is measured alongside', () => {
  const slow = (ms: number) => new SlowedAdapter(new NullAdapter(), { kind: 'fixed', ms });

  it('measures the compiler, its reference and the anchor in the same rounds', async () => {
    const result = CaseResultSchema.parse(await measureCase(input({ adapter: slow(0.3), pairedReference: slow(0.1), sessions: 2 })));
    if (result.state !== 'completed') throw new Error(result.state);
    const il = result.interleaving;
    expect(il.reference?.compilerId).toBe('null');
    expect(il.anchor).toMatchObject({ id: ANCHOR_ID, version: ANCHOR_VERSION });
    expect(il.sessionRounds).toHaveLength(2);
    expect(il.sessionRounds.reduce((a, b) => a + b, 0)).toBe(il.rounds);
    expect(result.samples).toHaveLength(il.rounds * il.callsPerRound);
    expect(il.reference?.samples).toHaveLength(il.rounds * (il.reference?.callsPerRound ?? 0));
    // 0.3 ms of work against 0.1 ms, round by round: 3 less the harness's own time per call, which
    // adds to both (under load, 0.05–0.1 ms); a swapped or unpaired reference would read 1/3 or 1.
    const ratios = referenceRatios(result) as number[];
    expect(median(ratios)).toBeGreaterThan(1.5);
    expect(median(ratios)).toBeLessThan(3.5);
    expect(il.disturbance).toMatchObject({ tolerance: DISTURBANCE_TOLERANCE });
    expect(il.disturbance.quietAnchorMs).toBeGreaterThan(0);
  });

  it('measures against the anchor only, and says why, when the reference is unavailable', async () => {
    const result = await measureCase(input({ adapter: slow(0.1), pairedReference: fault('unavailable') }));
    if (result.state !== 'completed') throw new Error(result.state);
    expect(result.interleaving.reference).toBeNull();
    expect(result.interleaving.referenceNote).toBe('reference fault-unavailable unavailable: test-fault: this compiler is never available');
    expect(judgedPartner(result)).toMatchObject({ kind: 'anchor', id: ANCHOR_ID });
  });

  it('names the reference when it fails while measured alongside', async () => {
    const result = await measureCase(input({ adapter: slow(0.1), pairedReference: fault('throw-on-run') }));
    // The reference's prepare works; its run throws when first called, in the warm-up of the rounds.
    expect(result).toMatchObject({ state: 'failed', phase: 'run' });
    expect(result.state === 'failed' && result.error).toMatch(/^reference fault-throw-on-run, measured alongside: .*kernel launch failed/);
  });

  it('keeps disturbed rounds in the samples but out of every statistic', async () => {
    const result = await measureCase(input({ adapter: slow(0.1) }));
    if (result.state !== 'completed') throw new Error(result.state);
    const calls = result.interleaving.callsPerRound;
    const excluded = [0];
    const c = { ...result, interleaving: { ...result.interleaving, disturbance: { quietAnchorMs: 0.2, tolerance: 0.1, excludedRounds: excluded } } };
    expect(quietSelfSamples(c)).toEqual(result.samples.slice(calls));
    expect(anchorRatios(c)).toHaveLength(result.interleaving.rounds - 1);
  });
});
