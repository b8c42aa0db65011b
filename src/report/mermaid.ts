/**
 * Mermaid `xychart-beta` blocks, which GitHub renders in pull-request comments. xychart has no log
 * axis and no legend: log–log plots use batch sizes as evenly spaced categories (powers of two, so the
 * x axis is logarithmic) and log10 of the latency on y, and the caption names the lines in order.
 */

export interface ChartLine {
  readonly name: string;
  /** One value per category; null where the point is missing (drawn as a gap is not possible, so 0 is avoided by skipping the line). */
  readonly values: readonly (number | null)[];
}

export interface XyChart {
  readonly title: string;
  readonly xTitle: string;
  readonly categories: readonly string[];
  readonly yTitle: string;
  readonly lines: readonly ChartLine[];
}

const quote = (text: string): string => `"${text.replace(/"/g, "'")}"`;
const number = (value: number): string => (Math.abs(value) >= 100 ? value.toFixed(1) : value.toPrecision(4));

/** The chart as a fenced block plus a caption naming its lines; lines with a missing point are left out and said so. */
export function renderXyChart(chart: XyChart): string {
  const complete = chart.lines.filter((line) => line.values.every((v) => v !== null && Number.isFinite(v)));
  const left = chart.lines.filter((line) => !complete.includes(line)).map((line) => line.name);
  if (complete.length === 0 || chart.categories.length < 2) return '';
  const values = complete.flatMap((line) => line.values as number[]);
  const min = Math.min(...values);
  const max = Math.max(...values);
  const pad = (max - min) * 0.05 || Math.abs(max) * 0.05 || 1;
  const block = [
    '```mermaid',
    'xychart-beta',
    `  title ${quote(chart.title)}`,
    `  x-axis ${quote(chart.xTitle)} [${chart.categories.map(quote).join(', ')}]`,
    `  y-axis ${quote(chart.yTitle)} ${number(min - pad)} --> ${number(max + pad)}`,
    ...complete.map((line) => `  line [${(line.values as number[]).map(number).join(', ')}]`),
    '```',
  ].join('\n');
  const caption = `Lines, in drawing order: ${complete.map((line, i) => `${i + 1}. ${line.name}`).join(' · ')}${
    left.length > 0 ? ` (left out, points missing: ${left.join(', ')})` : ''
  }`;
  return `${block}\n\n<sub>${caption}</sub>`;
}
