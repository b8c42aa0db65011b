/**
 * The HTML report: one self-contained file (inline CSS and static inline SVG; no scripts, fonts or
 * images, and a Content-Security-Policy that forbids loading anything). It carries the same data and
 * sections as the Markdown report (`markdown.ts`) — verdict first, what failed, reversals, friction,
 * depth gain, compile cost, charts, every case, hardware — plus charts drawn by `svg.ts`. Render only:
 * every number comes from the run, the metrics or the verdict. Several machines give one section each.
 */
import type { CaseVerdict, Verdict } from '../gate/verdict.ts';
import { METRICS, type MetricId } from '../metrics/registry.ts';
import type { ArchetypeOrdering, DepthSeries, FrictionSeries, MetricsSummary, MetricValue, Reversal } from '../metrics/types.ts';
import type { CaseResult, RunResult } from '../results/schema.ts';
import { compileCostRows, maxDepthOf } from './select.ts';
import { formatCount, formatMs, formatRatio } from './format.ts';
import { baselineText, formatValue, runToRunLines, type ReportedHarnessError } from './markdown.ts';
import {
  dotChart,
  escapeXml,
  lineChart,
  MARKERS,
  PALETTE,
  REFERENCE_COLOUR,
  type DotRow,
  type LineSeries,
  type MarkerShape,
} from './svg.ts';

export interface HtmlMachine {
  readonly run: RunResult;
  readonly metrics: MetricsSummary;
  /** Null when the run was not gated (`--no-gate`). */
  readonly verdict: Verdict | null;
  /** Problems outside any case (a spec file that failed to load): the run cannot pass. */
  readonly harnessErrors?: readonly ReportedHarnessError[];
}

export interface HtmlInput {
  /** @default 'graph-compiler-bench report' */
  readonly title?: string;
  readonly machines: readonly HtmlMachine[];
  /**
   * A pre-rendered HTML section (the merge command's cross-hardware comparison). Inserted as is, after
   * the overview and before the machines: it must be trusted, static HTML (the page's CSP blocks
   * scripts and every external resource).
   */
  readonly crossHardware?: string;
}

/** The page's Content-Security-Policy: nothing may be loaded or run; inline styles and data: images only. */
export const HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'none'; base-uri 'none'; form-action 'none'";

export const DEFAULT_HTML_TITLE = 'graph-compiler-bench report';

/** Escapes text for HTML content and attributes. */
export const escapeHtml = escapeXml;
const esc = escapeXml;
const code = (text: string): string => `<code>${esc(text)}</code>`;

// ---------------------------------------------------------------------------------------------
// Compiler styles: one colour and marker per compiler id, the same in every chart and machine.
// ---------------------------------------------------------------------------------------------

export interface CompilerStyle {
  readonly colour: string;
  readonly marker: MarkerShape;
  readonly dashed: boolean;
  readonly reference: boolean;
}

function referenceIdsOf(metrics: MetricsSummary): Set<string> {
  const ids = new Set<string>();
  for (const s of metrics.friction) if (s.comparison !== null) ids.add(s.comparison.referenceId);
  for (const s of metrics.depth) if (s.comparison !== null) ids.add(s.comparison.referenceId);
  for (const r of metrics.reversals) ids.add(r.referenceId);
  for (const c of metrics.compileCost) ids.add(c.referenceId);
  return ids;
}

/** Reference compilers: grey and dashed; the others take palette colours in id order. */
export function compilerStyles(machines: readonly HtmlMachine[]): Map<string, CompilerStyle> {
  const references = new Set(machines.flatMap((m) => [...referenceIdsOf(m.metrics)]));
  const ids = [...new Set(machines.flatMap((m) => m.run.cases.map((c) => c.compiler.id)))].sort();
  const styles = new Map<string, CompilerStyle>();
  let next = 0;
  for (const id of ids) {
    if (references.has(id)) {
      styles.set(id, { colour: REFERENCE_COLOUR, marker: 'circle', dashed: true, reference: true });
    } else {
      styles.set(id, {
        colour: PALETTE[next % PALETTE.length] as string,
        marker: MARKERS[(next + 1) % MARKERS.length] as MarkerShape,
        dashed: false,
        reference: false,
      });
      next++;
    }
  }
  return styles;
}

const FALLBACK_STYLE: CompilerStyle = { colour: '#000', marker: 'circle', dashed: false, reference: false };

/** Compiler ids of a machine: references first, then by id. */
function compilerOrder(ids: Iterable<string>, styles: ReadonlyMap<string, CompilerStyle>): string[] {
  return [...new Set(ids)].sort((a, b) => Number(styles.get(b)?.reference ?? false) - Number(styles.get(a)?.reference ?? false) || a.localeCompare(b));
}

// ---------------------------------------------------------------------------------------------
// Small pieces
// ---------------------------------------------------------------------------------------------

/** Neutral value of comparative metrics: a CI entirely on one side of it is significant. */
const NEUTRAL_VALUE: Partial<Record<MetricId, number>> = {
  'batch-speedup': 1,
  'depth-speedup': 1,
  'depth-gain': 1,
  'per-block-speedup': 1,
  'friction-mitigation': 0,
};

/** `better`/`worse` when the CI excludes the neutral value, judged by the metric's registered direction. */
function significance(value: MetricValue): '' | 'better' | 'worse' {
  const neutral = NEUTRAL_VALUE[value.metric];
  if (neutral === undefined || value.value === null || value.ci === null) return '';
  const direction = METRICS[value.metric].direction;
  if (direction === 'neutral') return '';
  const above = value.ci.lower > neutral;
  const below = value.ci.upper < neutral;
  if (!above && !below) return '';
  return above === (direction === 'higher-is-better') ? 'better' : 'worse';
}

/** A metric value with its CI (same text as the Markdown), or — with the reason. */
function valueHtml(value: MetricValue, digits = 3): string {
  if (value.value === null) return `<span class="na">—</span> <span class="reason">(${esc(value.reason)})</span>`;
  const cls = significance(value);
  const note = value.ci === null && 'ciNote' in value && value.ciNote !== undefined ? ` title="${esc(value.ciNote)}"` : '';
  const text = formatValue(value, digits);
  const cut = text.indexOf(' [');
  const shown = cut < 0 ? esc(text) : `${esc(text.slice(0, cut))} <span class="ci">${esc(text.slice(cut + 1))}</span>`;
  return `<span class="value${cls === '' ? '' : ` ${cls}`}"${note}>${shown}</span>`;
}

