/**
 * `pnpm bench --compare <ref>`: the base side's checkout and what is said when it cannot be measured
 * (then the run falls back to the committed baseline), and a paired run end to end through the CLI.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ComparisonUnavailable, pinProcess, prepareComparison } from '../src/compare/setup.ts';
import { loadRunResult } from '../src/results/run-file.ts';
import { REPO_ROOT, runBench } from './support/bench-child.ts';
import { workerGroupOf } from '../src/compare/coordinator.ts';

const scratch = mkdtempSync(join(tmpdir(), 'gcb-compare-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
const list = { selection: { compilers: null, models: null, batches: null, depths: null, hardware: 'cpu' as const, profile: 'quick' as const, engine: 'tinybench' as const }, namePattern: null, fileFilters: [], specDir: 'benches' };
const log = (): void => {};

async function unavailable(root: string, ref: string): Promise<string> {
  try {
    await prepareComparison({ root, ref, list, log });
  } catch (error) {
    expect(error).toBeInstanceOf(ComparisonUnavailable);
    return (error as Error).message;
  }
  throw new Error('expected the comparison to be unavailable');
}

describe('when the base cannot be measured, the reason is said', () => {
  it('a ref that is neither a commit nor a folder', async () => {
    expect(await unavailable(REPO_ROOT, 'no-such-branch-xyz')).toBe('--compare no-such-branch-xyz: not a commit of this repository, nor a folder');
  });

  it('a base that predates the worker protocol', async () => {
    const repo = join(scratch, 'old');
    mkdirSync(repo);
    git(repo, 'init', '-q');
    writeFileSync(join(repo, 'README.md'), 'before the worker protocol\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'old');
    const sha = git(repo, 'rev-parse', 'HEAD').trim();
    expect(await unavailable(repo, 'HEAD')).toBe(
      `the base ${sha.slice(0, 12)} predates the worker protocol (it has no src/worker/node-worker.ts), so it cannot be measured side by side`,
    );
    // `.` is the folder itself (an A/A run), not the branch directory that refs/heads/. would name.
    expect(await unavailable(repo, '.')).toBe(
      `the base ${sha.slice(0, 12)} predates the worker protocol (it has no src/worker/node-worker.ts), so it cannot be measured side by side`,
    );
  });

  it('a base folder without a lockfile, and one whose install fails', async () => {
    const folder = join(scratch, 'nolock');
    mkdirSync(join(folder, 'src', 'worker'), { recursive: true });
    writeFileSync(join(folder, 'src', 'worker', 'node-worker.ts'), '');
    expect(await unavailable(REPO_ROOT, folder)).toBe(`the base checkout ${folder} has no pnpm-lock.yaml, so its dependencies cannot be installed as they were`);
    writeFileSync(join(folder, 'package.json'), '{"name": "broken", "dependencies": {"left-pad": "1.3.0"}}');
    writeFileSync(join(folder, 'pnpm-lock.yaml'), "lockfileVersion: '9.0'\nimporters:\n  .: {}\n");
    expect(await unavailable(REPO_ROOT, folder)).toMatch(/^installing the base's dependencies failed \(pnpm install --frozen-lockfile in .*nolock\): /);
    // The head's packages, lent by a link while the lockfiles were equal, are not the base's own once
    // they differ: the link goes (the head's node_modules stay) and the base is installed.
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(folder, 'node_modules'), 'dir');
    expect(await unavailable(REPO_ROOT, folder)).toMatch(/^installing the base's dependencies failed \(pnpm install --frozen-lockfile in .*nolock\): /);
    expect(existsSync(join(REPO_ROOT, 'node_modules', '.modules.yaml'))).toBe(true);
  }, 120_000);
});

describe('the bench CLI with --compare', () => {
  it('falls back to the committed baseline, saying why, when the base cannot be measured', async () => {
    const child = await runBench({ args: ['--compare', 'no-such-branch-xyz', 'blocks/'] });
    try {
      expect(child.stdout).toContain('bench: --compare no-such-branch-xyz: not a commit of this repository, nor a folder\nbench: falling back to the committed baseline');
      expect(child.stdout).toMatch(/bench: NO BASELINE: no baseline for \S+ yet/);
      expect(child.code).toBe(0);
      expect((await child.latest()).comparison).toBeUndefined();
    } finally {
      child.cleanup();
    }
  }, 90_000);

  it('measures both sides in interleaved rounds and writes both results, judging every case', async () => {
    const summary = join(scratch, 'summary.md');
    const child = await runBench({ args: ['--compare', REPO_ROOT, 'blocks/'], env: { GITHUB_STEP_SUMMARY: summary }, timeoutMs: 90_000 });
    try {
      expect(child.stdout).toMatch(/bench: PASS: 0 regressions, 0 reversals; judged 1 of 1 case side by side with base /);
      expect(child.code).toBe(0);
      const head = await child.latest();
      const base = await loadRunResult(join(child.resultsDir, 'base.json'));
      expect(head.comparison?.side).toBe('head');
      expect(base.comparison?.side).toBe('base');
      const [h] = head.cases;
      const [b] = base.cases;
      expect(h?.key).toBe('blocks/plain-conv/ort-cpu-all/b=1/d=1');
      expect(b?.key).toBe(h?.key);
      if (h?.state !== 'completed' || b?.state !== 'completed') throw new Error('both sides should have completed');
      expect(h.interleaving.rounds).toBe(b.interleaving.rounds);
      expect(h.interleaving.pairing?.order).toBe(b.interleaving.pairing?.order);
      expect(h.interleaving.anchor).toBeNull();
      expect(h.correctness?.ok).toBe(true);
      // The one writer: the job summary holds the report once.
      expect(readFileSync(summary, 'utf8').split('<!-- graph-compiler-bench:report -->').length - 1).toBe(1);
    } finally {
      child.cleanup();
    }
  }, 120_000);

  it('measures ort-wasm-t1 and ort-wasm-t2 side by side, each thread count in a worker process of its own', async () => {
    const child = await runBench({ args: ['--compare', REPO_ROOT, 'wasm-threads/'], timeoutMs: 120_000 });
    try {
      expect(child.stdout).toMatch(/bench: PASS: 0 regressions, 0 reversals; judged 2 of 2 cases side by side with base /);
      const head = await child.latest();
      expect(head.cases.map((c) => [c.compiler.id, c.state])).toEqual([
        ['ort-wasm-t1', 'completed'],
        ['ort-wasm-t2', 'completed'],
      ]);
      expect(child.code).toBe(0);
    } finally {
      child.cleanup();
    }
  }, 150_000);

  it('gives each onnxruntime-web thread count its own worker group, and every other compiler the shared one', () => {
    expect(workerGroupOf('ort-wasm-t1')).toBe('onnxruntime-web threads=1');
    expect(workerGroupOf('ort-wasm-t2-basic')).toBe('onnxruntime-web threads=2');
    expect(workerGroupOf('ort-cpu-all')).toBe('shared');
    expect(workerGroupOf('tfjs-wasm')).toBe('shared');
  });
});

describe('worker processes start unpinned and are pinned before they measure', () => {
  it.runIf(existsSync('/usr/bin/taskset'))('pins a running process and its threads to the CPUs named', async () => {
    // A Node process has threads from its start (V8's, libuv's): all of them must move.
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await pinProcess(child.pid as number, '0');
      const tasks = execFileSync('ls', [`/proc/${child.pid}/task`], { encoding: 'utf8' }).trim().split('\n');
      expect(tasks.length).toBeGreaterThan(1);
      for (const task of tasks) {
        expect(readFileSync(`/proc/${child.pid}/task/${task}/status`, 'utf8')).toMatch(/^Cpus_allowed_list:\s+0$/m);
      }
    } finally {
      child.kill();
    }
  });
});
