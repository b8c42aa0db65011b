/**
 * A matrix measured in parts: complete runs of disjoint selections on one machine, combined into the
 * one run they are parts of (src/results/parts.ts); the gate tells filtered from missing cases by each
 * part's own filters (src/evaluate.ts); the report says how the matrix was made.
 */
import { describe, expect, it } from 'vitest';
import { evaluate, judge } from '../src/evaluate.ts';
import { isOutsideRun, selectionsOf } from '../src/gate/filters.ts';
import { DEFAULT_GATE_CONFIG, gate, metricsOptionsFromGateConfig } from '../src/gate/index.ts';
import { computeMetrics } from '../src/metrics/index.ts';
import { buildReport } from '../src/report/build.ts';
import { renderMarkdown } from '../src/report/markdown.ts';
import { stableJson } from '../src/results/atomic.ts';
import { BaselineSchema, parseBaseline } from '../src/results/baseline.ts';
import { combineParts, combinePerMachine, PartsError, poolOrCombine, unionFilters } from '../src/results/parts.ts';
import { parseRunResult } from '../src/results/run-file.ts';
import type { RunResult } from '../src/results/schema.ts';
import { baselineOf, baselineOfRuns } from './support/gate-harness.ts';
import { at } from './support/parts-cases.ts';
import { HARDWARE_ID, makeRun, type SyntheticCase } from './support/synthetic-run.ts';

const options = metricsOptionsFromGateConfig(DEFAULT_GATE_CONFIG);


const VIT_ALL = 'archetypes/vit-like/ort-cpu-all/b=8';
const VIT_DIS = 'archetypes/vit-like/ort-cpu-disabled/b=8';
const MIX_ALL = 'archetypes/mixer-like/ort-cpu-all/b=8';
const MIX_DIS = 'archetypes/mixer-like/ort-cpu-disabled/b=8';

function part(cases: readonly SyntheticCase[], filters: Record<string, string>, startedAt: string, finishedAt: string, extra: Partial<RunResult> = {}): RunResult {
  const commandLine = ['pnpm', 'bench', ...Object.entries(filters).flatMap(([k, v]) => [`--${k}`, v])];
  return { ...makeRun(cases, { filters }), startedAt, finishedAt, commandLine, ...extra };
}

// vit-like under both compilers, 09:00–09:05; mixer-like under both, 10:00–10:02 (given first).
const vit = () => part([at('vit-like', 'ort-cpu-all', 5), at('vit-like', 'ort-cpu-disabled', 10)], { compiler: 'ort-cpu-disabled,ort-cpu-all', model: 'vit-like', batch: '8' }, '2026-01-01T09:00:00.000Z', '2026-01-01T09:05:00.000Z');
const mixer = () => part([at('mixer-like', 'ort-cpu-all', 8), at('mixer-like', 'ort-cpu-disabled', 10)], { compiler: 'ort-cpu-all,ort-cpu-disabled', model: 'mixer-like' }, '2026-01-01T10:00:00.000Z', '2026-01-01T10:02:00.000Z');
const parts = () => [
  { file: 'mixer.json', run: mixer() },
  { file: 'vit.json', run: vit() },
];

