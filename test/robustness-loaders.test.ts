/**
 * Robustness: malformed, truncated, wrong-version and hand-edited results and baseline files. Every
 * problem is a ResultsFileError / BaselineError whose message names the file and the field; these are
 * the messages docs/robustness.md quotes. (The property-based companion is
 * robustness-loaders-property.test.ts.)
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { computeMetrics } from '../src/metrics/compute.ts';
import { stableJson } from '../src/results/atomic.ts';
import { BaselineError, baselineFromRun, loadBaseline, parseBaseline } from '../src/results/baseline.ts';
import { loadRunResult, parseRunResult, ResultsFileError } from '../src/results/run-file.ts';
import { makeRun, sweep } from './support/synthetic-run.ts';

const RF = 'results/latest.json';
const BF = 'baselines/test-cpu-8c-16g.json';
const run = makeRun(sweep({ model: 'resnet-basic', compiler: 'ort-cpu-disabled' }, [1, 2], [1], (b) => b));
const RESULTS = stableJson(run);
const BASELINE = stableJson(baselineFromRun(run, computeMetrics(run, { bootstrap: { resamples: 100 } })));

const dir = await mkdtemp(join(tmpdir(), 'gcb-loaders-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The text with `change` applied to its parsed JSON. */
function edited(text: string, change: (doc: Record<string, any>) => void): string {
  const doc = JSON.parse(text) as Record<string, any>;
  change(doc);
  return JSON.stringify(doc, null, 2);
}

function resultsError(text: string): ResultsFileError {
  try {
    parseRunResult(text, RF);
  } catch (error) {
    expect(error).toBeInstanceOf(ResultsFileError);
    expect((error as ResultsFileError).file).toBe(RF);
    return error as ResultsFileError;
  }
  throw new Error('expected parseRunResult to throw');
}

function baselineError(text: string): BaselineError {
  try {
    parseBaseline(text, BF);
  } catch (error) {
    expect(error).toBeInstanceOf(BaselineError);
    expect((error as BaselineError).file).toBe(BF);
    return error as BaselineError;
  }
  throw new Error('expected parseBaseline to throw');
}

describe('files that cannot be read', () => {
  it('a missing results file says to run pnpm bench; a missing baseline means "no baseline" (null)', async () => {
    const missing = join(dir, 'nope.json');
    await expect(loadRunResult(missing)).rejects.toThrow(new ResultsFileError(`${missing}: no such results file (run pnpm bench first)`, missing));
    expect(await loadBaseline(missing)).toBeNull();
  });

  it('a directory in place of the file', async () => {
    const folder = join(dir, 'folder.json');
    await mkdir(folder);
    await expect(loadRunResult(folder)).rejects.toThrow(`${folder}: cannot read (EISDIR: illegal operation on a directory, read)`);
    await expect(loadBaseline(folder)).rejects.toThrow(`${folder}: cannot read the baseline (EISDIR: illegal operation on a directory, read)`);
    await expect(loadBaseline(folder)).rejects.toBeInstanceOf(BaselineError);
  });

  it('the loaders read files through the same checks', async () => {
    const path = join(dir, 'truncated.json');
    await writeFile(path, RESULTS.slice(0, 100));
    await expect(loadRunResult(path)).rejects.toThrow(/^.*truncated\.json: not valid JSON \(.*\); the file looks truncated$/);
    await writeFile(path, BASELINE.slice(0, 100));
    await expect(loadBaseline(path)).rejects.toThrow(/^.*truncated\.json: not valid JSON \(.*\); the file looks truncated$/);
  });
});

describe('malformed and truncated JSON', () => {
  it('an empty file', () => {
    expect(resultsError('').message).toBe(`${RF}: the file is empty`);
    expect(baselineError(' \n').message).toBe(`${BF}: the file is empty`);
  });

  it('a truncated file says where and that it looks truncated', () => {
    const before = RESULTS.slice(0, 1000).split('\n');
    const [line, column] = [before.length, (before.at(-1) as string).length + 1];
    expect(resultsError(RESULTS.slice(0, 1000)).message).toMatch(
      new RegExp(`^results/latest\\.json: not valid JSON \\(.* at position 1000.*line ${line}.*column ${column}\\)?\\); the file looks truncated$`),
    );
    expect(baselineError(BASELINE.slice(0, 200)).message).toMatch(/^baselines\/test-cpu-8c-16g\.json: not valid JSON \(.*\); the file looks truncated$/);
  });

  it('a hand-editing slip (trailing comma) gives the line, and is not called truncated', () => {
    const message = baselineError(BASELINE.replace(/\n}\n$/, ',\n}\n')).message;
    expect(message).toMatch(/^baselines\/test-cpu-8c-16g\.json: not valid JSON \(Expected double-quoted property name in JSON at position \d+.*line \d+.*column 1\)?\)$/);
    expect(message).not.toContain('truncated');
  });

  it('a comment added by hand', () => {
    expect(resultsError(`// from CI\n${RESULTS}`).message).toMatch(/^results\/latest\.json: not valid JSON \(Unexpected token '\/', "\/\/ from CI".* is not valid JSON\)$/);
  });

  it('NaN written into the file', () => {
    expect(resultsError(RESULTS.replace(/"median": [0-9.e-]+/, '"median": NaN')).message).toMatch(/^results\/latest\.json: not valid JSON \(Unexpected token 'N'/);
  });

  it('a byte-order mark (Windows editors) is accepted', () => {
    expect(parseRunResult(`\uFEFF${RESULTS}`, RF)).toEqual(run);
    expect(parseBaseline(`\uFEFF${BASELINE}`, BF).cases).toHaveLength(2);
  });

  it('not an object at the top level', () => {
    expect(resultsError('[]').message).toBe(`${RF}: expected a JSON object at the top level, got an array`);
    expect(baselineError('"baseline"').message).toBe(`${BF}: expected a JSON object at the top level, got "baseline"`);
  });
});