/** A table cell: HTML, or HTML spanning several columns. */
type Cell = string | { readonly html: string; readonly span: number; readonly className?: string };

interface Column {
  readonly html: string;
  readonly align?: 'l' | 'r';
  readonly title?: string;
  /** Let long text wrap (messages, reasons); other cells stay on one line. */
  readonly wrap?: boolean;
}

/** A column header named after a registered metric, with its description and unit as a tooltip. */
function metricColumn(id: MetricId, html?: string): Column {
  const m = METRICS[id];
  const direction = m.direction === 'neutral' ? '' : ` (${m.direction.replace(/-/g, ' ')})`;
  return { html: html ?? esc(m.label), align: 'r', title: `${m.label} [${m.unit}]${direction}: ${m.description}` };
}

function table(columns: readonly Column[], rows: readonly (readonly Cell[])[], rowClasses: readonly string[] = [], tableClass = ''): string {
  const align = (i: number) => {
    const classes = [columns[i]?.align === 'r' ? 'num' : '', columns[i]?.wrap ? 'wrap' : ''].filter((c) => c !== '');
    return classes.length === 0 ? '' : ` class="${classes.join(' ')}"`;
  };
  const head = columns.map((c, i) => `<th${align(i)}${c.title === undefined ? '' : ` title="${esc(c.title)}"`} scope="col">${c.html}</th>`).join('');
  const body = rows
    .map((row, r) => {
      const cls = rowClasses[r];
      // A one-cell row is a group heading across the whole table.
      if (row.length === 1 && columns.length > 1 && typeof row[0] === 'string') {
        return `<tr class="group-row${cls ? ` ${cls}` : ''}"><th colspan="${columns.length}" scope="rowgroup">${row[0]}</th></tr>`;
      }
      let column = 0;
      const cells = row.map((cell) => {
        const i = column;
        if (typeof cell === 'string') {
          column += 1;
          return `<td${align(i)}>${cell}</td>`;
        }
        column += cell.span;
        return `<td colspan="${cell.span}" class="wrap${cell.className ? ` ${cell.className}` : ''}">${cell.html}</td>`;
      });
      return `<tr${cls ? ` class="${cls}"` : ''}>${cells.join('')}</tr>`;
    })
    .join('\n');
  return `<div class="table-wrap"><table${tableClass === '' ? '' : ` class="${tableClass}"`}>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table></div>`;
}

function swatch(style: CompilerStyle | undefined): string {
  const s = style ?? FALLBACK_STYLE;
  return `<span class="swatch${s.dashed ? ' dashed' : ''}" style="--c:${s.colour}"></span>`;
}

function compilerLabel(id: string, styles: ReadonlyMap<string, CompilerStyle>): string {
  const style = styles.get(id);
  return `${swatch(style)}${esc(id)}${style?.reference ? ' <span class="tag">reference</span>' : ''}`;
}

const section = (id: string, heading: string, body: string, extraClass = ''): string =>
  `<section class="report-section${extraClass === '' ? '' : ` ${extraClass}`}" id="${id}">\n<h3>${heading}</h3>\n${body}\n</section>`;

const charts = (items: readonly string[], wide = false): string => {
  const drawn = items.filter((c) => c !== '');
  return drawn.length === 0 ? '' : `<div class="charts${wide ? ' wide' : ''}">\n${drawn.map((c) => `<figure class="chart-box">${c}</figure>`).join('\n')}\n</div>`;
};


const seriesModel = (s: { modelId: string; depth: number | null }): string => `${s.modelId}${s.depth === null ? '' : ` d=${s.depth}`}`;

// ---------------------------------------------------------------------------------------------
// Verdict and run line
// ---------------------------------------------------------------------------------------------

export type MachineStatus = 'pass' | 'fail' | 'neutral';

/** Status glyphs present in common text fonts (emoji fonts are often missing on CI machines and servers). */
export const STATUS_ICON: Readonly<Record<MachineStatus, string>> = { pass: '✓', fail: '✗', neutral: '○' };
const iconHtml = (status: MachineStatus): string => `<span class="icon ${status}" aria-hidden="true">${STATUS_ICON[status]}</span>`;

const failedCount = (run: RunResult): number => run.cases.filter((c) => c.state === 'failed').length;

export function machineStatus(machine: HtmlMachine): MachineStatus {
  // An incomplete run (interrupted, or spec files that failed to load) never shows as a pass.
  if (!machine.run.complete || (machine.harnessErrors?.length ?? 0) > 0) return 'fail';
  const failed = failedCount(machine.run);
  if (machine.verdict === null) return failed > 0 ? 'fail' : 'neutral';
  return machine.verdict.passed && failed === 0 ? 'pass' : 'fail';
}

/** The verdict line as plain text (as in the Markdown, without its formatting). */
export function verdictText(machine: HtmlMachine): string {
  const { run, verdict } = machine;
  const failed = failedCount(run);
  const status = machineStatus(machine);
  const what = verdict === null ? (failed > 0 ? `FAIL: ${failed} failed cases` : 'measured, not gated') : verdict.summaryLine;
  return `${STATUS_ICON[status]} ${what} — graph-compiler-bench on ${run.hardware.id}${run.complete ? '' : ' · INCOMPLETE RUN'}`;
}

function verdictHeading(machine: HtmlMachine, prefix: string): string {
  const { run, verdict } = machine;
  const failed = failedCount(run);
  const status = machineStatus(machine);
  const what = verdict === null ? (failed > 0 ? `FAIL: ${failed} failed cases` : 'measured, not gated') : verdict.summaryLine;
  const partial = run.complete ? '' : ` · <strong class="incomplete">INCOMPLETE RUN</strong>${run.interruptedBy ? ` (${esc(run.interruptedBy)})` : ''}`;
  return `<h2 class="verdict ${status}" id="${prefix}-verdict">${iconHtml(status)} <span class="verdict-text">${esc(what)}</span> <span class="on">— graph-compiler-bench on ${code(run.hardware.id)}${partial}</span></h2>`;
}

