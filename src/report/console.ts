/**
 * The console summary: rows → column widths → padding → colour. Render only: it computes nothing
 * that is not already in the result model or the metrics.
 */
import type { CaseMetrics } from '../metrics/types.ts';
import type { CaseResult } from '../results/schema.ts';
import { formatCount, formatMs } from './format.ts';

export type Align = 'left' | 'right';
export interface Column {
  readonly title: string;
  readonly align: Align;
}

const useColour = (): boolean => process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
const paint = (code: number, text: string): string => (useColour() ? `\u001b[${code}m${text}\u001b[0m` : text);
export const red = (text: string): string => paint(31, text);
export const green = (text: string): string => paint(32, text);
export const yellow = (text: string): string => paint(33, text);
export const dim = (text: string): string => paint(2, text);

/** Pads every cell to its column's width; `colour` may wrap a whole row after padding. */
export function renderTable(
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
  colour: (row: readonly string[], line: string) => string = (_, line) => line,
): string {
  const widths = columns.map((column, i) => Math.max(column.title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const pad = (cell: string, i: number): string =>
    columns[i]?.align === 'right' ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0);
  const header = columns.map((column, i) => pad(column.title, i)).join('  ');
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  const body = rows.map((row) => colour(row, row.map((cell, i) => pad(cell, i)).join('  ')));
  return [header, rule, ...body].join('\n');
}

/** `1.84×`: the reference's latency over the compiler's, in the same rounds; blank without one. */
const speedupCell = (m: CaseMetrics | undefined): string => (m?.speedupAlongside.value == null ? '' : `${m.speedupAlongside.value.toFixed(2)}×`);

/** `94%`: the share of rounds the machine was quiet in (the others are set aside). */
const quietCell = (m: CaseMetrics | undefined): string => (m === undefined ? '' : `${Math.round((100 * m.rounds.quiet) / m.rounds.all)}%`);

/** One row per case: what ran, how fast, its speedup over the reference alongside, and how it ended. */
export function renderCaseSummary(cases: readonly CaseResult[], metrics: readonly CaseMetrics[] = []): string {
  const metricsOf = new Map(metrics.map((m) => [m.key, m]));
  const columns: Column[] = [
    { title: 'case', align: 'left' },
    { title: 'median ms', align: 'right' },
    { title: '95% CI', align: 'right' },
    { title: 'samples/s', align: 'right' },
    { title: 'GFLOP/s', align: 'right' },
    { title: 'compile ms', align: 'right' },
    { title: '× ref', align: 'right' },
    { title: 'quiet', align: 'right' },
    { title: 'state', align: 'left' },
  ];
  const rows = cases.map((c): string[] => {
    if (c.state !== 'completed') {
      return [c.key, '', '', '', '', '', '', '', c.state === 'failed' ? `failed (${c.phase})` : `unavailable`];
    }
    const gflops = c.model.flopsPerSample === null ? '—' : formatCount((c.model.flopsPerSample * c.throughput) / 1e9);
    return [
      c.key,
      formatMs(c.latency.median),
      `${formatMs(c.latency.medianCi[0])}–${formatMs(c.latency.medianCi[1])}`,
      formatCount(c.throughput),
      gflops,
      formatMs(c.compileMs),
      speedupCell(metricsOf.get(c.key)),
      quietCell(metricsOf.get(c.key)),
      c.correctness === null ? 'reference' : `ok (L2 ${c.correctness.relativeL2.toExponential(1)})`,
    ];
  });
  return renderTable(columns, rows, (row, line) =>
    row[8]?.startsWith('failed') ? red(line) : row[8] === 'unavailable' ? dim(line) : line,
  );
}
