import { describe, expect, it } from 'vitest';
import { DEFAULT_GATE_CONFIG, metricsOptionsFromGateConfig, type GateConfig } from '../src/gate/config.ts';
import { gate } from '../src/gate/gate.ts';
import type { Verdict } from '../src/gate/verdict.ts';
import { computeMetrics } from '../src/metrics/compute.ts';
import { crossHardwareReversals, crossHardwareTable } from '../src/metrics/cross-hardware.ts';
import type { MetricsSummary } from '../src/metrics/types.ts';
import { baselineFromRun } from '../src/results/baseline.ts';
import type { RunResult } from '../src/results/schema.ts';
import { buildReport, type ReportMachine } from '../src/report/build.ts';
import { formatValue } from '../src/report/format.ts';
import { HTML_CSP, renderHtml, verdictText } from '../src/report/html.ts';
import { renderMarkdown } from '../src/report/markdown.ts';
import { escapeXml, lineChart, linearTicks, logTicks, dotChart, formatTick } from '../src/report/svg.ts';
import { evenSamples, makeRun, sweep, type SyntheticCase } from './support/synthetic-run.ts';

const CONFIG: GateConfig = { ...DEFAULT_GATE_CONFIG, bootstrap: { resamples: 300, seed: 7 } };
const SCRIPT_ERROR = '<script>alert("pwned")</script> & \'quoted\'';
const EVIL_MODEL = 'evil<img src=x onerror="alert(1)">';

const arch = (model: string, compiler: string, batch: number, median: number): SyntheticCase => ({
  model,
  compiler,
  batch,
  samples: evenSamples(median, 31, 0.02),
});

/** Archetypes with a reversal at b=16, a depth sweep, a failed and an unavailable case, a hostile model name. */
function cases(slowdown = 1): SyntheticCase[] {
  return [
    arch('cnn-like', 'ort-cpu-disabled', 1, 2),
    arch('vit-like', 'ort-cpu-disabled', 1, 3),
    arch('cnn-like', 'ort-cpu-all', 1, 1 * slowdown),
    arch('vit-like', 'ort-cpu-all', 1, 2 * slowdown),
    arch('cnn-like', 'ort-cpu-disabled', 4, 5),
    arch('vit-like', 'ort-cpu-disabled', 4, 7),
    arch('cnn-like', 'ort-cpu-all', 4, 3 * slowdown),
    arch('vit-like', 'ort-cpu-all', 4, 4 * slowdown),
    arch('cnn-like', 'ort-cpu-disabled', 16, 10),
    arch('vit-like', 'ort-cpu-disabled', 16, 12),
    arch('cnn-like', 'ort-cpu-all', 16, 6 * slowdown),
    arch('vit-like', 'ort-cpu-all', 16, 5 * slowdown),
    ...sweep({ model: 'resnet-basic', compiler: 'ort-cpu-disabled' }, [1, 4, 16], [1, 2, 4], (b, d) => 0.1 + 0.3 * (d ?? 1) * b ** 0.9),
    ...sweep({ model: 'resnet-basic', compiler: 'ort-cpu-all' }, [1, 4, 16], [1, 2, 4], (b, d) => 0.1 + 0.15 * (d ?? 1) * b ** 0.8),
    { model: 'resnet-basic', compiler: 'ort-cpu-basic', batch: 1, depth: 1, state: 'failed', phase: 'run', error: SCRIPT_ERROR },
    { model: 'resnet-basic', compiler: 'tfjs-webgpu', batch: 1, depth: 1, state: 'unavailable', error: 'no WebGPU adapter <none>', family: 'tfjs', hardware: 'gpu' },
    { model: EVIL_MODEL, suite: 'models', compiler: 'ort-cpu-disabled', batch: 1, median: 1 },
    { model: EVIL_MODEL, suite: 'models', compiler: 'ort-cpu-disabled', batch: 4, median: 3 },
    { model: EVIL_MODEL, suite: 'models', compiler: 'ort-cpu-all', batch: 1, median: 0.5 },
    { model: EVIL_MODEL, suite: 'models', compiler: 'ort-cpu-all', batch: 4, median: 1.2 },
  ];
}

