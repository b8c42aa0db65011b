/**
 * The sections of one machine's report, from its run, metrics and changes. Here is where rows are
 * selected and ordered (batches and depths as numbers), where values are formatted and toned, and where
 * the short form's share of each table is decided; the renderers only serialise what comes out.
 */
import { METRICS } from '../metrics/registry.ts';
import { KNEE_BETA } from '../metrics/friction.ts';
import type { DepthSeries, FrictionSeries, MetricsSummary, MissingPoint, Reversal } from '../metrics/types.ts';
import { formatSpread } from '../results/baseline.ts';
import { placeOf, type CaseResult, type RunResult } from '../results/schema.ts';
import { comparisonGroupsOf } from '../metrics/groups.ts';
import type { Verdict } from '../gate/verdict.ts';
import { BRIEF_CHARS, BRIEF_ERROR_CHARS, code, column, emptyCell, keyCell, longTextCell, metricColumn, numberCell, strong, textCell, valueCell } from './cells.ts';
import type { ChangeGroup, ChangeRow, Changes, ReversalStatus } from './changes.ts';
import { betaChart, compilerOrder, latencyCharts, ratioCharts, speedupCharts } from './charts.ts';
import { brief, formatCount, formatDuration, formatMs, formatNumber, formatRatio, plural } from './format.ts';
import type { Block, Cell, Column, ListItem, Rest, Row, Section, Span, TableBlock, Text, ValueCell } from './model.ts';
import { compileCostRows, fastestStacks, maxDepthOf } from './select.ts';

/** How much of each table and list the short form (the pull-request comment, the console) shows. */
export interface ShortFormLimits {
  readonly headlineRows: number;
  readonly problemKeys: number;
  readonly changeRows: number;
  readonly groupKeys: number;
  readonly reversalRows: number;
  readonly notMeasuredRows: number;
  readonly frictionRows: number;
  readonly depthRows: number;
  readonly compileRows: number;
  readonly charts: number;
  readonly caseRows: number;
  readonly notes: number;
  readonly errors: number;
}

export const SHORT_FORM_LIMITS: ShortFormLimits = {
  headlineRows: 24,
  problemKeys: 5,
  changeRows: 12,
  groupKeys: 6,
  reversalRows: 10,
  notMeasuredRows: 12,
  frictionRows: 20,
  depthRows: 16,
  compileRows: 14,
  charts: 4,
  caseRows: 25,
  notes: 10,
  errors: 10,
};

export interface MachineContext {
  readonly run: RunResult;
  readonly metrics: MetricsSummary;
  readonly verdict: Verdict | null;
  readonly changes: Changes;
  readonly harnessErrors: readonly { readonly where: string; readonly message: string }[];
  /** Prefix of section ids: `m0`. */
  readonly prefix: string;
  readonly limits: ShortFormLimits;
  /** Where the rows the short form leaves out are: `the HTML report (reports/bench.html) and the results JSON`. */
  readonly where: string;
  /** Compilers that are a reference on this machine. */
  readonly references: ReadonlySet<string>;
}

const ascending = (a: number, b: number): number => a - b;
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const PLURAL: Readonly<Record<string, string>> = { series: 'series', batch: 'batches' };

/** `… 12 more cases in <where>.` */
function rest(total: number, lead: number, noun: string, where: string): Rest | null {
  const n = total - lead;
  return n > 0 ? { count: n, text: [`… ${n} more ${n === 1 ? noun : PLURAL[noun] ?? `${noun}s`} in ${where}.`] } : null;
}

/** A table whose short form shows `lead` rows; `noun` names what the rest are. */
function table(name: string, columns: readonly Column[], rows: readonly Row[], lead: number, noun: string, where: string): TableBlock {
  const shown = Math.min(rows.length, lead);
  return { kind: 'table', name, columns, rows, lead: shown, rest: rest(rows.length, shown, noun, where) };
}

const dataRow = (cells: readonly Cell[], tone: Extract<Row, { kind: 'row' }>['tone'] = 'none'): Row => ({ kind: 'row', cells, tone });
const explain = (...spans: Span[]): Block => ({ kind: 'paragraph', role: 'explain', text: spans });
const section = (ctx: MachineContext, kind: Section['kind'], title: string, blocks: readonly Block[], extra: Partial<Section> = {}): Section => ({
  kind,
  id: `${ctx.prefix}-${kind}`,
  title,
  collapsed: false,
  tone: null,
  blocks,
  ...extra,
});

/** The keys of a group, a few in the short form and all in the full form. */
function keysItem(head: Text, keys: readonly string[], limit: number, where: string): ListItem {
  const shown = keys.slice(0, limit);
  const briefKeys: Span[] = [];
  shown.forEach((k, i) => briefKeys.push(...(i === 0 ? [] : [', ']), code(brief(k, 100))));
  const more = keys.length > limit ? [` and ${keys.length - limit} more (all in ${where})`] : [];
  const item: ListItem = { text: head, brief: [...head, ...(keys.length > 0 ? [': ', ...briefKeys, ...more] : [])] };
  return keys.length === 0 ? item : { ...item, more: { summary: [plural(keys.length, 'key')], items: keys.map((k) => [code(k)]) } };
}

// ---------------------------------------------------------------------------------------------
// Errors outside any case, and what failed the gate
// ---------------------------------------------------------------------------------------------

export function errorsSection(ctx: MachineContext): Section | null {
  const errors = ctx.harnessErrors;
  if (errors.length === 0) return null;
  const lead = Math.min(errors.length, ctx.limits.errors);
  return section(ctx, 'errors', `Errors outside any case (${errors.length})`, [
    explain('A spec file that failed to load or a case that threw before it was measured: the run is incomplete and fails.'),
    {
      kind: 'list',
      items: errors.map((e) => ({ text: [code(e.where), `: ${e.message}`], brief: [code(brief(e.where, 100)), `: ${brief(e.message, 400)}`] })),
      lead,
      rest: rest(errors.length, lead, 'error', 'the console output and the HTML report'),
    },
  ], { tone: 'fail' });
}

const PROBLEM_LABEL: Record<string, [string, string]> = {
  regression: ['regression', 'see “What changed”'],
  'series-regression': ['series regression', 'see “What changed”'],
  missing: ['missing', 'in the baseline, not measured in this run (and the run’s filters do not exclude it)'],
  failed: ['failed', 'see “Not measured”'],
  'new-reversal': ['new reversal', 'see “New reversals”'],
  'flipped-ordering': ['flipped archetype ordering', 'see “New reversals”'],
  'hardware-mismatch': ['baseline for other hardware', 'nothing was compared'],
};

