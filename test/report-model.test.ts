import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_GATE_CONFIG, metricsOptionsFromGateConfig, type GateConfig } from '../src/gate/config.ts';
import { gate } from '../src/gate/gate.ts';
import type { Verdict } from '../src/gate/verdict.ts';
import { judge } from '../src/evaluate.ts';
import { computeMetrics } from '../src/metrics/compute.ts';
import { baselineFromRun, parseBaseline } from '../src/results/baseline.ts';
import { parseRunResult } from '../src/results/run-file.ts';
import { buildReport, type ReportMachine } from '../src/report/build.ts';
import { changesFromVerdict } from '../src/report/changes.ts';
import { renderConsole } from '../src/report/console.ts';
import { compilerHeadlines, headlineSection, medianOrNull } from '../src/report/headline.ts';
import { COMMENT_MARKER, GITHUB_COMMENT_LIMIT, renderMarkdown } from '../src/report/markdown.ts';
import type { Cell, Report, Row, Section, TableBlock, Text } from '../src/report/model.ts';
import { evenSamples, makeRun, type SyntheticCase } from './support/synthetic-run.ts';

const CONFIG: GateConfig = { ...DEFAULT_GATE_CONFIG, bootstrap: { resamples: 200, seed: 5 } };
const OPTIONS = metricsOptionsFromGateConfig(CONFIG);

