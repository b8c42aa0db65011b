/**
 * Robustness: a batch sweep that runs out of memory from b=8 up (FaultAdapter `out-of-memory` with
 * fromBatch 8, over ONNX Runtime). The large batch is a failed point of the sweep with its cause; the
 * points that ran are measured and the metrics (batch friction β) are computed over them, and the report
 * says which points are missing and that the metrics leave them out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeMetrics } from '../src/metrics/compute.ts';
import type { RunResult } from '../src/results/schema.ts';
import { linesStartingWith, runBench, type BenchChildResult } from './support/bench-child.ts';

let child: BenchChildResult;
let run: RunResult;

beforeAll(async () => {
  child = await runBench({
    args: ['faults/'],
    env: { GCB_FAULT: 'out-of-memory', GCB_FAULT_FROM_BATCH: '8', GCB_FAULT_BATCHES: '1,2,4,8' },
  });
  run = await child.latest();
}, 60_000);
afterAll(() => child?.cleanup());

const key = (b: number) => `blocks/plain-conv/fault-out-of-memory/b=${b}/d=1`;

describe('a batch that runs out of memory', () => {
  it('is a failed point of the sweep with its cause; the smaller batches are measured', () => {
    expect(child.code).toBe(1);
    expect(linesStartingWith(child.stdout, 'bench: FAILED')).toEqual([
      `bench: FAILED ${key(8)} (out-of-memory): test-fault: failed to allocate 32768 MiB: out of memory`,
    ]);
    expect(run.complete).toBe(true);
    expect(run.cases.map((c) => [c.batch, c.state])).toEqual([
      [1, 'completed'],
      [2, 'completed'],
      [4, 'completed'],
      [8, 'failed'],
    ]);
    expect(run.cases[3]).toMatchObject({ phase: 'out-of-memory', error: 'test-fault: failed to allocate 32768 MiB: out of memory' });
  });

  it('metrics are computed over the points that ran, and the missing point is named', () => {
    const metrics = computeMetrics(run, { bootstrap: { resamples: 200 } });
    const friction = metrics.friction.find((s) => s.compilerId === 'fault-out-of-memory');
    expect(friction?.points.map((p) => p.batch)).toEqual([1, 2, 4]);
    expect(friction?.missing.map((m) => m.key)).toEqual([key(8)]);
    expect(friction?.beta.value).not.toBeNull();
  });

  it('the report shows the failed point, its cause, and that the metrics leave it out', () => {
    const report = child.report();
    expect(report).toContain('### Not measured (1)');
    expect(report).toContain('Metrics are computed over the points that ran; these are left out of every fit.');
    expect(report).toMatch(new RegExp(`\\| \`${key(8).replace(/[/=]/g, '\\$&')}\` +\\| failed \\(out-of-memory\\) +\\| test-fault: failed to allocate 32768 MiB: out of memory`));
    // The friction row: a β over the three points that ran, and "1 missing".
    expect(report).toMatch(/\| plain-conv d=1 +\| `fault-out-of-memory` +\| +-?\d\.\d+ \[[^\]]+\] +\|.*\| 1 missing +\|/);
  });
});
