/**
 * The paired gate (`pnpm bench --compare`): verdicts from the per-round head/base ratios of runs
 * measured side by side, on synthetic runs whose truth is known. Each round carries a drift common to
 * both sides of 30% (log sd), which the pairing must cancel; each side adds 2% of its own noise.
 */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../src/evaluate.ts';
import { DEFAULT_GATE_CONFIG } from '../src/gate/config.ts';
import { pairedLogRatios, sideChanges } from '../src/gate/paired.ts';
import type { Verdict } from '../src/gate/verdict.ts';
import type { CompletedCase } from '../src/results/schema.ts';
import { makePairedRuns, type PairedCaseSpec, type PairedOptions } from './support/synthetic-paired.ts';
import { sha } from './support/synthetic-run.ts';

const COMPILERS = ['ort-cpu-disabled', 'ort-cpu-basic', 'ort-cpu-all'] as const;
const MODELS = ['resnet-like', 'vit-like', 'mixer-like', 'mobilenetv2-like'] as const;
const BATCHES = [1, 4, 16] as const;

/** 36 archetype cases: every model × compiler × batch, latency growing with the batch. */
function matrix(edit: (spec: PairedCaseSpec) => PairedCaseSpec = (s) => s, batches: readonly number[] = BATCHES): PairedCaseSpec[] {
  return MODELS.flatMap((model, m) =>
    COMPILERS.flatMap((compiler, c) => batches.map((batch) => edit({ model, compiler, batch, median: (1 + m) * (1 + c * 0.2) * batch ** 0.8 }))),
  );
}

function judge(specs: readonly PairedCaseSpec[], seed = 7, config = DEFAULT_GATE_CONFIG, options: PairedOptions = {}): Verdict {
  const { head, base } = makePairedRuns(specs, { seed, ...options });
  const { verdict, outcome } = evaluate({ run: head, base, baseline: undefined, config, harnessErrors: [], requireBaseline: false });
  if (verdict === null) throw new Error('a paired run is always gated');
  // A failed case makes the run incomplete whatever the verdict says; otherwise the outcome is the verdict's.
  expect(outcome).toBe(head.cases.some((c) => c.state === 'failed') ? 'incomplete' : verdict.status);
  return verdict;
}

