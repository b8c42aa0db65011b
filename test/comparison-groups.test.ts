/**
 * Comparison groups: a user's models compared as the archetypes are — orderings, reversals (gated in
 * single mode against a baseline and in paired mode against the base), cross-hardware reversals and
 * the report's sections — and the archetypes as one such group. Recorded data: the archetype cases of
 * a recorded run, relabelled as a user's group, give the same orderings and reversals.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARCHETYPE_IDS } from '../fixtures/index.ts';
import { evaluate } from '../src/evaluate.ts';
import { DEFAULT_GATE_CONFIG, metricsOptionsFromGateConfig } from '../src/gate/config.ts';
import { computeMetrics } from '../src/metrics/compute.ts';
import { crossHardwareReversals } from '../src/metrics/cross-hardware.ts';
import { ARCHETYPES_GROUP, collectSpecs, planCases, resolveGroups } from '../src/plan.ts';
import { buildReport } from '../src/report/build.ts';
import { renderMarkdown } from '../src/report/markdown.ts';
import { parseRunResult } from '../src/results/run-file.ts';
import { caseKey, RunResultSchema, type CaseResult, type ComparisonGroup, type RunResult } from '../src/results/schema.ts';
import { makePairedRuns, type PairedCaseSpec } from './support/synthetic-paired.ts';
import { baselineOf, judgeRun } from './support/gate-harness.ts';
import { makeRun, randomSamples, type SyntheticCase } from './support/synthetic-run.ts';

const VISION: ComparisonGroup = { name: 'vision-4.5gflop', models: ['convnext-t', 'vit-s16'] };
const OPTIONS = metricsOptionsFromGateConfig(DEFAULT_GATE_CONFIG);
const withGroups = (run: RunResult, groups: readonly ComparisonGroup[]): RunResult => RunResultSchema.parse({ ...run, comparisonGroups: groups });

describe('the archetypes are one comparison group', () => {
  it('is planned from the archetype fixtures', () => {
    expect(ARCHETYPES_GROUP).toEqual({ name: 'archetypes', models: [...ARCHETYPE_IDS].sort() });
  });
});

describe('a user group on recorded data', () => {
  // The recorded 2-core run's resnet-like and vit-like cases, as a user's convnext-t and vit-s16.
  const recorded = parseRunResult(readFileSync(new URL('./data/run-amd-epyc-2c.json', import.meta.url), 'utf8'), 'run-amd-epyc-2c.json');
  const rename: Record<string, string> = { 'resnet-like': 'convnext-t', 'vit-like': 'vit-s16' };
  const relabel = (c: CaseResult): CaseResult => {
    const id = rename[c.model.id] as string;
    return { ...c, suite: 'models', key: caseKey({ suite: 'models', modelId: id, compilerId: c.compiler.id, batch: c.batch, depth: c.depth }), model: { ...c.model, id, kind: 'user' } };
  };
  const archetypes = recorded.cases.filter((c) => c.suite === 'archetypes' && c.model.id in rename);
  const user = withGroups({ ...recorded, cases: archetypes.map(relabel), confirmation: null }, [VISION]);
  const before = computeMetrics(withGroups({ ...recorded, cases: archetypes, confirmation: null }, [ARCHETYPES_GROUP]), OPTIONS);
  const after = computeMetrics(user, OPTIONS);
  const renamed = (text: string | null): string | null => (text === null ? null : text.replace('resnet-like', 'convnext-t').replace('vit-like', 'vit-s16'));

  it('has the orderings the archetypes had, ratio for ratio, in the user group', () => {
    expect(before.orderings.length).toBeGreaterThan(10);
    expect(after.orderings.map((o) => [o.id, o.group, o.ratio.value, o.faster])).toEqual(
      before.orderings.map((o) => [renamed(o.id), 'vision-4.5gflop', o.ratio.value, renamed(o.faster)]),
    );
  });

  it('has the reversals the archetypes had, named by the group', () => {
    expect(after.reversals.map((r) => [r.id, r.group, r.fasterUnderReference, r.fasterUnderCompiler])).toEqual(
      before.reversals.map((r) => [renamed(r.id), 'vision-4.5gflop', renamed(r.fasterUnderReference), renamed(r.fasterUnderCompiler)]),
    );
    for (const r of after.reversals) expect(r.message.startsWith('vision-4.5gflop: reversal at ')).toBe(true);
  });

  it('compares no user models when the run names no group (files written before groups existed)', () => {
    const { comparisonGroups: _, ...legacy } = user;
    expect(computeMetrics(RunResultSchema.parse(legacy), OPTIONS).orderings).toEqual([]);
  });
});

// The figures: ConvNeXt slower than ViT under ort-cpu-disabled (34.3 vs 27.3 ms at b=1) and
// faster under ort-cpu-all (22.4 vs 27.7 ms).
const user = (model: string, compiler: string, median: number, seed: number): SyntheticCase => ({
  model,
  compiler,
  batch: 1,
  suite: 'models',
  flopsPerSample: model === 'convnext-t' ? 4.47e9 : 4.61e9,
  samples: randomSamples(median, 200, 0.02, seed),
});
const REFERENCE = [user('convnext-t', 'ort-cpu-disabled', 34.3, 1), user('vit-s16', 'ort-cpu-disabled', 27.3, 2)];
const reversedRun = withGroups(makeRun([...REFERENCE, user('convnext-t', 'ort-cpu-all', 22.4, 3), user('vit-s16', 'ort-cpu-all', 27.7, 4)]), [ARCHETYPES_GROUP, VISION]);
const REVERSAL_ID = 'b=1/convnext-t~vit-s16/ort-cpu-all-vs-ort-cpu-disabled';

describe('the issue’s reversal, in a user group', () => {
  const metrics = computeMetrics(reversedRun, OPTIONS);

  it('is found', () => {
    expect(metrics.reversals.map((r) => [r.id, r.group, r.fasterUnderReference, r.fasterUnderCompiler])).toEqual([[REVERSAL_ID, 'vision-4.5gflop', 'vit-s16', 'convnext-t']]);
  });

  it('fails the single-mode gate against a baseline without it: new reversal and flipped ordering', () => {
    const baseline = baselineOf(withGroups(makeRun([...REFERENCE, user('convnext-t', 'ort-cpu-all', 33, 5), user('vit-s16', 'ort-cpu-all', 27.7, 6)]), [ARCHETYPES_GROUP, VISION]));
    const v = judgeRun(reversedRun, baseline);
    expect(v.reversals.map((r) => [r.kind, r.id])).toEqual([
      ['new-reversal', REVERSAL_ID],
      ['flipped-ordering', 'ort-cpu-all/b=1/convnext-t~vit-s16'],
    ]);
    expect(v.passed).toBe(false);
    // The baseline keeps the group with its orderings.
    expect(baseline.metrics?.orderings.map((o) => o.group)).toEqual(['vision-4.5gflop', 'vision-4.5gflop']);
    // Known when the baseline has it.
    expect(judgeRun(reversedRun, baselineOf(reversedRun)).reversals).toEqual([]);
  });

  it('fails the paired gate when only the head has it', () => {
    const spec = (model: string, compiler: string, median: number, headFactor = 1): PairedCaseSpec => ({ model, compiler, batch: 1, suite: 'models', median, headFactor });
    const { head, base } = makePairedRuns(
      [spec('convnext-t', 'ort-cpu-disabled', 34.3), spec('vit-s16', 'ort-cpu-disabled', 27.3), spec('convnext-t', 'ort-cpu-all', 30, 22.4 / 30), spec('vit-s16', 'ort-cpu-all', 27.7)],
      { rounds: 40, seed: 3, drift: 0.01 },
    );
    const groups = [ARCHETYPES_GROUP, VISION];
    const { verdict } = evaluate({ run: withGroups(head, groups), base: withGroups(base, groups), baseline: undefined, config: DEFAULT_GATE_CONFIG, harnessErrors: [], requireBaseline: false });
    expect(verdict?.reversals.map((r) => [r.kind, r.id])).toEqual([['new-reversal', REVERSAL_ID]]);
    expect(verdict?.status).toBe('fail');
  });

  it('is a cross-hardware reversal when another machine keeps the reference’s ordering under the same compiler', () => {
    const other = withGroups(makeRun([...REFERENCE, user('convnext-t', 'ort-cpu-all', 30, 7), user('vit-s16', 'ort-cpu-all', 27.7, 8)], { hardwareId: 'other-cpu-16c' }), [VISION]);
    const found = crossHardwareReversals([
      { run: reversedRun, metrics },
      { run: other, metrics: computeMetrics(other, OPTIONS) },
    ]);
    expect(found.map((r) => [r.group, r.a, r.b, r.batch])).toEqual([['vision-4.5gflop', 'convnext-t', 'vit-s16', 1]]);
    expect(found[0]?.message).toMatch(/^vision-4\.5gflop: at batch 1, /);
  });

  it('has report sections: the group with FLOPs and parameters beside each model, and its reversal', () => {
    const report = buildReport({ machines: [{ run: reversedRun, metrics, verdict: null }] });
    const sections = report.machines[0]?.sections ?? [];
    const groups = sections.find((s) => s.kind === 'groups');
    expect(groups?.title).toBe('Comparison groups (1)');
    const markdown = renderMarkdown(report);
    expect(markdown).toMatch(/\| vision-4\.5gflop \| `convnext-t` +\| +4\.47 G \| +1\.00 k \|/);
    expect(markdown).toMatch(/\| vision-4\.5gflop \| `vit-s16` +\| +4\.61 G \| +1\.00 k \|/);
    expect(sections.find((s) => s.kind === 'new-reversals')?.title).toBe('Reversals of ordering in group vision-4.5gflop (1), not judged: no baseline');
    expect(markdown).toContain('vs vit-s16');
  });
});

describe('declaring groups and several compilers in one spec file', () => {
  let root = '';
  const spec = pathToFileURL(join(process.cwd(), 'src/spec.ts')).href;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'gcb-groups-'));
    const model = (name: string) => `{ name: '${name}', path: 'models/${name}.onnx' }`;
    await writeFile(
      join(root, 'vision.bench.ts'),
      `import { benchGroup, benchSpec } from '${spec}';\n` +
        `benchSpec({ model: ${model('convnext-t')}, compilers: ['ort-cpu-disabled', 'ort-cpu-all', 'tfjs-cpu'], batches: [1, 8] });\n` +
        `benchSpec({ model: ${model('vit-s16')}, compilers: ['ort-cpu-disabled', 'ort-cpu-all'], batches: [1, 8] });\n` +
        `benchGroup({ name: 'vision-4.5gflop', models: ['convnext-t', 'vit-s16'] });\n` +
        `benchGroup({ name: 'typo', models: ['convnext-t', 'vit-s61'] });\n` +
        `benchGroup({ name: 'archetypes', models: ['convnext-t', 'vit-s16'] });\n`,
    );
    await writeFile(
      join(root, 'bert.bench.ts'),
      `import { benchSpec } from '${spec}';\n` +
        `benchSpec({ model: { name: 'bert-tiny', path: 'm.onnx', inputs: [{ name: 'input_ids', dtype: 'int64', shape: ['seq'] }, { name: 'attention_mask', dtype: 'int64', shape: ['seq'], values: { kind: 'mask' } }] }, compilers: ['ort-cpu-all'], batches: [1, 8], dims: { seq: [32, 128] } });\n`,
    );
    await writeFile(join(root, 'bad.bench.ts'), `import { benchSpec } from '${spec}';\nbenchSpec({ model: 'resnet-like', compilers: ['ort-cpu-all'], batches: [1] });\n`);
    await writeFile(join(root, 'unknown.bench.ts'), `import { benchSpec } from '${spec}';\nbenchSpec({ model: { name: 'x', path: 'x.onnx' }, compilers: ['ort-cpu-al'], batches: [1] });\n`);
    await writeFile(
      join(root, 'dtype.bench.ts'),
      `import { benchSpec } from '${spec}';\nbenchSpec({ model: { name: 'y', path: 'y.onnx', inputs: [{ name: 'ids', dtype: 'int8' }] }, compilers: ['ort-cpu-all'], batches: [1] });\n`,
    );
    // Once: a module is imported once per process, as the CLI collects once.
    collected = await collectSpecs(root, ['bad.bench.ts', 'bert.bench.ts', 'dtype.bench.ts', 'unknown.bench.ts', 'vision.bench.ts']);
  });
  let collected: Awaited<ReturnType<typeof collectSpecs>>;
  const only = (files: readonly string[]) => ({ ...collected, specs: collected.specs.filter((s) => files.includes(s.file)), errors: collected.errors.filter((e) => files.includes(e.where)) });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const selection = { compilers: null, models: null, batches: null, depths: null, hardware: 'all', profile: 'default', engine: 'tinybench' } as const;

  it('splits a many-compiler spec into one case title per pairing, each key stable', async () => {
    const { specs } = only(['bert.bench.ts', 'vision.bench.ts']);
    const { cases, errors } = planCases(specs, { selection, namePattern: null });
    expect(errors).toEqual([]);
    expect([...new Set(cases.map((c) => c.title))]).toEqual([
      'models/bert-tiny/ort-cpu-all',
      'models/convnext-t/ort-cpu-disabled',
      'models/convnext-t/ort-cpu-all',
      'models/convnext-t/tfjs-cpu',
      'models/vit-s16/ort-cpu-disabled',
      'models/vit-s16/ort-cpu-all',
    ]);
    expect(cases.filter((c) => c.title === 'models/bert-tiny/ort-cpu-all').map((c) => c.key)).toEqual([
      'models/bert-tiny/ort-cpu-all/b=1/seq=32',
      'models/bert-tiny/ort-cpu-all/b=8/seq=32',
      'models/bert-tiny/ort-cpu-all/b=1/seq=128',
      'models/bert-tiny/ort-cpu-all/b=8/seq=128',
    ]);
  });

  it('resolves the groups, naming an unknown member and a taken name', async () => {
    const { groups, errors } = resolveGroups(collected.groups, only(['vision.bench.ts']).specs);
    expect(groups).toEqual([ARCHETYPES_GROUP, VISION]);
    expect(errors.map((e) => e.message)).toEqual([
      'comparison group "typo": unknown model "vit-s61"; models declared by spec files: convnext-t, vit-s16',
      'comparison group "archetypes" is declared twice (archetypes is the built-in group)',
    ]);
  });

  it('names the file of a built-in fixture given several compilers, and an unknown compiler', async () => {
    expect(collected.errors.map((e) => [e.where, e.message])).toEqual([
      ['bad.bench.ts', 'resnet-like: compilers (several in one file) is for user models; a built-in fixture has one spec file per compiler'],
    ]);
    const { errors } = planCases(only(['dtype.bench.ts', 'unknown.bench.ts']).specs, { selection, namePattern: null });
    expect(errors.map((e) => e.where)).toEqual(['dtype.bench.ts', 'unknown.bench.ts']);
    expect(errors[0]?.message).toMatch(/^user model "y": inputs\.0\.dtype: .* \(got "int8"\)$/);
    expect(errors[1]?.message).toMatch(/unknown compiler "ort-cpu-al"/);
  });
});