function runLine(run: RunResult): string {
  const count = (state: CaseResult['state']) => run.cases.filter((c) => c.state === state).length;
  const filters = Object.entries(run.filters).map(([k, v]) => `${k}=${v}`).join(', ');
  const gpu = run.hardware.gpu ? ` + ${run.hardware.gpu.vendor} ${run.hardware.gpu.description || run.hardware.gpu.device}` : '';
  return [
    `<p class="run-line">Profile ${code(run.profile)} · <strong>${count('completed')}</strong> cases measured, <strong>${count('failed')}</strong> failed, <strong>${count('unavailable')}</strong> unavailable`,
    filters === '' ? '' : ` · filters: ${esc(filters)}`,
    ` · ${esc(run.hardware.cpu.model)} (${run.hardware.cpu.cores} cores)${esc(gpu)}`,
    ` · ${esc(run.startedAt.slice(0, 16).replace('T', ' '))} UTC</p>`,
  ].join('');
}

// ---------------------------------------------------------------------------------------------
// Sections
// ---------------------------------------------------------------------------------------------

function problemsSection(verdict: Verdict | null, prefix: string): string {
  if (verdict === null || verdict.problems.length === 0) return '';
  const list = `<ul class="problems">${verdict.problems.map((p) => `<li><strong>${esc(p.kind)}</strong> ${code(p.key)}: ${esc(p.message)}</li>`).join('')}</ul>`;
  const regressions = verdict.cases.filter((c): c is CaseVerdict & { evidence: NonNullable<CaseVerdict['evidence']> } => c.kind === 'regression' && c.evidence !== null);
  const body = [list];
  if (regressions.length > 0) {
    body.push(
      table(
        [
          { html: 'case' },
          { html: 'measured against' },
          { html: 'baseline lat/partner', align: 'r' },
          { html: 'run lat/partner', align: 'r' },
          { html: 'change', align: 'r' },
          { html: `${esc(String(verdict.settings.confidence * 100))}% CI`, align: 'r' },
          { html: 'threshold', align: 'r' },
          { html: 'Mann–Whitney p', align: 'r' },
          { html: 'median (not judged)', align: 'r' },
        ],
        regressions.map((c) => {
          const e = c.evidence;
          return [
            code(c.key),
            e.metric === 'relative-latency' ? code(e.partnerId) : 'anchor',
            esc(e.baselineMedianRatio.toPrecision(4)),
            esc(e.runMedianRatio.toPrecision(4)),
            esc(formatRatio(e.ratio)),
            e.ci === null ? '—' : esc(`${e.ci[0].toFixed(3)}–${e.ci[1].toFixed(3)}`),
            esc(`${(e.threshold * 100).toFixed(0)}%`),
            esc(e.mannWhitneyP.toExponential(1)),
            esc(`${formatMs(e.baselineMedianMs)} → ${formatMs(e.runMedianMs)}`),
          ];
        }),
        regressions.map(() => 'regression'),
      ),
    );
  }
  return section(`${prefix}-problems`, `What failed the gate (${verdict.problems.length})`, body.join('\n'), 'problems-section');
}

function reversalsSection(metrics: MetricsSummary, verdict: Verdict | null, styles: ReadonlyMap<string, CompilerStyle>, prefix: string): string {
  const n = metrics.reversals.length;
  const rank = new Map(compilerOrder(metrics.orderings.map((o) => o.compilerId), styles).map((id, i) => [id, i]));
  const byPlace = (x: { a: string; b: string; depth: number | null; batch: number }, y: typeof x) =>
    `${x.a}~${x.b}`.localeCompare(`${y.a}~${y.b}`) || (x.depth ?? 0) - (y.depth ?? 0) || x.batch - y.batch;
  const reversals = [...metrics.reversals].sort((x, y) => byPlace(x, y) || (rank.get(x.compilerId) ?? 0) - (rank.get(y.compilerId) ?? 0));
  const orderings = [...metrics.orderings].sort(
    (x, y) => `${x.a}~${x.b}`.localeCompare(`${y.a}~${y.b}`) || (rank.get(x.compilerId) ?? 0) - (rank.get(y.compilerId) ?? 0) || byPlace(x, y),
  );
  const body: string[] = [];
  if (n === 0) {
    const text =
      metrics.orderings.length === 0
        ? 'No archetype pairs measured in this run.'
        : `None: every compiler keeps the reference's significant ordering of the ${new Set(metrics.orderings.map((o) => `${o.a}~${o.b}`)).size} archetype pairs.`;
    body.push(`<div class="callout ok">${esc(text)}</div>`);
  } else {
    body.push(
      `<div class="callout reversal" role="note"><strong>${n} reversal${n === 1 ? '' : 's'} of archetype ordering.</strong> A compiler makes the <em>other</em> archetype significantly faster than the reference does, so a choice of architecture made on one runtime does not carry over to the other.<ul>${reversals
        .map((r) => `<li>${esc(r.message)}</li>`)
        .join('')}</ul></div>`,
      '<p class="explain">Ratio = latency of the first archetype over the second, with its 95% bootstrap CI.</p>',
      table(
        [{ html: 'batch' }, { html: 'pair' }, { html: 'faster under the reference', wrap: true }, { html: 'faster under the compiler', wrap: true }, { html: 'cases' }],
        reversals.map((r) => [
          esc(`b=${r.batch}${r.depth === null ? '' : ` d=${r.depth}`}`),
          `${esc(r.a)} vs ${esc(r.b)}`,
          `<strong>${esc(r.fasterUnderReference)}</strong> under ${compilerLabel(r.referenceId, styles)} (${valueHtml(r.referenceRatio)})`,
          `<strong>${esc(r.fasterUnderCompiler)}</strong> under ${compilerLabel(r.compilerId, styles)} (${valueHtml(r.compilerRatio)})`,
          `<span class="keys">${r.caseKeys.map(code).join('<br>')}</span>`,
        ]),
        reversals.map(() => 'reversal'),
      ),
    );
  }
  if (verdict !== null && verdict.reversals.length > 0) {
    body.push(
      `<p>Against the baseline:</p><ul class="problems">${verdict.reversals.map((r) => `<li><strong>${esc(r.kind)}</strong> ${code(r.id)}: ${esc(r.message)}</li>`).join('')}</ul>`,
    );
  }
  body.push(charts(ratioCharts(metrics, styles)));
  if (orderings.length > 0) {
    body.push(
      `<details class="orderings"><summary>All archetype orderings (${orderings.length})</summary>\n${table(
        [{ html: 'compiler' }, { html: 'batch' }, { html: 'pair a / b' }, metricColumn('archetype-ratio', 'ratio a / b'), { html: 'significantly faster' }],
        orderings.map((o) => [
          compilerLabel(o.compilerId, styles),
          esc(`b=${o.batch}${o.depth === null ? '' : ` d=${o.depth}`}`),
          `${esc(o.a)} / ${esc(o.b)}`,
          valueHtml(o.ratio),
          o.faster === null ? '<span class="na">not significant</span>' : esc(o.faster),
        ]),
        orderings.map((o) => (isReversed(o, metrics.reversals) ? 'reversal' : '')),
      )}\n</details>`,
    );
  }
  return section(`${prefix}-reversals`, `Reversals of archetype ordering (${n})`, body.filter((b) => b !== '').join('\n'), n > 0 ? 'has-reversals' : '');
}

