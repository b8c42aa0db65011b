/**
 * Robustness, property-based: thousands of mutated results and baseline documents fed to the loaders.
 * Every one is either accepted (and then round-trips through the schema unchanged) or rejected with the
 * loader's own error (ResultsFileError / BaselineError) whose message starts with the file name. Never
 * any other exception, never a message without the file.
 *
 * Mutations, applied 1 to 4 at a time to valid documents (synthetic runs and baselineFromRun): delete a
 * key or array element, add an unknown key, change a value's type, replace a value with null, NaN-ish
 * strings, out-of-range or huge numbers (1e400 in the text), flip schemaVersion; then the JSON text may be
 * truncated at a random position or have one character changed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../src/metrics/compute.ts';
import { stableJson } from '../src/results/atomic.ts';
import { BaselineError, BaselineSchema, baselineFromRun, parseBaseline } from '../src/results/baseline.ts';
import { parseRunResult, ResultsFileError } from '../src/results/run-file.ts';
import { RunResultSchema, type RunResult } from '../src/results/schema.ts';
import { makeRun, randomSamples, sweep } from './support/synthetic-run.ts';

const RESULTS_FILE = 'results/run-2025-04-29.json';
const BASELINE_FILE = 'baselines/test-cpu-8c-16g.json';
const NUM_RUNS = 1500;

// ---------------------------------------------------------------------------------------------------
// Valid starting documents.

function runs(): RunResult[] {
  const blocks = [
    ...sweep({ model: 'resnet-basic', compiler: 'ort-cpu-disabled' }, [1, 4], [1, 2], (b, d) => randomSamples(b * (d as number), 9, 0.05, b + 10 * (d as number))),
    ...sweep({ model: 'resnet-basic', compiler: 'ort-cpu-all' }, [1, 4], [1, 2], (b, d) => 0.6 * b * (d as number)),
  ];
  const archetypes = [
    { model: 'resnet-like', compiler: 'ort-cpu-disabled', batch: 1, median: 2 },
    { model: 'vit-like', compiler: 'ort-cpu-disabled', batch: 1, median: 3 },
    { model: 'resnet-like', compiler: 'ort-cpu-all', batch: 1, median: 1 },
    { model: 'vit-like', compiler: 'ort-cpu-all', batch: 8, state: 'failed' as const, phase: 'out-of-memory' as const, error: 'failed to allocate' },
    { model: 'my-net', compiler: 'tfjs-webgpu', batch: 1, suite: 'models' as const, hardware: 'gpu' as const, state: 'unavailable' as const },
  ];
  return [makeRun(blocks), makeRun(archetypes, { filters: { compiler: 'ort-cpu-all' } }), makeRun([...blocks.slice(0, 2), ...archetypes.slice(3)], { complete: false })];
}

const RUNS = runs();
const BASELINES = RUNS.filter((r) => r.complete).map((r) => baselineFromRun(r, computeMetrics(r, { bootstrap: { resamples: 50 } })));

// ---------------------------------------------------------------------------------------------------
// Mutations.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

/** Every path into the document (the root is []). */
function paths(value: Json, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

function parentOf(root: Json, path: Path): { parent: Json; key: string | number } | null {
  if (path.length === 0) return null;
  let parent = root;
  for (const p of path.slice(0, -1)) parent = (parent as Record<string | number, Json>)[p] as Json;
  return { parent, key: path[path.length - 1] as string | number };
}

/** Placeholders replaced in the text after serialising: values JSON.stringify cannot write. */
const RAW = { '"@@HUGE@@"': '1e400', '"@@NEG_HUGE@@"': '-1e400', '"@@NEG_ZERO@@"': '-0', '"@@TINY@@"': '5e-324' } as const;

const replacement: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(
    null,
    'NaN',
    'Infinity',
    '-Infinity',
    '',
    'null',
    '1',
    true,
    false,
    0,
    -1,
    0.5,
    1.5,
    2 ** 53 + 2,
    1e308,
    -1e308,
    [],
    {},
    [null],
    { schemaVersion: 1 },
    '@@HUGE@@',
    '@@NEG_HUGE@@',
    '@@NEG_ZERO@@',
    '@@TINY@@',
  ),
  fc.double(),
  fc.integer(),
  fc.string({ maxLength: 12 }),
);

