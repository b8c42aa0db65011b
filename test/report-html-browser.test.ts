/**
 * Opens the HTML report from a file:// URL in headless Chromium (system Chromium via playwright-core):
 * no console errors, no requests, every chart drawn with a size, escaped text stays text, and a
 * screenshot for a human to look at. Needs /usr/bin/chromium (`apt-get install -y chromium`); fails
 * without it unless GCB_SKIP_BROWSER=1.
 */
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_GATE_CONFIG, metricsOptionsFromGateConfig, type GateConfig } from '../src/gate/config.ts';
import { gate } from '../src/gate/gate.ts';
import { computeMetrics } from '../src/metrics/compute.ts';
import { baselineFromRun } from '../src/results/baseline.ts';
import { crossHardwareReversals, crossHardwareTable } from '../src/metrics/cross-hardware.ts';
import { buildReport, type ReportMachine } from '../src/report/build.ts';
import { renderHtml } from '../src/report/html.ts';
import { browserAvailability, CHROMIUM_PATH, launchChromium } from './support/chromium.ts';
import { evenSamples, makeRun, sweep, type SyntheticCase } from './support/synthetic-run.ts';

const CONFIG: GateConfig = { ...DEFAULT_GATE_CONFIG, bootstrap: { resamples: 300, seed: 11 } };
const XSS_ERROR = '<script>window.__xss = "error"</script>';
const XSS_MODEL = '<img src=x onerror="window.__xss=\'model\'">';

const arch = (model: string, compiler: string, batch: number, median: number): SyntheticCase => ({ model, compiler, batch, samples: evenSamples(median, 31, 0.02) });

function cases(slowdown = 1): SyntheticCase[] {
  const out: SyntheticCase[] = [];
  // cnn-like faster under the reference at every batch; under ort-cpu-all vit-like wins from b=8 (reversals).
  for (const [b, cnn, vit, cnnAll, vitAll] of [
    [1, 2, 3, 1, 2],
    [2, 3, 4.2, 1.6, 2.4],
    [8, 7, 8.5, 4, 3.5],
    [32, 22, 26, 13, 10],
  ] as const) {
    out.push(arch('cnn-like', 'ort-cpu-disabled', b, cnn), arch('vit-like', 'ort-cpu-disabled', b, vit));
    out.push(arch('cnn-like', 'ort-cpu-all', b, cnnAll * slowdown), arch('vit-like', 'ort-cpu-all', b, vitAll * slowdown));
    out.push(arch('cnn-like', 'ort-cpu-extended', b, cnnAll * 1.1), arch('vit-like', 'ort-cpu-extended', b, vitAll * 1.25));
  }
  for (const [compiler, scale, exponent] of [
    ['ort-cpu-disabled', 0.3, 0.95],
    ['ort-cpu-all', 0.12, 0.8],
    ['ort-cpu-extended', 0.15, 0.85],
  ] as const) {
    out.push(...sweep({ model: 'resnet-basic', compiler }, [1, 4, 16], [1, 2, 4, 8], (b, d) => 0.05 + scale * (d ?? 1) * b ** exponent));
    out.push(...sweep({ model: 'mlp', compiler }, [1, 4, 16], [1, 2, 4, 8], (b, d) => 0.02 + (scale / 3) * (d ?? 1) * b ** (exponent - 0.2)));
  }
  out.push(
    { model: 'resnet-basic', compiler: 'ort-cpu-basic', batch: 1, depth: 1, state: 'failed', phase: 'compile', error: XSS_ERROR },
    { model: 'resnet-basic', compiler: 'tfjs-webgpu', batch: 1, depth: 1, state: 'unavailable', error: 'no WebGPU adapter', family: 'tfjs', hardware: 'gpu' },
    { model: XSS_MODEL, suite: 'models', compiler: 'ort-cpu-disabled', batch: 1, median: 1 },
    { model: XSS_MODEL, suite: 'models', compiler: 'ort-cpu-disabled', batch: 8, median: 6 },
    { model: XSS_MODEL, suite: 'models', compiler: 'ort-cpu-all', batch: 1, median: 0.5 },
    { model: XSS_MODEL, suite: 'models', compiler: 'ort-cpu-all', batch: 8, median: 2 },
  );
  return out;
}

