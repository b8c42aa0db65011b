/**
 * The bench CLI confirms the gate's findings: when the first verdict finds a regression, it measures the
 * cases involved again and fails only if the regression shows again. Runs the real CLI as a child on the
 * test-only `faults` project (a healthy plain-conv case under ort-cpu-all, with its reference alongside).
 */
import { readdirSync, readFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_GATE_CONFIG, metricsOptionsFromGateConfig } from '../src/gate/config.ts';
import { computeMetrics } from '../src/metrics/compute.ts';
import { stableJson } from '../src/results/atomic.ts';
import { baselineFromRun, type Baseline } from '../src/results/baseline.ts';
import { COMMENT_MARKER } from '../src/report/markdown.ts';
import { runBench } from './support/bench-child.ts';

const KEY = 'blocks/plain-conv/ort-cpu-all/b=1/d=1';
const ARGS = ['blocks/plain-conv/'];
// Enough rounds for a clear verdict, and a slowdown (2×) far beyond the noise: on the 2-core VM a
// 60-ms case of a 0.2-ms model under a 60% slowdown came out with a 99% CI of 0.66–15× a few times in
// ten (most of its rounds set aside as disturbed), which the gate rightly did not call a regression.
// The machine-state check is left out: these runs are seconds apart.
const config = join(mkdtempSync(join(tmpdir(), 'gcb-confirm-config-')), 'gate.config.json');
const ENV = { GCB_FAULT_MIN_TIME_MS: '200', GCB_GATE_CONFIG: config };
let baseline: Baseline;

beforeAll(async () => {
  writeFileSync(config, JSON.stringify({ machineStateTolerance: 10, checks: { friction: false, depthGain: false, reversals: false } }));
  const first = await runBench({ args: [...ARGS, '--no-gate'], env: ENV, timeoutMs: 60_000 });
  try {
    expect(first.code).toBe(0);
    const run = await first.latest();
    baseline = baselineFromRun(run, computeMetrics(run, metricsOptionsFromGateConfig(DEFAULT_GATE_CONFIG)));
  } finally {
    first.cleanup();
  }
}, 90_000);

afterAll(() => rmSync(join(config, '..'), { recursive: true, force: true }));

const withBaseline = ({ baselinesDir }: { baselinesDir: string }) => {
  mkdirSync(baselinesDir, { recursive: true });
  writeFileSync(join(baselinesDir, `${baseline.hardwareId}.json`), stableJson(baseline));
};

describe('confirmation by the bench CLI', () => {
  it('measures the case of a regression again and fails when it shows again, recording both measurements', async () => {
    const summary = join(config, '..', 'summary.md');
    const child = await runBench({ args: ARGS, env: { ...ENV, GCB_TEST_SLOWDOWN: 'ort-cpu-all=100%', GITHUB_STEP_SUMMARY: summary }, prepare: withBaseline, timeoutMs: 90_000 });
    try {
      expect(child.code).toBe(1);
      // One evaluation, one writer: the job summary holds one report, the confirmed one, and the
      // results directory the run's files once.
      const reports = readFileSync(summary, 'utf8').split(COMMENT_MARKER).length - 1;
      expect(reports).toBe(1);
      expect(readFileSync(summary, 'utf8')).toContain('1 case measured again to confirm 1 finding, 0 not confirmed');
      expect(readdirSync(child.resultsDir).sort()).toEqual(['latest.json', expect.stringMatching(/^run-.*\.json$/)]);
      expect(child.stdout).toContain('bench: confirming 1 finding(s): measuring 1 case(s) again');
      expect(child.stdout).toMatch(/bench: FAIL: 1 regression, 0 reversals.*; 1 case measured again to confirm 1 finding, 0 not confirmed/);
      const run = await child.latest();
      expect(run.confirmation?.firstCases.map((c) => c.key)).toEqual([KEY]);
      expect(run.cases.find((c) => c.key === KEY)?.state).toBe('completed');
    } finally {
      child.cleanup();
    }
  }, 120_000);

  it('measures nothing again when the first verdict passes, and can be told not to confirm', async () => {
    const quiet = await runBench({ args: ARGS, env: ENV, prepare: withBaseline, timeoutMs: 60_000 });
    try {
      expect(quiet.stdout).not.toContain('bench: confirming');
      expect((await quiet.latest()).confirmation).toBeNull();
    } finally {
      quiet.cleanup();
    }
    const unconfirmed = await runBench({ args: [...ARGS, '--no-confirm'], env: { ...ENV, GCB_TEST_SLOWDOWN: 'ort-cpu-all=100%' }, prepare: withBaseline, timeoutMs: 60_000 });
    try {
      expect(unconfirmed.code).toBe(1);
      expect(unconfirmed.stdout).not.toContain('bench: confirming');
    } finally {
      unconfirmed.cleanup();
    }
  }, 120_000);
});
