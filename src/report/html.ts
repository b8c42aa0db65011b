/**
 * The HTML report: the full form of the report model, as one self-contained file (inline CSS and
 * static inline SVG; no scripts, fonts or images, and a Content-Security-Policy that forbids loading
 * anything). It walks the same model as the Markdown — every row of every table, every chart drawn as
 * SVG by `svg.ts` — and computes, selects and judges nothing. Several machines give one section each.
 */
import type { Block, Cell, Chart, Column, MachineReport, Report, ReportCompiler, Row, Section, Span, Status, Text, VerdictLine } from './model.ts';
import { dotChart, escapeXml, lineChart, MARKERS, PALETTE, REFERENCE_COLOUR, type MarkerShape } from './svg.ts';

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

/** Reference compilers: grey and dashed; the others take palette colours in id order. */
export function compilerStyles(compilers: readonly ReportCompiler[]): Map<string, CompilerStyle> {
  const styles = new Map<string, CompilerStyle>();
  let next = 0;
  for (const { id, reference } of [...compilers].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    if (reference) styles.set(id, { colour: REFERENCE_COLOUR, marker: 'circle', dashed: true, reference: true });
    else {
      styles.set(id, { colour: PALETTE[next % PALETTE.length] as string, marker: MARKERS[(next + 1) % MARKERS.length] as MarkerShape, dashed: false, reference: false });
      next++;
    }
  }
  return styles;
}

const FALLBACK_STYLE: CompilerStyle = { colour: '#000', marker: 'circle', dashed: false, reference: false };

// ---------------------------------------------------------------------------------------------
// Inline text, cells, blocks
// ---------------------------------------------------------------------------------------------

function span(s: Span): string {
  if (typeof s === 'string') return esc(s);
  if ('code' in s) return code(s.code);
  if ('strong' in s) return `<strong>${esc(s.strong)}</strong>`;
  if ('em' in s) return `<em>${esc(s.em)}</em>`;
  return `<sub>${esc(s.sub)}</sub>`;
}

const inline = (text: Text): string => text.map(span).join('');

const TONE_CLASS: Readonly<Record<string, string>> = { better: 'value better', worse: 'value worse', muted: 'na', error: 'error', keys: 'keys' };

function cellHtml(c: Cell): string {
  if (c.kind === 'text') {
    const body = inline(c.text);
    const title = c.title === undefined ? '' : ` title="${esc(c.title)}"`;
    const cls = c.tone === undefined ? '' : TONE_CLASS[c.tone] ?? '';
    return cls === '' && title === '' ? body : `<span${cls === '' ? '' : ` class="${cls}"`}${title}>${body}${c.title === undefined ? '' : ' <span class="missing">ⓘ</span>'}</span>`;
  }
  if (c.value === null) return `<span class="na">${esc(c.text)}</span>${c.note === null ? '' : ` <span class="reason">(${esc(c.note.full)})</span>`}`;
  const cls = c.tone === 'none' ? 'value' : `value ${c.tone}`;
  const title = c.note === null ? '' : ` title="${esc(c.note.full)}"`;
  return `<span class="${cls}"${title}>${esc(c.text)}${c.ci === null ? '' : ` <span class="ci">${esc(c.ci)}</span>`}${c.tone === 'flag' ? ' <span class="flag-mark">⚑</span>' : ''}</span>`;
}

const ROW_CLASS: Readonly<Record<string, string>> = {
  regression: 'regression',
  improvement: 'improvement',
  reversal: 'reversal',
  failed: 'failed',
  unavailable: 'unavailable',
  reference: 'reference-row',
  none: '',
};

const inFull = (form: Block['form'] | Section['form'] | Column['form']): boolean => form !== 'short';

function tableHtml(block: Extract<Block, { kind: 'table' }>): string {
  const columns = block.columns.map((c, i) => ({ c, i })).filter(({ c }) => inFull(c.form));
  const cls = (c: Column) => {
    const classes = [c.align === 'right' ? 'num' : '', c.wrap ? 'wrap' : ''].filter((x) => x !== '');
    return classes.length === 0 ? '' : ` class="${classes.join(' ')}"`;
  };
  const head = columns.map(({ c }) => `<th${cls(c)}${c.title === undefined ? '' : ` title="${esc(c.title)}"`} scope="col">${inline(c.header)}</th>`).join('');
  const rowHtml = (row: Row): string => {
    if (row.kind === 'group') return `<tr class="group-row"><th colspan="${columns.length}" scope="rowgroup">${inline(row.text)}</th></tr>`;
    const rowClass = ROW_CLASS[row.tone] ?? '';
    const cells = columns.map(({ c, i }) => `<td${cls(c)}>${row.cells[i] === undefined ? '' : cellHtml(row.cells[i]!)}</td>`).join('');
    return `<tr${rowClass === '' ? '' : ` class="${rowClass}"`}>${cells}</tr>`;
  };
  const tableOf = (rows: readonly Row[]) =>
    `<div class="table-wrap"><table class="${esc(block.name)}-table">\n<thead><tr>${head}</tr></thead>\n<tbody>\n${rows.map(rowHtml).join('\n')}\n</tbody></table></div>`;
  const split = block.fullLead ?? block.rows.length;
  if (split >= block.rows.length) return tableOf(block.rows);
  const more = block.rows.length - split;
  return `${tableOf(block.rows.slice(0, split))}\n<details class="more-rows"><summary>${more} more row${more === 1 ? '' : 's'}</summary>\n${tableOf(block.rows.slice(split))}\n</details>`;
}