describe('paired gate', () => {
  it('passes the same code on both sides and judges every case, whatever the drift', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const v = judge(matrix(), seed);
      expect(v.problems).toEqual([]);
      expect(v.status).toBe('pass');
      expect(v.counts.judged).toBe(36);
      expect(v.summaryLine).toMatch(/^PASS: 0 regressions, 0 reversals; judged 36 of 36 cases side by side with base ba5eba5/);
    }
  });

  it('does not call the bias of a session pair a change: a 15% bias per pair, quiet rounds, same code', () => {
    // Each case's two session pairs are 15% apart at random (what sub-millisecond models did on the 2-core
    // VM), while its rounds agree within 1%: a test on the rounds alone would flag most cases.
    let alarms = 0;
    for (const seed of [11, 12, 13, 14, 15, 16, 17, 18]) {
      const v = judge(matrix(), seed, DEFAULT_GATE_CONFIG, { sessionEffect: 0.15, noise: 0.005 });
      alarms += v.problems.length;
    }
    expect(alarms).toBe(0);
  });

  it('finds a 10% slowdown of one compiler in its cases and in its aggregate, and nowhere else', () => {
    const v = judge(matrix((s) => (s.compiler === 'ort-cpu-all' ? { ...s, headFactor: 1.1 } : s)));
    const regressions = v.cases.filter((c) => c.kind === 'regression');
    // 12 rounds in 2 session pairs per case: most of the 12 cases of the slowed compiler are called one by one.
    expect(regressions.length).toBeGreaterThanOrEqual(10);
    expect(regressions.every((c) => c.compilerId === 'ort-cpu-all')).toBe(true);
    expect(regressions[0]?.paired?.ratio).toBeGreaterThan(1.05);
    expect(regressions[0]?.message).toMatch(/^regression: archetypes\/mixer-like\/ort-cpu-all\/b=1 is \d+\.\d% slower than base ba5eba5, measured side by side \(head\/base 1\.\d{3}, 99% CI/);
    const slower = v.paired?.aggregates.filter((a) => a.kind === 'regression').map((a) => a.id);
    expect(slower).toContain('cpu/ort-cpu-all');
    expect(slower).not.toContain('cpu/ort-cpu-basic');
    expect(slower).not.toContain('cpu/ort-cpu-disabled');
    expect(v.status).toBe('fail');
    expect(v.summaryLine).toMatch(/^FAIL: 1\d regressions, \d+ slower groups? \([^)]*cpu\/ort-cpu-all[^)]*\), 0 reversals; judged 36 of 36 cases/);
  });

  it('learns a pair’s bias per compiler: a noisy runtime neither hides a quiet one’s slowdown nor is flagged itself', () => {
    // 12 cases of a two-thread WebAssembly runtime whose session pairs are 15% apart at random, beside
    // 36 ONNX Runtime cases of the same latencies whose pairs agree within 0.5%; ort-cpu-all 10% slower.
    // Pooled by latency alone, the wasm cases' bias would widen every ORT interval.
    const wasm = MODELS.flatMap((model, m) => BATCHES.map((batch) => ({ model, compiler: 'ort-wasm-t2', batch, median: (1 + m) * batch ** 0.8, sessionEffect: 0.15 })));
    const specs = [...matrix((s) => (s.compiler === 'ort-cpu-all' ? { ...s, headFactor: 1.1 } : s)), ...wasm];
    let detected = 0;
    let wasmFlagged = 0;
    for (const seed of [31, 32, 33, 34]) {
      const v = judge(specs, seed, DEFAULT_GATE_CONFIG, { noise: 0.01 });
      detected += v.cases.filter((c) => c.compilerId === 'ort-cpu-all' && c.kind === 'regression').length;
      wasmFlagged += v.cases.filter((c) => c.compilerId === 'ort-wasm-t2' && c.kind !== 'unchanged').length;
      const quiet = /plus a pair's bias of (\d+\.\d)% sd/.exec(v.cases.find((c) => c.compilerId === 'ort-cpu-all')?.paired?.method ?? '');
      expect(Number(quiet?.[1])).toBeLessThan(2);
    }
    expect(detected).toBeGreaterThanOrEqual(44);
    expect(wasmFlagged).toBe(0);
  });

  it('does not call a change the disagreement of one case’s own two session pairs, which the run’s others do not share', () => {
    // One case's second session pair runs 30% slower on the head side only (a pair placed badly), while
    // every other case's pairs agree: the run's inflation stays small, and that case is judged on its
    // own pairs' disagreement (one degree of freedom), not taken for a 14% slowdown.
    const { head, base } = makePairedRuns(matrix(), { seed: 21, rounds: 12 });
    const key = 'archetypes/vit-like/ort-cpu-all/b=4';
    const odd = head.cases.find((c) => c.key === key) as CompletedCase;
    const firstPair = (odd.interleaving.sessionRounds[0] as number) * odd.interleaving.callsPerRound;
    const skewed = { ...head, cases: head.cases.map((c) => (c.key === key ? { ...odd, samples: odd.samples.map((x, i) => (i >= firstPair ? x * 1.3 : x)) } : c)) };
    const { verdict } = evaluate({ run: skewed, base, baseline: undefined, config: DEFAULT_GATE_CONFIG, harnessErrors: [], requireBaseline: false });
    const judged = verdict?.cases.find((c) => c.key === key);
    expect(judged?.kind).toBe('unchanged');
    expect(judged?.paired?.ratio).toBeGreaterThan(1.1);
    expect(judged?.paired?.method).toMatch(/variance between its own pairs, which disagreed \(1 df\)/);
    expect(verdict?.problems).toEqual([]);
    // The odd case is left out of the class's session bias: the other cases keep their intervals
    // (the runs are made with a pair bias of 0.5% sd).
    const other = verdict?.cases.find((c) => c.key === 'archetypes/vit-like/ort-cpu-all/b=1')?.paired?.method ?? '';
    const bias = /plus a pair's bias of (\d+\.\d)% sd/.exec(other);
    expect(bias, other).not.toBeNull();
    expect(Number(bias?.[1])).toBeLessThan(2);
  });

  it('judges the case of a run too small to learn a pair’s bias from on its own two pairs (1 df)', () => {
    // One case whose head rounds both pairs ran 40% slower while its rounds agree within 0.5%: a
    // disturbance that hit the head's processes alike looks the same, and one case cannot tell them apart.
    const { head, base } = makePairedRuns([{ model: 'vit-like', compiler: 'ort-cpu-all', batch: 1, median: 0.2, headFactor: 1.4 }], { rounds: 8, seed: 5, noise: 0.005 });
    const { verdict } = evaluate({ run: head, base, baseline: undefined, config: DEFAULT_GATE_CONFIG, harnessErrors: [], requireBaseline: false });
    const only = verdict?.cases[0];
    expect(only?.paired?.method).toMatch(/on the variance between its own pairs, the run having too few cases to learn a pair’s bias from \(1 df\)$/);
    expect(only?.paired?.ratio).toBeGreaterThan(1.3);
    expect(only?.kind).toBe('unchanged');
  });

  it('does not judge a case whose rounds give no variance (one round per session pair, nothing to learn it from)', () => {
    const { head, base } = makePairedRuns([{ model: 'vit-like', compiler: 'ort-cpu-all', batch: 1, median: 2, headFactor: 1.5 }], { rounds: 2, seed: 3 });
    const { verdict } = evaluate({ run: head, base, baseline: undefined, config: DEFAULT_GATE_CONFIG, harnessErrors: [], requireBaseline: false });
    expect(verdict?.cases.map((c) => [c.kind, c.message])).toEqual([
      ['unchanged', 'unchanged: archetypes/vit-like/ort-cpu-all/b=1 not judged (one round per session pair and no other case to learn the round variance from)'],
    ]);
    expect(verdict?.counts.judged).toBe(0);
    expect(verdict?.status).not.toBe('pass');
  });

  it('finds a uniform 3% slowdown of a compiler at the compiler level, below every case threshold', () => {
    // 24 cases of the compiler (4 models × 6 batches), each alone too noisy to call 3%.
    const v = judge(matrix((s) => (s.compiler === 'ort-cpu-basic' ? { ...s, headFactor: 1.03 } : s), [1, 2, 4, 8, 16, 32]));
    expect(v.cases.filter((c) => c.kind === 'regression')).toEqual([]);
    const basic = v.paired?.aggregates.find((a) => a.id === 'cpu/ort-cpu-basic');
    expect(basic?.kind).toBe('regression');
    expect(basic?.ratio).toBeCloseTo(1.03, 1);
    expect(v.problems.map((p) => [p.kind, p.key])).toContainEqual(['aggregate-regression', 'compiler:cpu/ort-cpu-basic']);
  });

  it('compares a case whose runtime version changed and names the change, in the case and its compiler', () => {
    const v = judge(matrix((s) => (s.compiler === 'ort-cpu-all' ? { ...s, headVersions: { 'onnxruntime-node': '1.31.0' }, headFactor: 1.12 } : s)));
    const c = v.cases.find((x) => x.key === 'archetypes/vit-like/ort-cpu-all/b=4');
    expect(c?.kind).toBe('regression');
    expect(c?.paired?.changes).toEqual(['onnxruntime-node 1.30.0 → 1.31.0']);
    expect(c?.message).toContain('onnxruntime-node 1.30.0 → 1.31.0');
    const all = v.paired?.aggregates.find((a) => a.id === 'cpu/ort-cpu-all');
    expect(all?.changes).toEqual(['onnxruntime-node 1.30.0 → 1.31.0']);
    expect(all?.message).toMatch(/^regression: compiler cpu\/ort-cpu-all \(12 cases\) is \d+\.\d% slower than base ba5eba5 .*; onnxruntime-node 1\.30\.0 → 1\.31\.0\)$/);
    expect(v.paired?.versionChanges).toEqual([{ compilerId: 'ort-cpu-all', change: 'onnxruntime-node 1.30.0 → 1.31.0', cases: 12 }]);
    expect(v.counts.stale).toBe(0);
  });

  it('reports a changed model as the change, and compares it', () => {
    const v = judge(matrix((s) => (s.model === 'vit-like' && s.compiler === 'ort-cpu-all' && s.batch === 1 ? { ...s, headHash: sha('new vit') } : s)));
    const c = v.cases.find((x) => x.key === 'archetypes/vit-like/ort-cpu-all/b=1');
    expect(c?.kind).toBe('unchanged');
    expect(c?.paired?.changes[0]).toMatch(/^model vit-like changed \([0-9a-f]{12}… → [0-9a-f]{12}…\)$/);
  });

  it('reports cases on one side only as added or removed, not failed, and fails a head that broke', () => {
    const specs: PairedCaseSpec[] = [
      ...matrix(),
      { model: 'resnet-like', compiler: 'tfjs-cpu', batch: 1, median: 5, sides: 'head' },
      { model: 'resnet-like', compiler: 'tfjs-wasm', batch: 1, median: 5, sides: 'base' },
    ];
    const v = judge(specs);
    expect(v.cases.find((c) => c.key === 'archetypes/resnet-like/tfjs-cpu/b=1')?.kind).toBe('added');
    expect(v.cases.find((c) => c.key === 'archetypes/resnet-like/tfjs-wasm/b=1')?.kind).toBe('removed');
    expect(v.status).toBe('pass');
    expect(v.summaryLine).toContain('(1 added, 1 removed)');
    const broken = judge(matrix((s) => (s.model === 'vit-like' && s.compiler === 'ort-cpu-all' && s.batch === 16 ? { ...s, headState: 'failed' } : s)));
    expect(broken.problems.map((p) => [p.kind, p.key])).toEqual([['failed', 'archetypes/vit-like/ort-cpu-all/b=16']]);
  });

  it('fails on a rise in batch friction that the paired ratios show', () => {
    // The head is slower the larger the batch: β rises by ln(1.5)/ln(16) ≈ 0.146 > 0.1 for ort-cpu-all.
    const v = judge(matrix((s) => (s.compiler === 'ort-cpu-all' ? { ...s, headFactor: s.batch ** 0.146 } : s)));
    const rises = v.series.filter((s) => s.kind === 'regression' && s.metric === 'friction-beta');
    expect(rises.length).toBeGreaterThan(0);
    expect(rises.every((s) => s.compilerId === 'ort-cpu-all')).toBe(true);
    expect(rises[0]?.change).toBeCloseTo(0.146, 1);
  });

  it('reads the per-round log-ratios of a case from the two sides, leaving out rounds set aside on either', () => {
    const { head, base } = makePairedRuns([{ model: 'vit-like', compiler: 'ort-cpu-all', batch: 1, median: 2, headFactor: 1.1 }], { rounds: 4, noise: 0, drift: 0.5, sessionEffect: 0 });
    const h = head.cases[0] as CompletedCase;
    const b = base.cases[0] as CompletedCase;
    expect(pairedLogRatios(h, b).map((d) => d.toFixed(6))).toEqual(Array(4).fill(Math.log(1.1).toFixed(6)));
    const excluded = { ...h, interleaving: { ...h.interleaving, disturbance: { ...h.interleaving.disturbance, excludedRounds: [1, 2] } } };
    expect(pairedLogRatios(excluded, b)).toHaveLength(2);
    // A call of the head preempted for 10× its time (the other side's worker busy on the shared core)
    // leaves its round's log-ratio where it was: rounds are compared by their median calls.
    const threeCalls = (c: CompletedCase, edit: (x: number, i: number) => number = (x) => x): CompletedCase => ({
      ...c,
      samples: c.samples.flatMap((x) => [x, x, x]).map(edit),
      interleaving: { ...c.interleaving, callsPerRound: 3 },
    });
    const preempted = threeCalls(h, (x, i) => (i === 4 ? x * 10 : x));
    expect(pairedLogRatios(preempted, threeCalls(b)).map((d) => d.toFixed(6))).toEqual(Array(4).fill(Math.log(1.1).toFixed(6)));
    expect(sideChanges(b, { ...h, compiler: { ...h.compiler, versions: { 'onnxruntime-node': '1.29.0', extra: '1' } } })).toEqual([
      'extra (none) → 1',
      'onnxruntime-node 1.30.0 → 1.29.0',
    ]);
  });
});
