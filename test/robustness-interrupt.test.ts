/**
 * Robustness: an interrupted run. A real `bench` run of eight cases gets SIGINT (sent to its whole process
 * group, as Ctrl-C in a terminal does, so the Vitest worker gets it too) or SIGTERM (sent to the CLI
 * process only, as `kill` does) right after its first case. The cases that finished are written, marked
 * `complete: false` with `interruptedBy`, the report says INCOMPLETE, the exit code is 130, and the
 * partial run can never become a baseline.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeMetrics } from '../src/metrics/compute.ts';
import { BaselineError, baselineFromRun } from '../src/results/baseline.ts';
import { parseRunResult } from '../src/results/run-file.ts';
import type { RunResult } from '../src/results/schema.ts';
import { runBench, type BenchChildResult } from './support/bench-child.ts';

function interruptedRun(signal: 'SIGINT' | 'SIGTERM', to: 'group' | 'process' | 'process-then-group'): Promise<BenchChildResult> {
  let sent = false;
  return runBench({
    args: ['faults/'],
    // Eight cases of at least 300 ms each: the run is far from done when the first one has finished.
    env: { GCB_FAULT_BATCHES: '1,2,3,4,5,6,7,8', GCB_FAULT_MIN_TIME_MS: '300' },
    detached: to !== 'process',
    onOutput: (child, output) => {
      if (sent || !output.includes('[1/')) return;
      sent = true;
      if (to !== 'group') child.kill(signal);
      // As `timeout` does: the child, then its whole group (so the CLI gets the signal twice at once).
      if (to !== 'process') process.kill(-(child.pid as number), signal);
    },
  });
}

const runs: Record<'SIGINT' | 'SIGTERM', { child: BenchChildResult; latest: RunResult }> = {} as never;
let timeoutRun: BenchChildResult | null = null;

beforeAll(async () => {
  const [int, term, twice] = await Promise.all([interruptedRun('SIGINT', 'group'), interruptedRun('SIGTERM', 'process'), interruptedRun('SIGINT', 'process-then-group')]);
  runs.SIGINT = { child: int, latest: await int.latest() };
  runs.SIGTERM = { child: term, latest: await term.latest() };
  timeoutRun = twice;
}, 60_000);
afterAll(() => {
  runs.SIGINT?.child.cleanup();
  runs.SIGTERM?.child.cleanup();
  timeoutRun?.cleanup();
});

describe('SIGINT to the CLI and then to its group at once (as `timeout` sends it)', () => {
  it('is one stop: the cases that finished are written, not dropped as by a second Ctrl-C', async () => {
    const child = timeoutRun as BenchChildResult;
    expect(child.code).toBe(130);
    expect(child.stdout).toMatch(/^bench: wrote .*latest\.json \(\d cases, INCOMPLETE\)$/m);
    const latest = await child.latest();
    expect(latest.interruptedBy).toBe('SIGINT');
    expect(latest.cases.length).toBeGreaterThanOrEqual(1);
  });
});

describe.each([
  { signal: 'SIGINT', to: 'to the process group (Ctrl-C)' },
  { signal: 'SIGTERM', to: 'to the CLI process' },
] as const)('$signal $to', ({ signal }) => {
  it('exits 130 and says what it did', () => {
    const { child } = runs[signal];
    expect(child.code).toBe(130);
    expect(child.stderr).toContain(
      `bench: ${signal}: stopping; the case in progress is dropped, the cases that finished are written (signal again to quit at once, writing nothing)`,
    );
    expect(child.stdout).toMatch(new RegExp(`^bench: wrote .*latest\\.json \\(\\d cases, INCOMPLETE\\)$`, 'm'));
    expect(child.stdout).toContain(`bench: run interrupted (${signal}): results so far are written and marked incomplete`);
    // What it judged covers only the cases that finished: never a pass of the selection.
    expect(child.stdout).not.toMatch(/^bench: (PASS|NO BASELINE)/m);
    // The worker is not killed under the CLI's feet (that used to read "Worker forks emitted error").
    expect(child.output).not.toMatch(/ERROR in|emitted error/);
  });

  it('writes the cases that finished, marked incomplete, in latest.json and the run file', async () => {
    const { child, latest } = runs[signal];
    expect(latest.complete).toBe(false);
    expect(latest.interruptedBy).toBe(signal);
    expect(latest.cases.length).toBeGreaterThanOrEqual(1);
    expect(latest.cases.length).toBeLessThan(8);
    expect(latest.cases[0]?.key).toBe('blocks/plain-conv/fault-none/b=1/d=1');
    expect(latest.cases.every((c) => c.state === 'completed')).toBe(true);
    const files = (await readdir(child.resultsDir)).sort();
    expect(files).toEqual(['latest.json', expect.stringMatching(/^run-.*\.json$/)]);
    const runFile = join(child.resultsDir, files[1] as string);
    expect(parseRunResult(await readFile(runFile, 'utf8'), runFile)).toEqual(latest);
  });

  it('the report says the run is incomplete and never shows a green tick', () => {
    const report = runs[signal].child.report();
    expect(report).toMatch(/^## ⚠️ (PASS|NO BASELINE): .* · \*\*INCOMPLETE RUN\*\*$/m);
    expect(report).not.toContain('✅');
  });

  it('the partial run never becomes a baseline', () => {
    const { latest } = runs[signal];
    const metrics = computeMetrics(latest, { bootstrap: { resamples: 200 } });
    expect(() => baselineFromRun(latest, metrics)).toThrow(BaselineError);
    expect(() => baselineFromRun(latest, metrics)).toThrow(
      `refusing to create a baseline from an incomplete run (started ${latest.startedAt}, interrupted by ${signal}); run the full selection again`,
    );
  });
});
