/**
 * The base side of `pnpm bench --compare <ref>`: its checkout (a git worktree under the ignored
 * `.cache/compare/`, or a folder the user names), its own dependencies installed from its own frozen
 * lockfile — so that a dependency bump really runs the old version on the base side — and a check that
 * its worker speaks the protocol. Whatever stops the base from being measured is a
 * {@link ComparisonUnavailable} saying what and why; the CLI then falls back to the committed baseline.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, statSync } from 'node:fs';
import { mkdir, rm, symlink, unlink } from 'node:fs/promises';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { RunPlan } from '../plan.ts';
import { WorkerClient, WorkerError } from '../worker/client.ts';
import { ListAnswerSchema } from '../worker/protocol.ts';

const run = promisify(execFile);

/** The base cannot be measured side by side; the message says why. */
export class ComparisonUnavailable extends Error {
  override readonly name = 'ComparisonUnavailable';
}

export interface Side {
  readonly ref: string;
  readonly sha: string | null;
  /** Absolute path of the checkout. */
  readonly tree: string;
}

export interface PreparedComparison {
  readonly head: Side;
  readonly base: Side;
  /** Seeds the order of the paired rounds: the same two commits give the same order. */
  readonly seed: number;
  /** The base's cases for the selection (from its own spec files). */
  readonly baseKeys: readonly string[];
  /** Spec files of the base that failed to load or plan. */
  readonly baseErrors: readonly string[];
}

/** What the base's worker needs to list its cases: the selection, as the run plan holds it. */
export type ListRequest = Pick<RunPlan, 'selection' | 'namePattern' | 'fileFilters' | 'specDir'>;

/** The file a checkout of this repository needs to be driven as a worker. */
export const NODE_WORKER_ENTRY = 'src/worker/node-worker.ts';
/** The same worker, built, in a consumer's installed package. */
export const INSTALLED_WORKER_ENTRY = 'node_modules/graph-compiler-bench/dist/src/worker/node-worker.js';

/**
 * How to start a checkout's Node worker (run with cwd = the checkout): this repository's own source
 * through tsx, or — in a repository that uses the suite as a package — the worker of the version it
 * has installed. Null when the checkout has neither.
 */
export function nodeWorkerCommand(tree: string, cpus: string | null = null): { command: string; args: string[] } | null {
  const args = existsSync(join(tree, NODE_WORKER_ENTRY))
    ? ['--import', 'tsx', NODE_WORKER_ENTRY]
    : existsSync(join(tree, INSTALLED_WORKER_ENTRY))
      ? [join(tree, INSTALLED_WORKER_ENTRY)]
      : null;
  if (args === null) return null;
  return cpus === null ? { command: process.execPath, args } : { command: 'taskset', args: ['-c', cpus, process.execPath, ...args] };
}

/**
 * Which CPUs both sides' workers are pinned to (`taskset -c`), or null for none. On a machine of two
 * cores or fewer both run on its last core: only one of them runs at a time, and a worker whose threads
 * the scheduler spread over both cores ran a 0.1 ms model up to 2× slower, for seconds, than one whose
 * threads shared a core (on the 2-core VM; per-round head/base noise fell from ±50% to ±2% pinned).
 * GCB_WORKER_CPUS names the CPUs (`2-5`), or `none`.
 */
export function workerCpus(env: NodeJS.ProcessEnv = process.env): string | null {
  const given = env.GCB_WORKER_CPUS;
  if (given !== undefined && given !== '') return given === 'none' ? null : given;
  if (os.availableParallelism() > 2 || !existsSync('/usr/bin/taskset')) return null;
  return String(os.availableParallelism() - 1);
}

/**
 * Pins a running process and all its threads to `cpus` (`taskset -a -p -c`). Workers start unpinned,
 * a group's processes side by side on every core (their start — tsx, the spec files — is seconds of
 * CPU each), and are pinned once they answer, before they measure anything; threads they start later
 * inherit the pinning of the thread that starts them.
 */
export async function pinProcess(pid: number, cpus: string): Promise<void> {
  await run('taskset', ['-a', '-p', '-c', cpus, String(pid)]);
}

async function git(cwd: string, args: readonly string[]): Promise<string> {
  const { stdout } = await run('git', [...args], { cwd, maxBuffer: 16 * 1024 * 1024 });
  return stdout.trim();
}

async function gitOrNull(cwd: string, args: readonly string[]): Promise<string | null> {
  try {
    return await git(cwd, args);
  } catch {
    return null;
  }
}

function seedOf(...parts: readonly (string | null)[]): number {
  return createHash('sha256').update(parts.join('\n')).digest().readUInt32BE(0) & 0x7fffffff;
}

/** The worktree of `sha` under `.cache/compare/`, created (or reused when it is already at `sha`). */
async function worktreeOf(root: string, sha: string, log: (line: string) => void): Promise<string> {
  const tree = join(root, '.cache', 'compare', sha.slice(0, 12));
  if (existsSync(tree) && (await gitOrNull(tree, ['rev-parse', 'HEAD'])) === sha) return tree;
  if (existsSync(tree)) {
    await gitOrNull(root, ['worktree', 'remove', '--force', tree]);
    await rm(tree, { recursive: true, force: true });
  }
  await mkdir(join(root, '.cache', 'compare'), { recursive: true });
  await gitOrNull(root, ['worktree', 'prune']);
  log(`checking out ${sha.slice(0, 12)} into ${tree}`);
  try {
    await git(root, ['worktree', 'add', '--detach', '--force', tree, sha]);
  } catch (error) {
    throw new ComparisonUnavailable(`could not check out ${sha.slice(0, 12)} into ${tree}: ${(error as { stderr?: string }).stderr?.trim() || (error as Error).message}`);
  }
  return tree;
}