function isReversed(o: ArchetypeOrdering, reversals: readonly Reversal[]): boolean {
  return reversals.some(
    (r) => r.batch === o.batch && r.depth === o.depth && r.a === o.a && r.b === o.b && (r.compilerId === o.compilerId || r.referenceId === o.compilerId),
  );
}

function notMeasuredSection(run: RunResult, prefix: string): string {
  const cases = run.cases.filter((c) => c.state !== 'completed');
  if (cases.length === 0) return '';
  return section(
    `${prefix}-not-measured`,
    `Not measured (${cases.length})`,
    '<p class="explain">Metrics are computed over the points that ran; these are left out of every fit.</p>\n' +
      table(
        [{ html: 'case' }, { html: 'state' }, { html: 'why', wrap: true }],
        cases.map((c) => [
          code(c.key),
          c.state === 'failed' ? `failed (${esc(c.phase)})` : 'unavailable',
          `<span class="error">${esc(c.state === 'failed' ? c.error : c.state === 'unavailable' ? c.reason : '')}</span>`,
        ]),
        cases.map((c) => c.state),
      ),
  );
}

function frictionSection(metrics: MetricsSummary, styles: ReadonlyMap<string, CompilerStyle>, prefix: string): string {
  if (metrics.friction.length === 0) return '';
  const body: string[] = [
    '<p class="explain">β = slope of ln latency on ln batch: 0 = batching is free, 1 = no amortisation. Mitigation = β<sub>ref</sub> − β (positive: the compiler removes friction). Knee: first batch after which doubling the batch adds less than 7% throughput. [95% bootstrap CI]</p>',
    charts([betaChart(metrics, styles)], true),
  ];
  for (const compilerId of compilerOrder(metrics.friction.map((s) => s.compilerId), styles)) {
    const series = metrics.friction.filter((s) => s.compilerId === compilerId);
    body.push(
      `<h4 class="compiler-heading">${compilerLabel(compilerId, styles)}</h4>`,
      table(
        [
          { html: 'model' },
          metricColumn('friction-beta', 'β'),
          { html: 'knee', align: 'r', title: 'Lower batch of the first neighbouring pair whose marginal β ≥ 0.9' },
          metricColumn('friction-mitigation', 'mitigation vs reference'),
          metricColumn('batch-speedup', 'speedup per batch'),
          { html: 'points' },
        ],
        series.map((s): Cell[] => [
          esc(seriesModel(s)),
          valueHtml(s.beta),
          s.knee === null ? '—' : esc(`b=${s.knee}`),
          ...(s.comparison === null
            ? [{ html: `<span class="na">${esc(s.comparisonNote === undefined || s.comparisonNote === 'this compiler is the reference' ? '(reference)' : s.comparisonNote)}</span>`, span: 2 }]
            : [
                valueHtml(s.comparison.mitigation),
                s.comparison.speedups.length === 0
                  ? '—'
                  : `<span class="speedups">${s.comparison.speedups.map((p) => `b=${p.batch}: ${valueHtml(p.speedup)}`).join('<br>')}</span>`,
              ]),
          pointsCell(s.points.length, 'batch', s.missing),
        ]),
        [],
        'friction-table',
      ),
    );
  }
  return section(`${prefix}-friction`, 'Batch friction', body.filter((b) => b !== '').join('\n'));
}

function pointsCell(n: number, noun: string, missing: FrictionSeries['missing']): string {
  const measured = `${n} ${n === 1 ? noun : noun === 'batch' ? 'batches' : `${noun}s`}`;
  if (missing.length === 0) return esc(measured);
  const tip = missing.map((m) => `${m.key}: ${m.state} (${m.reason})`).join('\n');
  return `${esc(measured)} · <span class="missing" title="${esc(tip)}">${missing.length} missing</span>`;
}

function depthSection(metrics: MetricsSummary, styles: ReadonlyMap<string, CompilerStyle>, prefix: string): string {
  if (metrics.depth.length === 0) return '';
  const rank = new Map(compilerOrder(metrics.depth.map((s) => s.compilerId), styles).map((id, i) => [id, i]));
  const ordered = [...metrics.depth].sort(
    (a, b) => a.modelId.localeCompare(b.modelId) || a.batch - b.batch || (rank.get(a.compilerId) ?? 0) - (rank.get(b.compilerId) ?? 0),
  );
  const rows: Cell[][] = [];
  const rowClasses: string[] = [];
  let group = '';
  for (const s of ordered) {
    const heading = `${s.modelId} · b=${s.batch}`;
    if (heading !== group) {
      group = heading;
      const depths = [...new Set(metrics.depth.filter((x) => x.modelId === s.modelId && x.batch === s.batch).flatMap((x) => x.points.map((p) => p.depth)))].sort((a, b) => a - b);
      rows.push([`${esc(heading)} <span class="na">· depths ${esc(depths.join(', '))}</span>`]);
      rowClasses.push('');
    }
    const c = s.comparison;
    const first = c?.speedups[0]?.speedup;
    const last = c?.speedups.at(-1)?.speedup;
    const ref = `<span class="na">${esc(s.comparisonNote === undefined || s.comparisonNote === 'this compiler is the reference' ? '(reference)' : s.comparisonNote)}</span>`;
    const comparison: Cell[] =
      c === null
        ? [{ html: ref, span: 3 }]
        : [first && last ? `${valueHtml(first)}<br>→ ${valueHtml(last)}` : '—', valueHtml(c.depthGain), valueHtml(c.perBlockSpeedup)];
    // Nothing to fit (fewer than 2 depths measured): one line that says why instead of a row of dashes.
    const unfit = s.alpha.value === null && s.perBlock.value === null && (c === null || c.depthGain.value === null);
    rows.push([
      compilerLabel(s.compilerId, styles),
      ...(unfit
        ? [{ html: `<span class="na">— ${esc(s.alpha.value === null ? s.alpha.reason : '')}${c === null && s.comparisonNote !== undefined && s.comparisonNote !== 'this compiler is the reference' ? `; ${esc(s.comparisonNote)}` : ''}</span>`, span: 5 }]
        : [valueHtml(s.alpha), valueHtml(s.perBlock), ...comparison]),
      pointsCell(s.points.length, 'depth', s.missing),
    ]);
    rowClasses.push(c === null ? 'reference-row' : '');
  }
  return section(
    `${prefix}-depth`,
    'Depth gain',
    [
      '<p class="explain">Fit latency(d) = α + c·d. S(d) = latency<sub>ref</sub>(d) / latency(d); depth gain = S(d<sub>max</sub>) / S(d<sub>min</sub>) (&gt; 1: the compiler gains more on deeper stacks); per-block speedup = c<sub>ref</sub> / c. [95% bootstrap CI]</p>',
      table(
        [
          { html: 'compiler' },
          metricColumn('depth-alpha', 'α ms'),
          metricColumn('depth-per-block', 'c ms/block'),
          metricColumn('depth-speedup', 'S(d<sub>min</sub>) → S(d<sub>max</sub>)'),
          metricColumn('depth-gain', 'depth gain'),
          metricColumn('per-block-speedup', 'per-block speedup'),
          { html: 'points' },
        ],
        rows,
        rowClasses,
        'depth-table',
      ),
    ].join('\n'),
  );
}

