/**
 * A small static-SVG chart kit for the HTML report: line charts (linear or log axes, CI whiskers,
 * highlighted points, reference lines, legend) and horizontal dot-and-whisker charts. Everything is
 * built as strings, so a chart renders without scripts. Render only: every number comes from the
 * caller. All text is escaped here; callers pass plain strings.
 *
 * Text widths are estimated (no DOM): `textWidth` over-estimates a little, and layouts leave room for
 * that, so labels do not collide in common sans-serif fonts.
 */

export type Scale = 'linear' | 'log';
export type MarkerShape = 'circle' | 'square' | 'triangle' | 'diamond' | 'triangle-down' | 'cross';

/** Escapes text for HTML/SVG content and double- or single-quoted attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string);
}

/** Colour-blind-safe series colours (Okabe–Ito without yellow, plus a few); red is kept for highlights. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#8C6D31', '#7570B3', '#1B1B1B'] as const;
/** Colour of reference compilers and reference lines. */
export const REFERENCE_COLOUR = '#6B6B6B';
/** Colour and dash pattern of reference lines (speedup 1×, ratio 1, β = 0/1): unlike any series style. */
export const REFERENCE_LINE_COLOUR = '#3D3D3D';
export const REFERENCE_LINE_DASH = '2 3';
const SERIES_DASH = '7 4';
/** Colour of highlights (reversals). */
export const HIGHLIGHT_COLOUR = '#C62828';
export const MARKERS: readonly MarkerShape[] = ['circle', 'square', 'triangle', 'diamond', 'triangle-down', 'cross'];

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
const INK = '#1F2328';
const MUTED = '#59636E';
const GRID = '#E3E6EA';

/** Estimated width of `text` at `size` px: a conservative average advance for sans-serif fonts. */
export function textWidth(text: string, size = 11): number {
  let units = 0;
  for (const ch of text) {
    if ('il.,:;|!\'’ '.includes(ch)) units += 0.3;
    else if ('mwMW@'.includes(ch)) units += 0.9;
    else if (/[A-Z0-9]/.test(ch)) units += 0.64;
    else units += 0.56;
  }
  return units * size;
}

