/**
 * Robustness: concurrent writers. Two processes writing the same results file (writeJsonAtomic), and two
 * writing the same baseline (writeBaseline), at once and over and over, while this process reads and
 * parses both files as fast as it can. Every read must parse as a complete, valid document (temp file
 * + rename: no reader ever sees half a file), and no temporary file may be left behind.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeJsonAtomic } from '../src/results/atomic.ts';
import { parseBaseline } from '../src/results/baseline.ts';
import { parseRunResult } from '../src/results/run-file.ts';
import { REPO_ROOT } from './support/bench-child.ts';
import { makeRun } from './support/synthetic-run.ts';

const WRITE_MS = 2500;
const dir = await mkdtemp(join(tmpdir(), 'gcb-writers-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

interface Writer {
  readonly ready: Promise<void>;
  readonly done: Promise<number>;
}

function startWriter(kind: 'results' | 'baseline', path: string, seed: number): Writer {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/hammer-writer.ts', kind, path, String(WRITE_MS), String(seed)], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.includes('ready')) markReady();
  });
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const done = new Promise<number>((resolve, reject) => {
    child.on('close', (code) => {
      markReady();
      const writes = /done (\d+)/.exec(out);
      if (code !== 0 || writes === null) reject(new Error(`writer ${kind} #${seed} exited ${code}: ${err}`));
      else resolve(Number(writes[1]));
    });
  });
  return { ready, done };
}

describe('concurrent writers never leave a corrupt file', () => {
  it('two processes rewriting results/latest.json and two rewriting a baseline, while a reader parses both', async () => {
    const resultsPath = join(dir, 'results', 'latest.json');
    const baselinePath = join(dir, 'baselines', 'test-cpu-8c-16g.json');
    await writeJsonAtomic(resultsPath, makeRun([{ model: 'vit-like', compiler: 'ort-cpu-all', batch: 1 }]));

    const writers = [
      startWriter('results', resultsPath, 1),
      startWriter('results', resultsPath, 2),
      startWriter('baseline', baselinePath, 3),
      startWriter('baseline', baselinePath, 4),
    ];
    await Promise.all(writers.map((w) => w.ready));

    let finished = false;
    const allDone = Promise.all(writers.map((w) => w.done)).finally(() => (finished = true));
    const seen = { results: new Set<string>(), baseline: new Set<string>() };
    let reads = 0;
    while (!finished) {
      // Any exception here (a torn, empty or half-written file) fails the test with the loader's message.
      const run = parseRunResult(await readFile(resultsPath, 'utf8'), resultsPath);
      seen.results.add(`${run.profile}/${run.cases.length}`);
      const baseline = parseBaseline(await readFile(baselinePath, 'utf8'), baselinePath);
      seen.baseline.add(`${baseline.createdFrom.profile}/${baseline.cases.length}`);
      reads += 2;
    }
    const writes = await allDone;

    // The writers really did interleave: both processes' large and small documents were read.
    expect(writes.every((n) => n >= 3)).toBe(true);
    expect(reads).toBeGreaterThan(20);
    expect(seen.results.size).toBeGreaterThanOrEqual(3);
    expect(seen.baseline.size).toBeGreaterThanOrEqual(3);

    // The last complete write won, and no temporary file was left behind.
    parseRunResult(await readFile(resultsPath, 'utf8'), resultsPath);
    parseBaseline(await readFile(baselinePath, 'utf8'), baselinePath);
    expect(await readdir(join(dir, 'results'))).toEqual(['latest.json']);
    expect(await readdir(join(dir, 'baselines'))).toEqual(['test-cpu-8c-16g.json']);
  }, 30_000);
});
