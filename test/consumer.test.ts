/**
 * The package as another repository gets it: `pnpm pack` (which builds dist/), the tarball's contents,
 * and examples/consumer installed from that tarball — offline, from the pnpm store — running
 * `graph-compiler-bench bench` and `graph-compiler-bench baseline` in a temporary directory.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/graph/onnx.ts';
import { loadBaseline } from '../src/results/baseline.ts';
import { loadRunResult } from '../src/results/run-file.ts';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const EXAMPLE = join(REPO_ROOT, 'examples/consumer');
/** Built into dist/ but not shipped: repository-only CLIs (tsconfig.build.json's exclude). */
const NOT_BUILT = new Set(['src/cli/schemas.ts']);

interface Ran {
  readonly code: number | null;
  readonly output: string;
}

/** The environment of a child: none of this test run's pnpm, Vitest or GCB_* variables leak in. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(npm_|pnpm_|GCB_|VITEST|TEST$|NODE_ENV$|NODE_OPTIONS$|GITHUB_STEP_SUMMARY$)/i.test(name)) env[name] = value;
  }
  return { ...env, FORCE_COLOR: '0', NO_COLOR: '1', CI: 'true', GCB_ORT_THREADS: '1' };
}

function run(command: string, args: readonly string[], cwd: string, timeoutMs: number): Ran {
  const result = spawnSync(command, args, { cwd, env: childEnv(), encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 2 ** 20 });
  if (result.error) throw new Error(`${command} ${args.join(' ')}: ${result.error.message}`);
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

/** Every file under `directory`, relative to `root`, with `/` separators. */
function filesUnder(root: string, directory: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(join(root, directory), { withFileTypes: true })) {
    const path = `${directory}/${entry.name}`;
    if (entry.isDirectory()) found.push(...filesUnder(root, path));
    else found.push(path);
  }
  return found;
}

describe('the packed package, used from another repository', () => {
  let work: string;
  let tarball: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'gcb-consumer-'));
    const packDir = join(work, 'pack');
    mkdirSync(packDir);
    const packed = run('pnpm', ['pack', '--pack-destination', packDir], REPO_ROOT, 120_000);
    if (packed.code !== 0) throw new Error(`pnpm pack exited ${packed.code}:\n${packed.output}`);
    const tarballs = readdirSync(packDir).filter((name) => name.endsWith('.tgz'));
    expect(tarballs).toHaveLength(1);
    tarball = join(packDir, tarballs[0] as string);
  }, 120_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('the tarball holds package.json, the README, the gate action, the Python worker and the built JavaScript with its declarations, nothing else', () => {
    const listed = run('tar', ['-tzf', tarball], work, 30_000);
    expect(listed.code).toBe(0);
    const files = listed.output.trim().split('\n').map((line) => line.replace(/^package\//, '')).sort();
    const sources = ['src', 'fixtures', 'reporters']
      .flatMap((directory) => filesUnder(REPO_ROOT, directory))
      .filter((path) => path.endsWith('.ts') && !NOT_BUILT.has(path));
    const worker = [...filesUnder(REPO_ROOT, 'workers/python/gcb_worker').filter((path) => path.endsWith('.py')), 'workers/python/fidelity.py'];
    const expected = [
      'package.json',
      'README.md',
      'action.yml',
      ...worker,
      ...sources.flatMap((path) => [`dist/${path.replace(/\.ts$/, '.js')}`, `dist/${path.replace(/\.ts$/, '.d.ts')}`]),
    ].sort();
    expect(files).toEqual(expected);

    // What package.json points at is in it.
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
      exports: Record<string, string | { types: string; default: string }>;
    };
    const targets = [
      ...Object.values(manifest.bin),
      ...Object.values(manifest.exports).flatMap((target) => (typeof target === 'string' ? [target] : [target.types, target.default])),
    ].map((target) => target.replace(/^\.\//, ''));
    expect(targets.filter((target) => !files.includes(target))).toEqual([]);
    expect(manifest.bin).toEqual({ 'graph-compiler-bench': './dist/src/cli/main.js' });
  });

  it('examples/consumer installs it offline and runs `graph-compiler-bench bench` and `baseline` on its own files', async () => {
    const consumer = join(work, 'consumer');
    // What a checkout of the example holds: none of what installing or running it in place leaves.
    cpSync(EXAMPLE, consumer, {
      recursive: true,
      filter: (source) => !/^(node_modules|results|reports|baselines|pnpm-lock\.yaml)([/\\]|$)/.test(relative(EXAMPLE, source)),
    });
    const manifestPath = join(consumer, 'package.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { devDependencies: Record<string, string> };
    expect(manifest.devDependencies['graph-compiler-bench']).toMatch(/^file:\.\.\/\.\.\/graph-compiler-bench-.+\.tgz$/);
    manifest.devDependencies['graph-compiler-bench'] = `file:${tarball}`;
    writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);

    // Offline: resolved from the pnpm metadata cache and the store that the repository's own install filled.
    const installed = run('pnpm', ['install', '--offline'], consumer, 120_000);
    if (installed.code !== 0) {
      throw new Error(`pnpm install --offline exited ${installed.code} (run \`pnpm install\` in the repository first: it fills the store and metadata cache this resolves from):\n${installed.output}`);
    }
    const bin = join(consumer, 'node_modules/.bin/graph-compiler-bench');
    expect(existsSync(bin)).toBe(true);

    const bench = run(bin, ['bench', '--profile', 'quick', '--batch', '1,8'], consumer, 120_000);
    expect(bench.output).toContain('bench: wrote results/latest.json (2 cases)');
    // No baseline yet: the verdict says so, and how to make one with this command; the run exits 0.
    expect(bench.output).toMatch(/bench: NO BASELINE: no baseline for \S+ yet, nothing was compared \(2 new\)/);
    expect(bench.output).toMatch(/bench: no baseline at baselines\/\S+\.json; make one on this machine: graph-compiler-bench bench --no-gate, then graph-compiler-bench baseline/);
    expect(bench.code, bench.output).toBe(0);

    const latest = await loadRunResult(join(consumer, 'results/latest.json'));
    expect(latest.complete).toBe(true);
    expect(latest.profile).toBe('quick');
    expect(latest.cases.map((c) => c.key).sort()).toEqual(['models/my-model/ort-cpu-all/b=1', 'models/my-model/ort-cpu-all/b=8']);
    expect(latest.cases.map((c) => c.state)).toEqual(['completed', 'completed']);
    const modelHash = sha256Hex(readFileSync(join(consumer, 'models/my-model.onnx')));
    expect(latest.cases.map((c) => c.model.hash)).toEqual([modelHash, modelHash]);
    expect(existsSync(join(consumer, 'reports/bench.md'))).toBe(true);

    const baseline = run(bin, ['baseline'], consumer, 60_000);
    expect(baseline.code, baseline.output).toBe(0);
    const baselinePath = join(consumer, 'baselines', `${latest.hardware.id}.json`);
    expect(baseline.output).toContain(`wrote baselines/${latest.hardware.id}.json`);
    expect((await loadBaseline(baselinePath))?.cases.map((c) => c.key).sort()).toEqual(['models/my-model/ort-cpu-all/b=1', 'models/my-model/ort-cpu-all/b=8']);
  }, 240_000);
});