describe('combineParts', () => {
  it('unions the cases by key and the filters per key, spans the parts in time, and records each part', () => {
    const run = combineParts(parts(), { commandLine: ['pnpm', 'bench:report', 'mixer.json', 'vit.json'] });
    expect(run.cases.map((c) => c.key)).toEqual([MIX_ALL, MIX_DIS, VIT_ALL, VIT_DIS]);
    // batch narrowed only the vit-like part: the mixer-like part had every batch, so the key is dropped.
    expect(run.filters).toEqual({ compiler: 'ort-cpu-all,ort-cpu-disabled', model: 'mixer-like,vit-like' });
    expect([run.startedAt, run.finishedAt]).toEqual(['2026-01-01T09:00:00.000Z', '2026-01-01T10:02:00.000Z']);
    expect([run.complete, run.interruptedBy]).toEqual([true, null]);
    expect(run.commandLine).toEqual(['pnpm', 'bench:report', 'mixer.json', 'vit.json']);
    expect(run.hardware.id).toBe(HARDWARE_ID);
    expect(run.parts).toEqual([
      {
        file: 'vit.json',
        commandLine: ['pnpm', 'bench', '--compiler', 'ort-cpu-disabled,ort-cpu-all', '--model', 'vit-like', '--batch', '8'],
        filters: { compiler: 'ort-cpu-disabled,ort-cpu-all', model: 'vit-like', batch: '8' },
        startedAt: '2026-01-01T09:00:00.000Z',
        finishedAt: '2026-01-01T09:05:00.000Z',
        complete: true,
        cases: 2,
      },
      {
        file: 'mixer.json',
        commandLine: ['pnpm', 'bench', '--compiler', 'ort-cpu-all,ort-cpu-disabled', '--model', 'mixer-like'],
        filters: { compiler: 'ort-cpu-all,ort-cpu-disabled', model: 'mixer-like' },
        startedAt: '2026-01-01T10:00:00.000Z',
        finishedAt: '2026-01-01T10:02:00.000Z',
        complete: true,
        cases: 2,
      },
    ]);
    // A valid results file, read back as written.
    expect(parseRunResult(stableJson(run), 'combined.json')).toEqual(run);
  });

  it('computes the metrics over the union, as for the run measured whole: the ordering across the parts', () => {
    const run = combineParts(parts());
    const metrics = computeMetrics(run, options);
    const whole = computeMetrics(makeRun([at('mixer-like', 'ort-cpu-all', 8), at('mixer-like', 'ort-cpu-disabled', 10), at('vit-like', 'ort-cpu-all', 5), at('vit-like', 'ort-cpu-disabled', 10)]), options);
    const ordering = metrics.orderings.find((o) => o.compilerId === 'ort-cpu-all');
    expect(ordering).toMatchObject({ a: 'mixer-like', b: 'vit-like', caseKeys: [MIX_ALL, VIT_ALL], faster: 'vit-like' });
    expect(ordering!.ratio.value).toBeCloseTo(8 / 5, 12);
    expect(metrics.orderings).toEqual(whole.orderings);
    expect(metrics.compilers).toEqual(whole.compilers);
    // Neither part alone orders the two archetypes.
    expect(computeMetrics(vit(), options).orderings).toEqual([]);
  });

  it('is complete only when every part is, and keeps the interruption of the first interrupted part', () => {
    const cut = { ...vit(), complete: false, interruptedBy: 'SIGINT' };
    const run = combineParts([{ file: 'mixer.json', run: mixer() }, { file: 'vit.json', run: cut }]);
    expect([run.complete, run.interruptedBy]).toEqual([false, 'SIGINT']);
    expect(run.parts!.map((p) => [p.file, p.complete])).toEqual([['vit.json', false], ['mixer.json', true]]);
  });

  it('refuses parts that overlap, naming the two files and the first key both measured', () => {
    const again = part([at('vit-like', 'ort-cpu-all', 5)], { model: 'vit-like', compiler: 'ort-cpu-all' }, '2026-01-01T11:00:00.000Z', '2026-01-01T11:01:00.000Z');
    const attempt = () => combineParts([...parts(), { file: 'again.json', run: again }]);
    expect(attempt).toThrow(PartsError);
    expect(attempt).toThrow(`vit.json and again.json both measured ${VIT_ALL}: parts must not overlap`);
  });

  it('refuses parts of another machine or profile, and a paired run', () => {
    const other = { ...vit(), hardware: { ...vit().hardware, id: 'another-machine' } };
    expect(() => combineParts([{ file: 'mixer.json', run: mixer() }, { file: 'vit.json', run: other }])).toThrow(
      `mixer.json and vit.json are from hardware ${HARDWARE_ID} and another-machine: parts of one matrix are of one machine (merge machines with one run, or one set of parts, each)`,
    );
    expect(() => combineParts([{ file: 'mixer.json', run: mixer() }, { file: 'vit.json', run: { ...vit(), profile: 'quick' } }])).toThrow(
      'mixer.json and vit.json used profiles "default" and "quick": parts of one matrix are measured with one profile',
    );
    const head: RunResult = { ...vit(), comparison: { side: 'head', head: { ref: 'HEAD', sha: null }, base: { ref: 'main', sha: null }, seed: 1, removed: [], added: [] } };
    expect(() => combineParts([{ file: 'mixer.json', run: mixer() }, { file: 'results/latest.json', run: head }])).toThrow(
      'results/latest.json is the head side of a paired run (pnpm bench --compare): a paired run is judged with its other side, never combined with other runs as a part of a matrix',
    );
  });

  it('refuses parts measured with another install or another fixture for the same model', () => {
    const newer = makeRun([{ ...at('vit-like', 'ort-cpu-disabled', 10), versions: { 'onnxruntime-node': '1.31.0' } }], { filters: { model: 'vit-like' } });
    expect(() => combineParts([{ file: 'mixer.json', run: mixer() }, { file: 'vit.json', run: newer }])).toThrow(
      'mixer.json and vit.json measured ort-cpu-disabled with different versions (onnxruntime-node 1.30.0 and 1.31.0): parts of one matrix are measured with one install',
    );
    const a = makeRun([at('vit-like', 'ort-cpu-disabled', 10)]);
    const b = makeRun([{ ...at('vit-like', 'ort-cpu-all', 5), hash: 'f'.repeat(64) }]);
    expect(() => combineParts([{ file: 'a.json', run: a }, { file: 'b.json', run: b }])).toThrow(
      /^archetypes\/vit-like has different fixture hashes in a\.json \([0-9a-f]{12}…\) and b\.json \(ffffffffffff…\): parts of one matrix measure the same models/,
    );
  });

  it('takes a run that was itself combined as its parts', () => {
    const third = part([at('resnet-like', 'ort-cpu-disabled', 12)], { model: 'resnet-like' }, '2026-01-01T08:00:00.000Z', '2026-01-01T08:01:00.000Z');
    const run = combineParts([{ file: 'combined.json', run: combineParts(parts()) }, { file: 'resnet.json', run: third }]);
    expect(run.parts!.map((p) => p.file)).toEqual(['resnet.json', 'vit.json', 'mixer.json']);
    expect(run.cases).toHaveLength(5);
    expect(run.filters).toEqual({ model: 'mixer-like,resnet-like,vit-like' });
  });
});

