/**
 * Runs the real bench CLI (`node --import tsx src/cli/bench.ts`, what `pnpm bench` runs) in a child
 * process on the test-only spec files of test/fault-benches/ (Vitest project `faults`), with results,
 * reports and baselines in a fresh temporary directory. For the robustness tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRunResult } from '../../src/results/run-file.ts';
import type { RunResult } from '../../src/results/schema.ts';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface BenchChildOptions {
  /** CLI arguments: flags and file filters (paths under test/fault-benches/, e.g. `faults/`). */
  readonly args: readonly string[];
  /** Extra environment (GCB_FAULT, GCB_CASE_TIMEOUT_MS, …). */
  readonly env?: Readonly<Record<string, string>>;
  /** Called with the child and each chunk of its output (stdout and stderr together), e.g. to send a signal. */
  readonly onOutput?: (child: ChildProcess, output: string) => void;
  /** Start the child in its own process group, so that a signal can go to the group (as Ctrl-C does). */
  readonly detached?: boolean;
  /** Runs before the child starts, e.g. to put a baseline into `<dir>/baselines/`. */
  readonly prepare?: (dirs: { readonly dir: string; readonly baselinesDir: string }) => void;
  /** Kill the child if it has not exited by then. @default 45000 */
  readonly timeoutMs?: number;
}

export interface BenchChildResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr interleaved as they came. */
  readonly output: string;
  /** The temporary directory holding results/, reports/ and baselines/. */
  readonly dir: string;
  readonly resultsDir: string;
  readonly reportsDir: string;
  readonly baselinesDir: string;
  /** results/latest.json, through the checked loader. */
  latest(): Promise<RunResult>;
  /** reports/bench.md. */
  report(): string;
  hasReport(): boolean;
  cleanup(): void;
}

/** The environment of a child run: no GCB_* or VITEST* variables leak in from the test process. */
function childEnv(dir: string, extra: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(GCB_|VITEST|TEST$|NODE_ENV$|GITHUB_STEP_SUMMARY$)/.test(name)) env[name] = value;
  }
  return {
    ...env,
    FORCE_COLOR: '0',
    NO_COLOR: '1',
    GCB_PROJECT: 'faults',
    GCB_SPEC_DIR: 'test/fault-benches',
    GCB_RESULTS_DIR: join(dir, 'results'),
    GCB_REPORTS_DIR: join(dir, 'reports'),
    GCB_BASELINES_DIR: join(dir, 'baselines'),
    GCB_ORT_THREADS: '1',
    ...extra,
  };
}

export function runBench(options: BenchChildOptions): Promise<BenchChildResult> {
  const dir = mkdtempSync(join(tmpdir(), 'gcb-robustness-'));
  options.prepare?.({ dir, baselinesDir: join(dir, 'baselines') });
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bench.ts', ...options.args], {
    cwd: REPO_ROOT,
    env: childEnv(dir, options.env ?? {}),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  let stdout = '';
  let stderr = '';
  let output = '';
  const onChunk = (to: 'stdout' | 'stderr') => (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    if (to === 'stdout') stdout += text;
    else stderr += text;
    output += text;
    options.onOutput?.(child, output);
  };
  child.stdout.on('data', onChunk('stdout'));
  child.stderr.on('data', onChunk('stderr'));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 45_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const resultsDir = join(dir, 'results');
      const reportsDir = join(dir, 'reports');
      resolve({
        code,
        signal,
        stdout,
        stderr,
        output,
        dir,
        resultsDir,
        reportsDir,
        baselinesDir: join(dir, 'baselines'),
        latest: () => loadRunResult(join(resultsDir, 'latest.json')),
        report: () => readFileSync(join(reportsDir, 'bench.md'), 'utf8'),
        hasReport: () => existsSync(join(reportsDir, 'bench.md')),
        cleanup: () => rmSync(dir, { recursive: true, force: true }),
      });
    });
  });
}

/** The lines of `text` that start with `prefix` (e.g. `bench: FAILED`). */
export function linesStartingWith(text: string, prefix: string): string[] {
  return text.split('\n').filter((line) => line.startsWith(prefix));
}