/** Compact number for tick labels: `0.02`, `0.5`, `3`, `20`, `1.5k`. */
export function formatTick(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${trim((value / 1e6).toPrecision(3))}M`;
  if (abs >= 1e4) return `${trim((value / 1e3).toPrecision(3))}k`;
  if (abs >= 1) return trim(value.toPrecision(4));
  return trim(value.toPrecision(2));
}

function trim(text: string): string {
  if (!text.includes('.') || text.includes('e')) return text;
  return text.replace(/0+$/, '').replace(/\.$/, '');
}

const num = (value: number): string => (Math.round(value * 10) / 10).toString();

// ---------------------------------------------------------------------------------------------
// Ticks and scales
// ---------------------------------------------------------------------------------------------

/** "Nice" linear ticks (steps 1, 2, 2.5 or 5 × 10^k) covering [min, max]. */
export function linearTicks(min: number, max: number, count = 5): number[] {
  if (!(Number.isFinite(min) && Number.isFinite(max))) return [];
  if (min === max) return [min];
  const step = niceStep((max - min) / Math.max(1, count));
  const first = Math.ceil(min / step - 1e-9) * step;
  const out: number[] = [];
  for (let v = first; v <= max + step * 1e-9; v += step) out.push(roundTo(v, step));
  return out;
}

function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

function roundTo(value: number, step: number): number {
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 2);
  return Number(value.toFixed(Math.min(20, digits)));
}

/** Mantissas used for log ticks, densest first, by how many decades the axis spans. */
function logMantissas(decades: number): number[] {
  if (decades >= 3) return [1];
  if (decades >= 1.2) return [1, 2, 5];
  if (decades >= 0.5) return [1, 2, 3, 5];
  return [1, 1.5, 2, 3, 4, 5, 6, 8];
}

function logCandidates(min: number, max: number, mantissas: readonly number[], decadeStep = 1): number[] {
  const out: number[] = [];
  const lo = Math.floor(Math.log10(min)) - 1;
  const hi = Math.ceil(Math.log10(max)) + 1;
  for (let e = lo; e <= hi; e++) {
    if ((e - lo) % decadeStep !== 0 && mantissas.length === 1) continue;
    for (const m of mantissas) out.push(Number((m * 10 ** e).toPrecision(12)));
  }
  return out;
}

/**
 * Log-axis ticks inside [min, max] (both > 0): powers of ten on wide ranges, 1-2-5 or finer on narrow
 * ones, so there are always a few labelled ticks.
 */
export function logTicks(min: number, max: number): number[] {
  if (!(min > 0 && max > 0 && Number.isFinite(min) && Number.isFinite(max))) return [];
  if (min === max) return [min];
  const decades = Math.log10(max / min);
  const inside = (v: number) => v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9);
  if (decades > 8) return logCandidates(min, max, [1], Math.ceil(decades / 6)).filter(inside);
  // The coarsest set of mantissas that still gives at least 4 ticks (or the finest one).
  const sets = [[1], [1, 2, 5], [1, 2, 3, 5], [1, 1.5, 2, 3, 4, 5, 6, 8]];
  let ticks: number[] = [];
  for (const mantissas of sets) {
    ticks = logCandidates(min, max, mantissas).filter(inside);
    if (ticks.length >= 4) break;
  }
  return ticks;
}

/** Widens [min, max] outwards to the nearest log tick candidates, so the axis ends on labelled ticks. */
function niceLogDomain(min: number, max: number): [number, number] {
  const decades = Math.log10(max / min);
  const candidates = logCandidates(min, max, logMantissas(Math.max(decades, 0.01)));
  const lo = [...candidates].reverse().find((v) => v <= min * (1 + 1e-9)) ?? min;
  const hi = candidates.find((v) => v >= max * (1 - 1e-9)) ?? max;
  // Do not let the widening more than double the span in log space on narrow ranges.
  const span = Math.log10(max / min) || 0.1;
  const limit = Math.max(span, 0.15);
  return [Math.log10(min / lo) > limit ? min / 10 ** (limit / 2) : lo, Math.log10(hi / max) > limit ? max * 10 ** (limit / 2) : hi];
}

export interface Axis {
  readonly label: string;
  readonly scale: Scale;
  /** Explicit tick values (e.g. the batch sizes measured); otherwise nice ticks are chosen. */
  readonly ticks?: readonly number[];
  /** Values the domain must include (e.g. 0 or 1). */
  readonly include?: readonly number[];
  /** Tick label formatter. @default formatTick */
  readonly format?: (value: number) => string;
}

interface ResolvedAxis {
  readonly min: number;
  readonly max: number;
  readonly ticks: readonly number[];
  readonly scale: Scale;
  /** 0..1 along the axis. */
  readonly frac: (value: number) => number;
  readonly format: (value: number) => string;
}

function resolveAxis(axis: Axis, values: readonly number[], explicitPadding: boolean): ResolvedAxis {
  const usable = [...values, ...(axis.include ?? []), ...(axis.ticks ?? [])].filter((v) => Number.isFinite(v) && (axis.scale === 'linear' || v > 0));
  const format = axis.format ?? formatTick;
  let min = usable.length === 0 ? (axis.scale === 'log' ? 1 : 0) : Math.min(...usable);
  let max = usable.length === 0 ? (axis.scale === 'log' ? 10 : 1) : Math.max(...usable);
  let ticks: number[];
  if (axis.scale === 'log') {
    if (min === max) {
      min /= 2;
      max *= 2;
    }
    if (axis.ticks !== undefined || explicitPadding) {
      const pad = Math.max(Math.log10(max / min) * 0.08, 0.06);
      min /= 10 ** pad;
      max *= 10 ** pad;
    } else {
      [min, max] = niceLogDomain(min, max);
    }
    ticks = axis.ticks !== undefined ? [...axis.ticks] : logTicks(min, max);
    const lmin = Math.log10(min);
    const span = Math.log10(max) - lmin;
    return { min, max, ticks, scale: 'log', format, frac: (v) => (Math.log10(v) - lmin) / span };
  }
  if (min === max) {
    const pad = Math.abs(min) * 0.1 || 1;
    min -= pad;
    max += pad;
  }
  if (axis.ticks !== undefined || explicitPadding) {
    const pad = (max - min) * 0.06;
    min -= pad;
    max += pad;
    ticks = axis.ticks !== undefined ? [...axis.ticks] : linearTicks(min, max);
  } else {
    const step = niceStep((max - min) / 5);
    min = Math.floor(min / step + 1e-9) * step;
    max = Math.ceil(max / step - 1e-9) * step;
    ticks = linearTicks(min, max);
  }
  const span = max - min;
  return { min, max, ticks, scale: 'linear', format, frac: (v) => (v - min) / span };
}

// ---------------------------------------------------------------------------------------------
// Pieces
// ---------------------------------------------------------------------------------------------

/** A marker centred on (x, y) as an SVG path `d`. */
export function markerPath(shape: MarkerShape, x: number, y: number, r = 4): string {
  const p = (dx: number, dy: number) => `${num(x + dx)},${num(y + dy)}`;
  switch (shape) {
    case 'square':
      return `M${p(-r * 0.85, -r * 0.85)}L${p(r * 0.85, -r * 0.85)}L${p(r * 0.85, r * 0.85)}L${p(-r * 0.85, r * 0.85)}Z`;
    case 'triangle':
      return `M${p(0, -r * 1.1)}L${p(r, r * 0.8)}L${p(-r, r * 0.8)}Z`;
    case 'triangle-down':
      return `M${p(0, r * 1.1)}L${p(r, -r * 0.8)}L${p(-r, -r * 0.8)}Z`;
    case 'diamond':
      return `M${p(0, -r * 1.2)}L${p(r * 1.1, 0)}L${p(0, r * 1.2)}L${p(-r * 1.1, 0)}Z`;
    case 'cross':
      return `M${p(-r, -r)}L${p(r, r)}M${p(r, -r)}L${p(-r, r)}`;
    case 'circle':
    default:
      return `M${p(-r, 0)}A${num(r)},${num(r)} 0 1,0 ${p(r, 0)}A${num(r)},${num(r)} 0 1,0 ${p(-r, 0)}Z`;
  }
}

function marker(shape: MarkerShape, x: number, y: number, colour: string, r = 4): string {
  const stroke = shape === 'cross' ? `stroke="${colour}" stroke-width="2" fill="none"` : `fill="${colour}" stroke="#fff" stroke-width="1"`;
  return `<path class="marker" d="${markerPath(shape, x, y, r)}" ${stroke}/>`;
}

function text(x: number, y: number, content: string, attrs: Record<string, string | number> = {}): string {
  const extra = Object.entries({ 'font-size': 11, fill: INK, ...attrs })
    .map(([k, v]) => `${k}="${escapeXml(String(v))}"`)
    .join(' ');
  return `<text x="${num(x)}" y="${num(y)}" ${extra}>${escapeXml(content)}</text>`;
}

function svgOpen(kind: string, width: number, height: number, title: string, description: string): string {
  return (
    `<svg class="chart" data-chart="${escapeXml(kind)}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${num(width)} ${num(height)}" ` +
    `width="${num(width)}" height="${num(height)}" role="img" aria-label="${escapeXml(title)}" font-family="${escapeXml(FONT)}">` +
    `<title>${escapeXml(title)}</title><desc>${escapeXml(description)}</desc>` +
    `<rect class="background" x="0" y="0" width="${num(width)}" height="${num(height)}" fill="#fff"/>`
  );
}

/** `text`, cut with an ellipsis to fit `width` px (the full text belongs in a tooltip). */
export function fitText(content: string, width: number, size = 11): string {
  if (textWidth(content, size) <= width) return content;
  let out = content;
  while (out.length > 1 && textWidth(`${out}…`, size) > width) out = out.slice(0, -1);
  return `${out.trimEnd()}…`;
}

/** Splits text into lines no wider than `width` px (at `size`). */
function wrap(content: string, width: number, size: number): string[] {
  const words = content.split(/\s+/).filter((w) => w !== '');
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const next = line === '' ? word : `${line} ${word}`;
    if (line !== '' && textWidth(next, size) > width) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line !== '') lines.push(line);
  return lines;
}

function titleBlock(title: string, subtitle: string | undefined, width: number): { svg: string; height: number } {
  const parts: string[] = [];
  let y = 20;
  for (const line of wrap(title, width - 24, 13)) {
    parts.push(text(12, y, line, { 'font-size': 13, 'font-weight': 600 }));
    y += 17;
  }
  if (subtitle !== undefined && subtitle !== '') {
    for (const line of wrap(subtitle, width - 24, 11)) {
      parts.push(text(12, y - 2, line, { fill: MUTED }));
      y += 14;
    }
  }
  return { svg: parts.join(''), height: y };
}

export interface LegendItem {
  readonly name: string;
  readonly colour: string;
  readonly marker?: MarkerShape;
  /** stroke-dasharray of the line, e.g. SERIES_DASH. */
  readonly dash?: string;
  readonly width?: number;
  /** A ring instead of a line, for highlights. */
  readonly ring?: boolean;
}

/** Legend items laid out left to right, wrapping at `width`; returns the SVG and the height used. */
function legend(items: readonly LegendItem[], x0: number, y0: number, width: number): { svg: string; height: number } {
  if (items.length === 0) return { svg: '', height: 0 };
  const parts: string[] = ['<g class="legend">'];
  let x = x0;
  let y = y0 + 8;
  for (const item of items) {
    const w = 30 + textWidth(item.name, 11) + 16;
    if (x > x0 && x + w > x0 + width) {
      x = x0;
      y += 18;
    }
    parts.push('<g class="legend-item">');
    if (item.ring) {
      parts.push(`<circle cx="${num(x + 11)}" cy="${num(y)}" r="6" fill="none" stroke="${item.colour}" stroke-width="2"/>`);
    } else {
      parts.push(
        `<line x1="${num(x)}" y1="${num(y)}" x2="${num(x + 22)}" y2="${num(y)}" stroke="${item.colour}" stroke-width="${item.width ?? 2}"${item.dash ? ` stroke-dasharray="${item.dash}"` : ''}/>`,
      );
      if (item.marker !== undefined) parts.push(marker(item.marker, x + 11, y, item.colour, 3.5));
    }
    parts.push(text(x + 28, y + 4, item.name), '</g>');
    x += w;
  }
  parts.push('</g>');
  return { svg: parts.join(''), height: y - y0 + 12 };
}

// ---------------------------------------------------------------------------------------------
// Line chart
// ---------------------------------------------------------------------------------------------

export interface LinePoint {
  readonly x: number;
  /** Null: a gap (not measured). */
  readonly y: number | null;
  /** Confidence interval, drawn as a whisker. */
  readonly low?: number | null;
  readonly high?: number | null;
  /** Tooltip text (an SVG <title>); default `name: x, y`. */
  readonly tooltip?: string;
  /** Ringed in the highlight colour (e.g. a reversal). */
  readonly highlight?: boolean;
}

export interface LineSeries {
  readonly name: string;
  readonly colour: string;
  readonly marker?: MarkerShape;
  readonly dashed?: boolean;
  readonly points: readonly LinePoint[];
}

export interface ReferenceLine {
  readonly value: number;
  readonly label: string;
}

export interface LineChartSpec {
  /** `data-chart` attribute: what kind of chart this is (tests and styling select on it). */
  readonly kind: string;
  readonly title: string;
  readonly subtitle?: string;
  readonly x: Axis;
  readonly y: Axis;
  readonly series: readonly LineSeries[];
  /** Horizontal lines at y = value (e.g. speedup 1.0). */
  readonly referenceLines?: readonly ReferenceLine[];
  /** Labels drawn inside the plot near the top and bottom edge, e.g. which side is faster. */
  readonly regionLabels?: { readonly above: string; readonly below: string };
  /** Legend entry explaining highlighted points; shown only when a point is highlighted. */
  readonly highlightLabel?: string;
  /** @default 600 */
  readonly width?: number;
  /** Plot area height. @default 230 */
  readonly plotHeight?: number;
}

const usableOn = (scale: Scale) => (v: number | null | undefined): v is number =>
  v !== null && v !== undefined && Number.isFinite(v) && (scale === 'linear' || v > 0);

/** A line chart as one `<svg>` element. Returns '' when no series has a drawable point. */
export function lineChart(spec: LineChartSpec): string {
  const okX = usableOn(spec.x.scale);
  const okY = usableOn(spec.y.scale);
  const drawable = spec.series.filter((s) => s.points.some((p) => okX(p.x) && okY(p.y)));
  if (drawable.length === 0) return '';
  const width = spec.width ?? 600;
  const plotHeight = spec.plotHeight ?? 230;

  const xs = drawable.flatMap((s) => s.points.map((p) => p.x)).filter(okX);
  const ys = drawable.flatMap((s) => s.points.flatMap((p) => (okY(p.y) ? [p.y, p.low, p.high] : []))).filter(okY);
  const refValues = (spec.referenceLines ?? []).map((r) => r.value).filter(okY);
  const xAxis = resolveAxis(spec.x, xs, true);
  const yAxis = resolveAxis({ ...spec.y, include: [...(spec.y.include ?? []), ...refValues] }, ys, false);

  const yLabels = yAxis.ticks.map((t) => yAxis.format(t));
  const left = 14 + 16 + Math.max(24, ...yLabels.map((l) => textWidth(l, 11))) + 8;
  const right = 18;
  const head = titleBlock(spec.title, spec.subtitle, width);
  const top = head.height + 10;
  const plotWidth = width - left - right;
  const px = (v: number) => left + xAxis.frac(v) * plotWidth;
  const py = (v: number) => top + (1 - yAxis.frac(v)) * plotHeight;
  const bottomAxis = top + plotHeight;

  const refLines = (spec.referenceLines ?? []).filter((r) => okY(r.value));
  const legendItems: LegendItem[] = drawable.map((s) => ({ name: s.name, colour: s.colour, marker: s.marker ?? 'circle', ...(s.dashed ? { dash: SERIES_DASH } : {}) }));
  for (const ref of refLines) legendItems.push({ name: ref.label, colour: REFERENCE_LINE_COLOUR, dash: REFERENCE_LINE_DASH, width: 1.5 });
  const anyHighlight = drawable.some((s) => s.points.some((p) => p.highlight === true && okX(p.x) && okY(p.y)));
  if (anyHighlight && spec.highlightLabel !== undefined) legendItems.push({ name: spec.highlightLabel, colour: HIGHLIGHT_COLOUR, ring: true });
  const legendBlock = legend(legendItems, left, bottomAxis + 46, plotWidth);
  const height = bottomAxis + 46 + legendBlock.height + 8;

  const parts: string[] = [svgOpen(spec.kind, width, height, spec.title, describe(spec, drawable)), head.svg];

  // Grid and y ticks.
  parts.push('<g class="axis y-axis">');
  let lastY = Infinity;
  yAxis.ticks.forEach((t, i) => {
    const y = py(t);
    if (y < top - 0.5 || y > bottomAxis + 0.5) return;
    parts.push(`<line class="grid" x1="${num(left)}" y1="${num(y)}" x2="${num(left + plotWidth)}" y2="${num(y)}" stroke="${GRID}" stroke-width="1"/>`);
    // Ticks go upwards; a label closer than a line height to the previous one is left out (its grid line stays).
    if (lastY - y >= 14) {
      parts.push(text(left - 6, y + 4, yLabels[i] ?? '', { 'text-anchor': 'end', fill: MUTED, class: 'tick-label' }));
      lastY = y;
    }
  });
  const yMid = top + plotHeight / 2;
  parts.push(
    `<text x="14" y="${num(yMid)}" font-size="11" fill="${INK}" text-anchor="middle" transform="rotate(-90 14 ${num(yMid)})" class="axis-label">${escapeXml(
      spec.y.label + (spec.y.scale === 'log' ? ' (log scale)' : ''),
    )}</text>`,
  );
  parts.push('</g>');

  // X ticks, skipping labels that would collide with the previous one.
  parts.push('<g class="axis x-axis">');
  let lastRight = -Infinity;
  for (const t of xAxis.ticks) {
    if (!okX(t)) continue;
    const x = px(t);
    if (x < left - 0.5 || x > left + plotWidth + 0.5) continue;
    parts.push(`<line class="grid" x1="${num(x)}" y1="${num(top)}" x2="${num(x)}" y2="${num(bottomAxis)}" stroke="${GRID}" stroke-width="1"/>`);
    parts.push(`<line x1="${num(x)}" y1="${num(bottomAxis)}" x2="${num(x)}" y2="${num(bottomAxis + 4)}" stroke="${MUTED}"/>`);
    const label = xAxis.format(t);
    const w = textWidth(label, 11);
    if (x - w / 2 > lastRight + 4) {
      parts.push(text(x, bottomAxis + 16, label, { 'text-anchor': 'middle', fill: MUTED, class: 'tick-label' }));
      lastRight = x + w / 2;
    }
  }
  parts.push(
    text(left + plotWidth / 2, bottomAxis + 34, spec.x.label + (spec.x.scale === 'log' ? ' (log scale)' : ''), { 'text-anchor': 'middle', class: 'axis-label' }),
  );
  parts.push('</g>');

  // Frame.
  parts.push(
    `<path class="frame" d="M${num(left)},${num(top)}V${num(bottomAxis)}H${num(left + plotWidth)}" fill="none" stroke="${MUTED}" stroke-width="1"/>`,
  );

  // Region labels and reference lines.
  for (const ref of refLines) {
    const y = py(ref.value);
    parts.push(
      `<line class="reference-line" x1="${num(left)}" y1="${num(y)}" x2="${num(left + plotWidth)}" y2="${num(y)}" stroke="${REFERENCE_LINE_COLOUR}" stroke-width="1.5" stroke-dasharray="${REFERENCE_LINE_DASH}"><title>${escapeXml(ref.label)}</title></line>`,
    );
  }

  // Series: whiskers, line, markers, highlight rings.
  [...drawable.filter((s) => !s.dashed), ...drawable.filter((s) => s.dashed)].forEach((s) => {
    const shape = s.marker ?? 'circle';
    const pts = [...s.points].filter((p) => okX(p.x)).sort((a, b) => a.x - b.x);
    const g: string[] = [`<g class="series-group" data-series="${escapeXml(s.name)}">`];
    for (const p of pts) {
      if (!okY(p.y) || !okY(p.low) || !okY(p.high)) continue;
      const x = px(p.x);
      const y1 = py(p.low);
      const y2 = py(p.high);
      if (Math.abs(y1 - y2) < 1) continue;
      g.push(
        `<path class="whisker" d="M${num(x)},${num(y1)}V${num(y2)}M${num(x - 3)},${num(y1)}H${num(x + 3)}M${num(x - 3)},${num(y2)}H${num(x + 3)}" stroke="${s.colour}" stroke-width="1.2" fill="none" opacity="0.8"/>`,
      );
    }
    let d = '';
    let pen = false;
    for (const p of pts) {
      if (!okY(p.y)) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${num(px(p.x))},${num(py(p.y))}`;
      pen = true;
    }
    if (d !== '') {
      g.push(
        `<path class="series" d="${d}" fill="none" stroke="${s.colour}" stroke-width="2" stroke-linejoin="round"${s.dashed ? ` stroke-dasharray="${SERIES_DASH}"` : ''}/>`,
      );
    }
    for (const p of pts) {
      if (!okY(p.y)) continue;
      const x = px(p.x);
      const y = py(p.y);
      const tip = p.tooltip ?? `${s.name}: ${spec.x.label} ${xAxis.format(p.x)}, ${spec.y.label} ${formatTick(p.y)}`;
      g.push(`<g class="point"><title>${escapeXml(tip)}</title>${marker(shape, x, y, s.colour)}`);
      if (p.highlight === true) {
        g.push(`<circle class="highlight" cx="${num(x)}" cy="${num(y)}" r="8.5" fill="none" stroke="${HIGHLIGHT_COLOUR}" stroke-width="2.2"/>`);
      }
      g.push('</g>');
    }
    g.push('</g>');
    parts.push(g.join(''));
  });

  if (spec.regionLabels !== undefined) {
    const halo = { 'font-style': 'italic', fill: MUTED, stroke: '#fff', 'stroke-width': 3, 'paint-order': 'stroke', 'text-anchor': 'end', class: 'region-label' };
    parts.push(text(left + plotWidth - 6, top + 13, spec.regionLabels.above, halo));
    parts.push(text(left + plotWidth - 6, bottomAxis - 6, spec.regionLabels.below, halo));
  }
  parts.push(legendBlock.svg, '</svg>');
  return parts.join('');
}