/**
 * The base's dependencies. The same lockfile installs the same packages, so a base whose lockfile is
 * byte-identical to the head's shares the head's node_modules (and needs no registry: the GPU machine
 * has none); any other is installed from its own frozen lockfile.
 */
function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

async function installBase(root: string, tree: string, log: (line: string) => void): Promise<string> {
  const lock = (dir: string): string | null => {
    try {
      return readFileSync(join(dir, 'pnpm-lock.yaml'), 'utf8');
    } catch {
      return null;
    }
  };
  // The head's own tree as the base (an A/A run, `--compare .`) already has the head's packages.
  if (resolve(tree) === resolve(root)) return "the head's own tree: its node_modules";
  const modules = join(tree, 'node_modules');
  // A link is the head's packages, lent while the lockfiles were the same: valid only while they still are
  // (after a dependency bump on the head, the base would otherwise run the head's versions).
  const lent = isSymlink(modules);
  if (!lent && existsSync(join(modules, '.modules.yaml'))) return 'installed before';
  const headLock = lock(root);
  const baseLock = lock(tree);
  if (baseLock === null) throw new ComparisonUnavailable(`the base checkout ${tree} has no pnpm-lock.yaml, so its dependencies cannot be installed as they were`);
  if (baseLock === headLock && existsSync(join(root, 'node_modules', '.modules.yaml'))) {
    if (lent) await unlink(modules);
    else if (existsSync(modules)) await rm(modules, { recursive: true, force: true });
    await symlink(join(root, 'node_modules'), modules, 'dir');
    return 'same lockfile as the head: its node_modules are shared';
  }
  if (lent) await unlink(modules);
  log(`installing the base's dependencies from its own lockfile (pnpm install --frozen-lockfile) in ${tree}`);
  try {
    await run('pnpm', ['install', '--frozen-lockfile', '--prefer-offline'], { cwd: tree, maxBuffer: 64 * 1024 * 1024, timeout: 600_000, env: { ...process.env, CI: 'true' } });
  } catch (error) {
    const output = `${(error as { stdout?: string }).stdout ?? ''}${(error as { stderr?: string }).stderr ?? ''}`.trim().split('\n').slice(-5).join(' | ');
    throw new ComparisonUnavailable(`installing the base's dependencies failed (pnpm install --frozen-lockfile in ${tree}): ${output || (error as Error).message}`);
  }
  return 'installed from its own lockfile';
}

export async function prepareComparison(options: {
  readonly root: string;
  readonly ref: string;
  readonly list: ListRequest;
  readonly log: (line: string) => void;
}): Promise<PreparedComparison> {
  const { root, ref, log } = options;
  const headSha = await gitOrNull(root, ['rev-parse', 'HEAD']);
  const headDirty = headSha !== null && (await gitOrNull(root, ['status', '--porcelain', '--untracked-files=no'])) !== '';
  const head: Side = { ref: headDirty ? 'working tree' : 'HEAD', sha: headSha, tree: root };

  let base: Side;
  const asFolder = resolve(root, ref);
  // A branch of the same name as a folder is the branch; `.` (a folder, joined onto refs/heads) is not one.
  const branchFile = join(root, '.git', 'refs', 'heads', ref);
  const isBranch = existsSync(branchFile) && statSync(branchFile).isFile();
  if (existsSync(asFolder) && statSync(asFolder).isDirectory() && !isBranch) {
    base = { ref, sha: await gitOrNull(asFolder, ['rev-parse', 'HEAD']), tree: asFolder };
  } else {
    const sha = await gitOrNull(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
    if (sha === null) throw new ComparisonUnavailable(`--compare ${ref}: not a commit of this repository, nor a folder`);
    base = { ref, sha, tree: await worktreeOf(root, sha, log) };
  }
  const short = base.sha === null ? base.tree : base.sha.slice(0, 12);
  const predates = `the base ${short} predates the worker protocol (it has no ${NODE_WORKER_ENTRY}), so it cannot be measured side by side`;
  const isSource = existsSync(join(base.tree, NODE_WORKER_ENTRY));
  // A repository using the suite as a package has the worker in its installed dependencies, not in its tree.
  if (!isSource && !existsSync(join(base.tree, 'package.json'))) throw new ComparisonUnavailable(predates);
  const how = await installBase(root, base.tree, log);
  const command = nodeWorkerCommand(base.tree, workerCpus());
  if (command === null) {
    throw new ComparisonUnavailable(
      isSource ? predates : `the base ${short} has no graph-compiler-bench with a worker installed (${INSTALLED_WORKER_ENTRY}): it predates the worker protocol, so it cannot be measured side by side`,
    );
  }
  let worker: WorkerClient;
  try {
    worker = await WorkerClient.start({ name: `base worker (${short})`, ...command, cwd: base.tree, startTimeoutMs: 60_000 });
  } catch (error) {
    throw new ComparisonUnavailable(`the base's worker did not start: ${error instanceof WorkerError ? error.message : String(error)}`);
  }
  let listed;
  try {
    const { selection, namePattern, fileFilters, specDir } = options.list;
    listed = await worker.request('list', { selection, namePattern, fileFilters, specDir }, ListAnswerSchema);
  } catch (error) {
    throw new ComparisonUnavailable(`the base's worker could not list its cases: ${(error as Error).message}`);
  } finally {
    await worker.close();
  }
  log(`comparing with ${ref} (${short}; dependencies ${how}), side by side in interleaved rounds`);
  return {
    head,
    base,
    seed: seedOf(headSha, headDirty ? 'dirty' : '', base.sha ?? base.tree),
    baseKeys: listed.cases.map((c) => c.key),
    baseErrors: listed.errors.map((e) => `${e.where}: ${e.message}`),
  };
}