function compileSection(metrics: MetricsSummary, styles: ReadonlyMap<string, CompilerStyle>, prefix: string): string {
  // As in the Markdown: one row per (model, compiler[, depth]) at the largest batch; blocks at their largest depth.
  const costs = compileCostRows(metrics);
  if (costs.length === 0) return '';
  return section(
    `${prefix}-compile`,
    'Compile cost',
    [
      '<p class="explain">Break-even = compile time / latency saved per inference against the reference: inferences after which compiling has paid off.</p>',
      table(
        [
          { html: 'model' },
          { html: 'compiler' },
          metricColumn('compile-ms', 'compile ms'),
          { html: 'reference compile ms', align: 'r' },
          { html: 'saved ms/inference', align: 'r', title: 'lat_R − lat_C at this batch; negative when the compiler is slower' },
          metricColumn('break-even-inferences', 'break-even inferences'),
        ],
        costs.map((c) => [
          esc(`${c.key.split('/')[1]}${c.depth === null ? '' : ` d=${c.depth}`} b=${c.batch}`),
          compilerLabel(c.compilerId, styles),
          esc(formatMs(c.compileMs)),
          esc(formatMs(c.referenceCompileMs)),
          `<span class="${c.savingMs < 0 ? 'worse' : ''}">${esc(formatMs(c.savingMs))}</span>`,
          valueHtml(c.breakEven),
        ]),
      ),
    ].join('\n'),
  );
}

function chartsSection(run: RunResult, metrics: MetricsSummary, styles: ReadonlyMap<string, CompilerStyle>, prefix: string): string {
  if (run.cases.length === 0) return '';
  const latency = charts(latencyCharts(metrics, styles));
  const depth = charts(speedupCharts(metrics, styles));
  if (latency === '' && depth === '') return '';
  const body: string[] = [];
  if (latency !== '') {
    body.push(
      '<h4>Latency against batch</h4><p class="explain">Median latency of one inference of the whole batch, log–log (slope = β). Whiskers: 95% CI of the median. Blocks at their largest depth.</p>',
      latency,
    );
  }
  if (depth !== '') {
    body.push('<h4>Speedup against depth</h4><p class="explain">S(d) = latency<sub>ref</sub>(d) / latency(d) at each block\'s largest batch; whiskers: 95% bootstrap CI. Above the dotted 1× line the compiler is faster than the reference.</p>', depth);
  }
  return section(`${prefix}-charts`, 'Charts', body.join('\n'));
}

function allCasesSection(run: RunResult, verdict: Verdict | null, prefix: string): string {
  const verdictOf = new Map(verdict?.cases.map((c) => [c.key, c]) ?? []);
  const rows = run.cases.map((c): Cell[] => {
    const v = verdictOf.get(c.key);
    const change = v?.evidence ? formatRatio(v.evidence.ratio) : '';
    const vs = v === undefined ? '' : `<span class="kind-${esc(v.kind)}" title="${esc(v.message)}">${esc(v.kind)}${change === '' ? '' : ` (${esc(change)})`}</span>`;
    if (c.state !== 'completed') {
      const why = c.state === 'failed' ? `failed (${c.phase}): ${c.error}` : `unavailable: ${c.reason}`;
      return [code(c.key), { html: `<span class="error">${esc(why)}</span>`, span: 5 }, vs];
    }
    return [
      code(c.key),
      esc(formatMs(c.latency.median)),
      esc(`${formatMs(c.latency.medianCi[0])}–${formatMs(c.latency.medianCi[1])}`),
      esc(formatCount(c.throughput)),
      esc(formatMs(c.compileMs)),
      esc(`${c.engine.name}, n=${c.latency.n}, ${c.engine.stoppedBy}`),
      vs,
    ];
  });
  return `<section class="report-section" id="${prefix}-cases"><details class="all-cases"><summary><h3>All cases (${run.cases.length})</h3></summary>\n${table(
    [
      { html: 'case', wrap: true },
      metricColumn('latency', 'median ms'),
      { html: '95% CI', align: 'r' },
      metricColumn('throughput', 'samples/s'),
      metricColumn('compile-ms', 'compile ms'),
      { html: 'measured' },
      { html: 'vs baseline' },
    ],
    rows,
    run.cases.map((c) => (c.state === 'completed' ? '' : c.state)),
    'cases-table',
  )}\n</details></section>`;
}