function describe(spec: LineChartSpec, series: readonly LineSeries[]): string {
  return `${spec.y.label} against ${spec.x.label}; lines: ${series.map((s) => s.name).join(', ')}.`;
}

// ---------------------------------------------------------------------------------------------
// Dot-and-whisker chart (horizontal)
// ---------------------------------------------------------------------------------------------

export interface DotRow {
  readonly label: string;
  /** Rows with the same group are drawn under one group heading, in order of first appearance. */
  readonly group?: string;
  readonly value: number | null;
  readonly low?: number | null;
  readonly high?: number | null;
  readonly colour: string;
  readonly marker?: MarkerShape;
  /** Text at the right end of the row, e.g. the value with its CI, or why there is none. */
  readonly note?: string;
  readonly highlight?: boolean;
  readonly tooltip?: string;
}

export interface DotChartSpec {
  readonly kind: string;
  readonly title: string;
  readonly subtitle?: string;
  readonly axis: Axis;
  readonly rows: readonly DotRow[];
  /** Vertical lines at x = value. */
  readonly referenceLines?: readonly ReferenceLine[];
  /** @default 640 */
  readonly width?: number;
}

/** One row per item: a marker at the value with a whisker for its CI; '' when there are no rows. */
export function dotChart(spec: DotChartSpec): string {
  if (spec.rows.length === 0) return '';
  const width = spec.width ?? 640;
  const ok = usableOn(spec.axis.scale);
  const values = spec.rows.flatMap((r) => [r.value, r.low, r.high]).filter(ok);
  const refs = (spec.referenceLines ?? []).filter((r) => ok(r.value));
  const axis = resolveAxis({ ...spec.axis, include: [...(spec.axis.include ?? []), ...refs.map((r) => r.value)] }, values, false);

  const groups: string[] = [];
  for (const r of spec.rows) if (r.group !== undefined && !groups.includes(r.group)) groups.push(r.group);
  const ungrouped = spec.rows.filter((r) => r.group === undefined);
  const ordered: ({ heading: string } | DotRow)[] = [
    ...ungrouped,
    ...groups.flatMap((g) => [{ heading: g }, ...spec.rows.filter((r) => r.group === g)]),
  ];

  const rowHeight = 22;
  const labelWidth = Math.min(width * 0.35, 16 + Math.max(...spec.rows.map((r) => textWidth(r.label, 11) + (r.group === undefined ? 0 : 12)), ...groups.map((g) => textWidth(g, 11) + 4)));
  const noteWidth = Math.min(width * 0.3, 12 + Math.max(0, ...spec.rows.map((r) => textWidth(r.note ?? '', 10.5))));
  const head = titleBlock(spec.title, spec.subtitle, width);
  const top = head.height + 8 + (refs.length > 0 ? 14 : 0);
  const left = 12 + labelWidth;
  const plotWidth = width - left - noteWidth - 12;
  const plotHeight = ordered.length * rowHeight;
  const bottom = top + plotHeight;
  const px = (v: number) => left + axis.frac(v) * plotWidth;
  const height = bottom + 44;

  const parts: string[] = [
    svgOpen(spec.kind, width, height, spec.title, `${spec.axis.label} per row: ${spec.rows.map((r) => r.label).join(', ')}.`),
    head.svg,
  ];
  parts.push('<g class="axis x-axis">');
  let lastRight = -Infinity;
  for (const t of axis.ticks) {
    const x = px(t);
    if (x < left - 0.5 || x > left + plotWidth + 0.5) continue;
    parts.push(`<line class="grid" x1="${num(x)}" y1="${num(top)}" x2="${num(x)}" y2="${num(bottom)}" stroke="${GRID}"/>`);
    const label = axis.format(t);
    const w = textWidth(label, 11);
    if (x - w / 2 > lastRight + 4) {
      parts.push(text(x, bottom + 15, label, { 'text-anchor': 'middle', fill: MUTED, class: 'tick-label' }));
      lastRight = x + w / 2;
    }
  }
  parts.push(
    `<path class="frame" d="M${num(left)},${num(bottom)}H${num(left + plotWidth)}" stroke="${MUTED}" fill="none"/>`,
    text(left + plotWidth / 2, bottom + 33, spec.axis.label + (spec.axis.scale === 'log' ? ' (log scale)' : ''), { 'text-anchor': 'middle', class: 'axis-label' }),
    '</g>',
  );
  for (const ref of refs) {
    const x = px(ref.value);
    parts.push(
      `<line class="reference-line" x1="${num(x)}" y1="${num(top - 4)}" x2="${num(x)}" y2="${num(bottom)}" stroke="${REFERENCE_LINE_COLOUR}" stroke-width="1.5" stroke-dasharray="${REFERENCE_LINE_DASH}"/>`,
      text(x, top - 8, ref.label, { 'text-anchor': 'middle', fill: REFERENCE_LINE_COLOUR, 'font-size': 10.5, class: 'reference-label' }),
    );
  }

  ordered.forEach((row, i) => {
    const y = top + i * rowHeight + rowHeight / 2;
    if ('heading' in row) {
      parts.push(text(12, y + 4, row.heading, { 'font-weight': 600, class: 'group-label' }));
      return;
    }
    const indent = row.group === undefined ? 0 : 12;
    const g: string[] = [`<g class="row">`];
    if (i % 2 === 1) g.push(`<rect x="${num(left)}" y="${num(y - rowHeight / 2)}" width="${num(plotWidth)}" height="${rowHeight}" fill="#F6F8FA"/>`);
    g.push(text(12 + indent, y + 4, row.label, { fill: row.highlight ? HIGHLIGHT_COLOUR : INK, class: 'row-label' }));
    if (ok(row.value)) {
      if (ok(row.low) && ok(row.high)) {
        const x1 = px(row.low);
        const x2 = px(row.high);
        g.push(
          `<path class="whisker" d="M${num(x1)},${num(y)}H${num(x2)}M${num(x1)},${num(y - 4)}V${num(y + 4)}M${num(x2)},${num(y - 4)}V${num(y + 4)}" stroke="${row.colour}" stroke-width="1.5" fill="none"/>`,
        );
      }
      g.push(`<g class="point"><title>${escapeXml(row.tooltip ?? `${row.label}: ${row.note ?? formatTick(row.value)}`)}</title>${marker(row.marker ?? 'circle', px(row.value), y, row.colour, 4.5)}`);
      if (row.highlight) g.push(`<circle class="highlight" cx="${num(px(row.value))}" cy="${num(y)}" r="8.5" fill="none" stroke="${HIGHLIGHT_COLOUR}" stroke-width="2"/>`);
      g.push('</g>');
    }
    if (row.note !== undefined) {
      g.push(text(left + plotWidth + 10, y + 4, fitText(row.note, noteWidth - 12, 10.5), { 'font-size': 10.5, fill: ok(row.value) ? INK : MUTED, class: 'row-note' }));
    }
    g.push('</g>');
    parts.push(g.join(''));
  });
  parts.push('</svg>');
  return parts.join('');
}