function machines(): ReportMachine[] {
  const options = metricsOptionsFromGateConfig(CONFIG);
  // In the baseline vit-like stays slower than cnn-like under ort-cpu-all at b=32: that reversal is new, b=8's is known.
  const baselineRun = makeRun(
    cases(0.8)
      .filter((c) => c.state === undefined)
      .map((c) => (c.model === 'vit-like' && c.compiler === 'ort-cpu-all' && c.batch === 32 ? arch('vit-like', 'ort-cpu-all', 32, 15) : c)),
  );
  const baseline = baselineFromRun(baselineRun, computeMetrics(baselineRun, options));
  const run = makeRun(cases());
  const metrics = computeMetrics(run, options);
  const second = makeRun(cases().filter((c) => c.state === undefined && c.model !== 'mlp'), { hardwareId: 'second-box-4c' });
  return [
    { run, metrics, verdict: gate(run, baseline, metrics, baseline.metrics, CONFIG), baselineReversalIds: baseline.metrics.reversals.map((r) => r.id) },
    { run: second, metrics: computeMetrics(second, options), verdict: null },
  ];
}

const availability = browserAvailability();

if (availability.kind === 'missing') {
  describe('HTML report in headless Chromium', () => {
    it(`needs Chromium at ${CHROMIUM_PATH}`, () => {
      throw new Error(availability.reason);
    });
  });
} else {
  if (availability.kind === 'skip') console.warn(`report-html browser test: ${availability.reason}`);
  describe.skipIf(availability.kind === 'skip')(
    `HTML report in headless Chromium${availability.kind === 'skip' ? ` — SKIPPED: ${availability.reason}` : ''}`,
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'gcb-report-html-'));
      const file = join(dir, 'report.html');
      const screenshot = join(dir, 'report.png');
      const problems: string[] = [];
      const requests: string[] = [];
      let browser: Browser;
      let page: Page;
      let started = 0;

      beforeAll(async () => {
        started = performance.now();
        const all = machines();
        writeFileSync(file, renderHtml(buildReport({ title: 'browser test', machines: all, crossHardware: { table: crossHardwareTable(all), reversals: crossHardwareReversals(all) } })));
        browser = await launchChromium();
        page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        page.on('console', (m) => {
          if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
        });
        page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
        page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
        page.on('request', (r) => requests.push(r.url()));
        await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      });

      afterAll(async () => {
        await browser?.close();
        console.info(`report-html browser test: ${((performance.now() - started) / 1000).toFixed(1)} s (launch, load, checks, screenshot); screenshot: ${screenshot}`);
      });

      it('loads with no console errors, no failed requests and no request but the file itself', () => {
        expect(problems).toEqual([]);
        expect(requests).toEqual([pathToFileURL(file).href]);
      });

      it('shows the overall verdict first, the headline, and one section per machine; new reversals open, known ones collapsed', async () => {
        const first = await page.locator('h2').first().innerText();
        expect(first).toMatch(/^✗ FAIL on 1 of 2 machines — test-cpu-8c-16g: FAIL: \d+ regressions?, 1 new reversal/);
        // One row per hardware and compiler: 5 compilers on the first machine (one failed, one unavailable), 3 on the second.
        expect(await page.locator('#headline table tbody tr').count()).toBe(8);
        expect(await page.locator('section.machine').count()).toBe(2);
        expect(await page.locator('#m0-verdict').innerText()).toMatch(/^✗ FAIL: \d+ regressions?/);
        expect(await page.locator('#m0-new-reversals tr.reversal').count()).toBe(1);
        expect(await page.locator('#m0-new-reversals tr.reversal').isVisible()).toBe(true);
        expect(await page.locator('#m0-new-reversals h3').innerText()).toBe('New reversals (2)');
        const known = page.locator('#m0-known-reversals details');
        expect(await known.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
        expect(await page.locator('#m0-known-reversals summary').innerText()).toBe('Known reversals (2): also in the baseline, not failures'); // ort-cpu-all at b=8, ort-cpu-extended at b=32
      });

      it('draws every chart with a size and with drawn lines or marks', async () => {
        const charts = await page.$$eval('svg.chart', (svgs) =>
          svgs.map((svg) => {
            const box = svg.getBoundingClientRect();
            const series = Array.from(svg.querySelectorAll<SVGPathElement>('path.series')).map((p) => ({ length: p.getTotalLength(), width: p.getBBox().width }));
            return {
              kind: svg.getAttribute('data-chart'),
              width: box.width,
              height: box.height,
              series,
              markers: svg.querySelectorAll('path.marker').length,
              axes: svg.querySelectorAll('.tick-label').length,
            };
          }),
        );
        expect(charts.length).toBeGreaterThanOrEqual(10);
        for (const chart of charts) {
          expect(chart.width, `${chart.kind} width`).toBeGreaterThan(200);
          expect(chart.height, `${chart.kind} height`).toBeGreaterThan(150);
          expect(chart.markers, `${chart.kind} markers`).toBeGreaterThan(0);
          expect(chart.axes, `${chart.kind} tick labels`).toBeGreaterThanOrEqual(2);
          if (chart.kind !== 'friction-beta') {
            expect(chart.series.length, `${chart.kind} lines`).toBeGreaterThan(0);
            for (const s of chart.series) expect(s.length).toBeGreaterThan(10);
          }
        }
        expect(new Set(charts.map((c) => c.kind))).toEqual(new Set(['latency-batch', 'speedup-depth', 'friction-beta', 'archetype-ratio']));
      });

      it('keeps chart text inside the chart and legend entries and tick labels apart', async () => {
        const issues = await page.$$eval('svg.chart', (svgs) =>
          svgs.flatMap((svg) => {
            const out: string[] = [];
            const name = svg.getAttribute('aria-label') ?? '?';
            const vb = (svg as SVGSVGElement).viewBox.baseVal;
            for (const t of Array.from(svg.querySelectorAll<SVGTextElement>('text'))) {
              if (t.closest('[transform]')) continue;
              const b = t.getBBox();
              if (b.x < -0.5 || b.x + b.width > vb.width + 0.5 || b.y < -0.5 || b.y + b.height > vb.height + 0.5) out.push(`${name}: "${t.textContent}" outside the chart`);
            }
            const overlapping = (selector: string) => {
              const boxes = Array.from(svg.querySelectorAll<SVGGraphicsElement>(selector)).map((e) => ({ text: e.textContent, b: e.getBBox() }));
              for (let i = 0; i < boxes.length; i++)
                for (let j = i + 1; j < boxes.length; j++) {
                  const a = boxes[i]!.b;
                  const c = boxes[j]!.b;
                  if (a.x < c.x + c.width - 0.5 && c.x < a.x + a.width - 0.5 && a.y < c.y + c.height - 0.5 && c.y < a.y + a.height - 0.5) {
                    out.push(`${name}: "${boxes[i]!.text}" overlaps "${boxes[j]!.text}"`);
                  }
                }
            };
            overlapping('.legend-item');
            overlapping('.x-axis .tick-label');
            overlapping('.y-axis .tick-label');
            return out;
          }),
        );
        expect(issues).toEqual([]);
        // Tables scroll inside their wrappers; the page itself never scrolls sideways.
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
      });

      it('shows escaped text as text and runs no script', async () => {
        expect(await page.evaluate(() => (window as unknown as { __xss?: string }).__xss)).toBeUndefined();
        expect(await page.evaluate(() => document.scripts.length)).toBe(0);
        expect(await page.locator('img').count()).toBe(0);
        const cases = page.locator('#m0-cases details.section-details');
        expect(await cases.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
        await page.locator('#m0-cases summary').click();
        expect(await cases.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
        expect(await page.locator('#m0-cases tr.failed').innerText()).toContain(XSS_ERROR);
        expect(await page.locator('#m0-not-measured').innerText()).toContain(XSS_ERROR);
        expect(await page.locator('#m0-friction').innerText()).toContain(XSS_MODEL);
      });

      it('takes a full-page screenshot', async () => {
        await page.evaluate(() => document.querySelectorAll('details').forEach((d) => ((d as HTMLDetailsElement).open = true)));
        await page.screenshot({ path: screenshot, fullPage: true });
        expect(statSync(screenshot).size).toBeGreaterThan(50_000);
        expect(problems).toEqual([]);
      });
    },
  );
}
