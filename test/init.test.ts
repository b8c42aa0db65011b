import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { validateWorkflow } from '@action-validator/core';
import { afterEach, describe, expect, it } from 'vitest';
import { loadUserModel } from '../fixtures/index.ts';
import { DEFAULT_GATE_CONFIG, loadGateConfig } from '../src/gate/config.ts';
import { commentWorkflow, detectPackageManager, starterFiles, StarterExistsError, workflow, writeStarter } from '../src/starter.ts';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const STARTER_PATHS = [
  'benches/models/my-model/ort-cpu-all.bench.ts',
  'models/my-model.onnx',
  'gate.config.json',
  'vitest.config.ts',
  '.github/workflows/bench.yml',
  '.github/workflows/bench-comment.yml',
];

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gcb-init-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** tsx by its path: `--import tsx` would resolve it from the (temporary) working directory. */
const TSX = pathToFileURL(join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

/** The repository's CLI (what the package's bin runs, from the .ts sources), in `cwd`. */
function cli(args: readonly string[], cwd: string) {
  const result = spawnSync(process.execPath, ['--import', TSX, join(REPO_ROOT, 'src/cli/main.ts'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('graph-compiler-bench init', () => {
  it('writes the starter, and examples/consumer is exactly that starter', async () => {
    const dir = tempDir();
    expect(await writeStarter(dir)).toEqual(STARTER_PATHS);
    for (const path of STARTER_PATHS) {
      expect(readFileSync(join(dir, path)), path).toEqual(readFileSync(join(REPO_ROOT, 'examples/consumer', path)));
    }
  });

  it("the spec file names its model's folder and imports the package", () => {
    const spec = starterFiles('pnpm').get('benches/models/my-model/ort-cpu-all.bench.ts') as string;
    expect(spec).toContain("import { benchSpec } from 'graph-compiler-bench';");
    expect(spec).toContain("model: { name: 'my-model', path: 'models/my-model.onnx', inputName: 'input', sampleShape: [8, 8, 8] }");
    expect(spec).toContain("compiler: 'ort-cpu-all'");
    expect(starterFiles('pnpm').get('vitest.config.ts')).toContain("import { defineBenchConfig } from 'graph-compiler-bench/vitest-preset';");
  });

  it('the example model is a valid ONNX model with the input the spec file names', async () => {
    const dir = tempDir();
    await writeStarter(dir);
    const model = await loadUserModel({ name: 'my-model', path: join(dir, 'models/my-model.onnx') });
    expect(model.inputName).toBe('input');
    expect(model.sampleShape).toEqual([8, 8, 8]);
    // One 3×3 convolution, 8 → 8 channels on 8×8: 8·8·8·8·9 multiply-accumulates, 2 FLOPs each.
    expect(model.flopsPerSample).toBe(2 * 8 * 8 * 8 * 8 * 9);
    expect(model.params).toBe(8 * 8 * 9 + 8);
  });

  it('the gate config is the defaults, with the GPU reference', async () => {
    const dir = tempDir();
    await writeStarter(dir);
    const config = await loadGateConfig(join(dir, 'gate.config.json'));
    expect(config).toEqual({ ...DEFAULT_GATE_CONFIG, reference: { byFamily: {}, byHardware: { cpu: 'ort-cpu-disabled', gpu: 'ort-webgpu-disabled' } } });
  });

  it.each(['pnpm', 'npm', 'yarn'] as const)('the %s workflow validates and runs the installed package\'s gate action, side by side with the merge base', (manager) => {
    const text = workflow(manager);
    expect(validateWorkflow(text).errors).toEqual([]);
    expect(text).toContain('uses: ./node_modules/graph-compiler-bench\n');
    expect(text).toContain('fetch-depth: 0');
    expect(text).toContain('permissions: {}');
    expect(text).toContain('profile: quick');
  });

  it('the comment workflow validates, runs on workflow_run and never runs the pull request\'s code', () => {
    const text = commentWorkflow();
    expect(validateWorkflow(text).errors).toEqual([]);
    expect(text).toContain('workflow_run:');
    expect(text).not.toContain('actions/checkout');
    expect(text).toContain('pr.head.sha !== context.payload.workflow_run.head_sha');
  });

  it('picks the package manager by the lockfile', () => {
    const dir = tempDir();
    expect(detectPackageManager(dir)).toBe('pnpm');
    writeFileSync(join(dir, 'package-lock.json'), '{}');
    expect(detectPackageManager(dir)).toBe('npm');
    expect(workflow(detectPackageManager(dir))).toContain('run: npm ci\n');
  });

  it('refuses to overwrite: names the files that exist, writes nothing', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, '.github/workflows'), { recursive: true });
    writeFileSync(join(dir, '.github/workflows/bench.yml'), 'mine\n');
    writeFileSync(join(dir, 'vitest.config.ts'), 'mine\n');
    const error = await writeStarter(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StarterExistsError);
    expect((error as StarterExistsError).existing).toEqual(['vitest.config.ts', '.github/workflows/bench.yml']);
    expect(readFileSync(join(dir, 'vitest.config.ts'), 'utf8')).toBe('mine\n');
    expect(existsSync(join(dir, 'gate.config.json'))).toBe(false);
    expect(existsSync(join(dir, 'benches'))).toBe(false);
  });

  it('the command exits 2 naming an existing file, and 0 writing the starter', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'gate.config.json'), '{}\n');
    const refused = cli(['init'], dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      'graph-compiler-bench init: not writing the starter: gate.config.json already exists (nothing was written; move it away or add the settings by hand)\n',
    );
    expect(readdirSync(dir)).toEqual(['gate.config.json']);

    rmSync(join(dir, 'gate.config.json'));
    const written = cli(['init'], dir);
    expect(written.code).toBe(0);
    expect(written.stdout).toContain('wrote benches/models/my-model/ort-cpu-all.bench.ts\n');
    expect(existsSync(join(dir, 'models/my-model.onnx'))).toBe(true);
  });
});

describe('graph-compiler-bench (the dispatcher)', () => {
  it('lists its commands; an unknown one exits 2 naming it and the valid ones', () => {
    const dir = tempDir();
    const help = cli(['--help'], dir);
    expect(help.code).toBe(0);
    for (const command of ['bench', 'baseline', 'report', 'calibrate', 'calibrate-runs', 'init']) expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    const unknown = cli(['benchh'], dir);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.split('\n')[0]).toBe('graph-compiler-bench: unknown command "benchh"; valid commands: bench, baseline, report, calibrate, calibrate-runs, init');
    expect(cli([], dir).code).toBe(2);
  });

  it("passes the remaining arguments to the command's CLI", () => {
    const dir = tempDir();
    const baseline = cli(['baseline', '--last', 'x'], dir);
    expect(baseline.code).toBe(2);
    expect(baseline.stderr).toBe('graph-compiler-bench baseline: --last must be a positive whole number of runs, got "x"\n');
    const help = cli(['bench', '--help'], dir);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--profile <name>');
  });

  it('prints its version', () => {
    const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    expect(cli(['--version'], tempDir()).stdout).toBe(`${version}\n`);
  });
});
