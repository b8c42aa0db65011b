/**
 * The report of several machines (`pnpm bench:report a.json b.json …`): one verdict line over all of
 * them, the cross-hardware comparisons, then each machine's own report. Shares the comment marker, so
 * the pull-request comment is found and updated the same way.
 */
import { markdownTable } from 'markdown-table';
import type { Verdict } from '../gate/index.ts';
import type { CrossHardwareReversal, CrossHardwareRow } from '../metrics/cross-hardware.ts';
import type { MetricsSummary } from '../metrics/index.ts';
import type { RunResult } from '../results/schema.ts';
import { formatMs, formatRatio } from './format.ts';
import { escapeHtml } from './html.ts';
import { COMMENT_MARKER, GITHUB_COMMENT_LIMIT, renderMarkdown } from './markdown.ts';

export interface MergedInput {
  readonly machines: readonly { readonly run: RunResult; readonly metrics: MetricsSummary; readonly verdict: Verdict | null }[];
  readonly table: { readonly columns: readonly string[]; readonly rows: readonly CrossHardwareRow[] };
  readonly reversals: readonly CrossHardwareReversal[];
}

export function machinePassed(machine: MergedInput['machines'][number]): boolean {
  return (machine.verdict?.passed ?? true) && machine.run.cases.every((c) => c.state !== 'failed') && machine.run.complete;
}

export function mergedVerdictLine(input: MergedInput): string {
  const failing = input.machines.filter((m) => !machinePassed(m));
  const n = input.machines.length;
  if (failing.length === 0) {
    return `## ✅ PASS on ${n} machine${n === 1 ? '' : 's'} · ${input.reversals.length} cross-hardware reversal${input.reversals.length === 1 ? '' : 's'} — graph-compiler-bench`;
  }
  const which = failing.map((m) => `\`${m.run.hardware.id}\`: ${m.verdict?.summaryLine ?? 'failed cases'}`).join('; ');
  return `## ❌ FAIL on ${failing.length} of ${n} machines — ${which}`;
}

function crossSection(input: MergedInput, maxRows: number): string {
  const parts: string[] = [`### Cross-hardware reversals (${input.reversals.length})`];
  if (input.reversals.length === 0) parts.push('No archetype ordering flips between machines.');
  else {
    const rows = input.reversals.slice(0, maxRows).map((r) => [
      `b=${r.batch}`,
      `${r.a} vs ${r.b}`,
      `**${r.first.faster}** on ${r.first.hardwareId} · ${r.first.compilerId} (${formatRatio(r.first.ratio)})`,
      `**${r.second.faster}** on ${r.second.hardwareId} · ${r.second.compilerId} (${formatRatio(r.second.ratio)})`,
    ]);
    parts.push(
      'Archetype A is significantly faster than B on one machine and significantly slower on another (ratio = latency of the first archetype over the second).',
      markdownTable([['batch', 'pair', 'faster here', 'faster there'], ...rows]),
    );
    if (input.reversals.length > maxRows) parts.push(`… and ${input.reversals.length - maxRows} more.`);
  }
  if (input.table.rows.length > 0) {
    const rows = input.table.rows.slice(0, maxRows).map((row) => [row.point, ...input.table.columns.map((c) => (row.latencies[c] === undefined ? '' : formatMs(row.latencies[c]!)))]);
    parts.push(
      `<details><summary>Same model and batch on every hardware · compiler (median ms, ${input.table.rows.length} points)</summary>\n\n${markdownTable([['point', ...input.table.columns], ...rows])}${
        input.table.rows.length > maxRows ? `\n\n… and ${input.table.rows.length - maxRows} more points in the results files.` : ''
      }\n\n</details>`,
    );
  }
  return parts.join('\n\n');
}

export function renderMergedMarkdown(input: MergedInput, maxLength = GITHUB_COMMENT_LIMIT): string {
  for (const maxRows of [400, 100, 25]) {
    const head = [COMMENT_MARKER, mergedVerdictLine(input), crossSection(input, maxRows)].join('\n\n');
    const budget = Math.floor((maxLength - head.length - 200) / Math.max(1, input.machines.length));
    if (budget < 2000) continue;
    const machines = input.machines.map((m) => renderMarkdown(m, { maxLength: budget }).replace(`${COMMENT_MARKER}\n`, ''));
    const text = `${head}\n\n---\n\n${machines.join('\n\n---\n\n')}`;
    if (text.length <= maxLength) return text;
  }
  const head = [COMMENT_MARKER, mergedVerdictLine(input), crossSection(input, 10)].join('\n\n');
  return `${head.slice(0, maxLength - 200)}\n\n… (per-machine reports left out: too many machines for one comment; see the artifacts)\n`;
}

/** The same cross-hardware section as static HTML, for `renderHtml`'s `crossHardware` slot. */
export function renderCrossHardwareHtml(input: Pick<MergedInput, 'table' | 'reversals'>): string {
  const esc = escapeHtml;
  const reversals =
    input.reversals.length === 0
      ? '<div class="callout ok">No archetype ordering flips between machines.</div>'
      : `<div class="callout reversal" role="note"><strong>${input.reversals.length} cross-hardware reversal${input.reversals.length === 1 ? '' : 's'}.</strong> An archetype that is significantly faster on one machine is significantly slower on another.</div>
<div class="table-wrap"><table><thead><tr><th>batch</th><th>pair</th><th>faster here</th><th>faster there</th></tr></thead><tbody>
${input.reversals
  .map(
    (r) =>
      `<tr><td>b=${r.batch}</td><td>${esc(r.a)} vs ${esc(r.b)}</td><td><strong>${esc(r.first.faster)}</strong> on ${esc(r.first.hardwareId)} · ${esc(r.first.compilerId)} (${esc(formatRatio(r.first.ratio))})</td><td><strong>${esc(r.second.faster)}</strong> on ${esc(r.second.hardwareId)} · ${esc(r.second.compilerId)} (${esc(formatRatio(r.second.ratio))})</td></tr>`,
  )
  .join('\n')}
</tbody></table></div>`;
  const table =
    input.table.rows.length === 0
      ? ''
      : `<details><summary>Same model and batch on every hardware · compiler (median ms, ${input.table.rows.length} points)</summary>
<div class="table-wrap"><table><thead><tr><th>point</th>${input.table.columns.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>
${input.table.rows
  .map((row) => `<tr><td>${esc(row.point)}</td>${input.table.columns.map((c) => `<td>${row.latencies[c] === undefined ? '' : esc(formatMs(row.latencies[c]!))}</td>`).join('')}</tr>`)
  .join('\n')}
</tbody></table></div></details>`;
  return `<h3>Cross-hardware reversals (${input.reversals.length})</h3>\n${reversals}\n${table}`;
}
