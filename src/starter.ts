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
  return `# Performance gate (written by graph-compiler-bench init): on every pull request, measures the spec files
# under benches/ (quick profile) for the pull request and for its merge base side by side, and fails on
# a regression, a new reversal or a slower compiler. The job holds a read-only token; bench-comment.yml
# posts the report as a comment. Without a base that can be measured, the run is judged against
# baselines/<hardware-id>.json instead (make one: ${exec} bench --no-gate, then ${exec} baseline).
name: bench

on:
  pull_request:
  workflow_dispatch:

permissions: {}

jobs:
  bench:
    runs-on: ubuntu-latest
    timeout-minutes: 30
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
          persist-credentials: false
      - uses: actions/setup-node@v4
        with:
          node-version: 22
      - name: Install
        run: ${install}
      - name: Gate (side by side with the merge base)
        uses: ./node_modules/graph-compiler-bench
        with:
          profile: quick
          artifact: bench-report
`;
}

/** The workflow that posts the report of bench.yml as one pull-request comment, safe for forks. */
export function commentWorkflow(): string {
  return `# Posts the report of the bench workflow as one pull-request comment (written by graph-compiler-bench init).
# It runs on workflow_run in the base repository's context, so it holds the write token a pull request
# from a fork never gets; it never checks out or runs the pull request's code, only reads its report.
name: bench comment

on:
  workflow_run:
    workflows: [bench]
    types: [completed]

permissions: {}

jobs:
  comment:
    if: github.event.workflow_run.event == 'pull_request'
    runs-on: ubuntu-latest
    permissions:
      actions: read
      pull-requests: write
    steps:
      - uses: actions/download-artifact@v4
        with:
          name: bench-report
          path: report
          run-id: \${{ github.event.workflow_run.id }}
          github-token: \${{ github.token }}
      - uses: actions/github-script@v7
        with:
          script: |
            const fs = require('node:fs');
            const marker = '<!-- graph-compiler-bench:report -->';
            const number = Number(fs.readFileSync('report/reports/pr-number', 'utf8').trim());
            if (!Number.isInteger(number) || number <= 0) throw new Error('the report holds no pull-request number');
            const { owner, repo } = context.repo;
            const { data: pr } = await github.rest.pulls.get({ owner, repo, pull_number: number });
            if (pr.head.sha !== context.payload.workflow_run.head_sha) throw new Error('the report is not of the pull request head: not posting');
            let body = fs.readFileSync('report/reports/bench.md', 'utf8');
            if (!body.includes(marker)) body = marker + '\\n' + body;
            const comments = await github.paginate(github.rest.issues.listComments, { owner, repo, issue_number: number, per_page: 100 });
            const mine = comments.find((c) => c.body && c.body.includes(marker));
            if (mine) await github.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body });
            else await github.rest.issues.createComment({ owner, repo, issue_number: number, body });
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
    ['.github/workflows/bench-comment.yml', commentWorkflow()],
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