describe('unionFilters', () => {
  it('sorts and deduplicates each key’s values (numbers as numbers), drops keys some part lacks, and alternates name patterns', () => {
    expect(unionFilters([{ batch: '16,2', model: 'b', name: 'b=8' }, { batch: '8,2', model: 'a,b', name: 'd=4', depth: '4' }])).toEqual({
      batch: '2,8,16',
      model: 'a,b',
      name: '(?:b=8)|(?:d=4)',
    });
    expect(unionFilters([{ hardware: 'gpu' }, { hardware: 'gpu' }])).toEqual({ hardware: 'gpu' });
    expect(unionFilters([{ hardware: 'gpu' }, { hardware: 'all' }])).toEqual({});
    expect(unionFilters([{ model: 'a' }, {}])).toEqual({});
  });
});

describe('the gate on a run of parts', () => {
  // The whole matrix: two archetypes under two compilers, and resnet-like under the reference.
  const baseline = baselineOf(
    makeRun([at('mixer-like', 'ort-cpu-all', 8), at('mixer-like', 'ort-cpu-disabled', 10), at('vit-like', 'ort-cpu-all', 5), at('vit-like', 'ort-cpu-disabled', 10), at('resnet-like', 'ort-cpu-disabled', 12)]),
  );
  // Part 1 selected vit-like (both compilers) but lost vit-like/ort-cpu-all; part 2 selected mixer-like under the reference only.
  const run = combineParts([
    { file: 'vit.json', run: part([at('vit-like', 'ort-cpu-disabled', 10)], { model: 'vit-like' }, '2026-01-01T09:00:00.000Z', '2026-01-01T09:05:00.000Z') },
    { file: 'mixer.json', run: part([at('mixer-like', 'ort-cpu-disabled', 10)], { model: 'mixer-like', compiler: 'ort-cpu-disabled' }, '2026-01-01T10:00:00.000Z', '2026-01-01T10:02:00.000Z') },
  ]);

  it('calls missing only what some part selected: each part’s own filters, not their per-key union', () => {
    expect(run.filters).toEqual({ model: 'mixer-like,vit-like' });
    const { verdict } = judge(run, baseline, DEFAULT_GATE_CONFIG);
    expect(verdict!.cases.filter((c) => c.kind === 'missing').map((c) => c.key)).toEqual([VIT_ALL]);
    expect(verdict!.counts).toMatchObject({ missing: 1, filtered: 2, unchanged: 2 });
    expect(verdict!.summaryLine).toBe('FAIL: 0 regressions, 0 reversals, 1 missing; judged 2 of 2 comparable cases (2 filtered out)');
    // The union alone would call mixer-like under ort-cpu-all missing too, though no part selected it.
    const { parts: _parts, ...unioned } = run;
    const naive = gate(unioned, baseline, computeMetrics(unioned, options), undefined, DEFAULT_GATE_CONFIG);
    expect(naive.cases.filter((c) => c.kind === 'missing').map((c) => c.key)).toEqual([MIX_ALL, VIT_ALL]);
  });

  it('judges a run of parts by each part’s own selection; a run measured whole by its filters', () => {
    const mixAll = { suite: 'archetypes', modelId: 'mixer-like', compilerId: 'ort-cpu-all', batch: 8, depth: null, hardware: 'cpu' } as const;
    const vitAll = { ...mixAll, modelId: 'vit-like' };
    expect(selectionsOf(run)).toEqual(run.parts!.map((p) => p.filters));
    expect(isOutsideRun(mixAll, run)).toBe(true);
    expect(isOutsideRun(vitAll, run)).toBe(false);
    const whole = makeRun([at('vit-like', 'ort-cpu-disabled', 10)], { filters: { model: 'vit-like' } });
    expect(selectionsOf(whole)).toEqual([{ model: 'vit-like' }]);
    expect(isOutsideRun(mixAll, whole)).toBe(true);
    expect(isOutsideRun(vitAll, whole)).toBe(false);
    expect(evaluate({ run, base: null, baseline: null, config: DEFAULT_GATE_CONFIG, harnessErrors: [], requireBaseline: false }).outcome).toBe('no-baseline');
  });
});