function hardwareSection(run: RunResult, metrics: MetricsSummary, verdict: Verdict | null, prefix: string): string {
  const h = run.hardware;
  const baseline = verdict?.baseline ? ` · ${esc(baselineText(verdict.baseline))}` : verdict === null ? ' · not gated' : ' · no baseline for this hardware';
  const items = [
    `hardware id: ${code(h.id)}${baseline}`,
    ...(verdict?.baseline ? runToRunLines(verdict.baseline.runToRun).map((line) => esc(line.slice(2))) : []),
    esc(`CPU: ${h.cpu.model}, ${h.cpu.cores} cores · memory ${(h.memoryBytes / 2 ** 30).toFixed(1)} GiB · ${h.os.platform} ${h.os.release} ${h.os.arch} · Node ${h.node}`),
    esc(h.gpu ? `GPU: ${h.gpu.vendor} ${h.gpu.description || h.gpu.device} (${h.gpu.architecture}), driver ${h.gpu.driver || 'unknown'}` : 'GPU: none used'),
    esc(`runtimes: ${Object.entries(h.runtimes).map(([k, v]) => `${k} ${v}`).join(', ')}`),
    `command: ${code(run.commandLine.join(' '))}`,
    esc(`run: ${run.startedAt} → ${run.finishedAt}${run.complete ? '' : ` · incomplete${run.interruptedBy ? ` (${run.interruptedBy})` : ''}`}`),
    verdict
      ? esc(`gate: ${verdict.settings.confidence * 100}% confidence, ${verdict.settings.resamples} bootstrap resamples, default threshold ${verdict.settings.defaultThreshold * 100}%`)
      : '',
    esc(`metrics: ${metrics.bootstrap.resamples} bootstrap resamples`),
    ...metrics.notes.map((note) => `note: ${esc(note)}`),
    ...(verdict?.notes ?? []).map((note) => `gate note: ${esc(note)}`),
  ].filter((line) => line !== '');
  return `<section class="report-section" id="${prefix}-hardware"><details class="hardware"><summary><h3>Hardware and settings</h3></summary>\n<ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul>\n</details></section>`;
}

// ---------------------------------------------------------------------------------------------
// Charts
// ---------------------------------------------------------------------------------------------

function lineStyle(id: string, styles: ReadonlyMap<string, CompilerStyle>): Pick<LineSeries, 'colour' | 'marker' | 'dashed'> {
  const s = styles.get(id) ?? FALLBACK_STYLE;
  return { colour: s.colour, marker: s.marker, dashed: s.dashed };
}

const batchFormat = (v: number): string => String(v);

/** Latency against batch, log–log, one chart per model (blocks at their largest depth), one line per compiler. */
function latencyCharts(metrics: MetricsSummary, styles: ReadonlyMap<string, CompilerStyle>): string[] {
  const caseCi = new Map(metrics.cases.map((c) => [c.key, c.latency]));
  const models = [...new Set(metrics.friction.map((s) => s.modelId))];
  return models.map((modelId) => {
    const depth = maxDepthOf(metrics, modelId);
    const series = metrics.friction.filter((s) => s.modelId === modelId && s.depth === depth);
    const batches = [...new Set(series.flatMap((s) => s.points.map((p) => p.batch)))].sort((a, b) => a - b);
    if (batches.length === 0) return '';
    return lineChart({
      kind: 'latency-batch',
      title: `${modelId}${depth === null ? '' : ` (depth ${depth})`}: latency against batch`,
      subtitle: `${series[0]?.suite ?? ''} · median ms, log–log · whiskers: 95% CI of the median`,
      x: { label: 'batch size', scale: 'log', ticks: batches, format: batchFormat },
      y: { label: `${METRICS.latency.label}, ${METRICS.latency.unit}`, scale: 'log' },
      series: compilerOrder(series.map((s) => s.compilerId), styles).map((compilerId) => {
        const s = series.find((x) => x.compilerId === compilerId) as FrictionSeries;
        return {
          name: compilerId,
          ...lineStyle(compilerId, styles),
          points: s.points.map((p) => {
            const l = caseCi.get(p.key);
            const ci = l?.ci ?? null;
            return {
              x: p.batch,
              y: p.medianMs,
              low: ci?.lower ?? null,
              high: ci?.upper ?? null,
              tooltip: `${compilerId} b=${p.batch}: ${formatMs(p.medianMs)} ms${ci ? ` [${formatMs(ci.lower)}–${formatMs(ci.upper)}]` : ''} (${p.key})`,
            };
          }),
        };
      }),
    });
  });
}

/** Speedup S(d) against depth, one chart per block at its largest batch, one line per compiler. */
function speedupCharts(metrics: MetricsSummary, styles: ReadonlyMap<string, CompilerStyle>): string[] {
  const blocks = [...new Set(metrics.depth.map((s) => s.modelId))];
  return blocks.map((blockId) => {
    const maxBatch = Math.max(...metrics.depth.filter((s) => s.modelId === blockId).map((s) => s.batch));
    const series = metrics.depth.filter((s): s is DepthSeries & { comparison: NonNullable<DepthSeries['comparison']> } => s.modelId === blockId && s.batch === maxBatch && s.comparison !== null);
    if (series.length === 0) return '';
    const depths = [...new Set(series.flatMap((s) => s.comparison.speedups.map((p) => p.depth)))].sort((a, b) => a - b);
    const references = [...new Set(series.map((s) => s.comparison.referenceId))];
    return lineChart({
      kind: 'speedup-depth',
      title: `${blockId}: speedup against depth (b=${maxBatch})`,
      subtitle: `S(d) = latency of ${references.join(', ')} / latency of the compiler · whiskers: 95% bootstrap CI`,
      x: { label: 'depth (blocks)', scale: 'linear', ticks: depths, format: batchFormat },
      y: { label: `${METRICS['depth-speedup'].label}, ${METRICS['depth-speedup'].unit}`, scale: 'linear', include: [1] },
      referenceLines: [{ value: 1, label: `1× = as fast as ${references.join(', ')}` }],
      series: compilerOrder(series.map((s) => s.compilerId), styles).map((compilerId) => {
        const s = series.find((x) => x.compilerId === compilerId) as (typeof series)[number];
        return {
          name: compilerId,
          ...lineStyle(compilerId, styles),
          points: s.comparison.speedups.map((p) => ({
            x: p.depth,
            y: p.speedup.value,
            low: p.speedup.ci?.lower ?? null,
            high: p.speedup.ci?.upper ?? null,
            tooltip: `${compilerId} d=${p.depth}: S = ${formatValue(p.speedup)}`,
          })),
        };
      }),
    });
  });
}

