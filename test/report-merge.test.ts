import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_GATE_CONFIG, metricsOptionsFromGateConfig } from '../src/gate/index.ts';
import { computeMetrics } from '../src/metrics/index.ts';
import { checkMergeable, crossHardwareReversals, crossHardwareTable, MergeError } from '../src/metrics/cross-hardware.ts';
import { buildReport } from '../src/report/build.ts';
import { renderHtml } from '../src/report/html.ts';
import { COMMENT_MARKER, GITHUB_COMMENT_LIMIT, renderMarkdown } from '../src/report/markdown.ts';
import { parseRunResult } from '../src/results/run-file.ts';

// Two recorded runs (trimmed to the archetypes and to their first rounds by scripts/thin-run.ts): this
// project's 2-core CPU machine and an H200 host measured with the WebGPU provider as well.
const files = ['test/data/run-amd-epyc-2c.json', 'test/data/run-h200.json'];
const H200 = 'intel-xeon-16c-nvidia-h200';
const runs = files.map((file) => ({ file, run: parseRunResult(readFileSync(file, 'utf8'), file) }));
const options = metricsOptionsFromGateConfig({
  ...DEFAULT_GATE_CONFIG,
  reference: { byFamily: {}, byHardware: { cpu: 'ort-cpu-disabled', gpu: 'ort-webgpu-disabled' } },
});
const machines = runs.map(({ run }) => ({ run, metrics: computeMetrics(run, options), verdict: null }));

describe('merging results from two machines', () => {
  it('accepts runs of the same suite version from different hardware', () => {
    expect(() => checkMergeable(runs)).not.toThrow();
    expect(runs.map((r) => r.run.hardware.id)).toEqual(['amd-epyc-2c', H200]);
  });

  it('finds the cross-hardware reversal: vit-like vs mixer-like at batch 16 flips between the machines', () => {
    const reversals = crossHardwareReversals(machines);
    const flip = reversals.find((r) => r.batch === 16 && r.a === 'mixer-like' && r.b === 'vit-like' && r.first.faster === 'mixer-like');
    expect(flip).toBeDefined();
    expect(flip!.first.hardwareId).toBe('amd-epyc-2c');
    expect(flip!.second).toMatchObject({ hardwareId: H200, faster: 'vit-like' });
    expect(flip!.message).toMatch(/^at batch 16, mixer-like beats vit-like on amd-epyc-2c \(.+\) but vit-like beats mixer-like on intel-xeon-16c-nvidia-h200 /);
  });

  it('tabulates the same model and batch on every hardware and compiler', () => {
    const table = crossHardwareTable(machines);
    expect(table.columns).toContain('amd-epyc-2c · ort-cpu-all');
    expect(table.columns).toContain(`${H200} · ort-webgpu-all`);
    const row = table.rows.find((r) => r.point === 'archetypes/vit-like/b=16');
    expect(Object.keys(row!.latencies).length).toBeGreaterThanOrEqual(4);
  });

  it('renders one report: marker, overall verdict, headline, cross-hardware section, then each machine', () => {
    const crossHardware = { table: crossHardwareTable(machines), reversals: crossHardwareReversals(machines) };
    const report = buildReport({ machines, crossHardware });
    const markdown = renderMarkdown(report);
    const lines = markdown.split('\n');
    expect(lines[0]).toBe(COMMENT_MARKER);
    // Neither machine was gated: measured, not gated (never a pass), with the cross-hardware count.
    expect(lines[2]).toBe(`## ⚪ measured, not gated on 2 machines · ${crossHardware.reversals.length} cross-hardware reversals — graph-compiler-bench`);
    expect(crossHardware.reversals.length).toBeGreaterThan(1);
    const at = (text: string) => markdown.indexOf(text);
    expect(at('### Headline')).toBeGreaterThan(0);
    expect(at('### Headline')).toBeLessThan(at(`### Cross-hardware reversals (${crossHardware.reversals.length})`));
    expect(at('## ⚪ measured, not gated — graph-compiler-bench on `amd-epyc-2c`')).toBeGreaterThan(at('### Cross-hardware reversals'));
    expect(at(`## ⚪ measured, not gated — graph-compiler-bench on \`${H200}\``)).toBeGreaterThan(at('on `amd-epyc-2c`'));
    // The headline names each hardware with each of its compilers.
    const headline = markdown.slice(at('### Headline'), at('### Cross-hardware'));
    for (const m of machines) {
      for (const c of m.metrics.compilers) expect(headline).toMatch(new RegExp(`^\\| \`${m.run.hardware.id}\` +\\| \`${c.compilerId}\` +\\|`, 'm'));
    }
    expect(headline.match(/^\| `(amd-epyc-2c|intel-xeon-16c-nvidia-h200)` /gm)).toHaveLength(machines.reduce((n, m) => n + m.metrics.compilers.length, 0));
    expect(markdown.split(COMMENT_MARKER)).toHaveLength(2); // one marker: one comment
    expect(markdown.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(markdown.match(/<details>/g)?.length).toBe(markdown.match(/<\/details>/g)?.length);
    const html = renderHtml(report);
    expect(html).toContain(`<h3>Cross-hardware reversals (${crossHardware.reversals.length})</h3>`);
    expect(html.match(/<tr class="reversal">/g)?.length).toBeGreaterThanOrEqual(crossHardware.reversals.length);
  });

  it('rejects runs whose fixtures differ for the same case', () => {
    const other = structuredClone(runs[1]!.run);
    other.hardware.id = 'another-machine';
    for (const c of other.cases) if (c.model.id === 'vit-like') c.model.hash = 'f'.repeat(64);
    expect(() => checkMergeable([runs[0]!, { file: 'b.json', run: other }, { file: 'c.json', run: runs[1]!.run }])).toThrow(MergeError);
    expect(() => checkMergeable([{ file: 'b.json', run: other }, { file: 'c.json', run: runs[1]!.run }])).toThrow(
      /^archetypes\/vit-like has different fixture hashes in b\.json \(ffffffffffff…\) and c\.json \([0-9a-f]{12}…\): the machines measured different models/,
    );
  });

  it('rejects two runs from the same machine', () => {
    expect(() => checkMergeable([runs[0]!, { file: 'again.json', run: runs[0]!.run }])).toThrow(
      'again.json and test/data/run-amd-epyc-2c.json are both from hardware amd-epyc-2c: merge one run per machine',
    );
  });

  it('exits 2 (bad input), naming both files and a case, when bench:report is given two runs of one machine that overlap', () => {
    // Several files of one machine are parts of one matrix (src/results/parts.ts): the same run twice overlaps everywhere.
    const again = join(mkdtempSync(join(tmpdir(), 'gcb-merge-')), 'again.json');
    copyFileSync(files[0]!, again);
    const done = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/report.ts', files[0]!, again, '--out', '/dev/null'], { encoding: 'utf8', env: { ...process.env, GCB_CLI_NAME: 'bench:report' } });
    const first = runs[0]!.run.cases[0]!.key;
    expect(done.stderr).toContain(`bench:report: ${files[0]} and ${again} both measured ${first}: parts must not overlap`);
    expect(done.stderr).not.toContain('a bug');
    expect(done.status).toBe(2);
  });

  it('rejects a results file of another schema version with a clear message', () => {
    const text = readFileSync(files[0]!, 'utf8').replace('"schemaVersion": 2', '"schemaVersion": 1');
    expect(() => parseRunResult(text, 'old.json')).toThrow(
      'old.json: results file schemaVersion 1 is not supported (this version reads schemaVersion 2 or 3)',
    );
  });
});
