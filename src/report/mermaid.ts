/**
 * A line chart of the report model as a Mermaid `xychart-beta` block, which GitHub renders in
 * pull-request comments. xychart has no log axis and no legend of its own: a log axis is drawn as
 * log10 of the values (and says so), x values are evenly spaced categories (batches and depths in
 * ascending order), and the line colours are set through the chart's palette so that a legend of
 * coloured squares under the chart names each line.
 */
import type { LineChart } from './model.ts';

/** Line colours in drawing order, with the square that shows each in the legend. The reference takes the first. */
export const MERMAID_PALETTE: readonly { readonly colour: string; readonly square: string }[] = [
  { colour: '#555555', square: '⬛' },
  { colour: '#1f6feb', square: '🟦' },
  { colour: '#f0883e', square: '🟧' },
  { colour: '#2da44e', square: '🟩' },
  { colour: '#8250df', square: '🟪' },
  { colour: '#cf222e', square: '🟥' },
  { colour: '#d4a72c', square: '🟨' },
  { colour: '#953800', square: '🟫' },
];

/** Flat reference lines (1×): light grey. */
export const REFERENCE_LINE = { colour: '#afb8c1', square: '⬜' } as const;

const quote = (text: string): string => `"${text.replace(/"/g, "'")}"`;
const number = (value: number): string => (Math.abs(value) >= 100 ? value.toFixed(1) : value.toPrecision(4));
const tick = (value: number): string => (Number.isInteger(value) ? String(value) : value.toPrecision(3));

/**
 * The chart as a fenced block and a legend; empty when no line has every point. Lines with a missing
 * point cannot be drawn (xychart has no gaps): the legend names them as left out.
 */
export function renderMermaidChart(chart: LineChart): string {
  const xs = [...new Set(chart.series.flatMap((s) => s.points.map((p) => p.x)))].sort((a, b) => a - b);
  const log = chart.y.scale === 'log';
  const valuesOf = (points: LineChart['series'][number]['points']) =>
    xs.map((x) => {
      const y = points.find((p) => p.x === x)?.y ?? null;
      return y === null || !(log ? y > 0 : Number.isFinite(y)) ? null : log ? Math.log10(y) : y;
    });
  // References first, so that they take the grey of the palette.
  const ordered = [...chart.series].sort((a, b) => Number(b.reference) - Number(a.reference));
  const lines = ordered.map((s) => ({ series: s, values: valuesOf(s.points) }));
  const complete = lines.filter((l) => l.values.every((v) => v !== null));
  const left = lines.filter((l) => !complete.includes(l)).map((l) => l.series.name);
  if (complete.length === 0 || xs.length < 2) return '';
  const hasReference = complete.some((l) => l.series.reference);
  const palette = complete.map((_, i) => MERMAID_PALETTE[(hasReference ? i : i + 1) % MERMAID_PALETTE.length] as (typeof MERMAID_PALETTE)[number]);
  // Reference lines (1× = as fast as the reference) are drawn as flat light-grey lines after the data.
  const flat = chart.referenceLines.map((r) => ({ label: r.label, values: xs.map(() => (log ? Math.log10(r.value) : r.value)) }));
  const values = [...complete.flatMap((l) => l.values as number[]), ...flat.flatMap((f) => f.values)];
  const min = Math.min(...values);
  const max = Math.max(...values);
  const pad = (max - min) * 0.05 || Math.abs(max) * 0.05 || 1;
  const yTitle = log ? `log10 of ${chart.y.label}` : chart.y.label;
  const block = [
    '```mermaid',
    '---',
    'config:',
    '  themeVariables:',
    '    xyChart:',
    `      plotColorPalette: "${[...palette.map((p) => p.colour), ...flat.map(() => REFERENCE_LINE.colour)].join(', ')}"`,
    '---',
    'xychart-beta',
    `  title ${quote(chart.title)}`,
    `  x-axis ${quote(chart.x.label)} [${xs.map((x) => quote(tick(x))).join(', ')}]`,
    `  y-axis ${quote(yTitle)} ${number(min - pad)} --> ${number(max + pad)}`,
    ...complete.map((l) => `  line [${(l.values as number[]).map(number).join(', ')}]`),
    ...flat.map((f) => `  line [${f.values.map(number).join(', ')}]`),
    '```',
  ].join('\n');
  const legend = complete.map((l, i) => `${palette[i]?.square ?? ''} ${l.series.name}${l.series.reference ? ' (reference)' : ''}`).join(' · ');
  const note = flat.map((f) => ` · ${REFERENCE_LINE.square} ${f.label}`).join('');
  return `${block}\n\n<sub>Legend: ${legend}${left.length > 0 ? ` · left out (points missing): ${left.join(', ')}` : ''}${note}</sub>`;
}