/** Problems that fail the gate, one line per kind: its count, where to read more, and the first keys. */
export function problemsSection(ctx: MachineContext): Section | null {
  const problems = ctx.changes.problems;
  if (problems.length === 0) return null;
  const kinds = [...new Set(problems.map((p) => p.kind))];
  const items: ListItem[] = kinds.map((kind) => {
    const mine = problems.filter((p) => p.kind === kind);
    const [noun, where] = PROBLEM_LABEL[kind] ?? [kind, ''];
    const head: Text = [strong(plural(mine.length, noun, noun === 'missing' || noun === 'failed' ? noun : `${noun}s`)), where === '' ? '' : ` — ${where}`];
    if (kind === 'hardware-mismatch') return { text: [...head, `: ${mine.map((p) => p.message).join('; ')}`] };
    const item = keysItem(head, mine.map((p) => p.key), ctx.limits.problemKeys, ctx.where);
    return { ...item, more: { summary: ['every message'], items: mine.map((p) => [code(p.key), `: ${p.message}`]) } };
  });
  return section(ctx, 'problems', `What failed the gate (${problems.length})`, [{ kind: 'list', items, lead: items.length, rest: null }], { tone: 'fail' });
}

// ---------------------------------------------------------------------------------------------
// What changed
// ---------------------------------------------------------------------------------------------

const pct = (x: number): string => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;

function changeCell(row: ChangeRow): Cell {
  if (row.change === null) return textCell(row.kind === 'new-reversal' || row.kind === 'flipped-ordering' ? row.kind : '—');
  const relative = METRICS[row.metric].thresholdKind === 'relative';
  const fmt = (x: number): string => (relative ? `${x.toFixed(3)}×` : `${x > 0 ? '+' : ''}${x.toFixed(3)}`);
  const tone: ValueCell['tone'] = row.kind === 'regression' ? 'worse' : row.kind === 'improvement' ? 'better' : 'none';
  return {
    kind: 'value',
    text: fmt(row.change),
    ci: row.ci === null ? null : `[${relative ? row.ci[0].toFixed(3) : fmt(row.ci[0])}, ${relative ? row.ci[1].toFixed(3) : fmt(row.ci[1])}]`,
    value: row.change,
    metric: row.metric,
    tone,
    note: null,
  };
}

const KIND_ORDER: Record<string, number> = { regression: 0, 'new-reversal': 0, 'flipped-ordering': 0, improvement: 1 };

/** Size of a change on a common scale: |ln ratio| for relative metrics, |difference| for absolute ones. */
const magnitude = (row: ChangeRow): number =>
  row.change === null ? Number.POSITIVE_INFINITY : METRICS[row.metric].thresholdKind === 'relative' ? Math.abs(Math.log(row.change)) : Math.abs(row.change);

/** Regressions and improvements first, then the largest changes. */
export function orderChangeRows(rows: readonly ChangeRow[]): ChangeRow[] {
  return [...rows].sort((a, b) => (KIND_ORDER[a.kind] ?? 2) - (KIND_ORDER[b.kind] ?? 2) || magnitude(b) - magnitude(a) || byText(a.key, b.key));
}

/** How a group of keys is counted in words (`5 not judged`). */
const GROUP_LABEL: Readonly<Record<string, string>> = { unjudged: 'not judged', unchanged: 'not compared', skipped: 'series not checked', 'hardware-mismatch': 'baseline for other hardware' };

function groupItem(group: ChangeGroup, limits: ShortFormLimits, where: string, keysAbove: boolean): ListItem {
  const head: Text = [strong(`${group.keys.length} ${GROUP_LABEL[group.kind] ?? group.kind}`), ` — ${group.reason}`, keysAbove ? ' (keys under “What failed the gate”)' : ''];
  const item = keysAbove ? { text: head, brief: head } : keysItem(head, group.keys, limits.groupKeys, where);
  return { ...item, more: { summary: ['every key and message'], items: group.keys.map((k, i) => [code(k), `: ${group.messages[i] ?? ''}`]) } };
}

export function changesSection(ctx: MachineContext): Section | null {
  const { changes } = ctx;
  if (changes.against === null) return null;
  const rows = orderChangeRows(changes.rows.filter((r) => r.scope !== 'ordering'));
  const confidence = rows.find((r) => r.confidence !== null)?.confidence ?? ctx.verdict?.settings.confidence ?? 0.99;
  const counts = changes.counts;
  const groupCounts = changes.groups.map((g) => `${g.keys.length} ${GROUP_LABEL[g.kind] ?? g.kind}`);
  const summary: Text = [
    `Against ${changes.against}: `,
    strong(plural(counts.regressions, 'regression')),
    `, ${plural(counts.improvements, 'improvement')}, ${counts.unchanged} unchanged`,
    groupCounts.length > 0 ? `; ${groupCounts.join(', ')}` : '',
    '.',
  ];
  const blocks: Block[] = [{ kind: 'paragraph', role: 'lead', text: summary }];
  if (rows.length > 0) {
    blocks.push(
      changes.baseline === null
        ? explain(
            'Change = head ÷ base: the geometric mean over paired rounds of the head’s latency over the base’s, both measured in the same rounds on this machine (> 1: slower); before → now are the medians in ms; aggregates are the geometric mean over their cases; series are β head − β base or depth gain head ÷ base from the paired ratios — with its ',
            `${Math.round(confidence * 1000) / 10}% t interval; a finding needs a minimum-effect test beyond the threshold to survive the run’s false-alarm correction. Regressions and improvements first, then the largest changes.`,
          )
        : explain(
            'Change = now ÷ before of the judged ratio (the case’s latency over the partner measured alongside it; > 1: slower) — or now − before of a series’ slope — with its ',
            `${Math.round(confidence * 1000) / 10}% bootstrap CI; a finding needs the CI clear of no change and the change beyond the threshold. Regressions and improvements first, then the largest changes.`,
          ),
      table(
        'changes',
        [
          column('case or series'),
          column('compared', 'left', { form: 'full' }),
          column('before → now', 'right', { title: 'What is compared, in the baseline and in this run' }),
          column(`change [${Math.round(confidence * 1000) / 10}% CI]`, 'right'),
          column('threshold', 'right'),
          column('verdict'),
          column('evidence', 'left', { wrap: true, form: 'full' }),
        ],
        rows.map((r) =>
          dataRow(
            [
              keyCell(r.key),
              textCell(r.compared),
              textCell(r.before === null || r.after === null ? '' : `${formatNumber(r.before, 3)} → ${formatNumber(r.after, 3)}`),
              changeCell(r),
              numberCell(r.threshold, r.threshold === null ? '' : METRICS[r.metric].thresholdKind === 'relative' ? pct(r.threshold) : formatNumber(r.threshold, 2)),
              r.fails ? textCell([strong(r.kind)], 'worse') : textCell(r.kind, r.kind === 'improvement' ? 'better' : undefined),
              longTextCell(r.note),
            ],
            r.kind === 'regression' ? 'regression' : r.kind === 'improvement' ? 'improvement' : 'none',
          ),
        ),
        ctx.limits.changeRows,
        'comparison',
        ctx.where,
      ),
    );
  }
  const findings = rows.filter((r) => r.kind === 'regression' || r.kind === 'improvement').length;
  const last = blocks.at(-1);
  // The full form shows the findings and as many of the largest other changes as the short one, the rest collapsed.
  if (last?.kind === 'table') blocks[blocks.length - 1] = { ...last, fullLead: Math.max(findings, ctx.limits.changeRows) };
  if (changes.groups.length > 0) {
    // Keys of a group that also fails the gate are listed under “What failed the gate”; here only its reason.
    const listed = new Set(changes.problems.map((p) => p.kind as string));
    blocks.push({ kind: 'list', items: changes.groups.map((g) => groupItem(g, ctx.limits, ctx.where, listed.has(g.kind))), lead: changes.groups.length, rest: null });
  }
  if (changes.versionChanges.length > 0) {
    blocks.push({ kind: 'list', items: changes.versionChanges.map((v) => keysItem([strong(v.change)], v.keys, ctx.limits.groupKeys, ctx.where)), lead: changes.versionChanges.length, rest: null });
  }
  return section(ctx, 'changes', 'What changed', blocks, { tone: counts.regressions > 0 ? 'fail' : null });
}

