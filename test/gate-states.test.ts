import { describe, expect, it } from 'vitest';
import { makeRun, sha, type SyntheticCase } from './support/synthetic-run.ts';
import { baselineOf, judgeRun } from './support/gate-harness.ts';

const base: SyntheticCase[] = [
  { model: 'resnet-basic', compiler: 'ort-cpu-all', batch: 1, depth: 2, median: 2 },
  { model: 'resnet-basic', compiler: 'ort-cpu-disabled', batch: 1, depth: 2, median: 3 },
  { model: 'mlp', compiler: 'ort-cpu-all', batch: 1, depth: 2, median: 1 },
];
const baseline = baselineOf(makeRun(base));
const K_ALL = 'blocks/resnet-basic/ort-cpu-all/b=1/d=2';
const K_DIS = 'blocks/resnet-basic/ort-cpu-disabled/b=1/d=2';
const K_MLP = 'blocks/mlp/ort-cpu-all/b=1/d=2';
const kindOf = (v: ReturnType<typeof judgeRun>, key: string) => v.cases.find((c) => c.key === key)?.kind;

describe('gate case states', () => {
  it('marks a changed model hash stale and does not compare it', () => {
    const run = makeRun(base.map((c) => (c.model === 'mlp' ? { ...c, hash: sha('other'), median: 5 } : c)));
    const v = judgeRun(run, baseline);
    const c = v.cases.find((x) => x.key === K_MLP);
    expect(c?.kind).toBe('stale');
    expect(c?.evidence).toBeNull();
    expect(c?.message).toMatch(/^stale: blocks\/mlp\/ort-cpu-all\/b=1\/d=2 not compared, model hash changed/);
    expect(v.passed).toBe(true);
    expect(v.summaryLine).toBe('PASS: 0 regressions, 0 reversals; judged 2 of 2 comparable cases (1 stale)');
  });

  it('compares cases whose runtime version changed, and names the change', () => {
    const run = makeRun(base.map((c) => ({ ...c, versions: { 'onnxruntime-node': '1.31.0' } })));
    const v = judgeRun(run, baseline);
    expect(v.cases.map((c) => c.kind)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(v.cases.every((c) => c.evidence?.versionChanges.includes('onnxruntime-node 1.30.0 → 1.31.0'))).toBe(true);
    expect(v.cases[0]?.message).toContain('onnxruntime-node 1.30.0 → 1.31.0');
    expect(v.notes).toContain('version changed since the baseline, compared: onnxruntime-node 1.30.0 → 1.31.0 (3 cases)');
    expect(v.counts.stale).toBe(0);
    expect(v.passed).toBe(true);
  });

  it('names the version change in a regression it finds', () => {
    const run = makeRun(base.map((c) => ({ ...c, versions: { 'onnxruntime-node': '1.31.0' }, median: (c.median ?? 1) * (c.compiler === 'ort-cpu-all' ? 1.5 : 1) })));
    const v = judgeRun(run, baseline);
    const regressions = v.cases.filter((c) => c.kind === 'regression');
    expect(regressions.length).toBeGreaterThan(0);
    for (const r of regressions) expect(r.message).toMatch(/^regression: .* slower than the baseline .*; onnxruntime-node 1\.30\.0 → 1\.31\.0\)$/);
  });

  it('fails on a key the baseline has and the run lacks', () => {
    const v = judgeRun(makeRun(base.filter((c) => c.model !== 'mlp')), baseline);
    expect(kindOf(v, K_MLP)).toBe('missing');
    expect(v.passed).toBe(false);
    expect(v.problems.map((p) => [p.kind, p.key])).toEqual([['missing', K_MLP]]);
    expect(v.summaryLine).toBe('FAIL: 0 regressions, 0 reversals, 1 missing; judged 2 of 2 comparable cases');
  });

  it('does not count a key as missing when the run was filtered so as to exclude it', () => {
    const run = makeRun(base.filter((c) => c.model === 'resnet-basic'), { filters: { model: 'resnet-basic' } });
    const v = judgeRun(run, baseline);
    expect(kindOf(v, K_MLP)).toBeUndefined();
    expect(v.counts.filtered).toBe(1);
    expect(v.passed).toBe(true);
    expect(v.summaryLine).toBe('PASS: 0 regressions, 0 reversals; judged 2 of 2 comparable cases (1 filtered out)');
    // Filters that include the absent case do not excuse it.
    const wide = makeRun(base.filter((c) => c.model === 'resnet-basic'), { filters: { model: 'resnet-basic,mlp', hardware: 'cpu' } });
    expect(kindOf(judgeRun(wide, baseline), K_MLP)).toBe('missing');
  });

  it('fails on a failed case, including a correctness failure', () => {
    const run = makeRun(
      base.map((c) => (c.compiler === 'ort-cpu-disabled' ? { ...c, state: 'failed' as const, phase: 'correctness' as const, error: 'outputs differ' } : c)),
    );
    const v = judgeRun(run, baseline);
    expect(kindOf(v, K_DIS)).toBe('failed');
    expect(kindOf(v, K_ALL)).toBe('unchanged');
    expect(v.problems[0]).toMatchObject({ kind: 'failed', key: K_DIS, message: `failed: ${K_DIS} (correctness: outputs differ)` });
    expect(v.summaryLine).toBe('FAIL: 0 regressions, 0 reversals, 1 failed; judged 2 of 2 comparable cases');
  });

  it('treats a case now unavailable but measured in the baseline as missing', () => {
    const run = makeRun(base.map((c) => (c.model === 'mlp' ? { ...c, state: 'unavailable' as const } : c)));
    expect(kindOf(judgeRun(run, baseline), K_MLP)).toBe('missing');
  });

  it('reports cases not in the baseline as new and passes', () => {
    const run = makeRun([...base, { model: 'mlp', compiler: 'ort-cpu-all', batch: 4, depth: 2, median: 3 }]);
    const v = judgeRun(run, baseline);
    expect(kindOf(v, 'blocks/mlp/ort-cpu-all/b=4/d=2')).toBe('new');
    expect(v.passed).toBe(true);
    expect(v.summaryLine).toBe('PASS: 0 regressions, 0 reversals; judged 3 of 3 comparable cases (1 new)');
  });

  it('with no baseline, every case is new and only failures fail', () => {
    const v = judgeRun(makeRun(base), null);
    expect(v.cases.map((c) => c.kind)).toEqual(['new', 'new', 'new']);
    expect(v.summaryLine).toBe('NO BASELINE: no baseline for test-cpu-8c-16g yet, nothing was compared (3 new); measure this machine without the gate and write one (bench --no-gate, then baseline)');
    expect(v.baseline).toBeNull();
  });

  it('refuses to compare against a baseline from other hardware', () => {
    const v = judgeRun(makeRun(base, { hardwareId: 'other-machine' }), baseline);
    expect(v.passed).toBe(false);
    expect(v.problems[0]?.kind).toBe('hardware-mismatch');
    expect(v.summaryLine).toMatch(/^FAIL: baseline for other hardware, 0 regressions/);
  });
});