const plain = (text: Text): string => text.map((s) => (typeof s === 'string' ? s : 'code' in s ? s.code : 'strong' in s ? s.strong : 'em' in s ? s.em : s.sub)).join('');
const cellText = (c: Cell): string => (c.kind === 'text' ? plain(c.text) : `${c.text}${c.ci === null ? '' : ` ${c.ci}`}`);
const rowTexts = (rows: readonly Row[]): string[][] => rows.map((r) => (r.kind === 'group' ? [`# ${plain(r.text)}`] : r.cells.map(cellText)));
const tableOf = (section: Section | null | undefined, name?: string): TableBlock => {
  const t = section?.blocks.find((b): b is TableBlock => b.kind === 'table' && (name === undefined || b.name === name));
  if (t === undefined) throw new Error(`no table ${name ?? ''} in ${section?.id}`);
  return t;
};
const sectionOf = (report: Report, kind: Section['kind']): Section | undefined => report.machines[0]?.sections.find((s) => s.kind === kind);
const balanced = (markdown: string): void => {
  expect(markdown.match(/<details>/g)?.length ?? 0).toBe(markdown.match(/<\/details>/g)?.length ?? 0);
  // Every fenced block is closed.
  expect((markdown.match(/^```/gm)?.length ?? 0) % 2).toBe(0);
};

/**
 * A tiny run: one archetype, the reference and ort-cpu-all at batches 1 and 4. The reference takes 2 ms
 * and 4 ms, ort-cpu-all 1 ms and 2.5 ms, each measured alongside the other: speedups 2 and 1.6.
 */
const tiny: SyntheticCase[] = [
  { model: 'mlp', compiler: 'ort-cpu-disabled', batch: 1, samples: evenSamples(2) },
  { model: 'mlp', compiler: 'ort-cpu-disabled', batch: 4, samples: evenSamples(4) },
  { model: 'mlp', compiler: 'ort-cpu-all', batch: 1, samples: evenSamples(1) },
  { model: 'mlp', compiler: 'ort-cpu-all', batch: 4, samples: evenSamples(2.5) },
  { model: 'mlp', compiler: 'tfjs-cpu', batch: 1, state: 'unavailable', error: 'not on this machine <none>' },
];

describe('report model of a tiny run', () => {
  const run = makeRun(tiny);
  const metrics = computeMetrics(run, OPTIONS);
  const report = buildReport({ machines: [{ run, metrics, verdict: null }] });

  it('leads with a headline row per compiler: geometric-mean speedup, pass rate, compile, break-even, friction, reversals', () => {
    const headline = tableOf(report.headline);
    // One reference (named in the explanation, no column for it) and no depth sweep (no depth-gain column).
    expect(headline.columns.map((c) => plain(c.header))).toEqual(['compiler', 'speedup [99% CI]', 'range', 'pass', 'compile ms', 'break-even', 'friction mitigation', 'reversals']);
    const rows = rowTexts(headline.rows);
    // √(2 · 1.6) = 1.789; break-even 100 ms / 1 ms and 100 ms / 1.5 ms, median 83; mitigation −ln(1.25)/ln 4 = −0.161.
    expect(rows[0]).toEqual(['ort-cpu-disabled', 'reference', '', '2/2', '100', '', '', '']);
    expect(rows[1]?.[1]).toMatch(/^1\.79× \[1\.7\d, 1\.8\d\]$/);
    expect(rows[1]?.filter((_, i) => i !== 1)).toEqual(['ort-cpu-all', '1.6–2.0×', '2/2', '100', '83', '-0.16', '0']);
    expect(rows[2]).toEqual(['tfjs-cpu', '— (no reference alongside)', '', '0/1 · 1 unavailable', '—', '', '', '0']);
    const explain = report.headline?.blocks[2];
    expect(explain?.kind === 'paragraph' && plain(explain.text)).toMatch(/^Speedup over ort-cpu-disabled = latency of the reference \/ latency of the compiler/);
    expect(headline.rows.map((r) => (r.kind === 'row' ? r.tone : 'group'))).toEqual(['reference', 'none', 'none']);
    const lead = report.headline?.blocks[0];
    expect(lead?.kind === 'paragraph' && plain(lead.text)).toMatch(/^ort-cpu-all gains the most: 1\.79× \[[\d.]+, [\d.]+\] over ort-cpu-disabled \(geometric mean of 2 cases\)\. Not measured: 1 unavailable\.$/);
  });

  it('tones a speedup whose CI excludes 1 as better, by the metric’s registered direction', () => {
    const speedup = tableOf(report.headline).rows[1];
    expect(speedup?.kind === 'row' && speedup.cells[1]).toMatchObject({ kind: 'value', metric: 'geomean-speedup', tone: 'better' });
  });

  it('has the sections of an ungated run, in order, with exact rows', () => {
    // One archetype: no pairs, so no reversal or ordering sections.
    expect(report.machines[0]?.sections.map((s) => s.title)).toEqual([
      'Not measured (1)',
      'Batch friction',
      'Compile cost',
      'Charts',
      'All cases (5)',
      'Hardware and settings',
    ]);
    expect(rowTexts(tableOf(sectionOf(report, 'not-measured')).rows)).toEqual([['archetypes/mlp/tfjs-cpu/b=1', 'unavailable', 'not on this machine <none>']]);
    const friction = rowTexts(tableOf(sectionOf(report, 'friction')).rows);
    expect(friction.map((r) => [r[0], r[1], r[3], r[4]?.replace(/ \[.*$/, '')])).toEqual([
      ['mlp', 'ort-cpu-disabled', '—', '(reference)'],
      ['mlp', 'ort-cpu-all', '—', '-0.16'],
      ['mlp', 'tfjs-cpu', '—', '— (no completed case)'],
    ]);
    expect(rowTexts(tableOf(sectionOf(report, 'compile')).rows)).toEqual([['mlp b=4', 'ort-cpu-all', '100', '100', '1.50', expect.stringMatching(/^66\.7( \[.*\])?$/)]]);
    // Cases in a stable order: compiler, then batch as a number.
    expect(rowTexts(tableOf(sectionOf(report, 'cases')).rows).map((r) => r[0])).toEqual([
      'archetypes/mlp/ort-cpu-all/b=1',
      'archetypes/mlp/ort-cpu-all/b=4',
      'archetypes/mlp/ort-cpu-disabled/b=1',
      'archetypes/mlp/ort-cpu-disabled/b=4',
      'archetypes/mlp/tfjs-cpu/b=1',
    ]);
  });

  it('renders it as Markdown whose verdict line, then run line, then headline come first', () => {
    const markdown = renderMarkdown(report);
    const lines = markdown.split('\n');
    expect(lines[0]).toBe(COMMENT_MARKER);
    expect(lines[2]).toBe('## ⚪ measured, not gated — graph-compiler-bench on `test-cpu-8c-16g`');
    expect(lines[4]).toMatch(/^Profile `default` · \*\*4\*\* cases measured, \*\*0\*\* failed, \*\*1\*\* unavailable · Test CPU \(8 cores\)/);
    expect(lines[6]).toBe('### Headline');
    // `<` is written as an entity, so that `<none>` is not taken for a tag.
    expect(markdown).toMatch(/^\| `archetypes\/mlp\/tfjs-cpu\/b=1` +\| unavailable +\| not on this machine &lt;none> +\|$/m);
    balanced(markdown);
  });

  it('prints the headline and every case on the console', () => {
    const text = renderConsole(report);
    expect(text).toContain('archetypes/mlp/tfjs-cpu/b=1');
    expect(text).toMatch(/^ort-cpu-all +1\.79× \[[\d.]+, [\d.]+\] +1\.6–2\.0× +2\/2 +100 +83 +-0\.16 +0 *$/m);
  });
});

describe('changesFromVerdict: the one builder from the gate’s verdict', () => {
  const verdict: Verdict = {
    passed: false,
    status: 'fail',
    summaryLine: 'FAIL: 1 regression, 0 reversals, 1 missing; judged 1 of 2 comparable cases (1 not judged: machine in another state)',
    counts: { regression: 1, improvement: 1, unchanged: 1, new: 0, missing: 1, stale: 0, unjudged: 1, failed: 0, filtered: 0, seriesRegressions: 0, seriesImprovements: 1, newReversals: 0, flippedOrderings: 0, judged: 1, comparable: 2 },
    cases: [
      {
        key: 'archetypes/a/ort-cpu-all/b=1',
        kind: 'regression',
        compilerId: 'ort-cpu-all',
        message: 'regression: a is 20% slower',
        evidence: {
          metric: 'relative-latency',
          partnerId: 'ort-cpu-disabled',
          runMedianRatio: 0.6,
          baselineMedianRatio: 0.5,
          ratio: 1.2,
          ci: [1.1, 1.3],
          confidence: 0.99,
          method: 'bootstrap',
          resamples: 200,
          mannWhitneyP: 0.001,
          threshold: 0.1,
          configuredThreshold: 0.1,
          runToRunSpread: null,
          runRounds: 30,
          baselineSamples: 30,
          baselineRounds: 30,
          runMedianMs: 1.2,
          baselineMedianMs: 1,
          versionChanges: [],
        },
      },
      { key: 'archetypes/a/ort-cpu-all/b=2', kind: 'unjudged', compilerId: 'ort-cpu-all', message: 'not judged: b=2', evidence: null },
      { key: 'archetypes/a/ort-cpu-all/b=4', kind: 'missing', compilerId: 'ort-cpu-all', message: 'missing: b=4', evidence: null },
    ],
    series: [
      { series: 'archetypes/a/ort-cpu-all', metric: 'friction-beta', compilerId: 'ort-cpu-all', kind: 'improvement', run: 0.5, baseline: 0.7, change: -0.2, ci: [-0.3, -0.15], threshold: 0.1, points: [1, 2], message: 'improvement: friction' },
    ],
    reversals: [],
    problems: [
      { kind: 'regression', key: 'archetypes/a/ort-cpu-all/b=1', message: 'regression: a is 20% slower' },
      { kind: 'missing', key: 'archetypes/a/ort-cpu-all/b=4', message: 'missing: b=4' },
    ],
    notes: ['not judged: b=2', 'known reversal (also in the baseline): r1', 'a note of its own'],
    settings: { confidence: 0.99, resamples: 200, seed: 1, defaultThreshold: 0.1, mannWhitneyRequired: false },
    baseline: { hardwareId: 'hw', createdFrom: '2026-01-01T00:00:00.000Z', runs: 3, runToRun: {} },
  };

  it('turns each comparison into one generic row, and the rest into groups with one reason each', () => {
    const changes = changesFromVerdict(verdict, { reversals: [], baselineReversalIds: [] });
    expect(changes.baseline).toEqual({ hardwareId: 'hw', createdFrom: '2026-01-01T00:00:00.000Z', runs: 3 });
    expect(changes.counts).toEqual({ regressions: 1, improvements: 2, unchanged: 1, failing: 2 });
    expect(changes.rows.map((r) => [r.key, r.scope, r.metric, r.before, r.after, r.change, r.ci, r.threshold, r.kind, r.fails])).toEqual([
      ['archetypes/a/ort-cpu-all/b=1', 'case', 'relative-latency', 0.5, 0.6, 1.2, [1.1, 1.3], 0.1, 'regression', true],
      ['archetypes/a/ort-cpu-all', 'series', 'friction-beta', 0.7, 0.5, -0.2, [-0.3, -0.15], 0.1, 'improvement', false],
    ]);
    expect(changes.rows[0]?.compared).toBe('lat ÷ ort-cpu-disabled alongside');
    expect(changes.rows[0]?.note).toBe('median 1.00 → 1.20 ms (not judged); Mann–Whitney p 1.0e-3');
    expect(changes.rows[1]?.note).toBe('over batches 1, 2');
    expect(changes.groups.map((g) => [g.kind, g.keys, g.fails])).toEqual([
      ['missing', ['archetypes/a/ort-cpu-all/b=4'], true],
      ['unjudged', ['archetypes/a/ort-cpu-all/b=2'], false],
    ]);
    // A note that repeats a case's message is said by its group instead.
    expect(changes.notes).toEqual(['known reversal (also in the baseline): r1', 'a note of its own']);
  });

  it('labels reversals: new when the gate found them, known when the baseline has them, tolerated otherwise', () => {
    const reversal = (id: string) => ({ id }) as Parameters<typeof changesFromVerdict>[1]['reversals'][number];
    const withNew: Verdict = { ...verdict, reversals: [{ kind: 'new-reversal', id: 'r3', caseKeys: [], message: 'new reversal: r3' }] };
    const changes = changesFromVerdict(withNew, { reversals: [reversal('r1'), reversal('r2'), reversal('r3')], baselineReversalIds: ['r1'] });
    expect([...changes.reversalStatus]).toEqual([
      ['r1', 'known'],
      ['r2', 'tolerated'],
      ['r3', 'new'],
    ]);
    expect(changes.rows.find((r) => r.scope === 'ordering')).toMatchObject({ key: 'r3', kind: 'new-reversal', fails: true });
    expect([...changesFromVerdict(null, { reversals: [reversal('r1')] }).reversalStatus]).toEqual([['r1', 'unjudged']]);
  });
});

describe('headline helpers', () => {
  it('medians of nothing are null', () => {
    expect(medianOrNull([])).toBeNull();
    expect(medianOrNull([3, 1, 2, 10])).toBe(2.5);
  });

  it('a paired run leads with each compiler’s change head ÷ base, as the gate judged it', () => {
    const run = makeRun(tiny);
    const metrics = computeMetrics(run, OPTIONS);
    const unjudged = changesFromVerdict(null, { reversals: metrics.reversals });
    const aggregate = (compiler: string, change: number, ci: [number, number], kind: 'regression' | 'unchanged') => ({
      ...{ scope: 'aggregate' as const, compilerId: compiler, compared: 'geometric mean of 2 case ratios head ÷ base', metric: 'paired-latency' as const },
      ...{ key: `compiler: cpu/${compiler}`, before: null, after: null, change, ci, confidence: 0.99, threshold: 0.02, kind, fails: kind === 'regression', note: '', message: '' },
    });
    const changes = { ...unjudged, rows: [aggregate('ort-cpu-all', 1.23, [1.15, 1.32], 'regression'), aggregate('ort-cpu-disabled', 1.01, [0.99, 1.03], 'unchanged')] };
    const section = headlineSection(compilerHeadlines(run, metrics, changes), { several: false, judged: false, level: 0.99, lead: 10 });
    const table = tableOf(section);
    expect(table.columns.map((c) => plain(c.header)).slice(0, 3)).toEqual(['compiler', 'head ÷ base [99% CI]', 'speedup [99% CI]']);
    expect(rowTexts(table.rows).map((r) => r.slice(0, 2))).toEqual([
      ['ort-cpu-disabled', '1.01× [0.990, 1.03]'],
      ['ort-cpu-all', '1.23× [1.15, 1.32]'],
      ['tfjs-cpu', ''],
    ]);
    const slowed = table.rows[1];
    expect(slowed?.kind === 'row' && slowed.cells[1]).toMatchObject({ kind: 'value', metric: 'paired-latency', tone: 'worse' });
  });
});

/** Every case of `models` × `compilers` × `batches` × `depths`, latencies from a smooth law. */
function grid(models: number, compilers: readonly string[], batches: readonly number[], depths: readonly number[], slow: (compiler: string, model: number) => number): SyntheticCase[] {
  const out: SyntheticCase[] = [];
  for (let m = 0; m < models; m++) {
    for (const compiler of compilers) {
      for (const depth of depths) {
        for (const batch of batches) {
          const base = (0.2 + 0.05 * m) * depth * batch ** 0.85 * (compiler === 'ort-cpu-disabled' ? 1 : 0.6 + 0.05 * compilers.indexOf(compiler));
          out.push({ model: `block-${m}`, compiler, batch, depth, samples: evenSamples(base * slow(compiler, m), 9, 0.02) });
        }
      }
    }
  }
  return out;
}

describe('the Markdown stays under GitHub’s comment limit by design, never cut', () => {
  it('on the largest recorded run, judged against its baseline', () => {
    const run = parseRunResult(readFileSync('test/data/run-amd-epyc-2c.json', 'utf8'), 'run-amd-epyc-2c.json');
    const baseline = parseBaseline(readFileSync('baselines/amd-epyc-2c.json', 'utf8'), 'baselines/amd-epyc-2c.json');
    const { metrics, verdict } = judge(run, baseline, CONFIG);
    const report = buildReport({ machines: [{ run, metrics, verdict, baselineReversalIds: baseline.metrics.reversals.map((r) => r.id) }] });
    const markdown = renderMarkdown(report);
    console.info(`report-model: Markdown of the recorded run is ${markdown.length} characters`);
    expect(markdown.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(markdown).not.toMatch(/\(cut/);
    balanced(markdown);
    // The verdict's "0 reversals" is labelled: no new ones, the baseline's own collapsed as known.
    expect(verdict?.summaryLine).toMatch(/0 reversals/);
    const known = metrics.reversals.filter((r) => baseline.metrics.reversals.some((b) => b.id === r.id)).length;
    expect(known).toBeGreaterThan(20);
    expect(markdown).toContain('### New reversals (0)');
    expect(markdown).toContain(`<details><summary><b>Known reversals (${known}): also in the baseline, not failures</b></summary>`);
    // 480 cases of the baseline are missing from this (archetypes-only) run: one line, a few keys, the count of the rest.
    expect(markdown.match(/\*\*480 missing\*\*/g)).toHaveLength(2);
    expect(markdown).toContain('and 475 more (all in the HTML report and the results JSON)');
    // Not-judged cases: their reason once, not a 300-character note per case.
    expect(markdown.match(/machine was in another state/g)).toHaveLength(1);
    // Known reversals sort their batches as numbers.
    const knownRows = tableOf(sectionOf(report, 'known-reversals')).rows.filter((r): r is Extract<Row, { kind: 'row' }> => r.kind === 'row');
    const batchesOf = (pair: string) => knownRows.filter((r) => cellText(r.cells[1]!) === pair).map((r) => Number(cellText(r.cells[0]!).slice(2)));
    for (const pair of new Set(knownRows.map((r) => cellText(r.cells[1]!)))) expect(batchesOf(pair)).toEqual([...batchesOf(pair)].sort((a, b) => a - b));
  });

  it('on a synthetic run of 5,000 cases with thousands of findings, long names and long errors', () => {
    const compilers = ['ort-cpu-disabled', 'ort-cpu-all', 'ort-cpu-basic', 'ort-cpu-extended', 'ort-wasm-t1'];
    const batches = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];
    const depths = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];
    const base = grid(10, compilers, batches, depths, () => 1);
    // The run: every compiled case 30% slower (thousands of regressions), a few failures with long errors,
    // unavailable cases and a model with an absurdly long name.
    const longName = `user-model-${'x'.repeat(300)}`;
    const cases: SyntheticCase[] = grid(10, compilers, batches, depths, (c) => (c === 'ort-cpu-disabled' ? 1 : 1.3));
    cases.splice(0, 40, ...cases.slice(0, 40).map((c, i): SyntheticCase => (i % 2 === 0 ? { ...c, state: 'failed', phase: 'run', error: `Error: ${'stack frame\n'.repeat(400)}` } : { ...c, state: 'unavailable', error: `reason ${i % 3} ${'why '.repeat(80)}` })));
    cases.push(...[1, 2].map((batch): SyntheticCase => ({ model: longName, suite: 'models', compiler: 'ort-cpu-all', batch, median: batch })));
    expect(cases.length).toBe(5002);
    const options = metricsOptionsFromGateConfig({ ...CONFIG, bootstrap: { resamples: 20, seed: 3 } });
    const config = { ...CONFIG, bootstrap: { resamples: 20, seed: 3 } };
    const before = makeRun(base);
    const baseline = baselineFromRun(before, computeMetrics(before, options));
    const run = makeRun(cases);
    const metrics = computeMetrics(run, options);
    const verdict = gate(run, baseline, metrics, baseline.metrics, config);
    expect(verdict.problems.length).toBeGreaterThan(1000);
    const machine: ReportMachine = { run, metrics, verdict, baselineReversalIds: [], harnessErrors: Array.from({ length: 50 }, (_, i) => ({ where: `spec-${i}.bench.ts`, message: 'y'.repeat(2000) })) };
    const markdown = renderMarkdown(buildReport({ machines: [machine] }));
    console.info(`report-model: Markdown of the 5,000-case run is ${markdown.length} characters`);
    expect(markdown.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(markdown).not.toMatch(/\(cut/);
    balanced(markdown);
    // What the short form leaves out, it counts and says where.
    expect(markdown).toMatch(/… \d+ more cases in the HTML report and the results JSON\./);
    expect(markdown).toMatch(/… \d+ more comparisons in the HTML report and the results JSON\./);
    expect(markdown).toContain('… 40 more errors in the console output and the HTML report.');
    // Several machines share the comment; it still fits.
    const merged = renderMarkdown(buildReport({ machines: [machine, { ...machine, run: { ...run, hardware: { ...run.hardware, id: 'second' } } }, { ...machine, run: { ...run, hardware: { ...run.hardware, id: 'third' } } }] }));
    console.info(`report-model: Markdown of three such machines is ${merged.length} characters`);
    expect(merged.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    balanced(merged);
  }, 120_000);
});