// ---------------------------------------------------------------------------------------------
// Reversals: new, known, other
// ---------------------------------------------------------------------------------------------

/** By pair, then depth and batch as numbers, then the compiler (references first). */
export function orderReversals(reversals: readonly Reversal[], references: ReadonlySet<string>): Reversal[] {
  const rank = new Map(compilerOrder(reversals.map((r) => r.compilerId), references).map((id, i) => [id, i]));
  return [...reversals].sort(
    (x, y) =>
      byText(`${x.a}~${x.b}`, `${y.a}~${y.b}`) || (x.depth ?? 0) - (y.depth ?? 0) || x.batch - y.batch || (rank.get(x.compilerId) ?? 0) - (rank.get(y.compilerId) ?? 0),
  );
}

function reversalTable(ctx: MachineContext, reversals: readonly Reversal[], tone: 'reversal' | 'none'): TableBlock {
  return table(
    'reversals',
    [column('group'), column('where'), column('pair'), column('faster under the reference', 'left', { wrap: true }), column('faster under the compiler', 'left', { wrap: true }), column('cases', 'left', { form: 'full' })],
    orderReversals(reversals, ctx.references).map((r) => {
      const ref = valueCell(r.referenceRatio);
      const cmp = valueCell(r.compilerRatio);
      const ratio = (v: ValueCell) => `${v.text}${v.ci === null ? '' : ` ${v.ci}`}`;
      return dataRow(
        [
          textCell(r.group),
          textCell(placeOf(r.batch, r.depth, r.dims).replaceAll('/', ' ')),
          textCell(`${r.a} vs ${r.b}`),
          textCell([strong(r.fasterUnderReference), ' under ', code(r.referenceId), ` (${ratio(ref)})`]),
          textCell([strong(r.fasterUnderCompiler), ' under ', code(r.compilerId), ` (${ratio(cmp)})`]),
          textCell(r.caseKeys.flatMap((k, i): Span[] => (i === 0 ? [code(k)] : [' ', code(k)])), 'keys'),
        ],
        tone,
      );
    }),
    ctx.limits.reversalRows,
    'reversal',
    ctx.where,
  );
}

const REVERSAL_EXPLAIN =
  'A reversal: under the compiler the other model of a pair of a comparison group is significantly faster than under the reference (ratio = latency of the first model over the second, with its CI) — a choice of architecture made on one runtime does not carry over to the other.';

const FLOPS_UNITS: readonly [number, string][] = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']];

/** `4.47 G`: a FLOP or parameter count at three significant figures. */
function countText(n: number | null): string {
  if (n === null) return 'unknown';
  const unit = FLOPS_UNITS.find(([size]) => n >= size);
  return unit === undefined ? String(n) : `${(n / unit[0]).toPrecision(3)} ${unit[1]}`;
}

/**
 * The comparison groups measured in this run: each member with its estimated FLOPs per sample and
 * parameters (so a reader sees whether the pair is matched), and the group's orderings and reversals.
 * Absent when no group has two members measured.
 */
export function groupsSection(ctx: MachineContext): Section | null {
  const { run, metrics } = ctx;
  const models = new Map(run.cases.map((c) => [c.model.id, c.model]));
  const measured = comparisonGroupsOf(run)
    .map((g) => ({ group: g, present: g.models.filter((m) => models.has(m)) }))
    .filter((g) => g.present.length >= 2);
  if (measured.length === 0) return null;
  const rows = measured.flatMap(({ group, present }) =>
    present.map((id) => {
      const model = models.get(id) as NonNullable<ReturnType<typeof models.get>>;
      const orderings = metrics.orderings.filter((o) => o.group === group.name && (o.a === id || o.b === id));
      const reversals = metrics.reversals.filter((r) => r.group === group.name && (r.a === id || r.b === id));
      return dataRow(
        [
          textCell(group.name),
          textCell([code(id)]),
          textCell(countText(model.flopsPerSample)),
          textCell(countText(model.params)),
          textCell(`[${model.sampleShape.join(', ')}]`),
          textCell(String(orderings.filter((o) => o.faster !== null).length)),
          textCell(String(reversals.length)),
        ],
        reversals.length > 0 ? 'reversal' : 'none',
      );
    }),
  );
  return section(ctx, 'groups', `Comparison groups (${measured.length})`, [
    explain(
      'The models whose orderings and reversals are computed: within each group, every pair measured at the same batch (and depth, and swept dimensions) under one compiler. FLOPs (per sample, estimated from the graph) and parameters show whether a pair is matched.',
    ),
    table(
      'groups',
      [column('group'), column('model'), column('FLOPs / sample', 'right'), column('parameters', 'right'), column('sample shape'), column('significant orderings', 'right'), column('reversals', 'right')],
      rows,
      rows.length,
      'model',
      ctx.where,
    ),
  ]);
}

