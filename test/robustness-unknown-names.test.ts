/**
 * Robustness: unknown compiler, block and profile names, wherever they come from. A typo in a flag or
 * variable is a usage error (exit 2) listing the valid names; a typo in a spec file fails that file with
 * the valid ids (a harness error: the other spec files still run, the run is incomplete, exits 1 and the
 * report fails); a typo in the gate config is a configuration error (exit 2) listing the valid compilers.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARCHETYPE_IDS, BLOCK_IDS } from '../fixtures/index.ts';
import { COMPILER_IDS } from '../src/adapters/registry.ts';
import { computeMetrics } from '../src/metrics/compute.ts';
import { BaselineError, baselineFromRun } from '../src/results/baseline.ts';
import type { RunResult } from '../src/results/schema.ts';
import { linesStartingWith, REPO_ROOT, runBench, type BenchChildResult } from './support/bench-child.ts';

const VALID_COMPILERS = `valid compilers: ${COMPILER_IDS.join(', ')}`;

describe('unknown names in flags and variables: exit 2, listing the valid names', () => {
  const cases: [string, string[], Record<string, string>, string][] = [
    ['--compiler', ['--compiler', 'ort-cpu-al'], {}, `bench: unknown compiler "ort-cpu-al"; ${VALID_COMPILERS}`],
    ['--model', ['--model', 'plain-cnov'], {}, `bench: unknown model "plain-cnov"; valid blocks and archetypes: ${[...BLOCK_IDS, ...ARCHETYPE_IDS].join(', ')}`],
    ['GCB_PROFILE', [], { GCB_PROFILE: 'fast' }, 'bench: GCB_PROFILE (--profile): unknown value "fast"; valid values: default, quick, full'],
  ];
  it('for --compiler, --model and GCB_PROFILE', async () => {
    const runs = await Promise.all(cases.map(([, args, env]) => runBench({ args: [...args, 'blocks/'], env })));
    try {
      runs.forEach((child, i) => {
        const [what, , , message] = cases[i]!;
        expect(child.code, what).toBe(2);
        // The model list also names the user models found under the spec folder (here: test/fault-benches/models).
        expect(child.stderr.trim().startsWith(message), `${what}: ${child.stderr}`).toBe(true);
        expect(child.hasReport()).toBe(false);
      });
    } finally {
      runs.forEach((child) => child.cleanup());
    }
  }, 60_000);
});

describe('unknown names in spec files', () => {
  let child: BenchChildResult;
  let run: RunResult;
  beforeAll(async () => {
    child = await runBench({ args: ['bad-spec/', 'blocks/'] });
    run = await child.latest();
  }, 60_000);
  afterAll(() => child?.cleanup());

  it('fail their file with the valid ids; the other spec files run; the run exits 1', () => {
    expect(child.code).toBe(1);
    expect(linesStartingWith(child.stdout, 'bench: ERROR')).toEqual([
      `bench: ERROR in test/fault-benches/bad-spec/unknown-block.bench.ts: unknown fixture "plain-cnov"; valid ids: blocks ${BLOCK_IDS.join(', ')}; archetypes ${ARCHETYPE_IDS.join(', ')}`,
      `bench: ERROR in test/fault-benches/bad-spec/unknown-compiler.bench.ts: unknown compiler "ort-cpu-al"; ${VALID_COMPILERS}`,
    ]);
    expect(child.stdout).toContain('bench: FAIL: 2 errors outside any case (the "ERROR in" lines above); the run is incomplete');
    expect(run.cases.map((c) => [c.key, c.state])).toEqual([['blocks/plain-conv/ort-cpu-all/b=1/d=1', 'completed']]);
    expect(run.complete).toBe(false);
    expect(run.interruptedBy).toBeNull();
  });

  it('the report fails and lists the errors (it used to say PASS)', () => {
    const report = child.report();
    expect(report).toMatch(/^## ❌ FAIL: 2 errors outside any case \(gate: NO BASELINE: .*\) — graph-compiler-bench on `[^`]+` · \*\*INCOMPLETE RUN\*\*$/m);
    expect(report).toContain('### Errors outside any case (2)');
    expect(report).toContain('- `test/fault-benches/bad-spec/unknown-compiler.bench.ts`: unknown compiler "ort-cpu-al"; valid compilers: ');
    expect(report).toContain('- `test/fault-benches/bad-spec/unknown-block.bench.ts`: unknown fixture "plain-cnov"; valid ids: ');
  });

  it('such a run cannot become a baseline', () => {
    expect(() => baselineFromRun(run, computeMetrics(run, { bootstrap: { resamples: 200 } }))).toThrow(BaselineError);
    expect(() => baselineFromRun(run, computeMetrics(run, { bootstrap: { resamples: 200 } }))).toThrow(
      `refusing to create a baseline from an incomplete run (started ${run.startedAt}); run the full selection again`,
    );
  });
});

describe('unknown compiler ids in the gate config', () => {
  async function withConfig(edit: (config: Record<string, Record<string, unknown>>) => void, run: (path: string) => Promise<void>): Promise<void> {
    const config = JSON.parse(await readFile(join(REPO_ROOT, 'gate.config.json'), 'utf8')) as Record<string, Record<string, unknown>>;
    edit(config);
    const dir = mkdtempSync(join(tmpdir(), 'gcb-gate-config-'));
    const path = join(dir, 'gate.config.json');
    writeFileSync(path, JSON.stringify(config, null, 2));
    try {
      await run(path);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('in the references are a configuration error (exit 2) before anything is measured: they decide what is measured alongside', async () => {
    await withConfig(
      (config) => (config.reference = { byFamily: {}, byHardware: { cpu: 'ort-cpu-disable' } }),
      async (path) => {
        const child = await runBench({ args: ['blocks/'], env: { GCB_GATE_CONFIG: path } });
        try {
          expect(child.code).toBe(2);
          expect(child.stderr).toContain(`bench: ${path}: reference.byHardware.cpu: unknown compiler "ort-cpu-disable"\n${VALID_COMPILERS}`);
          expect(child.stdout).not.toContain('[1/');
        } finally {
          child.cleanup();
        }
      },
    );
  }, 60_000);

  it('in the thresholds are a configuration error (exit 2) naming the file, the option and the valid compilers; results are still written', async () => {
    await withConfig(
      (config) => (config.threshold = { ...config.threshold, byCompiler: { 'ort-cpu-al': 0.2 } }),
      async (path) => {
        const child = await runBench({ args: ['blocks/'], env: { GCB_GATE_CONFIG: path } });
        try {
          expect(child.code).toBe(2);
          expect(child.stdout).toContain(`bench: ${path}: threshold.byCompiler: unknown compiler "ort-cpu-al"\n${VALID_COMPILERS}`);
          expect((await child.latest()).cases).toHaveLength(1);
        } finally {
          child.cleanup();
        }
      },
    );
  }, 60_000);
});
