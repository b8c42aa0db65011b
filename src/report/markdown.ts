/**
 * The Markdown report (`reports/bench.md`, the job summary and the pull-request comment): the short
 * form of the report model. Serialise only: it shows each table's and list's first `lead` rows and the
 * model's own words for what it leaves out; it computes, selects and judges nothing. The model's
 * limits keep it under GitHub's comment limit by design (see SHORT_FORM_LIMITS); nothing is cut.
 * Every `<details>` it opens, it closes.
 */
import { markdownTable } from 'markdown-table';
import type { Block, Cell, Column, MachineReport, Mark, Report, Row, Section, Span, Text, VerdictLine } from './model.ts';
import { renderMermaidChart } from './mermaid.ts';

export { formatValue } from './format.ts';
export type { ReportedHarnessError } from './build.ts';

/** GitHub's limit on an issue or pull-request comment body. */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** Hidden marker that finds the suite's one comment again, so a push updates it instead of adding another. */
export const COMMENT_MARKER = '<!-- graph-compiler-bench:report -->';

const ICON: Readonly<Record<Mark, string>> = { pass: '✅', fail: '❌', incomplete: '⚠️', neutral: '⚪' };

/**
 * Text for Markdown, on one line: emphasis, code and table markup escaped, and `<` written as an entity
 * so that text such as `<none>` is not taken for a tag. (`>` and `[…]` stay: inside a line they are text.)
 */
function escapeText(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/\\/g, '\\\\')
    .replace(/</g, '&lt;')
    .replace(/([*_~`|])/g, '\\$1');
}

function codeSpan(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ').replace(/\|/g, '\\|');
  const fence = flat.includes('`') ? '``' : '`';
  return `${fence}${fence === '``' ? ' ' : ''}${flat}${fence === '``' ? ' ' : ''}${fence}`;
}

function span(s: Span): string {
  if (typeof s === 'string') return escapeText(s);
  if ('code' in s) return codeSpan(s.code);
  if ('strong' in s) return `**${escapeText(s.strong)}**`;
  if ('em' in s) return s.em === '' ? '' : `*${escapeText(s.em)}*`;
  return `<sub>${escapeText(s.sub)}</sub>`;
}

const inline = (text: Text): string => text.map(span).join('');

function cell(c: Cell): string {
  if (c.kind === 'text') return inline(c.brief ?? c.text);
  if (c.value === null) return c.note === null ? escapeText(c.text) : `${escapeText(c.text)} (${escapeText(c.note.brief)})`;
  return `${escapeText(c.text)}${c.ci === null ? '' : ` ${escapeText(c.ci)}`}${c.tone === 'flag' ? ' ⚑' : ''}`;
}

const shown = (form: Block['form'] | Section['form']): boolean => form !== 'full';

function table(block: Extract<Block, { kind: 'table' }>): string {
  const columns = block.columns.map((c, i) => ({ c, i })).filter(({ c }) => shown((c as Column).form));
  const rows = block.rows.slice(0, block.lead).map((row: Row) =>
    row.kind === 'group' ? columns.map((_, i) => (i === 0 ? inline(row.text) : '')) : columns.map(({ i }) => (row.cells[i] === undefined ? '' : cell(row.cells[i]!))),
  );
  if (rows.length === 0) return block.rest === null ? '' : inline(block.rest.text);
  const text = markdownTable([columns.map(({ c }) => inline(c.header)), ...rows], { align: columns.map(({ c }) => (c.align === 'right' ? 'r' : 'l')) });
  return block.rest === null ? text : `${text}\n\n${inline(block.rest.text)}`;
}

function list(block: Extract<Block, { kind: 'list' }>): string {
  const items = block.items.slice(0, block.lead).map((item) => `- ${inline(item.brief ?? item.text)}`);
  return [items.join('\n'), block.rest === null ? '' : inline(block.rest.text)].filter((p) => p !== '').join('\n\n');
}

const details = (summary: string, body: string): string => `<details><summary>${summary}</summary>\n\n${body}\n\n</details>`;

function block(b: Block): string {
  if (!shown(b.form)) return '';
  switch (b.kind) {
    case 'paragraph':
      return inline(b.text);
    case 'callout':
      return `> ${inline(b.text)}`;
    case 'table':
      return table(b);
    case 'list':
      return list(b);
    case 'details': {
      const body = blocks(b.blocks);
      return body === '' ? '' : details(inline(b.summary), body);
    }
    case 'chart':
      return b.inShortForm && b.chart.kind === 'line' ? renderMermaidChart(b.chart) : '';
  }
}

const blocks = (list: readonly Block[]): string =>
  list
    .map(block)
    .filter((p) => p !== '')
    .join('\n\n');

function section(s: Section): string {
  if (!shown(s.form)) return '';
  const body = blocks(s.blocks);
  if (s.collapsed || s.collapsedInShortForm === true) return details(`<b>${escapeText(s.title)}</b>`, body === '' ? '—' : body);
  return body === '' ? `### ${escapeText(s.title)}` : `### ${escapeText(s.title)}\n\n${body}`;
}

/** `## ✅ PASS: … — graph-compiler-bench on \`hw\``; the text is the gate's own line. */
export function verdictLine(v: VerdictLine): string {
  const where = v.hardwareId === null ? '' : ` on ${codeSpan(v.hardwareId)}`;
  return `## ${ICON[v.mark]} ${escapeText(v.text)} — graph-compiler-bench${where}${v.incomplete && v.hardwareId !== null ? ' · **INCOMPLETE RUN**' : ''}`;
}

function machine(m: MachineReport, withVerdict: boolean): string {
  const head = [withVerdict ? verdictLine(m.verdict) : '', inline(m.runLine), ...m.callouts.map(block)];
  if (!m.inShortForm) return [...head, 'This machine’s sections are in the HTML report (too many machines for one comment).'].filter((p) => p !== '').join('\n\n');
  return [...head, ...m.sections.map(section)].filter((p) => p !== '').join('\n\n');
}

/** The report as Markdown: the verdict, the headline, then each section. */
export function renderMarkdown(report: Report): string {
  const parts: string[] = [COMMENT_MARKER];
  if (report.overall === null) {
    const [only] = report.machines;
    if (only === undefined) parts.push('## ⚪ No runs to report — graph-compiler-bench');
    else {
      parts.push(verdictLine(only.verdict), inline(only.runLine), ...only.callouts.map(block));
      if (report.headline !== null) parts.push(section(report.headline));
      parts.push(...only.sections.map(section));
    }
  } else {
    parts.push(verdictLine(report.overall));
    if (report.headline !== null) parts.push(section(report.headline));
    if (report.crossHardware !== null) parts.push(section(report.crossHardware));
    for (const m of report.machines) parts.push('---', machine(m, true));
  }
  return `${parts.filter((p) => p !== '').join('\n\n')}\n`;
}
