/**
 * Robustness: a compiler whose output contains NaN or Inf, and one whose output disagrees with the
 * uncompiled reference (ort-cpu-disabled). Real `bench` runs of the plain-conv block on ONNX Runtime
 * with the fault injected (test/fault-benches/faults/fault.bench.ts): each such case fails with the
 * reason, the healthy compiler beside them is measured, and the run exits 1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../src/results/schema.ts';
import { linesStartingWith, runBench, type BenchChildResult } from './support/bench-child.ts';

let child: BenchChildResult;
let run: RunResult;

beforeAll(async () => {
  child = await runBench({ args: ['faults/'], env: { GCB_FAULT: 'none,nan-output,inf-output,wrong-output' } });
  run = await child.latest();
}, 60_000);
afterAll(() => child?.cleanup());

describe('NaN, Inf and wrong outputs in a bench run', () => {
  it('exits 1 and names every failed case with its reason', () => {
    expect(child.code).toBe(1);
    expect(linesStartingWith(child.stdout, 'bench: FAILED')).toEqual([
      'bench: FAILED blocks/plain-conv/fault-inf-output/b=1/d=1 (output): output[2] is -Infinity: the model produced NaN or Inf',
      'bench: FAILED blocks/plain-conv/fault-nan-output/b=1/d=1 (output): output[1] is NaN: the model produced NaN or Inf',
      'bench: FAILED blocks/plain-conv/fault-wrong-output/b=1/d=1 (correctness): output disagrees with ort-cpu-disabled: relative L2 1.00e+0 > tolerance 1e-4',
    ]);
    expect(child.stdout).toMatch(/^bench: FAIL: 0 regressions, 0 reversals, 3 failed/m);
  });

  it('records the failures as data, with the correctness evidence, and measures the healthy compiler', () => {
    expect(run.complete).toBe(true);
    const byKey = new Map(run.cases.map((c) => [c.key, c]));
    expect(byKey.get('blocks/plain-conv/fault-none/b=1/d=1')).toMatchObject({
      state: 'completed',
      correctness: { reference: 'ort-cpu-disabled', ok: true },
    });
    expect(byKey.get('blocks/plain-conv/fault-nan-output/b=1/d=1')).toMatchObject({ state: 'failed', phase: 'output', correctness: null });
    expect(byKey.get('blocks/plain-conv/fault-inf-output/b=1/d=1')).toMatchObject({ state: 'failed', phase: 'output' });
    expect(byKey.get('blocks/plain-conv/fault-wrong-output/b=1/d=1')).toMatchObject({
      state: 'failed',
      phase: 'correctness',
      correctness: { reference: 'ort-cpu-disabled', tolerance: 1e-4, ok: false },
    });
    const wrong = byKey.get('blocks/plain-conv/fault-wrong-output/b=1/d=1');
    expect(wrong?.state === 'failed' && wrong.correctness?.relativeL2).toBeCloseTo(1, 5);
  });

  it('the report fails and lists each case with its reason', () => {
    const report = child.report();
    expect(report).toMatch(/^## ❌ FAIL: 0 regressions, 0 reversals, 3 failed/m);
    expect(report).toContain('### Not measured (3)');
    expect(report).toMatch(/\| `blocks\/plain-conv\/fault-nan-output\/b=1\/d=1` +\| failed \(output\) +\| output\[1\] is NaN: the model produced NaN or Inf/);
    expect(report).toMatch(/\| `blocks\/plain-conv\/fault-inf-output\/b=1\/d=1` +\| failed \(output\) +\| output\[2\] is -Infinity/);
    expect(report).toMatch(/\| `blocks\/plain-conv\/fault-wrong-output\/b=1\/d=1` +\| failed \(correctness\) +\| output disagrees with ort-cpu-disabled: relative L2 1\.00e\+0 > tolerance 1e-4/);
  });
});
