/**
 * `pnpm bench:report` and `pnpm bench:baseline` given a matrix measured in parts: complete runs of
 * disjoint selections on one machine are combined into one run (src/results/parts.ts); parts that
 * overlap are refused, naming both files and the case.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stableJson } from '../src/results/atomic.ts';
import { parseBaseline } from '../src/results/baseline.ts';
import { parseRunResult } from '../src/results/run-file.ts';
import type { RunResult } from '../src/results/schema.ts';
import { REPO_ROOT } from './support/bench-child.ts';
import { at } from './support/parts-cases.ts';
import { HARDWARE_ID, makeRun } from './support/synthetic-run.ts';


const part = (model: string, allMs: number, startedAt: string, finishedAt: string): RunResult => ({
  ...makeRun([at(model, 'ort-cpu-all', allMs), at(model, 'ort-cpu-disabled', 10)], { filters: { model } }),
  commandLine: ['pnpm', 'bench', '--model', model],
  startedAt,
  finishedAt,
});

let dir: string;
let baselines: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gcb-parts-cli-'));
  baselines = join(dir, 'baselines');
  mkdirSync(join(dir, 'results'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, value: RunResult): string => {
  const path = join(dir, 'results', name);
  writeFileSync(path, stableJson(value));
  return path;
};

async function cli(script: 'report' | 'baseline', args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', `src/cli/${script}.ts`, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, GCB_CLI_NAME: `bench:${script}`, GCB_RESULTS_DIR: join(dir, 'results'), GCB_BASELINES_DIR: baselines, GCB_REPORTS_DIR: join(dir, 'reports') },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('a matrix measured in parts, through the CLIs', () => {
  it('bench:report combines two parts of one machine into one report, and --combined writes the run', async () => {
    const vit = write('vit.json', part('vit-like', 5, '2026-01-01T09:00:00.000Z', '2026-01-01T09:05:00.000Z'));
    const mixer = write('mixer.json', part('mixer-like', 8, '2026-01-01T10:00:00.000Z', '2026-01-01T10:02:00.000Z'));
    const combined = join(dir, 'combined.json');
    const out = join(dir, 'parts.md');
    const { code, stdout, stderr } = await cli('report', [vit, mixer, '--no-gate', '--out', out, '--html', join(dir, 'parts.html'), '--combined', combined]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(`## ⚪ measured, not gated — graph-compiler-bench on \`${HARDWARE_ID}\``);
    expect(stdout).toContain(`${HARDWARE_ID}: 4 cases measured in 2 parts`);
    const markdown = readFileSync(out, 'utf8');
    expect(markdown).toContain(' · measured in 2 parts, each with its own filters · ');
    expect(markdown).toContain('<details><summary><b>Measured in 2 parts</b></summary>');
    expect(markdown).toMatch(/\| +1 \| `[^`]*vit\.json` +\| `pnpm bench --model vit-like` +\| model=vit-like +\| 2026-01-01 09:00:00 UTC \| +5m00s \| +2 \| yes +\|/);
    const run = parseRunResult(readFileSync(combined, 'utf8'), combined);
    expect(run.cases.map((c) => c.key)).toEqual([
      'archetypes/mixer-like/ort-cpu-all/b=8',
      'archetypes/mixer-like/ort-cpu-disabled/b=8',
      'archetypes/vit-like/ort-cpu-all/b=8',
      'archetypes/vit-like/ort-cpu-disabled/b=8',
    ]);
    expect(run.parts!.map((p) => p.file)).toEqual([vit, mixer]);
    expect(run.commandLine).toEqual(['bench:report', vit, mixer, '--no-gate', '--out', out, '--html', join(dir, 'parts.html'), '--combined', combined]);
  }, 30_000);

  it('bench:report exits 2 when two files of one machine overlap, naming both and the case', async () => {
    const vit = write('vit.json', part('vit-like', 5, '2026-01-01T09:00:00.000Z', '2026-01-01T09:05:00.000Z'));
    const again = write('again.json', part('vit-like', 5, '2026-01-01T11:00:00.000Z', '2026-01-01T11:05:00.000Z'));
    const { code, stderr } = await cli('report', [vit, again, '--no-gate', '--out', join(dir, 'x.md'), '--html', join(dir, 'x.html')]);
    expect(stderr).toBe(`bench:report: ${vit} and ${again} both measured archetypes/vit-like/ort-cpu-all/b=8: parts must not overlap\n`);
    expect(code).toBe(2);
    expect(existsSync(join(dir, 'x.md'))).toBe(false);
  }, 30_000);

  it('bench:baseline from two parts writes a baseline of their union that records its parts, and the gate judges runs against it', async () => {
    const vit = write('vit.json', part('vit-like', 5, '2026-01-01T09:00:00.000Z', '2026-01-01T09:05:00.000Z'));
    const mixer = write('mixer.json', part('mixer-like', 8, '2026-01-01T10:00:00.000Z', '2026-01-01T10:02:00.000Z'));
    const made = await cli('baseline', [mixer, vit]);
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    const path = join(baselines, `${HARDWARE_ID}.json`);
    expect(made.stdout).toContain(`bench:baseline: wrote ${path} (hardware ${HARDWARE_ID}, 4 cases, from one run measured in 2 parts)`);
    const text = readFileSync(path, 'utf8');
    expect(text).toBe(stableJson(JSON.parse(text))); // sorted keys, 2-space indent
    const baseline = parseBaseline(text, path);
    expect(baseline.cases.map((c) => c.key)).toEqual([
      'archetypes/mixer-like/ort-cpu-all/b=8',
      'archetypes/mixer-like/ort-cpu-disabled/b=8',
      'archetypes/vit-like/ort-cpu-all/b=8',
      'archetypes/vit-like/ort-cpu-disabled/b=8',
    ]);
    expect(baseline.createdFrom.parts!.map((p) => [p.file, p.cases, p.filters])).toEqual([
      [vit, 2, { model: 'vit-like' }],
      [mixer, 2, { model: 'mixer-like' }],
    ]);
    expect(baseline.createdFrom).toMatchObject({ startedAt: '2026-01-01T09:00:00.000Z', finishedAt: '2026-01-01T10:02:00.000Z', filters: { model: 'mixer-like,vit-like' } });
    expect(baseline.runToRun.runs).toBe(1);
    // The ordering across the parts is in the baseline's metrics.
    expect(baseline.metrics.orderings.map((o) => [o.compilerId, o.a, o.b, o.faster])).toContainEqual(['ort-cpu-all', 'mixer-like', 'vit-like', 'vit-like']);

    // The gate: one part alone against it (the other part's cases filtered out), and both parts again.
    const one = await cli('report', [vit, '--out', join(dir, 'one.md'), '--html', join(dir, 'one.html')]);
    expect(one.stdout).toContain('PASS: 0 regressions, 0 reversals; judged 2 of 2 comparable cases (2 filtered out)');
    expect(one.code).toBe(0);
    const both = await cli('report', [vit, mixer, '--out', join(dir, 'both.md'), '--html', join(dir, 'both.html')]);
    expect(both.stdout).toContain('PASS: 0 regressions, 0 reversals; judged 4 of 4 comparable cases');
    expect(both.code).toBe(0);
  }, 60_000);

  it('bench:baseline refuses a mix of pooled and disjoint runs, and a part that fails the baseline’s refusals', async () => {
    const vit = write('vit.json', part('vit-like', 5, '2026-01-01T09:00:00.000Z', '2026-01-01T09:05:00.000Z'));
    const again = write('again.json', part('vit-like', 5, '2026-01-01T11:00:00.000Z', '2026-01-01T11:05:00.000Z'));
    const mixer = write('mixer.json', part('mixer-like', 8, '2026-01-01T10:00:00.000Z', '2026-01-01T10:02:00.000Z'));
    const mix = await cli('baseline', [vit, again, mixer]);
    expect(mix.code).toBe(1);
    expect(mix.stderr).toContain(`bench:baseline: not writing a baseline from ${vit}, ${again}, ${mixer}: ${vit} and ${again} are runs of the same selection, but ${mixer} is not`);
    const cut = write('cut.json', { ...part('mixer-like', 8, '2026-01-01T10:00:00.000Z', '2026-01-01T10:02:00.000Z'), complete: false, interruptedBy: 'SIGINT' });
    const refused = await cli('baseline', [vit, cut]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`bench:baseline: not writing a baseline from ${cut}: the run is incomplete (interrupted by SIGINT); run the full selection again`);
    expect(existsSync(baselines)).toBe(false);
  }, 30_000);
});