/** β per compiler with CI whiskers, grouped by model (blocks at their largest depth). */
function betaChart(metrics: MetricsSummary, styles: ReadonlyMap<string, CompilerStyle>): string {
  const series = metrics.friction.filter((s) => s.depth === null || s.depth === maxDepthOf(metrics, s.modelId));
  const models = [...new Set(series.map((s) => seriesModel(s)))];
  const rows: DotRow[] = models.flatMap((model) => {
    const group = series.filter((s) => seriesModel(s) === model);
    return compilerOrder(group.map((s) => s.compilerId), styles).map((compilerId) => {
      const s = group.find((x) => x.compilerId === compilerId) as FrictionSeries;
      const style = styles.get(compilerId) ?? FALLBACK_STYLE;
      return {
        label: compilerId,
        group: model,
        value: s.beta.value,
        low: s.beta.ci?.lower ?? null,
        high: s.beta.ci?.upper ?? null,
        colour: style.colour,
        marker: style.marker,
        note: s.beta.value === null ? `— ${s.beta.reason}` : formatValue(s.beta),
        tooltip: `${s.series}: β = ${formatValue(s.beta)}`,
      };
    });
  });
  const hasBlocks = series.some((s) => s.depth !== null);
  return dotChart({
    kind: 'friction-beta',
    title: 'Batch friction β per compiler',
    subtitle: `OLS slope of ln latency on ln batch, with 95% bootstrap CI${hasBlocks ? ' · blocks at their largest depth' : ''}`,
    axis: { label: `${METRICS['friction-beta'].label} (0 = batching is free, 1 = no amortisation)`, scale: 'linear', include: [0, 1] },
    referenceLines: [
      { value: 0, label: 'β = 0' },
      { value: 1, label: 'β = 1' },
    ],
    rows,
    width: 820,
  });
}