describe('poolOrCombine', () => {
  it('pools runs of the same selection and combines disjoint ones', () => {
    expect(poolOrCombine([{ file: 'a.json', run: vit() }, { file: 'b.json', run: vit() }]).kind).toBe('pooled');
    const made = poolOrCombine(parts());
    expect(made.kind).toBe('parts');
    expect(made.kind === 'parts' && made.run.cases.length).toBe(4);
  });

  it('refuses a mix: runs of one selection beside another, or runs that overlap in part', () => {
    expect(() => poolOrCombine([{ file: 'a.json', run: vit() }, { file: 'b.json', run: vit() }, { file: 'c.json', run: mixer() }])).toThrow(
      'a.json and b.json are runs of the same selection, but c.json is not: give runs of one selection (their rounds are pooled) or disjoint parts of one matrix (combined into one run), not a mix',
    );
    const some = makeRun([at('vit-like', 'ort-cpu-disabled', 10), at('mixer-like', 'ort-cpu-disabled', 10)]);
    expect(() => poolOrCombine([{ file: 'a.json', run: vit() }, { file: 'b.json', run: some }])).toThrow(
      `a.json and b.json overlap in 1 of their cases (first: ${VIT_DIS}) without being runs of the same selection: give runs of one selection`,
    );
  });
});