function listHtml(block: Extract<Block, { kind: 'list' }>): string {
  const items = block.items.map((item) => {
    const more = item.more === undefined ? '' : `<details class="more"><summary>${inline(item.more.summary)}</summary><ul>${item.more.items.map((t) => `<li>${inline(t)}</li>`).join('')}</ul></details>`;
    return `<li>${inline(item.text)}${more}</li>`;
  });
  return `<ul class="items">${items.join('')}</ul>`;
}

const CALLOUT_CLASS: Readonly<Record<string, string>> = { ok: 'ok', fail: 'reversal', warn: 'warn', info: 'info' };

function blockHtml(b: Block, styles: ReadonlyMap<string, CompilerStyle>): string {
  if (!inFull(b.form)) return '';
  switch (b.kind) {
    case 'paragraph':
      return `<p class="${b.role ?? 'plain'}">${inline(b.text)}</p>`;
    case 'callout':
      return `<div class="callout ${CALLOUT_CLASS[b.tone] ?? ''}" role="note">${inline(b.text)}</div>`;
    case 'table':
      return tableHtml(b);
    case 'list':
      return listHtml(b);
    case 'details':
      return `<details class="inner"><summary>${inline(b.summary)}</summary>\n${blocksHtml(b.blocks, styles)}\n</details>`;
    case 'chart': {
      const svg = chartHtml(b.chart, styles);
      return svg === '' ? '' : `<figure class="chart-box">${svg}</figure>`;
    }
  }
}

/** Blocks in order; consecutive charts share one grid. */
function blocksHtml(list: readonly Block[], styles: ReadonlyMap<string, CompilerStyle>): string {
  const out: string[] = [];
  let charts: string[] = [];
  const flush = () => {
    if (charts.length > 0) out.push(`<div class="charts${charts.length === 1 && charts[0]!.includes('data-chart="friction-beta"') ? ' wide' : ''}">\n${charts.join('\n')}\n</div>`);
    charts = [];
  };
  for (const b of list) {
    const html = blockHtml(b, styles);
    if (html === '') continue;
    if (b.kind === 'chart') charts.push(html);
    else {
      flush();
      out.push(html);
    }
  }
  flush();
  return out.join('\n');
}

function chartHtml(chart: Chart, styles: ReadonlyMap<string, CompilerStyle>): string {
  const style = (name: string) => styles.get(name) ?? FALLBACK_STYLE;
  if (chart.kind === 'dots') {
    return dotChart({
      kind: chart.chartKind,
      title: chart.title,
      subtitle: chart.subtitle,
      axis: { label: chart.axis.label, scale: chart.axis.scale, ...(chart.axis.include ? { include: chart.axis.include } : {}) },
      referenceLines: chart.referenceLines,
      rows: chart.rows.map((r) => ({ label: r.label, group: r.group, value: r.value, low: r.low, high: r.high, colour: style(r.label).colour, marker: style(r.label).marker, note: r.note, tooltip: r.tooltip })),
      width: 820,
    });
  }
  const format = (v: number): string => String(v);
  return lineChart({
    kind: chart.chartKind,
    title: chart.title,
    subtitle: chart.subtitle,
    x: { label: chart.x.label, scale: chart.x.scale, ...(chart.x.ticks ? { ticks: chart.x.ticks } : {}), format },
    y: { label: chart.y.label, scale: chart.y.scale, ...(chart.y.include ? { include: chart.y.include } : {}) },
    referenceLines: chart.referenceLines,
    ...(chart.regionLabels ? { regionLabels: chart.regionLabels } : {}),
    ...(chart.highlightLabel ? { highlightLabel: chart.highlightLabel } : {}),
    series: chart.series.map((s) => ({ name: s.name, colour: style(s.name).colour, marker: style(s.name).marker, dashed: style(s.name).dashed, points: s.points })),
  });
}

// ---------------------------------------------------------------------------------------------
// Sections, verdicts, machines, page
// ---------------------------------------------------------------------------------------------

function sectionHtml(s: Section, styles: ReadonlyMap<string, CompilerStyle>): string {
  if (!inFull(s.form)) return '';
  const tone = s.tone === 'fail' ? ' has-findings' : '';
  const body = blocksHtml(s.blocks, styles);
  if (s.collapsed) {
    return `<section class="report-section${tone}" id="${esc(s.id)}"><details class="section-details ${esc(s.kind)}"><summary><h3>${esc(s.title)}</h3></summary>\n${body}\n</details></section>`;
  }
  return `<section class="report-section${tone}" id="${esc(s.id)}">\n<h3>${esc(s.title)}</h3>\n${body}\n</section>`;
}

