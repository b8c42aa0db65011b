/**
 * The console summary: the report model's tables as padded, coloured text. Serialise only: rows →
 * column widths → padding → colour.
 */
import type { Cell, Report, Section, TableBlock, Text } from './model.ts';

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

/** Plain text of inline spans (the console has no markup). */
const plain = (text: Text): string => text.map((s) => (typeof s === 'string' ? s : 'code' in s ? s.code : 'strong' in s ? s.strong : 'em' in s ? s.em : s.sub)).join('');

function cellText(c: Cell): string {
  if (c.kind === 'text') return plain(c.brief ?? c.text);
  if (c.value === null) return c.note === null ? c.text : `${c.text} (${c.note.brief})`;
  return `${c.text}${c.ci === null ? '' : ` ${c.ci}`}${c.tone === 'flag' ? ' !' : ''}`;
}

/** A table of the model; `all`: every row (else the short form's lead rows and the model's note on the rest). */
export function renderModelTable(block: TableBlock, all = false): string {
  const columns = block.columns.filter((c) => c.form !== 'full');
  const indices = block.columns.flatMap((c, i) => (c.form === 'full' ? [] : [i]));
  const rows = (all ? block.rows : block.rows.slice(0, block.lead)).map((row) =>
    row.kind === 'group' ? [plain(row.text), ...indices.slice(1).map(() => '')] : indices.map((i) => (row.cells[i] === undefined ? '' : cellText(row.cells[i]!))),
  );
  const tones = (all ? block.rows : block.rows.slice(0, block.lead)).map((row) => (row.kind === 'row' ? row.tone : 'none'));
  let r = 0;
  const text = renderTable(
    columns.map((c) => ({ title: plain(c.header), align: c.align })),
    rows,
    (_, line) => {
      const tone = tones[r++];
      return tone === 'regression' || tone === 'failed' || tone === 'reversal' ? red(line) : tone === 'unavailable' ? dim(line) : tone === 'improvement' ? green(line) : line;
    },
  );
  return !all && block.rest !== null ? `${text}\n${plain(block.rest.text)}` : text;
}

const tablesOf = (section: Section | undefined): TableBlock[] => (section?.blocks ?? []).filter((b): b is TableBlock => b.kind === 'table');

/**
 * What the console shows after a run: every case, the headline, what changed (its first rows) and the
 * reversals that fail; sections the console leaves out are one line each, with their title.
 */
export function renderConsole(report: Report): string {
  const out: string[] = [];
  for (const m of report.machines) {
    const cases = tablesOf(m.sections.find((s) => s.kind === 'cases'))[0];
    if (cases !== undefined) out.push(renderModelTable(cases, true));
  }
  if (report.headline !== null) {
    const lead = report.headline.blocks.find((b) => b.kind === 'paragraph' && b.role === 'lead');
    out.push(`${report.headline.title}:`, ...tablesOf(report.headline).map((t) => renderModelTable(t)));
    if (lead !== undefined && lead.kind === 'paragraph') out.push(plain(lead.text));
  }
  for (const m of report.machines) {
    for (const s of m.sections) {
      if (s.kind === 'changes' || s.kind === 'new-reversals') {
        const tables = tablesOf(s);
        const lead = s.blocks.find((b) => b.kind === 'paragraph' && b.role === 'lead');
        out.push(`${s.title}${report.machines.length > 1 ? ` (${m.hardwareId})` : ''}:`);
        if (lead !== undefined && lead.kind === 'paragraph') out.push(plain(lead.text));
        out.push(...tables.map((t) => renderModelTable(t)));
        for (const b of s.blocks) if (b.kind === 'callout') out.push(plain(b.text));
      } else if (s.kind === 'known-reversals' || s.kind === 'other-reversals') out.push(`${s.title}: see the report.`);
    }
  }
  return out.filter((p) => p !== '').join('\n\n');
}
