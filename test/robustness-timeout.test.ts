/**
 * Robustness: a hung case. A compiler that never finishes compiling, and one whose inference never
 * returns, under a 1 s per-case limit (GCB_CASE_TIMEOUT_MS): each ends as a failed `timeout` case
 * instead of hanging the run, and the healthy case after them still runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../src/results/schema.ts';
import { linesStartingWith, runBench, type BenchChildResult } from './support/bench-child.ts';

let child: BenchChildResult;
let run: RunResult;
let wallMs = 0;

beforeAll(async () => {
  const start = Date.now();
  child = await runBench({
    args: ['faults/', 'blocks/'],
    env: { GCB_FAULT: 'hang-on-compile,hang-on-run', GCB_CASE_TIMEOUT_MS: '1000' },
  });
  wallMs = Date.now() - start;
  run = await child.latest();
}, 60_000);
afterAll(() => child?.cleanup());

describe('a hung case under the per-case time limit', () => {
  it('fails as a timeout, naming the phase it hung in; the run goes on and exits 1', () => {
    expect(child.code).toBe(1);
    expect(linesStartingWith(child.stdout, 'bench: FAILED')).toEqual([
      'bench: FAILED blocks/plain-conv/fault-hang-on-compile/b=1/d=1 (timeout): compile of blocks/plain-conv/fault-hang-on-compile/b=1/d=1 did not finish within 1000 ms (per-case limit)',
      'bench: FAILED blocks/plain-conv/fault-hang-on-run/b=1/d=1 (timeout): run of blocks/plain-conv/fault-hang-on-run/b=1/d=1 did not finish within 1000 ms (per-case limit)',
    ]);
    expect(run.complete).toBe(true);
    expect(run.cases.map((c) => [c.key, c.state])).toEqual([
      ['blocks/plain-conv/fault-hang-on-compile/b=1/d=1', 'failed'],
      ['blocks/plain-conv/fault-hang-on-run/b=1/d=1', 'failed'],
      ['blocks/plain-conv/ort-cpu-all/b=1/d=1', 'completed'],
    ]);
    expect(run.cases.filter((c) => c.state === 'failed').every((c) => c.state === 'failed' && c.phase === 'timeout')).toBe(true);
    // Two 1 s limits plus start-up: far from hanging.
    expect(wallMs).toBeLessThan(30_000);
  });

  it('the report lists both timeouts', () => {
    const report = child.report();
    expect(report).toContain('### Not measured (2)');
    expect(report).toMatch(/failed \(timeout\) +\| compile of blocks\/plain-conv\/fault-hang-on-compile\/b=1\/d=1 did not finish within 1000 ms/);
    expect(report).toMatch(/failed \(timeout\) +\| run of blocks\/plain-conv\/fault-hang-on-run\/b=1\/d=1 did not finish within 1000 ms/);
  });
});
