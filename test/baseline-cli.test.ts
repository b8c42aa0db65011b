/**
 * `pnpm bench:baseline` with several runs: by name or the N newest timestamped results files; refusals
 * exit non-zero with the reason and write nothing.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stableJson } from '../src/results/atomic.ts';
import { parseBaseline } from '../src/results/baseline.ts';
import type { RunResult } from '../src/results/schema.ts';
import { REPO_ROOT } from './support/bench-child.ts';
import { evenSamples, HARDWARE_ID, makeRun } from './support/synthetic-run.ts';

const run = (ratio: number, startedAt: string): RunResult => ({
  ...makeRun([
    { model: 'vit-like', compiler: 'ort-cpu-all', batch: 8, samples: evenSamples(10 * ratio), referenceSamples: Array.from({ length: 31 }, () => 10) },
    { model: 'vit-like', compiler: 'ort-cpu-disabled', batch: 8, samples: evenSamples(10) },
  ]),
  startedAt,
  finishedAt: startedAt,
});

let dir: string;
let results: string;
let baselines: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gcb-baseline-cli-'));
  results = join(dir, 'results');
  baselines = join(dir, 'baselines');
  mkdirSync(results);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, value: RunResult) => {
  writeFileSync(join(results, name), stableJson(value));
  return join(results, name);
};

async function baselineCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/baseline.ts', ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, GCB_RESULTS_DIR: results, GCB_BASELINES_DIR: baselines },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('pnpm bench:baseline with several runs', () => {
  it('--last 2 makes the baseline from the two newest runs and prints the run-to-run spread', async () => {
    write('run-2026-01-01T10-00-00-000Z.json', run(0.5, '2026-01-01T10:00:00.000Z'));
    write('run-2026-01-02T10-00-00-000Z.json', run(0.6, '2026-01-02T10:00:00.000Z'));
    write('run-2026-01-03T10-00-00-000Z.json', run(0.66, '2026-01-03T10:00:00.000Z'));
    const { code, stdout } = await baselineCli(['--last', '2']);
    expect(code).toBe(0);
    expect(stdout).toContain('run-to-run spread over 2 runs');
    expect(stdout).toContain('  relative-latency/ort-cpu-all: 10.0% (1 run pairs × cases)');
    expect(stdout).toContain(`wrote ${join(baselines, `${HARDWARE_ID}.json`)} (hardware ${HARDWARE_ID}, 2 cases, from 2 runs)`);
    const path = join(baselines, `${HARDWARE_ID}.json`);
    const baseline = parseBaseline(readFileSync(path, 'utf8'), path);
    expect(baseline.runToRun.runs).toBe(2);
    expect(baseline.createdFrom).toMatchObject({ startedAt: '2026-01-02T10:00:00.000Z', finishedAt: '2026-01-03T10:00:00.000Z' });
  }, 30_000);

  it('refuses --last with too few runs, and runs of two machines, writing nothing', async () => {
    const a = write('run-2026-01-01T10-00-00-000Z.json', run(0.6, '2026-01-01T10:00:00.000Z'));
    const tooFew = await baselineCli(['--last', '3']);
    expect(tooFew.code).toBe(2);
    expect(tooFew.stderr).toContain(`--last 3: ${results} holds 1 timestamped run file(s); run pnpm bench 2 more time(s)`);
    const other = run(0.6, '2026-01-02T10:00:00.000Z');
    const b = write('other.json', { ...other, hardware: { ...other.hardware, id: 'another-machine' } });
    const twoMachines = await baselineCli([a, b]);
    expect(twoMachines.code).toBe(1);
    expect(twoMachines.stderr).toContain(`not writing a baseline from ${a}, ${b}: run 2 (started 2026-01-02T10:00:00.000Z) is from hardware another-machine, run 1 from ${HARDWARE_ID}: a baseline is of one machine`);
    const twice = await baselineCli([a, a]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('a results file is named twice');
    expect(existsSync(baselines)).toBe(false);
  }, 30_000);
});

describe('pnpm bench:baseline --extend', () => {
  const convnext = (startedAt: string): RunResult => ({
    ...makeRun([
      { model: 'convnext', compiler: 'ort-cpu-all', batch: 1, depth: 1, samples: evenSamples(4), referenceSamples: Array.from({ length: 31 }, () => 8) },
      { model: 'convnext', compiler: 'ort-cpu-disabled', batch: 1, depth: 1, samples: evenSamples(8) },
    ]),
    startedAt,
    finishedAt: startedAt,
  });

  it('adds a gzipped run’s cases to the baseline, and refuses to add them twice or to a baseline that is not there', async () => {
    const first = write('first.json', run(0.6, '2026-01-01T10:00:00.000Z'));
    expect((await baselineCli([first])).code).toBe(0);
    const path = join(baselines, `${HARDWARE_ID}.json`);
    const gz = join(results, 'later.json.gz');
    writeFileSync(gz, gzipSync(stableJson(convnext('2026-01-05T10:00:00.000Z'))));
    const extended = await baselineCli([gz, '--extend', path]);
    expect(extended.code).toBe(0);
    expect(extended.stdout).toContain('+ blocks/convnext/ort-cpu-all/b=1/d=1');
    expect(extended.stdout).toContain(`wrote ${path} (hardware ${HARDWARE_ID}, 4 cases, ${path} extended with 1 run)`);
    const baseline = parseBaseline(readFileSync(path, 'utf8'), path);
    expect(baseline.createdFrom.parts?.map((p) => p.file)).toEqual([path, gz]);
    const before = readFileSync(path, 'utf8');
    const again = await baselineCli([gz, '--extend', path]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`not writing a baseline: cannot extend ${path}: 2 case(s) are in the baseline already (blocks/convnext/ort-cpu-all/b=1/d=1, blocks/convnext/ort-cpu-disabled/b=1/d=1)`);
    expect(readFileSync(path, 'utf8')).toBe(before);
    const missing = await baselineCli([gz, '--extend', join(dir, 'none.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`--extend ${join(dir, 'none.json')}: no such baseline`);
    writeFileSync(join(results, 'broken.json.gz'), 'not gzip');
    const broken = await baselineCli([join(results, 'broken.json.gz')]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain(`${join(results, 'broken.json.gz')}: not a readable gzip file`);
  }, 40_000);
});