/** `archetypes` or `the groups archetypes, vision-4.5gflop`: the groups that have orderings. */
function groupNames(metrics: MetricsSummary): string {
  const names = [...new Set(metrics.orderings.map((o) => o.group))].sort();
  return names.length === 1 ? `group ${names[0]}` : `groups ${names.join(', ')}`;
}

/** New reversals (failing), known ones (collapsed, labelled), and those that are not failures. */
export function reversalSections(ctx: MachineContext): Section[] {
  const { metrics, changes } = ctx;
  const status = (r: Reversal): ReversalStatus => changes.reversalStatus.get(r.id) ?? 'unjudged';
  const judged = changes.against !== null;
  const flips = changes.rows.filter((r) => r.scope === 'ordering' && r.kind === 'flipped-ordering');
  if (!judged) {
    if (metrics.reversals.length === 0 && metrics.orderings.length === 0) return [];
    const pairs = new Set(metrics.orderings.map((o) => `${o.a}~${o.b}`)).size;
    const blocks: Block[] =
      metrics.reversals.length === 0
        ? [{ kind: 'callout', tone: 'ok', text: [`None: every compiler keeps the reference's significant ordering of the ${plural(pairs, 'pair')} of ${groupNames(metrics)}.`] }]
        : [explain(REVERSAL_EXPLAIN, ' Not judged: there is no baseline to tell new reversals from known ones.'), reversalTable(ctx, metrics.reversals, 'reversal')];
    return [section(ctx, 'new-reversals', `Reversals of ordering in ${groupNames(metrics)} (${metrics.reversals.length}), not judged: no baseline`, blocks)];
  }
  const fresh = metrics.reversals.filter((r) => status(r) === 'new');
  const known = metrics.reversals.filter((r) => status(r) === 'known');
  const other = metrics.reversals.filter((r) => status(r) === 'tolerated' || status(r) === 'unjudged');
  const out: Section[] = [];
  const newBlocks: Block[] = [];
  if (fresh.length === 0 && flips.length === 0) {
    newBlocks.push({
      kind: 'callout',
      tone: 'ok',
      text: [`None: no reversal or flipped ordering that the baseline lacks.${known.length + other.length > 0 ? ` ${known.length} known and ${other.length} other reversals are listed below, collapsed.` : ''}`],
    });
  } else {
    if (fresh.length > 0) newBlocks.push(explain(REVERSAL_EXPLAIN, ' These are not in the baseline and fail the gate.'), reversalTable(ctx, fresh, 'reversal'));
    if (flips.length > 0) {
      newBlocks.push({
        kind: 'list',
        items: flips.map((f) => ({ text: [strong('flipped ordering'), ' ', code(f.key), `: ${f.message}`], brief: [strong('flipped ordering'), ' ', code(f.key), `: ${brief(f.message, 300)}`] })),
        lead: Math.min(flips.length, ctx.limits.reversalRows),
        rest: rest(flips.length, Math.min(flips.length, ctx.limits.reversalRows), 'flipped ordering', ctx.where),
      });
    }
  }
  out.push(section(ctx, 'new-reversals', `New reversals (${fresh.length + flips.length})`, newBlocks, { tone: fresh.length + flips.length > 0 ? 'fail' : 'ok' }));
  if (known.length > 0) {
    out.push(
      section(ctx, 'known-reversals', `Known reversals (${known.length}): also in the baseline, not failures`, [explain(REVERSAL_EXPLAIN), reversalTable(ctx, known, 'none')], { collapsed: true }),
    );
  }
  if (other.length > 0) {
    out.push(
      section(
        ctx,
        'other-reversals',
        `Other reversals (${other.length}): within the practical threshold, or among cases the baseline cannot vouch for`,
        [explain(REVERSAL_EXPLAIN, ' The gate notes say why each is not a failure.'), reversalTable(ctx, other, 'none')],
        { collapsed: true },
      ),
    );
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Not measured
// ---------------------------------------------------------------------------------------------

export function notMeasuredSection(ctx: MachineContext): Section | null {
  const { run } = ctx;
  const failed = run.cases.filter((c): c is Extract<CaseResult, { state: 'failed' }> => c.state === 'failed');
  const unavailable = run.cases.filter((c): c is Extract<CaseResult, { state: 'unavailable' }> => c.state === 'unavailable');
  if (failed.length + unavailable.length === 0) return null;
  const rows: Row[] = failed.map((c) => dataRow([keyCell(c.key), textCell(`failed (${c.phase})`), longTextCell(c.error, 'error', BRIEF_ERROR_CHARS)], 'failed'));
  // Unavailable cases share a reason per compiler: one row per (compiler, reason), the keys listed in the full form.
  const groups = new Map<string, Extract<CaseResult, { state: 'unavailable' }>[]>();
  for (const c of unavailable) {
    const id = `${c.compiler.id}\u0000${c.reason}`;
    groups.set(id, [...(groups.get(id) ?? []), c]);
  }
  for (const group of groups.values()) {
    const first = group[0] as (typeof group)[number];
    const keys = group.map((c) => c.key);
    const cell: Cell =
      group.length === 1
        ? keyCell(first.key)
        : { kind: 'text', text: keys.flatMap((k, i): Span[] => (i === 0 ? [code(k)] : [', ', code(k)])), brief: [`${group.length} cases of `, code(first.compiler.id)] };
    rows.push(dataRow([cell, textCell('unavailable'), longTextCell(first.reason)], 'unavailable'));
  }
  return section(ctx, 'not-measured', `Not measured (${failed.length + unavailable.length})`, [
    explain('Metrics are computed over the points that ran; these are left out of every fit.'),
    table('not-measured', [column('case'), column('state'), column('why', 'left', { wrap: true })], rows, ctx.limits.notMeasuredRows, 'row', ctx.where),
  ]);
}

// ---------------------------------------------------------------------------------------------
// Friction, depth gain, compile cost
// ---------------------------------------------------------------------------------------------

const seriesModel = (s: { modelId: string; depth: number | null }): string => `${s.modelId}${s.depth === null ? '' : ` d=${s.depth}`}`;

function pointsCell(n: number, noun: string, missing: readonly MissingPoint[]): Cell {
  const measured = plural(n, noun, noun === 'batch' ? 'batches' : `${noun}s`);
  // The short form names only what is missing (nothing when the sweep is whole).
  if (missing.length === 0) return { kind: 'text', text: [measured], brief: [] };
  return {
    kind: 'text',
    text: [`${measured} · ${missing.length} missing`],
    brief: [`${missing.length} missing`],
    title: missing.map((m) => `${m.key}: ${m.state} (${m.reason})`).join('\n'),
  };
}

/** Why a series has no comparison, from its gap code: `(reference)` for the reference itself. */
function gapText(s: FrictionSeries | DepthSeries): string {
  if (s.comparisonGap === 'is-reference' || s.comparisonGap === undefined) return '(reference)';
  return `— (${s.comparisonNote ?? s.comparisonGap})`;
}

export function frictionSection(ctx: MachineContext): Section | null {
  const { metrics } = ctx;
  if (metrics.friction.length === 0) return null;
  const primary = (s: FrictionSeries) => s.suite !== 'blocks' || s.depth === maxDepthOf(metrics, s.modelId);
  const rank = new Map(compilerOrder(metrics.friction.map((s) => s.compilerId), ctx.references).map((id, i) => [id, i]));
  const series = [...metrics.friction].sort(
    (a, b) =>
      Number(primary(b)) - Number(primary(a)) ||
      byText(a.suite, b.suite) ||
      byText(a.modelId, b.modelId) ||
      (b.depth ?? 0) - (a.depth ?? 0) ||
      (rank.get(a.compilerId) ?? 0) - (rank.get(b.compilerId) ?? 0),
  );
  const blocks: Block[] = [
    explain(
      'β = slope of ln latency on ln batch: 0 = batching is free, 1 = no amortisation. Mitigation = β',
      { sub: 'ref' },
      ' − β (positive: the compiler removes friction). ',
      strong('Knee'),
      `: the smaller batch of the first pair of neighbouring batches whose marginal β = ln(L₂/L₁)/ln(b₂/b₁) is ≥ ${KNEE_BETA} — from there on, doubling the batch adds less than ${Math.round((2 ** (1 - KNEE_BETA) - 1) * 100)}% throughput. [bootstrap CI]`,
    ),
  ];
  const beta = betaChart(metrics, ctx.references);
  if (beta !== null) blocks.push({ kind: 'chart', chart: beta, inShortForm: false, form: 'full' });
  const rows = series.map((s) => {
    const c = s.comparison;
    const speedups = c === null ? [] : [...c.speedups].sort((x, y) => x.batch - y.batch);
    return dataRow(
      [
        textCell(seriesModel(s)),
        textCell([code(s.compilerId)]),
        valueCell(s.beta, { fixed: 2 }),
        textCell(s.knee === null ? '—' : `b=${s.knee}`),
        c === null ? textCell(gapText(s), 'muted') : valueCell(c.mitigation, { fixed: 2, signed: true }),
        c === null
          ? emptyCell
          : textCell(speedups.flatMap((p, i): Span[] => [...(i === 0 ? [] : ['; ']), `b=${p.batch}: `, ...valueSpans(valueCell(p.speedup, { suffix: '×' }))])),
        pointsCell(s.points.length, 'batch', s.missing),
      ],
      c === null && s.comparisonGap === 'is-reference' ? 'reference' : 'none',
    );
  });
  blocks.push(
    table(
      'friction',
      [
        column('model'),
        column('compiler'),
        metricColumn('friction-beta', 'β'),
        column('knee', 'right', { title: `Smaller batch of the first neighbouring pair whose marginal β ≥ ${KNEE_BETA}` }),
        metricColumn('friction-mitigation', 'mitigation vs reference'),
        { ...metricColumn('batch-speedup', 'speedup per batch', 'left'), form: 'full', wrap: true },
        column('points'),
      ],
      rows,
      ctx.limits.frictionRows,
      'series',
      `${ctx.where} (archetypes and blocks at their largest depth come first)`,
    ),
  );
  return section(ctx, 'friction', 'Batch friction', blocks);
}

const valueSpans = (v: ValueCell): Span[] => [v.text, ...(v.ci === null ? [] : [` ${v.ci}`])];

const NEGATIVE_ALPHA =
  'α < 0: the straight line latency(d) = α + c·d fitted over the measured depths crosses zero before d = 0 — latency grows faster than linearly with depth here (or the shallowest point ran fast), so α is not a real fixed cost; read c and the speedups.';

export function depthSection(ctx: MachineContext): Section | null {
  const { metrics } = ctx;
  if (metrics.depth.length === 0) return null;
  const maxBatch = new Map<string, number>();
  for (const s of metrics.depth) maxBatch.set(s.modelId, Math.max(maxBatch.get(s.modelId) ?? 0, s.batch));
  const rank = new Map(compilerOrder(metrics.depth.map((s) => s.compilerId), ctx.references).map((id, i) => [id, i]));
  const primary = (s: DepthSeries) => s.batch === maxBatch.get(s.modelId);
  const ordered = [...metrics.depth].sort(
    (a, b) => Number(primary(b)) - Number(primary(a)) || byText(a.modelId, b.modelId) || b.batch - a.batch || (rank.get(a.compilerId) ?? 0) - (rank.get(b.compilerId) ?? 0),
  );
  const rows: Row[] = [];
  let group = '';
  let negative = false;
  for (const s of ordered) {
    const heading = `${s.modelId} · b=${s.batch}`;
    if (heading !== group) {
      group = heading;
      const depths = [...new Set(metrics.depth.filter((x) => x.modelId === s.modelId && x.batch === s.batch).flatMap((x) => x.points.map((p) => p.depth)))].sort(ascending);
      rows.push({ kind: 'group', text: [strong(heading), ` · depths ${depths.join(', ')}`] });
    }
    const c = s.comparison;
    const speedups = c === null ? [] : [...c.speedups].sort((x, y) => x.depth - y.depth);
    const first = speedups[0]?.speedup;
    const last = speedups.at(-1)?.speedup;
    const alphaNegative = s.alpha.value !== null && s.alpha.value < 0;
    negative ||= alphaNegative;
    const unfit = s.alpha.value === null && s.perBlock.value === null && (c === null || c.depthGain.value === null);
    const cells: Cell[] = unfit
      ? [
          textCell([code(s.compilerId)]),
          textCell(`— ${s.alpha.value === null ? s.alpha.reason : ''}${c === null && s.comparisonGap !== 'is-reference' && s.comparisonNote !== undefined ? `; ${s.comparisonNote}` : ''}`, 'muted'),
          emptyCell,
          emptyCell,
          emptyCell,
          emptyCell,
        ]
      : [
          textCell([code(s.compilerId)]),
          valueCell(s.alpha, alphaNegative ? { flag: NEGATIVE_ALPHA } : {}),
          valueCell(s.perBlock),
          c === null
            ? textCell(gapText(s), 'muted')
            : first && last
              ? textCell([...valueSpans(valueCell(first, { suffix: '×' })), ' → ', ...valueSpans(valueCell(last, { suffix: '×' }))])
              : textCell('—'),
          c === null ? emptyCell : valueCell(c.depthGain, { suffix: '×' }),
          c === null ? emptyCell : valueCell(c.perBlockSpeedup, { suffix: '×' }),
        ];
    rows.push(dataRow([...cells, pointsCell(s.points.length, 'depth', s.missing)], c === null && s.comparisonGap === 'is-reference' ? 'reference' : 'none'));
  }
  const blocks: Block[] = [
    explain(
      'Fit latency(d) = α + c·d. S(d) = latency',
      { sub: 'ref' },
      '(d) / latency(d); depth gain = S(d',
      { sub: 'max' },
      ') / S(d',
      { sub: 'min' },
      ') (> 1: the compiler gains more on deeper stacks); per-block speedup = c',
      { sub: 'ref' },
      ' / c. [bootstrap CI]',
    ),
  ];
  if (negative) blocks.push({ kind: 'callout', tone: 'warn', text: ['⚑ ', strong('Negative fixed cost.'), ` ${NEGATIVE_ALPHA}`] });
  blocks.push(
    table(
      'depth',
      [
        column('compiler'),
        metricColumn('depth-alpha', 'α ms'),
        metricColumn('depth-per-block', 'c ms/block'),
        metricColumn('depth-speedup', ['S(d', { sub: 'min' }, ') → S(d', { sub: 'max' }, ')'], 'left'),
        metricColumn('depth-gain', 'depth gain'),
        metricColumn('per-block-speedup', 'per-block speedup'),
        column('points'),
      ],
      rows,
      ctx.limits.depthRows,
      'row',
      `${ctx.where} (each block at its largest batch comes first)`,
    ),
  );
  return section(ctx, 'depth', 'Depth gain', blocks);
}

export function compileSection(ctx: MachineContext): Section | null {
  const costs = compileCostRows(ctx.metrics).sort((a, b) => byText(a.key.split('/')[1] ?? '', b.key.split('/')[1] ?? '') || (a.depth ?? 0) - (b.depth ?? 0) || byText(a.compilerId, b.compilerId));
  if (costs.length === 0) return null;
  return section(ctx, 'compile', 'Compile cost', [
    explain('Break-even = compile time / latency saved per inference against the reference: inferences after which compiling has paid off (largest batch; blocks at their largest depth).'),
    table(
      'compile',
      [
        column('model'),
        column('compiler'),
        metricColumn('compile-ms', 'compile ms'),
        column('reference compile ms', 'right'),
        column('saved ms/inference', 'right', { title: 'lat_R − lat_C at this batch; negative when the compiler is slower' }),
        metricColumn('break-even-inferences', 'break-even inferences'),
      ],
      costs.map((c) =>
        dataRow([
          textCell(`${c.key.split('/')[1]}${c.depth === null ? '' : ` d=${c.depth}`} b=${c.batch}`),
          textCell([code(c.compilerId)]),
          numberCell(c.compileMs, formatMs(c.compileMs), 'compile-ms'),
          numberCell(c.referenceCompileMs, formatMs(c.referenceCompileMs)),
          numberCell(c.savingMs, formatMs(c.savingMs), null, c.savingMs < 0 ? 'worse' : 'none'),
          // Not faster: compiling never pays back (the metric's reason says by how much, as a tooltip).
          c.breakEven.value === null && c.savingMs <= 0 ? { kind: 'text', text: ['never pays back'], tone: 'muted', title: c.breakEven.reason } : valueCell(c.breakEven),
        ]),
      ),
      ctx.limits.compileRows,
      'row',
      ctx.where,
    ),
  ]);
}

// ---------------------------------------------------------------------------------------------
// Charts, orderings, cases, hardware
// ---------------------------------------------------------------------------------------------

export function chartsSection(ctx: MachineContext): Section | null {
  if (ctx.run.cases.length === 0) return null;
  const latency = latencyCharts(ctx.metrics, ctx.references);
  const depth = speedupCharts(ctx.metrics, ctx.references);
  if (latency.length + depth.length === 0) return null;
  // The short form draws the first few: archetypes and models before blocks, then speedup against depth.
  const ordered = [...latency.filter((c) => !c.subtitle.startsWith('blocks')), ...depth, ...latency.filter((c) => c.subtitle.startsWith('blocks'))];
  const short = new Set(ordered.slice(0, ctx.limits.charts));
  const left = ordered.length - short.size;
  const blocks: Block[] = [];
  if (latency.length > 0) {
    blocks.push(
      { kind: 'paragraph', role: 'plain', text: [strong('Latency against batch')], form: 'full' },
      explain('Median latency of one inference of the whole batch, log–log (slope = β); whiskers: CI of the median; blocks at their largest depth. In the Markdown, Mermaid has no log axis: its y axis is log10 of the latency and the batches are evenly spaced.'),
      ...latency.map((chart): Block => ({ kind: 'chart', chart, inShortForm: short.has(chart) })),
    );
  }
  if (depth.length > 0) {
    blocks.push(
      { kind: 'paragraph', role: 'plain', text: [strong('Speedup against depth')], form: 'full' },
      explain('S(d) = latency', { sub: 'ref' }, '(d) / latency(d) at each block’s largest batch; above 1× the compiler is faster than the reference.'),
      ...depth.map((chart): Block => ({ kind: 'chart', chart, inShortForm: short.has(chart) })),
    );
  }
  if (left > 0) blocks.push({ kind: 'paragraph', role: 'explain', text: [`… ${plural(left, 'chart')} more in ${ctx.where}.`], form: 'short' });
  return section(ctx, 'charts', 'Charts', blocks, { collapsedInShortForm: true });
}

export function orderingsSection(ctx: MachineContext): Section | null {
  const { metrics } = ctx;
  if (metrics.orderings.length === 0) return null;
  const rank = new Map(compilerOrder(metrics.orderings.map((o) => o.compilerId), ctx.references).map((id, i) => [id, i]));
  const orderings = [...metrics.orderings].sort(
    (x, y) => byText(`${x.a}~${x.b}`, `${y.a}~${y.b}`) || (rank.get(x.compilerId) ?? 0) - (rank.get(y.compilerId) ?? 0) || (x.depth ?? 0) - (y.depth ?? 0) || x.batch - y.batch,
  );
  const reversed = (o: (typeof orderings)[number]) =>
    metrics.reversals.some((r) => placeOf(r.batch, r.depth, r.dims) === placeOf(o.batch, o.depth, o.dims) && r.a === o.a && r.b === o.b && (r.compilerId === o.compilerId || r.referenceId === o.compilerId));
  return section(
    ctx,
    'orderings',
    `Orderings within comparison groups (${orderings.length})`,
    [
      explain('Latency ratio of each pair of a comparison group against batch, per compiler; the points of a reversal are ringed. A CI that excludes 1 is a significant ordering.'),
      ...ratioCharts(metrics, ctx.references).map((chart): Block => ({ kind: 'chart', chart, inShortForm: false })),
      {
        kind: 'details',
        summary: [`All orderings (${orderings.length})`],
        blocks: [
          table(
            'orderings',
            [column('group'), column('compiler'), column('where'), column('pair a / b'), metricColumn('archetype-ratio', 'ratio a / b'), column('significantly faster')],
            orderings.map((o) =>
              dataRow(
                [
                  textCell(o.group),
                  textCell([code(o.compilerId)]),
                  textCell(placeOf(o.batch, o.depth, o.dims).replaceAll('/', ' ')),
                  textCell(`${o.a} / ${o.b}`),
                  valueCell(o.ratio),
                  textCell(o.faster === null ? 'not significant' : o.faster, o.faster === null ? 'muted' : undefined),
                ],
                reversed(o) ? 'reversal' : 'none',
              ),
            ),
            orderings.length,
            'ordering',
            ctx.where,
          ),
        ],
      },
    ],
    { form: 'full' },
  );
}

export function fastestSection(ctx: MachineContext): Section | null {
  const rows = fastestStacks(ctx.run.cases);
  if (rows.length === 0) return null;
  const families = (r: (typeof rows)[number]) => r.byFamily;
  const bothHardware = new Set(rows.map((r) => r.hardware)).size > 1;
  return section(ctx, 'fastest', `Fastest stack per model and batch (${rows.length})`, [
    explain(
      'Across compiler families (vendor PyTorch and JAX, ONNX Runtime, TensorFlow.js): at each model, batch (blocks at their largest depth) measured by two or more families, the fastest compiler of each family by median latency, fastest first. ',
      'Next = the second family’s median over the fastest’s; “tie” when their medians’ 95% CIs overlap. Mode says whether inputs stay on the device (compute-only) or are copied on every call (end-to-end): compare like with like.',
    ),
    table(
      'fastest',
      [column('model'), column('batch', 'right'), column('fastest'), column('mode'), column('median ms', 'right'), column('next family'), column('next / fastest', 'right'), column('all families, fastest first', 'left', { wrap: true })],
      rows.map((r) => {
        const [first, second] = families(r) as [FastestFamily, FastestFamily];
        const tie = second.medianCi[0] <= first.medianCi[1];
        const ratio = second.medianMs / first.medianMs;
        return dataRow([
          textCell(`${r.modelId}${r.depth === null ? '' : ` d=${r.depth}`}${bothHardware ? ` (${r.hardware})` : ''}`),
          numberCell(r.batch, String(r.batch)),
          textCell([code(first.compilerId)]),
          textCell(first.mode),
          numberCell(first.medianMs, formatMs(first.medianMs)),
          textCell([code(second.compilerId)]),
          numberCell(ratio, tie ? `${formatRatio(ratio)} (tie)` : formatRatio(ratio)),
          longTextCell(families(r).map((f) => `${f.compilerId} ${formatMs(f.medianMs)}`).join(' · ')),
        ]);
      }),
      ctx.limits.compileRows,
      'row',
      ctx.where,
    ),
  ]);
}

type FastestFamily = ReturnType<typeof fastestStacks>[number]['byFamily'][number];

/** Cases in a stable order: suite, model, compiler, then depth and batch as numbers. */
export function orderCases(cases: readonly CaseResult[]): CaseResult[] {
  return [...cases].sort(
    (a, b) => byText(a.suite, b.suite) || byText(a.model.id, b.model.id) || byText(a.compiler.id, b.compiler.id) || (a.depth ?? 0) - (b.depth ?? 0) || a.batch - b.batch,
  );
}

export function casesSection(ctx: MachineContext): Section {
  const { run, metrics, verdict } = ctx;
  const verdictOf = new Map(verdict?.cases.map((c) => [c.key, c]) ?? []);
  const metricsOf = new Map(metrics.cases.map((m) => [m.key, m]));
  const rows = orderCases(run.cases).map((c) => {
    const v = verdictOf.get(c.key);
    const vs: Cell =
      v === undefined ? emptyCell : textCell(`${v.kind}${v.evidence ? ` (${formatRatio(v.evidence.ratio)})` : ''}`, v.kind === 'regression' || v.kind === 'failed' || v.kind === 'missing' ? 'worse' : v.kind === 'improvement' ? 'better' : undefined);
    if (c.state !== 'completed') {
      const why = c.state === 'failed' ? `failed (${c.phase}): ${c.error}` : `unavailable: ${c.reason}`;
      return dataRow([keyCell(c.key), emptyCell, emptyCell, emptyCell, emptyCell, emptyCell, longTextCell(why, c.state === 'failed' ? 'error' : 'muted'), vs], c.state);
    }
    const m = metricsOf.get(c.key);
    const quiet = m !== undefined && m.rounds.quiet < m.rounds.all ? `, ${m.rounds.quiet}/${m.rounds.all} rounds quiet` : '';
    return dataRow([
      keyCell(c.key),
      numberCell(c.latency.median, formatMs(c.latency.median), 'latency'),
      numberCell(null, `${formatMs(c.latency.medianCi[0])}–${formatMs(c.latency.medianCi[1])}`),
      numberCell(c.throughput, formatCount(c.throughput), 'throughput'),
      m?.speedupAlongside.value == null ? textCell('') : numberCell(m.speedupAlongside.value, `${m.speedupAlongside.value.toFixed(2)}×`, 'batch-speedup'),
      numberCell(c.compileMs, formatMs(c.compileMs), 'compile-ms'),
      textCell(`${c.engine.name}, n=${c.latency.n}, ${c.engine.stoppedBy}${quiet}`),
      vs,
    ]);
  });
  return section(
    ctx,
    'cases',
    `All cases (${run.cases.length})`,
    [
      table(
        'cases',
        [
          column('case', 'left', { wrap: true }),
          metricColumn('latency', 'median ms'),
          column('CI of the median', 'right'),
          metricColumn('throughput', 'samples/s'),
          metricColumn('batch-speedup', '× ref (alongside)'),
          metricColumn('compile-ms', 'compile ms'),
          column('measured', 'left', { wrap: true }),
          column('vs baseline'),
        ],
        rows,
        ctx.limits.caseRows,
        'case',
        ctx.where,
      ),
    ],
    { collapsed: true },
  );
}

const wallMs = (p: { readonly startedAt: string; readonly finishedAt: string }): number => Date.parse(p.finishedAt) - Date.parse(p.startedAt);
const utc = (iso: string): string => `${iso.slice(0, 19).replace('T', ' ')} UTC`;

/** A run combined from parts of one matrix (src/results/parts.ts): what each part was. */
export function partsSection(ctx: MachineContext): Section | null {
  const parts = ctx.run.parts;
  if (parts === undefined) return null;
  const incomplete = parts.filter((p) => !p.complete).length;
  const measuring = parts.reduce((sum, p) => sum + Math.max(0, wallMs(p)), 0);
  const rows = parts.map((p, i): Row => {
    const filters = Object.entries(p.filters).map(([k, v]) => `${k}=${v}`).join(' ');
    const command = p.commandLine.join(' ');
    return dataRow(
      [
        numberCell(i + 1, String(i + 1)),
        { kind: 'text', text: [code(p.file)], ...(brief(p.file, 100) === p.file ? {} : { brief: [code(brief(p.file, 100))] }) },
        command === '' ? textCell('—', 'muted') : { kind: 'text', text: [code(command)], ...(brief(command, BRIEF_CHARS) === command ? {} : { brief: [code(brief(command, BRIEF_CHARS))] }) },
        filters === '' ? textCell('none', 'muted') : longTextCell(filters),
        textCell(utc(p.startedAt)),
        numberCell(wallMs(p), formatDuration(wallMs(p))),
        numberCell(p.cases, String(p.cases)),
        textCell(p.complete ? 'yes' : 'no', p.complete ? undefined : 'error'),
      ],
      p.complete ? 'none' : 'failed',
    );
  });
  const columns = [
    column('part', 'right'),
    column('file'),
    column('command', 'left', { wrap: true }),
    column('filters', 'left', { wrap: true }),
    column('started'),
    column('wall time', 'right'),
    column('cases', 'right'),
    column('complete'),
  ];
  return section(
    ctx,
    'parts',
    `Measured in ${plural(parts.length, 'part')}`,
    [
      explain(
        `This run is one matrix measured in ${plural(parts.length, 'part')} on this machine — complete runs of disjoint selections, combined into one run `,
        `(${plural(ctx.run.cases.length, 'case')}, ${formatDuration(measuring)} of measuring from ${utc(ctx.run.startedAt)} to ${utc(ctx.run.finishedAt)}`,
        incomplete > 0 ? `; ${plural(incomplete, 'part')} incomplete` : '',
        '). Its metrics are computed over all parts’ cases; a baseline case is missing only when some part’s filters selected it.',
      ),
      table('parts', columns, rows, rows.length, 'part', ctx.where),
    ],
    { collapsed: true },
  );
}

/** `baseline from <time>`, with the number of runs when it was made from several. */
export function baselineText(b: NonNullable<Verdict['baseline']>): string {
  return `baseline from ${b.createdFrom}${b.runs > 1 ? ` (${b.runs} runs)` : ''}`;
}

/**
 * The baseline's run-to-run spreads grouped by metric, one line each: how far each compiler's gated
 * quantities moved between runs of unchanged code, which is the least change the gate will call real.
 */
export function runToRunLines(spreads: Readonly<Record<string, number>>): string[] {
  const byMetric = new Map<string, string[]>();
  for (const [key, spread] of Object.entries(spreads).sort(([a], [b]) => byText(a, b))) {
    const cut = key.indexOf('/');
    const metric = key.slice(0, cut);
    (byMetric.get(metric) ?? byMetric.set(metric, []).get(metric)!).push(`${key.slice(cut + 1)} ${formatSpread(key, spread)}`);
  }
  return [...byMetric].map(([metric, list]) => `run-to-run spread in the baseline, ${metric} (the least change judged real): ${list.join(', ')}`);
}

export function hardwareSection(ctx: MachineContext): Section {
  const { run, metrics, verdict, changes } = ctx;
  const h = run.hardware;
  const settings: ListItem[] = [
    { text: ['hardware id: ', code(h.id), verdict?.baseline ? ` · ${baselineText(verdict.baseline)}` : verdict === null ? ' · not gated' : ' · no baseline for this hardware'] },
    ...(verdict?.baseline ? runToRunLines(verdict.baseline.runToRun).map((line): ListItem => ({ text: [line] })) : []),
    { text: [`CPU: ${h.cpu.model}, ${h.cpu.cores} cores · memory ${(h.memoryBytes / 2 ** 30).toFixed(1)} GiB · ${h.os.platform} ${h.os.release} ${h.os.arch} · Node ${h.node}`] },
    { text: [h.gpu ? `GPU: ${h.gpu.vendor} ${h.gpu.description || h.gpu.device} (${h.gpu.architecture}), driver ${h.gpu.driver || 'unknown'}` : 'GPU: none used'] },
    { text: [`runtimes: ${Object.entries(h.runtimes).map(([k, v]) => `${k} ${v}`).join(', ')}`] },
    { text: ['command: ', code(run.commandLine.join(' '))], brief: ['command: ', code(brief(run.commandLine.join(' '), BRIEF_CHARS))] },
    { text: [`run: ${run.startedAt} → ${run.finishedAt}${run.complete ? '' : ` · incomplete${run.interruptedBy ? ` (${run.interruptedBy})` : ''}`}`] },
    ...(verdict
      ? [{ text: [`gate: ${verdict.settings.confidence * 100}% confidence, ${verdict.settings.resamples} bootstrap resamples, default threshold ${verdict.settings.defaultThreshold * 100}%`] }]
      : []),
    { text: [`metrics: ${metrics.bootstrap.confidence * 100}% confidence, ${metrics.bootstrap.resamples} bootstrap resamples`] },
  ];
  const notes: ListItem[] = [
    ...metrics.notes.map((n): ListItem => ({ text: [`note: ${n}`], brief: [`note: ${brief(n, BRIEF_CHARS)}`] })),
    ...changes.notes.map((n): ListItem => ({ text: [`gate note: ${n}`], brief: [`gate note: ${brief(n, BRIEF_CHARS)}`] })),
  ];
  const lead = Math.min(notes.length, ctx.limits.notes);
  const blocks: Block[] = [{ kind: 'list', items: settings, lead: settings.length, rest: null }];
  if (notes.length > 0) blocks.push({ kind: 'list', items: notes, lead, rest: rest(notes.length, lead, 'note', ctx.where) });
  return section(ctx, 'hardware', 'Hardware and settings', blocks, { collapsed: true });
}