describe('wrong version or wrong kind of file', () => {
  it('an unsupported schemaVersion says which one is read and what to do', () => {
    expect(resultsError(edited(RESULTS, (d) => (d.schemaVersion = 1))).message).toBe(
      `${RF}: results file schemaVersion 1 is not supported (this version reads schemaVersion 2 or 3); it was written by another version of graph-compiler-bench; re-run pnpm bench`,
    );
    expect(baselineError(edited(BASELINE, (d) => (d.schemaVersion = 0))).message).toBe(
      `${BF}: baseline schemaVersion 0 is not supported (this version reads schemaVersion 3); re-create the baseline from a fresh complete run`,
    );
    expect(resultsError(edited(RESULTS, (d) => (d.schemaVersion = '1'))).message).toMatch(/^results\/latest\.json: results file schemaVersion "1" is not supported/);
  });

  it('a missing schemaVersion', () => {
    expect(baselineError(edited(BASELINE, (d) => delete d.schemaVersion)).message).toBe(`${BF}: schemaVersion is missing (supported: 3); is this a baseline?`);
    expect(resultsError(edited(RESULTS, (d) => delete d.schemaVersion)).message).toBe(`${RF}: schemaVersion is missing (supported: 2 or 3); is this a results file?`);
  });

  it('a baseline where a results file belongs, and the other way round', () => {
    expect(resultsError(BASELINE).message).toBe(`${RF}: this is a baseline, not a results file (results are in results/latest.json)`);
    expect(baselineError(RESULTS).message).toBe(`${BF}: this is a results file, not a baseline (make a baseline from it with pnpm bench:baseline)`);
  });
});

describe('hand-edited files: unknown keys, missing fields, wrong values', () => {
  it('unknown keys, at the top and deep inside', () => {
    expect(resultsError(edited(RESULTS, (d) => (d.note = 'rerun'))).message).toBe(`${RF}: top level: unknown key "note"`);
    expect(resultsError(edited(RESULTS, (d) => (d.cases[1].latency.p90 = 1))).message).toBe(`${RF}: cases[1].latency: unknown key "p90"`);
    expect(baselineError(edited(BASELINE, (d) => (d.cases[0].comment = 'ok'))).message).toBe(`${BF}: cases[0]: unknown key "comment"`);
  });

  it('missing fields', () => {
    expect(baselineError(edited(BASELINE, (d) => delete d.cases[0].modelHash)).message).toBe(`${BF}: cases[0].modelHash: missing (expected string)`);
    expect(resultsError(edited(RESULTS, (d) => delete d.cases[0].latency)).message).toBe(`${RF}: cases[0].latency: missing (expected object)`);
  });

  it('wrong types and values', () => {
    expect(baselineError(edited(BASELINE, (d) => (d.cases[0].median = '1.0'))).message).toBe(`${BF}: cases[0].median: expected number, received string`);
    expect(baselineError(edited(BASELINE, (d) => (d.cases[0].median = null))).message).toBe(`${BF}: cases[0].median must be set for a completed case, got null`);
    // Keys are sorted, so the first "median" of a case is the one of the ratio it is judged on.
    expect(baselineError(BASELINE.replace(/"median": [0-9.e-]+/, '"median": 1e400')).message).toBe(`${BF}: cases[0].judged.median: expected number, received Infinity`);
    expect(baselineError(edited(BASELINE, (d) => (d.cases[0].modelHash = 'abc'))).message).toBe(`${BF}: cases[0].modelHash must be a sha256 hex digest, got "abc"`);
    expect(resultsError(edited(RESULTS, (d) => (d.cases[0].batch = -1))).message).toBe(`${RF}: cases[0].batch: Too small: expected number to be >0`);
    expect(resultsError(edited(RESULTS, (d) => (d.cases[0].state = 'done'))).message).toBe(
      `${RF}: cases[0].state: Invalid discriminator value. Expected 'completed' | 'failed' | 'unavailable'`,
    );
  });

  it('many problems: the first five, one per line, then how many more', () => {
    const message = resultsError(edited(RESULTS, (d) => d.cases.forEach((c: Record<string, unknown>) => Object.assign(c, { batch: 0, depth: 'x', key: 5 })))).message;
    const lines = message.split('\n');
    expect(lines).toHaveLength(6);
    expect(lines.every((line) => line.startsWith(`${RF}: `))).toBe(true);
    expect(lines[0]).toBe(`${RF}: cases[0].key: expected string, received number`);
    expect(lines[5]).toBe(`${RF}: ... and 1 more problems`);
  });
});