const unknownKey = fc.oneof(fc.constantFrom('extra', '__proto__', 'constructor', 'toString', 'schemaVersion ', 'Key', ''), fc.string({ maxLength: 8 }));

type Mutation =
  | { kind: 'delete'; at: number }
  | { kind: 'add-key'; at: number; key: string; value: Json }
  | { kind: 'replace'; at: number; value: Json }
  | { kind: 'change-type'; at: number }
  | { kind: 'schema-version'; value: Json };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('add-key' as const), at: fc.nat(), key: unknownKey, value: replacement }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: replacement }),
  fc.record({ kind: fc.constant('change-type' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('schema-version' as const), value: fc.constantFrom<Json>(0, 2, -1, '1', 1.5, null, true, '@@HUGE@@', [1]) }),
);

/** The same value as another type: 3 → "3", "3" → 3, [x] → {0: x}, {a: x} → [x], true → 1, null → "null". */
function changeType(value: Json): Json {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return Number.isNaN(Number(value)) ? value.length : Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value === null) return 'null';
  if (Array.isArray(value)) return Object.fromEntries(value.map((v, i) => [String(i), v]));
  return Object.values(value);
}

function apply(doc: Json, original: Mutation): Json {
  // Replacement values may be shared constants of the generator: never mutate those.
  const m = structuredClone(original);
  if (m.kind === 'schema-version') {
    if (doc !== null && typeof doc === 'object' && !Array.isArray(doc)) doc.schemaVersion = m.value;
    return doc;
  }
  const all = paths(doc);
  const path = all[m.at % all.length] as Path;
  const target = path.reduce<Json>((v, p) => (v as Record<string | number, Json>)[p] as Json, doc);
  const slot = parentOf(doc, path);
  const set = (value: Json): Json => {
    if (slot === null) return value;
    (slot.parent as Record<string | number, Json>)[slot.key] = value;
    return doc;
  };
  switch (m.kind) {
    case 'delete':
      if (slot === null) return {};
      if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
      else delete (slot.parent as Record<string, Json>)[slot.key as string];
      return doc;
    case 'add-key':
      if (target !== null && typeof target === 'object' && !Array.isArray(target)) {
        Object.defineProperty(target, m.key, { value: m.value, enumerable: true, configurable: true, writable: true });
        return doc;
      }
      return set(m.value);
    case 'replace':
      return set(m.value);
    case 'change-type':
      return set(changeType(target));
  }
}

type TextEdit = { kind: 'none' } | { kind: 'truncate'; at: number } | { kind: 'change-char'; at: number; char: string };

const textEdit: fc.Arbitrary<TextEdit> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'none' } as const) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('change-char' as const), at: fc.nat(), char: fc.constantFrom('"', ',', '}', ']', ':', ' ', 'x', '0', '\u0000', '\uFEFF') }) },
);

function render(doc: Json, pretty: boolean, edit: TextEdit): string {
  let text = pretty ? JSON.stringify(doc, null, 2) : JSON.stringify(doc);
  for (const [placeholder, raw] of Object.entries(RAW)) text = text.split(placeholder).join(raw);
  if (edit.kind === 'truncate') return text.slice(0, edit.at % (text.length + 1));
  if (edit.kind === 'change-char') {
    const at = edit.at % Math.max(text.length, 1);
    return text.slice(0, at) + edit.char + text.slice(at + 1);
  }
  return text;
}

const documentArbitrary = (starts: readonly unknown[]) =>
  fc.record({
    start: fc.nat({ max: starts.length - 1 }),
    mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }),
    pretty: fc.boolean(),
    edit: textEdit,
  });

