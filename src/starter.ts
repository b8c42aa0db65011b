/**
 * The starter `graph-compiler-bench init` writes: a tiny example model and one spec file for it, a gate
 * config, a vitest config from the preset and a GitHub workflow that runs the gate, so that
 * `graph-compiler-bench bench` runs at once. Never overwrites.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { buildModel } from '../fixtures/index.ts';
import { DEFAULT_GATE_CONFIG } from './gate/config.ts';
import { stableJson } from './results/atomic.ts';

/** The example model's name: the folder under benches/models/ and the name in results and reports. */
export const STARTER_MODEL = 'my-model';
export const STARTER_COMPILER = 'ort-cpu-all';

export type PackageManager = 'pnpm' | 'npm' | 'yarn';

/** The package manager a directory uses, by its lockfile; pnpm when there is none. */
export function detectPackageManager(directory: string): PackageManager {
  if (existsSync(join(directory, 'pnpm-lock.yaml'))) return 'pnpm';
  if (existsSync(join(directory, 'package-lock.json'))) return 'npm';
  if (existsSync(join(directory, 'yarn.lock'))) return 'yarn';
  return 'pnpm';
}

/** One 3×3 convolution with ReLU on 8 channels of 8×8: measures in microseconds, is a real graph. */
export function starterModel(): Uint8Array {
  return buildModel('plain-conv', { depth: 1, width: 8, inputSize: 8 }).onnx;
}

const SPEC_FILE = `// One spec file per model × compiler. This one measures models/${STARTER_MODEL}.onnx compiled by ONNX Runtime
// with every graph optimisation (${STARTER_COMPILER}), each case measured alongside the uncompiled reference
// (ort-cpu-disabled, see gate.config.json), over the batch sizes below.
//
// Your model: change the path, the input's name and the shape of one sample (the batch dimension, the
// first one, left out), and name the folder after it (the folder is what --model selects). Another
// compiler: copy this file as <compiler id>.bench.ts (\`graph-compiler-bench bench --help\` lists the ids).
import { benchSpec } from 'graph-compiler-bench';

benchSpec({
  model: { name: '${STARTER_MODEL}', path: 'models/${STARTER_MODEL}.onnx', inputName: 'input', sampleShape: [8, 8, 8] },
  compiler: '${STARTER_COMPILER}',
  batches: [1, 2, 4, 8],
});
`;

const VITEST_CONFIG = `// The Vitest project \`graph-compiler-bench bench\` runs: spec files under benches/, one file and one case
// at a time. To keep your own tests here too: defineBenchConfig({ projects: [{ test: { name: 'unit', ... } }] }).
import { defineBenchConfig } from 'graph-compiler-bench/vitest-preset';

export default defineBenchConfig();
`;

function gateConfig(): string {
  return stableJson({
    $comment:
      'Regression gate settings (graph-compiler-bench). Thresholds are relative (0.1 = 10%) except friction-beta, which is absolute. Each compiler is measured alongside, and compared with, the uncompiled reference of its hardware. Options you leave out take these defaults.',
    ...DEFAULT_GATE_CONFIG,
    reference: { ...DEFAULT_GATE_CONFIG.reference, byHardware: { ...DEFAULT_GATE_CONFIG.reference.byHardware, gpu: 'ort-webgpu-disabled' } },
  });
}

export const INSTALL: Record<PackageManager, { install: string; exec: string }> = {
  pnpm: { install: 'npm install -g pnpm@12 && pnpm install --frozen-lockfile', exec: 'pnpm exec graph-compiler-bench' },
  npm: { install: 'npm ci', exec: 'npx graph-compiler-bench' },
  yarn: { install: 'corepack enable && yarn install --immutable', exec: 'yarn graph-compiler-bench' },
};

export function workflow(manager: PackageManager): string {
  const { install, exec } = INSTALL[manager];
  return `# Performance gate (written by graph-compiler-bench init): measures the spec files under benches/ with the
# quick profile on every pull request and fails when a case regressed against the committed baseline of
# the runner's hardware, baselines/<hardware-id>.json (no baseline yet: every case is new, and it passes).
# Make one from runs on that hardware: ${exec} baseline --last 3 (see its --help).
name: bench

on:
  pull_request:
  workflow_dispatch:

permissions:
  contents: read

jobs:
  bench:
    runs-on: ubuntu-latest
    timeout-minutes: 30
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 22
      - name: Install
        run: ${install}
      - name: Benchmark (quick profile)
        run: ${exec} bench --profile quick
      - name: Upload results and report
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: bench
          path: |
            results/latest.json
            reports/
          if-no-files-found: warn
`;
}

/** The starter's files, by path relative to the directory. */
export function starterFiles(manager: PackageManager): ReadonlyMap<string, string | Uint8Array> {
  return new Map<string, string | Uint8Array>([
    [`benches/models/${STARTER_MODEL}/${STARTER_COMPILER}.bench.ts`, SPEC_FILE],
    [`models/${STARTER_MODEL}.onnx`, starterModel()],
    ['gate.config.json', gateConfig()],
    ['vitest.config.ts', VITEST_CONFIG],
    ['.github/workflows/bench.yml', workflow(manager)],
  ]);
}

export class StarterExistsError extends Error {
  override readonly name = 'StarterExistsError';
  constructor(readonly existing: readonly string[]) {
    super(
      `not writing the starter: ${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''} (nothing was written; move ${existing.length === 1 ? 'it' : 'them'} away or add the settings by hand)`,
    );
  }
}

/** Writes the starter into `directory` and returns the paths written; writes nothing when any file exists. */
export async function writeStarter(directory: string): Promise<string[]> {
  const files = starterFiles(detectPackageManager(directory));
  const existing = [...files.keys()].filter((path) => existsSync(join(directory, path)));
  if (existing.length > 0) throw new StarterExistsError(existing);
  for (const [path, contents] of files) {
    await mkdir(dirname(join(directory, path)), { recursive: true });
    // 'wx': a file that appeared since the check is not overwritten either.
    await writeFile(join(directory, path), contents, { flag: 'wx' });
  }
  return [...files.keys()];
}