function gatedMachine(): ReportMachine & { verdict: Verdict } {
  const options = metricsOptionsFromGateConfig(CONFIG);
  const baselineRun = makeRun(cases(0.7).filter((c) => c.state === undefined));
  const baseline = baselineFromRun(baselineRun, computeMetrics(baselineRun, options));
  const run = makeRun(cases());
  const metrics = computeMetrics(run, options);
  return { run, metrics, verdict: gate(run, baseline, metrics, baseline.metrics, CONFIG), baselineReversalIds: baseline.metrics.reversals.map((r) => r.id) };
}

function ungatedMachine(): ReportMachine {
  const run = makeRun(cases().filter((c) => c.state === undefined), { hardwareId: 'other-gpu-box' });
  return { run, metrics: computeMetrics(run, metricsOptionsFromGateConfig(CONFIG)), verdict: null };
}

const gated = gatedMachine();
const report = buildReport({ machines: [gated] });
const html = renderHtml(report);
/** The page of a report built from these machines. */
const page = (...machines: ReportMachine[]): string => renderHtml(buildReport({ machines }));

/** Every start tag with its attributes (quoted values kept whole, so escaped text inside them is not mistaken for markup). */
function tagsOf(text: string): { name: string; attributes: [string, string][] }[] {
  return [...text.matchAll(/<([a-zA-Z][\w:-]*)((?:\s+[^\s=>\/]+(?:="[^"]*")?)*)\s*\/?>/g)].map((m) => ({
    name: (m[1] as string).toLowerCase(),
    attributes: [...(m[2] ?? '').matchAll(/([^\s=]+)(?:="([^"]*)")?/g)].map((a) => [(a[1] as string).toLowerCase(), a[2] ?? '']),
  }));
}

const svgs = (text: string): string[] => text.match(/<svg\b[\s\S]*?<\/svg>/g) ?? [];
const chartsOf = (text: string, kind: string): string[] => svgs(text).filter((s) => s.includes(`data-chart="${kind}"`));
const sectionIds = (text: string): string[] => [...text.matchAll(/<section class="report-section[^"]*" id="([^"]+)"/g)].map((m) => m[1] as string);

describe('renderHtml: page', () => {
  it('is one self-contained document: no scripts, no external resources, a strict CSP', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${escapeXml(HTML_CSP)}">`);
    const tags = new Set(tagsOf(html).map((t) => t.name));
    for (const expected of ['html', 'style', 'svg', 'path', 'table', 'details', 'section']) expect(tags.has(expected)).toBe(true);
    for (const banned of ['script', 'img', 'link', 'iframe', 'object', 'embed', 'image', 'use', 'foreignobject', 'base']) expect(tags.has(banned)).toBe(false);
    const attributes = tagsOf(html).flatMap((t) => t.attributes);
    expect(attributes.filter(([name]) => /^(on|src|srcset|xlink:href|action|formaction|background|poster)/i.test(name))).toEqual([]);
    expect(attributes.filter(([name, value]) => name === 'href' && !value.startsWith('#'))).toEqual([]);
    expect(/url\(|@import|@font-face/i.test(html)).toBe(false);
    expect(html.match(/<style>/g)).toHaveLength(1);
  });

  it('puts the verdict line first, with pass/fail and the counts', () => {
    expect(gated.verdict.passed).toBe(false);
    const firstHeading = /<h2[^>]*>([\s\S]*?)<\/h2>/.exec(html);
    expect(firstHeading?.[0]).toContain('class="verdict fail"');
    expect(firstHeading?.[1]).toContain(escapeXml(gated.verdict.summaryLine));
    expect(gated.verdict.summaryLine).toMatch(/^FAIL: \d+ regressions?/);
    expect(html.indexOf('class="verdict fail"')).toBeLessThan(html.indexOf('<section class="report-section'));
    expect(verdictText(report.machines[0]!.verdict)).toBe(`✗ ${gated.verdict.summaryLine} — graph-compiler-bench on test-cpu-8c-16g`);
    expect(firstHeading?.[1]).toContain('<span class="icon fail" aria-hidden="true">✗</span>');
    // The run line counts states.
    expect(html).toMatch(/<strong>\d+<\/strong> cases measured, <strong>1<\/strong> failed, <strong>1<\/strong> unavailable/);
  });

  it('has the Markdown report’s sections, in the same order, the headline first, plus the orderings', () => {
    expect(sectionIds(html)).toEqual([
      'headline',
      'm0-problems',
      'm0-changes',
      'm0-groups',
      'm0-new-reversals',
      'm0-known-reversals',
      'm0-not-measured',
      'm0-friction',
      'm0-depth',
      'm0-compile',
      'm0-charts',
      'm0-orderings',
      'm0-cases',
      'm0-hardware',
    ]);
    const markdown = renderMarkdown(report);
    const headings = [...markdown.matchAll(/^### (.+)$/gm), ...markdown.matchAll(/<summary><b>(.+?)<\/b><\/summary>/g)].map((m) => (m[1] as string).replace(/\\(.)/g, '$1'));
    expect(headings.length).toBeGreaterThanOrEqual(11);
    for (const heading of headings) expect(html).toContain(`<h3>${escapeXml(heading)}</h3>`);
    expect(html).toContain(`<h3>All cases (${gated.run.cases.length})</h3>`);
    expect(html).toContain('<h3>Hardware and settings</h3>');
  });

  it('lists the problems and the regression evidence', () => {
    const problems = /<section[^>]*id="m0-problems">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? '';
    for (const p of gated.verdict.problems) expect(problems).toContain(`<code>${escapeXml(p.key)}</code>: ${escapeXml(p.message)}`);
    const regressions = gated.verdict.cases.filter((c) => c.kind === 'regression');
    expect(regressions.length).toBeGreaterThan(0);
    const changes = /<section[^>]*id="m0-changes">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? '';
    expect(changes.match(/<tr class="regression">/g)).toHaveLength(regressions.length);
    for (const c of regressions) expect(changes).toContain(`<code>${escapeXml(c.key)}</code>`);
  });

  it('labels a reversal the baseline has as known: collapsed, no red callout, its points ringed', () => {
    const { metrics } = gated;
    expect(metrics.reversals).toHaveLength(1);
    const fresh = /<section[^>]*id="m0-new-reversals">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? '';
    expect(fresh).toContain('<div class="callout ok" role="note">None: no reversal or flipped ordering that the baseline lacks. 1 known and 0 other reversals are listed below, collapsed.</div>');
    const known = /<section[^>]*id="m0-known-reversals">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? '';
    expect(known).toContain('<details class="section-details known-reversals"><summary><h3>Known reversals (1): also in the baseline, not failures</h3></summary>');
    expect(known).toContain('<td>b=16</td><td>cnn-like vs vit-like</td><td class="wrap"><strong>cnn-like</strong> under <code>ort-cpu-disabled</code>');
    expect(html).not.toContain('callout reversal');
    const [ratio] = chartsOf(html, 'archetype-ratio');
    expect(ratio).toContain('— 1 reversal');
    // The compiler's and the reference's point at b=16 are ringed; the 1.0 line is drawn.
    expect(ratio?.match(/class="highlight"/g)).toHaveLength(2);
    expect(ratio).toContain('class="reference-line"');
  });

  it('puts a reversal the baseline lacks first, in red, and fails on it', () => {
    const options = metricsOptionsFromGateConfig(CONFIG);
    // In the baseline vit-like is slower than cnn-like under ort-cpu-all at b=16 too: no reversal there.
    const before = makeRun(cases().filter((c) => c.state === undefined).map((c) => (c.model === 'vit-like' && c.compiler === 'ort-cpu-all' && c.batch === 16 ? arch('vit-like', 'ort-cpu-all', 16, 8) : c)));
    const baseline = baselineFromRun(before, computeMetrics(before, options));
    expect(baseline.metrics.reversals).toEqual([]);
    const run = makeRun(cases());
    const metrics = computeMetrics(run, options);
    const verdict = gate(run, baseline, metrics, baseline.metrics, CONFIG);
    expect(verdict.reversals.map((r) => r.kind).sort()).toEqual(['flipped-ordering', 'new-reversal']);
    const text = renderHtml(buildReport({ machines: [{ run, metrics, verdict, baselineReversalIds: [] }] }));
    const fresh = /<section[^>]*id="m0-new-reversals">([\s\S]*?)<\/section>/.exec(text)?.[1] ?? '';
    expect(text).toContain('<section class="report-section has-findings" id="m0-new-reversals">\n<h3>New reversals (2)</h3>');
    expect(fresh.match(/<tr class="reversal">/g)).toHaveLength(1);
    expect(fresh).toContain('<strong>flipped ordering</strong> <code>ort-cpu-all/b=16/cnn-like~vit-like</code>');
    expect(text).not.toContain('id="m0-known-reversals"');
  });

  it('says so when there are no reversals', () => {
    const run = makeRun(cases().filter((c) => c.batch !== 16 || c.suite !== undefined || c.depth !== undefined));
    const metrics = computeMetrics(run, metricsOptionsFromGateConfig(CONFIG));
    expect(metrics.reversals).toHaveLength(0);
    const text = page({ run, metrics, verdict: null });
    expect(text).toContain('<div class="callout ok" role="note">None: every compiler keeps the reference&#39;s significant ordering of the 1 pair of group archetypes.</div>');
    expect(text).not.toContain('callout reversal');
  });

  it('renders friction, depth gain and compile cost with the same numbers as the Markdown', () => {
    const { metrics } = gated;
    const markdown = renderMarkdown(report);
    const friction = /<section[^>]*id="m0-friction">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? '';
    expect(friction.match(/<tbody>[\s\S]*?<\/tbody>/)?.[0].match(/<tr/g)).toHaveLength(metrics.friction.length);
    // β on its fixed 0–1 scale with two decimals, the same text in both forms.
    for (const s of metrics.friction) {
      if (s.beta.value === null || s.beta.ci === null) continue;
      const text = `${s.beta.value.toFixed(2)} [${s.beta.ci.lower.toFixed(2)}, ${s.beta.ci.upper.toFixed(2)}]`;
      expect(friction).toContain(`${text.replace(' [', ' <span class="ci">[')}</span>`);
      if (s.depth === null || s.depth === 4) expect(markdown).toMatch(new RegExp(`\\| +${text.replace(/[.[\]]/g, '\\$&')} +\\|`));
    }
    expect(friction).toContain('<strong>Knee</strong>: the smaller batch of the first pair of neighbouring batches whose marginal β');
    const depth = /<section[^>]*id="m0-depth">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? '';
    const all = metrics.depth.find((s) => s.compilerId === 'ort-cpu-all' && s.batch === 16);
    expect(all?.comparison?.depthGain.value).not.toBeNull();
    const gain = `${formatValue(all!.comparison!.depthGain).split(' [')[0] as string}×`;
    expect(depth).toContain(escapeXml(gain));
    expect(markdown).toContain(gain);
    const compile = /<section[^>]*id="m0-compile">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? '';
    expect(compile).toContain('break-even inferences');
  });

  it('keeps every case in a collapsed <details>, failures with their (escaped) error', () => {
    const cases = /<details class="section-details cases">([\s\S]*?)<\/details>/.exec(html)?.[1] ?? '';
    for (const c of gated.run.cases) expect(cases).toContain(`<code>${escapeXml(c.key)}</code>`);
    expect(cases).toContain(`failed (run): ${escapeXml(SCRIPT_ERROR)}`);
    expect(html).not.toContain('<details class="section-details cases" open');
  });

  it('escapes every piece of text: errors, keys, model names', () => {
    expect(html.includes('<script>alert')).toBe(false);
    expect(html.includes('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;')).toBe(true);
    expect(html.includes('<img')).toBe(false);
    expect(/onerror="alert/.test(html)).toBe(false);
    expect(html.includes('evil&lt;img src=x onerror=&quot;alert(1)&quot;&gt;')).toBe(true);
    expect(tagsOf(html).filter((t) => t.name === 'script' || t.name === 'img')).toEqual([]);
    // The model name also reaches a chart title, attribute-escaped.
    expect(chartsOf(html, 'latency-batch').some((s) => s.includes('aria-label="evil&lt;img src=x onerror=&quot;alert(1)&quot;&gt;: latency against batch"'))).toBe(true);
  });
});

describe('renderHtml: charts', () => {
  const { metrics } = gated;
  const models = new Set(metrics.friction.map((s) => s.modelId));
  const blocks = new Set(metrics.depth.map((s) => s.modelId));
  const pairs = new Set(metrics.orderings.map((o) => `${o.a}~${o.b}/${o.depth}`));

  it('draws one <svg> per chart: latency per model, speedup per block, β, ratios per archetype pair', () => {
    expect(chartsOf(html, 'latency-batch')).toHaveLength(models.size);
    expect(chartsOf(html, 'speedup-depth')).toHaveLength(blocks.size);
    expect(chartsOf(html, 'friction-beta')).toHaveLength(1);
    expect(chartsOf(html, 'archetype-ratio')).toHaveLength(pairs.size);
    expect(svgs(html)).toHaveLength(models.size + blocks.size + 1 + pairs.size);
    for (const svg of svgs(html)) {
      expect(svg).toMatch(/^<svg class="chart" data-chart="[a-z-]+" xmlns="http:\/\/www.w3.org\/2000\/svg" viewBox="0 0 \d+(\.\d)? \d+(\.\d)?"/);
      expect(svg).toMatch(/<title>[^<]+<\/title>/);
      expect(svg).toContain('class="tick-label"');
    }
  });

  it('draws a non-empty path per compiler on line charts, with a legend entry each', () => {
    for (const kind of ['latency-batch', 'speedup-depth', 'archetype-ratio']) {
      for (const svg of chartsOf(html, kind)) {
        const paths = [...svg.matchAll(/<path class="series" d="([^"]*)"/g)].map((m) => m[1] as string);
        expect(paths.length).toBeGreaterThanOrEqual(1);
        for (const d of paths) expect(d).toMatch(/^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+)+$/);
        expect(svg.match(/<g class="legend-item">/g)?.length).toBeGreaterThanOrEqual(paths.length);
      }
    }
    const beta = chartsOf(html, 'friction-beta')[0] ?? '';
    expect(beta.match(/class="marker"/g)?.length).toBeGreaterThanOrEqual(4);
    expect(beta).toContain('class="whisker"');
  });

  it('uses log axes for latency against batch, with the batch sizes as x ticks', () => {
    const svg = chartsOf(html, 'latency-batch').find((s) => s.includes('cnn-like: latency')) ?? '';
    expect(svg).toContain('batch size (log scale)');
    expect(svg).toContain('(log scale)</text>');
    const labels = [...svg.matchAll(/class="tick-label">([^<]+)</g)].map((m) => m[1]);
    for (const b of ['1', '4', '16']) expect(labels).toContain(b);
    // y ticks are 1-2-5 steps over the latency range (2 ms … 12 ms).
    expect(labels).toEqual(expect.arrayContaining(['2', '5', '10']));
  });

  it('one machine section per machine, with an overview, the headline and the cross-hardware section', () => {
    const other = ungatedMachine();
    const machines = [gated, other];
    const merged = buildReport({ title: 'merged <report>', machines, crossHardware: { table: crossHardwareTable(machines), reversals: crossHardwareReversals(machines) } });
    const text = renderHtml(merged);
    expect(text).toContain('<title>merged &lt;report&gt;</title>');
    expect(text.match(/<section class="machine" /g)).toHaveLength(2);
    expect(text).toContain('data-hardware="test-cpu-8c-16g"');
    expect(text).toContain('data-hardware="other-gpu-box"');
    expect(text).toContain(
      `<h2 class="verdict fail" id="overall-verdict"><span class="icon fail" aria-hidden="true">✗</span> <span class="verdict-text">FAIL on 1 of 2 machines — test-cpu-8c-16g: ${escapeXml(gated.verdict.summaryLine)}</span></h2>`,
    );
    const otherLine = merged.machines[1]!.verdict;
    expect(text).toContain(`<a href="#m1">${escapeXml(verdictText(otherLine))}</a>`);
    expect(verdictText(otherLine)).toBe('○ measured, not gated — graph-compiler-bench on other-gpu-box');
    // The headline has a row per hardware and compiler; the cross-hardware section precedes the machines.
    expect(text.indexOf('id="headline"')).toBeLessThan(text.indexOf('id="cross-hardware"'));
    expect(text.indexOf('<h3>Cross-hardware reversals (0)</h3>')).toBeLessThan(text.indexOf('id="m0"'));
    const headline = /<section[^>]*id="headline">([\s\S]*?)<\/section>/.exec(text)?.[1] ?? '';
    expect(headline.match(/<tbody>[\s\S]*?<\/tbody>/)?.[0].match(/<tr/g)).toHaveLength(gated.metrics.compilers.length + other.metrics.compilers.length);
    // Section ids are unique per machine.
    const ids = [...text.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(sectionIds(text).filter((id) => id.startsWith('m1-'))).toContain('m1-friction');
    // The same compiler gets the same colour on every machine.
    const colours = (part: string) =>
      [...part.matchAll(/data-series="ort-cpu-all">(?:<path class="whisker"[^>]*>)*<path class="series" d="[^"]*" fill="none" stroke="(#[0-9A-Fa-f]{6})"/g)].map((m) => m[1]);
    const [first, second] = text.split('<section class="machine" ').slice(1);
    expect(colours(first ?? '').length).toBeGreaterThan(0);
    expect(new Set([...colours(first ?? ''), ...colours(second ?? '')])).toEqual(new Set([colours(first ?? '')[0]]));
  });

  it('copes with an empty run and with a run whose every case failed', () => {
    const empty = makeRun([]);
    const text = page({ run: empty, metrics: computeMetrics(empty), verdict: null });
    expect(text).toContain('measured, not gated');
    expect(svgs(text)).toHaveLength(0);
    const failed = makeRun([{ model: 'mlp', compiler: 'ort-cpu-all', batch: 1, depth: 1, state: 'failed', error: 'boom' }]);
    const failedPage = page({ run: failed, metrics: computeMetrics(failed), verdict: null });
    expect(failedPage).toContain('class="verdict fail"');
    expect(failedPage).toContain('FAIL: 1 failed cases');
    expect(page()).toContain('No runs to report');
  });

  it('marks an incomplete run', () => {
    const run: RunResult = makeRun(cases().slice(0, 4), { complete: false });
    const metrics: MetricsSummary = computeMetrics(run, metricsOptionsFromGateConfig(CONFIG));
    const text = page({ run, metrics, verdict: null });
    expect(text).toContain('INCOMPLETE RUN');
    expect(text).toContain('class="callout warn"');
  });
});

describe('svg kit', () => {
  it('chooses log ticks by the decades spanned', () => {
    expect(logTicks(1, 1e6)).toEqual([1, 10, 100, 1000, 1e4, 1e5, 1e6]);
    expect(logTicks(0.3, 40)).toEqual([0.5, 1, 2, 5, 10, 20]);
    expect(logTicks(3.1, 4.2)).toEqual([4]);
    expect(logTicks(3, 4.2).length).toBeGreaterThanOrEqual(2);
    expect(logTicks(-1, 10)).toEqual([]);
    expect(logTicks(1e-3, 1e12).length).toBeLessThanOrEqual(9);
  });

  it('chooses nice linear ticks', () => {
    expect(linearTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(linearTicks(0.7, 3.3, 5)).toEqual([1, 2, 3]);
    expect(linearTicks(0.7, 3.3, 10)).toEqual([1, 1.5, 2, 2.5, 3]);
    expect(formatTick(0.05)).toBe('0.05');
    expect(formatTick(20)).toBe('20');
    expect(formatTick(25000)).toBe('25k');
  });

  it('ends a log axis on labelled ticks and skips gaps and non-positive values', () => {
    const svg = lineChart({
      kind: 'test',
      title: 'a <b> & c',
      x: { label: 'batch', scale: 'log', ticks: [1, 2, 4, 8] },
      y: { label: 'ms', scale: 'log' },
      series: [
        { name: 'one', colour: '#000', points: [{ x: 1, y: 0.3 }, { x: 2, y: null }, { x: 4, y: 2 }, { x: 8, y: 37 }] },
        { name: 'neg', colour: '#111', points: [{ x: 1, y: -1 }] },
      ],
    });
    expect(svg).toContain('<title>a &lt;b&gt; &amp; c</title>');
    const labels = [...svg.matchAll(/class="tick-label">([^<]+)</g)].map((m) => m[1]);
    expect(labels).toEqual(['0.2', '0.5', '1', '2', '5', '10', '20', '50', '1', '2', '4', '8']);
    // The gap splits the line into two moves.
    const d = /<path class="series" d="([^"]+)"/.exec(svg)?.[1] ?? '';
    expect(d.match(/M/g)).toHaveLength(2);
    expect(svg).not.toContain('data-series="neg"');
    expect(lineChart({ kind: 't', title: 't', x: { label: 'x', scale: 'log' }, y: { label: 'y', scale: 'log' }, series: [] })).toBe('');
  });

  it('draws dot charts with whiskers, group headings and notes cut to fit', () => {
    const svg = dotChart({
      kind: 'dots',
      title: 'β',
      axis: { label: 'β', scale: 'linear', include: [0, 1] },
      rows: [
        { label: 'a', group: 'g1', value: 0.5, low: 0.4, high: 0.6, colour: '#000', note: '0.5 [0.4, 0.6]' },
        { label: 'b', group: 'g1', value: null, colour: '#000', note: `— ${'a very long reason '.repeat(10)}` },
      ],
      referenceLines: [{ value: 1, label: 'β = 1' }],
    });
    expect(svg).toContain('class="group-label">g1</text>');
    expect(svg).toContain('class="whisker"');
    expect(svg.match(/class="marker"/g)).toHaveLength(1);
    expect(svg).toMatch(/a very long reason[^<]*…<\/text>/);
  });
});