describe('a baseline and a report from parts', () => {
  it('records the parts in the baseline, whose cases are the union; older baselines without parts still read', () => {
    const baseline = baselineOfRuns([combineParts(parts())]);
    expect(baseline.cases.map((c) => c.key)).toEqual([MIX_ALL, MIX_DIS, VIT_ALL, VIT_DIS]);
    expect(baseline.createdFrom.parts!.map((p) => [p.file, p.cases])).toEqual([['vit.json', 2], ['mixer.json', 2]]);
    expect(baseline.createdFrom).toMatchObject({ startedAt: '2026-01-01T09:00:00.000Z', finishedAt: '2026-01-01T10:02:00.000Z' });
    expect(BaselineSchema.parse(baseline)).toEqual(baseline);
    const { parts: _, ...older } = baseline.createdFrom;
    expect(parseBaseline(stableJson({ ...baseline, createdFrom: older }), 'old.json').createdFrom.parts).toBeUndefined();
  });

  it('says in the report model how the matrix was made: the run line, and a section with each part', () => {
    const run = combineParts(parts());
    const report = buildReport({ machines: [{ run, metrics: computeMetrics(run, options), verdict: null }] });
    const machine = report.machines[0]!;
    expect(machine.parts).toBe(2);
    expect(machine.runLine).toContain(' · measured in 2 parts, each with its own filters');
    const section = machine.sections.find((s) => s.kind === 'parts')!;
    expect(section.title).toBe('Measured in 2 parts');
    const table = section.blocks.find((b) => b.kind === 'table');
    expect(table?.kind === 'table' && table.rows.map((r) => (r.kind === 'row' ? r.cells.map((c) => (c.kind === 'value' ? c.text : c.text.map((s) => (typeof s === 'string' ? s : 'code' in s ? s.code : '')).join(''))) : []))).toEqual([
      ['1', 'vit.json', 'pnpm bench --compiler ort-cpu-disabled,ort-cpu-all --model vit-like --batch 8', 'compiler=ort-cpu-disabled,ort-cpu-all model=vit-like batch=8', '2026-01-01 09:00:00 UTC', '5m00s', '2', 'yes'],
      ['2', 'mixer.json', 'pnpm bench --compiler ort-cpu-all,ort-cpu-disabled --model mixer-like', 'compiler=ort-cpu-all,ort-cpu-disabled model=mixer-like', '2026-01-01 10:00:00 UTC', '2m00s', '2', 'yes'],
    ]);
    const markdown = renderMarkdown(report);
    expect(markdown).toContain('<details><summary><b>Measured in 2 parts</b></summary>');
    expect(markdown).toContain('measured in 2 parts, each with its own filters');
    const whole = buildReport({ machines: [{ run: vit(), metrics: computeMetrics(vit(), options), verdict: null }] });
    expect(whole.machines[0]!.parts).toBeNull();
    expect(whole.machines[0]!.sections.some((s) => s.kind === 'parts')).toBe(false);
  });

  it('combines the files of each machine and leaves a machine of one file as it is', () => {
    const other = { ...makeRun([at('vit-like', 'ort-cpu-disabled', 10)], { hardwareId: 'another-machine' }) };
    const merged = combinePerMachine([...parts(), { file: 'other.json', run: other }]);
    expect(merged.map((m) => [m.file, m.parts, m.run.cases.length])).toEqual([
      ['mixer.json + vit.json', true, 4],
      ['other.json', false, 1],
    ]);
    expect(merged[1]!.run).toBe(other);
  });
});