/** Status glyphs present in common text fonts (emoji fonts are often missing on CI machines and servers). */
export const STATUS_ICON: Readonly<Record<Status, string>> = { pass: '✓', fail: '✗', neutral: '○' };
const iconHtml = (status: Status): string => `<span class="icon ${status}" aria-hidden="true">${STATUS_ICON[status]}</span>`;

/** The verdict line as plain text (as in the Markdown, without its formatting). */
export function verdictText(v: VerdictLine): string {
  return `${STATUS_ICON[v.status]} ${v.text} — graph-compiler-bench${v.hardwareId === null ? '' : ` on ${v.hardwareId}`}${v.incomplete && v.hardwareId !== null ? ' · INCOMPLETE RUN' : ''}`;
}

function verdictHeading(v: VerdictLine, id: string): string {
  const partial = v.incomplete && v.hardwareId !== null ? ` · <strong class="incomplete">INCOMPLETE RUN</strong>${v.interruptedBy ? ` (${esc(v.interruptedBy)})` : ''}` : '';
  const on = v.hardwareId === null ? '' : ` <span class="on">— graph-compiler-bench on ${code(v.hardwareId)}${partial}</span>`;
  return `<h2 class="verdict ${v.status}" id="${esc(id)}">${iconHtml(v.status)} <span class="verdict-text">${esc(v.text)}</span>${on}</h2>`;
}

function machineHtml(m: MachineReport, index: number, report: Report, styles: ReadonlyMap<string, CompilerStyle>): string {
  const several = report.machines.length > 1;
  const sections = [...(several || report.headline === null ? [] : [report.headline]), ...m.sections].filter((s) => inFull(s.form));
  const toc = sections.map((s) => `<a href="#${esc(s.id)}">${esc(s.title.replace(/ \(\d+\).*$/, '').replace(/:.*$/, ''))}</a>`).join(' · ');
  return [
    `<section class="machine" id="${esc(m.id)}" data-hardware="${esc(m.hardwareId)}">`,
    several ? `<h2 class="machine-title">Machine ${index + 1}: ${code(m.hardwareId)}</h2>` : '',
    verdictHeading(m.verdict, `${m.id}-verdict`),
    `<p class="run-line">${inline(m.runLine)}</p>`,
    ...m.callouts.map((c) => blockHtml(c, styles)),
    `<nav class="toc">${toc}</nav>`,
    ...sections.map((s) => sectionHtml(s, styles)),
    '</section>',
  ]
    .filter((p) => p !== '')
    .join('\n');
}

/** The whole report as one self-contained HTML document. */
export function renderHtml(report: Report): string {
  const title = report.title;
  const styles = compilerStyles(report.compilers);
  const several = report.machines.length > 1;
  const body: string[] = [`<p class="page-title">${esc(title)}</p>`];
  if (report.machines.length === 0) body.push(`<h2 class="verdict neutral" id="overall-verdict">${iconHtml('neutral')} <span class="verdict-text">No runs to report</span></h2>`);
  if (report.overall !== null) {
    body.push(
      verdictHeading(report.overall, 'overall-verdict'),
      `<ul class="machines">${report.machineVerdicts.map((v, i) => `<li class="${v.status}"><a href="#m${i}">${esc(verdictText(v))}</a></li>`).join('')}</ul>`,
    );
    if (report.headline !== null) body.push(sectionHtml(report.headline, styles));
  }
  if (report.crossHardware !== null) body.push(sectionHtml(report.crossHardware, styles).replace('class="report-section', 'class="cross-hardware report-section'));
  body.push(`<div class="${several ? 'machines-many' : 'machines-one'}">`);
  report.machines.forEach((m, i) => body.push(machineHtml(m, i, report, styles)));
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
.lead { margin: 4px 0 10px; max-width: 100ch; font-size: 15px; }
.has-findings > h3, .has-findings > details > summary h3 { color: var(--fail); }
ul.items { margin: 6px 0 10px; padding-left: 20px; }
ul.items > li { margin: 3px 0; }
details.more { margin: 2px 0 4px; font-size: 13px; }
details.more > summary { color: var(--muted); }
details.more ul { max-height: 320px; overflow: auto; margin: 4px 0; }
details.inner { margin-top: 8px; }
tr.improvement td:first-child { box-shadow: inset 4px 0 0 var(--pass); }
tr.unavailable { color: var(--muted); }
.value.flag { color: var(--warn); font-weight: 600; cursor: help; }
.keys code { display: block; font-size: 11px; margin: 1px 0; }
table.reversals-table code, table.headline-table code, table.friction-table code, table.depth-table code, table.compile-table code { white-space: nowrap; }
table.headline-table th { white-space: normal; vertical-align: bottom; }
table.changes-table td:last-child { min-width: 36ch; }
details.more-rows > summary { color: var(--muted); margin: 2px 0 8px; }
.flag-mark { color: var(--warn); }
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
@media print { details { display: block; } .toc { display: none; } .charts { display: block; } .chart-box { break-inside: avoid; margin-bottom: 10px; } }
`;