function mutatedText(starts: readonly unknown[], input: { start: number; mutations: Mutation[]; pretty: boolean; edit: TextEdit }): string {
  let doc = structuredClone(starts[input.start]) as Json;
  for (const m of input.mutations) doc = apply(doc, m);
  return render(doc, input.pretty, input.edit);
}

// ---------------------------------------------------------------------------------------------------
// The property.

interface Tally {
  accepted: number;
  rejected: number;
}

function checkLoader<T>(
  text: string,
  file: string,
  parse: (text: string, file: string) => T,
  ErrorClass: new (...args: never[]) => Error & { file: string | null },
  schema: { safeParse(value: unknown): { success: boolean } },
  tally: Tally,
): void {
  let value: T;
  try {
    value = parse(text, file);
  } catch (error) {
    // Only the loader's own error, naming the file, with a readable message.
    if (!(error instanceof ErrorClass)) throw new Error(`unexpected ${(error as Error)?.name ?? typeof error} for:\n${text.slice(0, 400)}`, { cause: error });
    expect(error.file).toBe(file);
    expect(error.message.startsWith(`${file}: `)).toBe(true);
    expect(error.message.length).toBeGreaterThan(file.length + 10);
    expect(error.message).not.toMatch(/\[object Object\]|undefined/);
    tally.rejected++;
    return;
  }
  // Accepted: it must be a valid document that survives a write and a re-read unchanged.
  expect(schema.safeParse(value).success).toBe(true);
  const written = stableJson(value);
  expect(stableJson(parse(written, file))).toBe(written);
  tally.accepted++;
}

describe('loaders on mutated documents (fast-check)', () => {
  it('the starting documents are valid', () => {
    for (const run of RUNS) expect(parseRunResult(stableJson(run), RESULTS_FILE)).toEqual(run);
    for (const baseline of BASELINES) expect(parseBaseline(stableJson(baseline), BASELINE_FILE)).toEqual(baseline);
  });

  it(`parseRunResult: ${NUM_RUNS} mutated results files are accepted and round-trip, or rejected naming the file`, () => {
    const tally: Tally = { accepted: 0, rejected: 0 };
    fc.assert(
      fc.property(documentArbitrary(RUNS), (input) => {
        checkLoader(mutatedText(RUNS, input), RESULTS_FILE, parseRunResult, ResultsFileError, RunResultSchema, tally);
      }),
      { numRuns: NUM_RUNS, seed: 20250429 },
    );
    // The mutations reach both outcomes (a generator that only breaks JSON would prove little).
    expect(tally.rejected).toBeGreaterThan(NUM_RUNS * 0.5);
    expect(tally.accepted).toBeGreaterThan(10);
  });

  it(`parseBaseline: ${NUM_RUNS} mutated baselines are accepted and round-trip, or rejected naming the file`, () => {
    const tally: Tally = { accepted: 0, rejected: 0 };
    fc.assert(
      fc.property(documentArbitrary(BASELINES), (input) => {
        checkLoader(mutatedText(BASELINES, input), BASELINE_FILE, parseBaseline, BaselineError, BaselineSchema, tally);
      }),
      { numRuns: NUM_RUNS, seed: 20250429 },
    );
    expect(tally.rejected).toBeGreaterThan(NUM_RUNS * 0.5);
    expect(tally.accepted).toBeGreaterThan(10);
  });

  it('also holds with random seeds (a smaller sample each run)', () => {
    const tally: Tally = { accepted: 0, rejected: 0 };
    fc.assert(
      fc.property(documentArbitrary(RUNS), documentArbitrary(BASELINES), (r, b) => {
        checkLoader(mutatedText(RUNS, r), RESULTS_FILE, parseRunResult, ResultsFileError, RunResultSchema, tally);
        checkLoader(mutatedText(BASELINES, b), BASELINE_FILE, parseBaseline, BaselineError, BaselineSchema, tally);
      }),
      { numRuns: 300 },
    );
  });
});