/** Archetype latency ratio a/b against batch, one chart per pair (and depth), reversal points ringed. */
function ratioCharts(metrics: MetricsSummary, styles: ReadonlyMap<string, CompilerStyle>): string[] {
  const pairs = new Map<string, ArchetypeOrdering[]>();
  for (const o of metrics.orderings) {
    const id = `${o.a}~${o.b}${o.depth === null ? '' : `/d=${o.depth}`}`;
    pairs.set(id, [...(pairs.get(id) ?? []), o]);
  }
  return [...pairs.values()].map((orderings) => {
    const { a, b, depth } = orderings[0] as ArchetypeOrdering;
    const batches = [...new Set(orderings.map((o) => o.batch))].sort((x, y) => x - y);
    const reversals = metrics.reversals.filter((r) => r.a === a && r.b === b && r.depth === depth);
    const reversed = reversals.length > 0;
    return lineChart({
      kind: 'archetype-ratio',
      title: `${a} / ${b}: latency ratio against batch${depth === null ? '' : ` (depth ${depth})`}${reversed ? ` — ${reversals.length} reversal${reversals.length === 1 ? '' : 's'}` : ''}`,
      subtitle: 'Latency ratio per compiler, with 95% bootstrap CI; a CI that excludes 1 is a significant ordering',
      x: { label: 'batch size', scale: 'log', ticks: batches, format: batchFormat },
      y: { label: `lat(${a}) / lat(${b})`, scale: 'log', include: [1] },
      referenceLines: [{ value: 1, label: 'ratio 1 = equal latency' }],
      regionLabels: { above: `above 1: ${b} faster`, below: `below 1: ${a} faster` },
      highlightLabel: 'reversal (compiler vs reference)',
      series: compilerOrder(orderings.map((o) => o.compilerId), styles).map((compilerId) => ({
        name: compilerId,
        ...lineStyle(compilerId, styles),
        points: orderings
          .filter((o) => o.compilerId === compilerId)
          .map((o) => ({
            x: o.batch,
            y: o.ratio.value,
            low: o.ratio.ci?.lower ?? null,
            high: o.ratio.ci?.upper ?? null,
            highlight: reversals.some((r) => r.batch === o.batch && (r.compilerId === compilerId || r.referenceId === compilerId)),
            tooltip: `${compilerId} b=${o.batch}: ${a}/${b} = ${formatValue(o.ratio)}${o.faster === null ? ' (not significant)' : ` (${o.faster} faster)`}`,
          })),
      })),
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Page
// ---------------------------------------------------------------------------------------------

function machineSection(machine: HtmlMachine, index: number, styles: ReadonlyMap<string, CompilerStyle>, multiple: boolean): string {
  const { run, metrics, verdict } = machine;
  const prefix = `m${index}`;
  const parts = [
    problemsSection(verdict, prefix),
    reversalsSection(metrics, verdict, styles, prefix),
    notMeasuredSection(run, prefix),
    frictionSection(metrics, styles, prefix),
    depthSection(metrics, styles, prefix),
    compileSection(metrics, styles, prefix),
    chartsSection(run, metrics, styles, prefix),
    allCasesSection(run, verdict, prefix),
    hardwareSection(run, metrics, verdict, prefix),
  ].filter((p) => p !== '');
  const toc = parts
    .map((p) => /<section class="[^"]*" id="([^"]+)">[\s\S]*?<h3>([^<]*)/.exec(p))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `<a href="#${m[1]}">${m[2]?.replace(/ \(\d+\)$/, '')}</a>`)
    .join(' · ');
  return [
    `<section class="machine" id="${prefix}" data-hardware="${esc(run.hardware.id)}">`,
    multiple ? `<h2 class="machine-title">Machine ${index + 1}: ${code(run.hardware.id)}</h2>` : '',
    verdictHeading(machine, prefix),
    runLine(run),
    (machine.harnessErrors?.length ?? 0) === 0
      ? ''
      : `<div class="callout reversal" role="alert"><strong>${machine.harnessErrors!.length} error${machine.harnessErrors!.length === 1 ? '' : 's'} outside any case</strong> (the run cannot be trusted):<ul>${machine.harnessErrors!.map((e) => `<li>${code(e.where)}: ${esc(e.message)}</li>`).join('')}</ul></div>`,
    run.complete ? '' : `<div class="callout warn">This run is incomplete${run.interruptedBy ? ` (interrupted by ${esc(run.interruptedBy)})` : ''}: some cases were cut short, and it never updates a baseline.</div>`,
    `<nav class="toc">${toc}</nav>`,
    ...parts,
    '</section>',
  ]
    .filter((p) => p !== '')
    .join('\n');
}

function overview(machines: readonly HtmlMachine[]): string {
  const statuses = machines.map(machineStatus);
  const failed = statuses.filter((s) => s === 'fail').length;
  const passed = statuses.filter((s) => s === 'pass').length;
  const status: MachineStatus = failed > 0 ? 'fail' : passed > 0 ? 'pass' : 'neutral';
  const text =
    failed > 0
      ? `FAIL: ${failed} of ${machines.length} machines failed`
      : passed > 0
        ? `PASS: ${passed} of ${machines.length} machines passed${passed < machines.length ? ` (${machines.length - passed} not gated)` : ''}`
        : `measured, not gated: ${machines.length} machines`;
  return [
    `<h2 class="verdict ${status}" id="overall-verdict">${iconHtml(status)} <span class="verdict-text">${esc(text)}</span></h2>`,
    `<ul class="machines">${machines.map((m, i) => `<li class="${machineStatus(m)}"><a href="#m${i}">${esc(verdictText(m))}</a></li>`).join('')}</ul>`,
  ].join('\n');
}

const CSS = `
:root { color-scheme: light; --ink: #1f2328; --muted: #59636e; --line: #d0d7de; --soft: #f6f8fa; --pass: #1a7f37; --fail: #c62828; --warn: #9a6700; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #fff; }
main { max-width: 1240px; margin: 0 auto; padding: 16px 24px 48px; }
.page-title { font-size: 13px; font-weight: 600; color: var(--muted); margin: 0 0 8px; text-transform: none; }
h2 { font-size: 20px; margin: 16px 0 6px; }
h3 { font-size: 17px; margin: 0 0 8px; display: inline-block; }
h4 { font-size: 14px; margin: 18px 0 6px; }
code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--soft); padding: 1px 4px; border-radius: 4px; }
.verdict { padding: 10px 14px; border-radius: 8px; border: 1px solid var(--line); background: var(--soft); }
.verdict.pass { border-color: #4ac26b; background: #dafbe1; }
.verdict.fail { border-color: #ff8182; background: #ffebe9; }
.verdict .icon { display: inline-block; width: 1.45em; height: 1.45em; line-height: 1.45em; border-radius: 50%; text-align: center; font-size: 0.85em; vertical-align: 0.12em; color: #fff; background: var(--muted); margin-right: 4px; }
.verdict .icon.pass { background: var(--pass); }
.verdict .icon.fail { background: var(--fail); }
.verdict .on { font-weight: 400; font-size: 15px; color: var(--muted); }
.incomplete { color: var(--fail); }
.run-line { color: var(--muted); margin: 4px 0 8px; }
.toc { font-size: 13px; margin: 0 0 12px; }
.toc a, .machines a { color: #0969da; text-decoration: none; }
.toc a:hover, .machines a:hover { text-decoration: underline; }
.machines { padding-left: 20px; }
.machines-many .machine { border-top: 3px solid var(--line); margin-top: 32px; padding-top: 4px; }
.machine-title { font-size: 22px; }
.report-section { margin: 22px 0; }
.explain { color: var(--muted); margin: 4px 0 8px; max-width: 90ch; }
.callout { border-left: 5px solid var(--line); background: var(--soft); padding: 10px 14px; border-radius: 4px; margin: 6px 0 12px; }
.callout ul { margin: 6px 0 0; padding-left: 20px; }
.callout.ok { border-color: var(--pass); background: #f0fff4; }
.callout.reversal { border-color: var(--fail); background: #fff5f5; }
.callout.warn { border-color: var(--warn); background: #fff8c5; }
.table-wrap { overflow-x: auto; margin: 6px 0 10px; }
table { border-collapse: collapse; font-size: 13px; }
th, td { border: 1px solid var(--line); padding: 4px 8px; vertical-align: top; text-align: left; white-space: nowrap; }
table.friction-table { width: 100%; max-width: 1000px; }
th { background: var(--soft); font-weight: 600; white-space: nowrap; }
th[title] { cursor: help; text-decoration: underline dotted var(--muted); text-underline-offset: 3px; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
td.wrap { white-space: normal; min-width: 16ch; }
tbody tr:nth-child(even) { background: #fbfcfd; }
tr.reversal, tr.regression { background: #fff0f0 !important; }
tr.reversal td:first-child, tr.regression td:first-child { box-shadow: inset 4px 0 0 var(--fail); }
tr.failed { background: #fff8f0 !important; }
tr.reference-row { color: var(--muted); }
table.cases-table td:first-child code { overflow-wrap: anywhere; }
tr.group-row th { background: #eef1f4; text-align: left; }
.keys code { font-size: 11px; }
.value { white-space: nowrap; }
.value .ci { font-size: 11.5px; color: var(--muted); font-weight: 400; }
.value.better { color: var(--pass); font-weight: 600; }
.value.worse, .worse { color: #b35c00; font-weight: 600; }
.na, .reason { color: var(--muted); }
.reason { font-size: 12px; }
td .reason { display: block; white-space: normal; min-width: 16ch; max-width: 32ch; margin-left: auto; }
.error { color: var(--fail); white-space: pre-wrap; word-break: break-word; }
.missing { color: var(--warn); cursor: help; }
.tag { font-size: 11px; color: var(--muted); border: 1px solid var(--line); border-radius: 8px; padding: 0 5px; margin-left: 4px; }
.swatch { display: inline-block; width: 18px; height: 0; border-top: 3px solid var(--c); margin: 0 6px 3px 0; vertical-align: middle; }
.swatch.dashed { border-top-style: dashed; }
.compiler-heading { margin-top: 14px; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 520px), 1fr)); gap: 14px; margin: 8px 0 14px; }
.charts.wide { grid-template-columns: minmax(0, 1fr); max-width: 900px; }
.chart-box { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 4px; background: #fff; min-width: 0; }
svg.chart { display: block; width: 100%; height: auto; }
details > summary { cursor: pointer; }
details > summary h3 { margin: 0; }
details.orderings { margin-top: 8px; }
@media print { details { display: block; } .toc { display: none; } .charts { display: block; } .chart-box { break-inside: avoid; margin-bottom: 10px; } }
`;

/** The whole report as one self-contained HTML document. */
export function renderHtml(input: HtmlInput): string {
  const title = input.title ?? DEFAULT_HTML_TITLE;
  const styles = compilerStyles(input.machines);
  const multiple = input.machines.length > 1;
  const body: string[] = [`<p class="page-title">${esc(title)}</p>`];
  if (input.machines.length === 0) body.push(`<h2 class="verdict neutral" id="overall-verdict">${iconHtml('neutral')} <span class="verdict-text">No runs to report</span></h2>`);
  else if (multiple) body.push(overview(input.machines));
  if (input.crossHardware !== undefined && input.crossHardware.trim() !== '') {
    body.push(`<section class="cross-hardware report-section" id="cross-hardware">\n${input.crossHardware}\n</section>`);
  }
  body.push(`<div class="${multiple ? 'machines-many' : 'machines-one'}">`);
  input.machines.forEach((machine, i) => body.push(machineSection(machine, i, styles, multiple)));
  body.push('</div>');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${esc(HTML_CSP)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="generator" content="graph-compiler-bench">',
    `<title>${esc(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<main>',
    ...body,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
