import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { finish as finishRun } from '../src/pipeline.ts';
import { DEFAULT_PLAN } from '../src/run-case.ts';
import { JSON_SCHEMAS, jsonSchemaText } from '../src/results/json-schema.ts';
import { parseRunResult } from '../src/results/run-file.ts';
import type { CaseResult } from '../src/results/schema.ts';

// The cases of a recorded run on this project's CPU machine, as the reporter collected them.
const recorded = parseRunResult(await readFile('test/data/run-amd-epyc-2c.json', 'utf8'), 'run-amd-epyc-2c.json');

async function finish(cases: readonly CaseResult[], extra: { harnessErrors?: { where: string; message: string }[]; interruptedBy?: string } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'gcb-reporter-'));
  const options = {
    resultsDir: join(dir, 'results'),
    reportsDir: join(dir, 'reports'),
    baselinesDir: join(dir, 'baselines'),
    gateConfigPath: 'gate.config.json',
    gate: true,
    requireBaseline: false,
  };
  const output: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => output.push(String(chunk)) > 0);
  try {
    const { exitCode } = await finishRun({
      collected: {
        cases,
        baseCases: [],
        harnessErrors: extra.harnessErrors ?? [],
        gpu: null,
        startedAt: new Date('2026-11-24T10:00:00Z'),
        finishedAt: new Date('2026-11-24T10:05:00Z'),
        interruptedBy: extra.interruptedBy ?? null,
      },
      plan: { ...DEFAULT_PLAN, commandLine: ['pnpm', 'bench'] },
      options,
    });
    return { exitCode, dir, output: output.join('') };
  } finally {
    vi.restoreAllMocks();
  }
}

describe('the reporter’s result model on a recorded run', () => {
  it('writes latest.json and a timestamped copy that validate against the schema, with every case', async () => {
    const { exitCode, dir } = await finish(recorded.cases);
    expect(exitCode).toBe(0); // no baseline in the temp dir: nothing compared, which is said and does not fail
    const files = (await readdir(join(dir, 'results'))).sort();
    expect(files).toEqual(['latest.json', 'run-2026-11-24T10-00-00-000Z.json']);
    const written = parseRunResult(await readFile(join(dir, 'results', 'latest.json'), 'utf8'), 'latest.json');
    expect(written.cases.map((c) => c.key)).toEqual(recorded.cases.map((c) => c.key));
    expect(written).toMatchObject({ schemaVersion: 3, complete: true, interruptedBy: null, startedAt: '2026-11-24T10:00:00.000Z' });
    expect(written.hardware.cpu.cores).toBeGreaterThan(0);
    expect(written.commandLine.length).toBeGreaterThan(0);
    const report = await readFile(join(dir, 'reports', 'bench.md'), 'utf8');
    expect(report.split('\n')[2]).toMatch(/^## .*NO BASELINE: no baseline for [a-z0-9-]+ yet, nothing was compared/);
    expect(await readFile(join(dir, 'reports', 'bench.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/i);
  });

  it('exits non-zero and names the case when one failed', async () => {
    const [first, ...rest] = recorded.cases;
    const { key, suite, model, compiler, batch, depth } = first!;
    const failed: CaseResult = { key, suite, model, compiler, batch, depth, state: 'failed', phase: 'run', error: 'kernel exploded', correctness: null };
    const { exitCode, output } = await finish([failed, ...rest]);
    expect(exitCode).toBe(1);
    expect(output).toContain(`bench: FAILED ${key} (run): kernel exploded`);
  });

  it('marks an interrupted run incomplete and exits 130', async () => {
    const { exitCode, dir } = await finish(recorded.cases.slice(0, 3), { interruptedBy: 'SIGINT' });
    expect(exitCode).toBe(130);
    const written = parseRunResult(await readFile(join(dir, 'results', 'latest.json'), 'utf8'), 'latest.json');
    expect(written).toMatchObject({ complete: false, interruptedBy: 'SIGINT' });
  });
});

describe('published JSON Schemas', () => {
  it.each(Object.entries(JSON_SCHEMAS))('%s is up to date (pnpm schemas rewrites it)', async (path, schema) => {
    expect(await readFile(path, 'utf8')).toBe(jsonSchemaText(schema));
  });
});
