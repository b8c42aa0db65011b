/**
 * `buildReport(input) → Report`: the one place where the report is put together from the evaluated
 * run(s) — verdict lines, the headline, what changed (from changes.ts), reversals new and known, the
 * tables, charts and notes. Renderers (markdown.ts, html.ts, console.ts) only serialise its result.
 */
import type { Verdict } from '../gate/verdict.ts';
import type { CrossHardwareReversal, CrossHardwareRow } from '../metrics/cross-hardware.ts';
import type { MetricsSummary } from '../metrics/types.ts';
import { dimsSuffix, type RunResult } from '../results/schema.ts';
import { code, column, keyCell, numberCell, strong, textCell } from './cells.ts';
import { changesFromVerdict, type Changes } from './changes.ts';
import { formatMs, formatRatio, plural } from './format.ts';
import { compilerHeadlines, headlineSection } from './headline.ts';
import type { Block, MachineReport, Report, ReportCompiler, Row, Section, Text, VerdictLine } from './model.ts';
import {
  casesSection,
  changesSection,
  chartsSection,
  compileSection,
  fastestSection,
  depthSection,
  errorsSection,
  frictionSection,
  hardwareSection,
  notMeasuredSection,
  partsSection,
  groupsSection,
  orderingsSection,
  problemsSection,
  reversalSections,
  SHORT_FORM_LIMITS,
  type MachineContext,
  type ShortFormLimits,
} from './sections.ts';

/** A problem outside any case: a spec file that failed to load, a case that threw before it was measured. */
export interface ReportedHarnessError {
  readonly where: string;
  readonly message: string;
}

export interface ReportMachine {
  readonly run: RunResult;
  readonly metrics: MetricsSummary;
  /** Null when the run was not gated (`--no-gate`). */
  readonly verdict: Verdict | null;
  /** Errors outside any case; any of them fails the run. */
  readonly harnessErrors?: readonly ReportedHarnessError[];
  /** Ids of the reversals the baseline already has (its `metrics.reversals`), to label known ones. */
  readonly baselineReversalIds?: readonly string[];
}

export interface ReportInput {
  /** @default 'graph-compiler-bench report' */
  readonly title?: string;
  readonly machines: readonly ReportMachine[];
  /** For a merged report: the same points on every hardware × compiler, and cross-hardware reversals. */
  readonly crossHardware?: {
    readonly table: { readonly columns: readonly string[]; readonly rows: readonly CrossHardwareRow[] };
    readonly reversals: readonly CrossHardwareReversal[];
  };
  /** Where the rows the short form leaves out can be read, e.g. `reports/bench.html and results/latest.json`. */
  readonly where?: string;
  readonly limits?: Partial<ShortFormLimits>;
}

export const DEFAULT_TITLE = 'graph-compiler-bench report';
const DEFAULT_WHERE = 'the HTML report and the results JSON';
/** With more machines than this, the short form gives the rest only their verdict line and headline rows. */
export const MACHINES_IN_SHORT_FORM = 6;

export type { ShortFormLimits } from './sections.ts';
export { SHORT_FORM_LIMITS } from './sections.ts';

/** A machine passed: its gate passed (or it was not gated), no case failed and the run is complete. */
export function machinePassed(machine: Pick<ReportMachine, 'run' | 'verdict' | 'harnessErrors'>): boolean {
  // A verdict that judged too little has not passed (exit 1 in the run itself as here).
  const verdictOk = machine.verdict === null || (machine.verdict.passed && machine.verdict.status !== 'inconclusive');
  return verdictOk && machine.run.cases.every((c) => c.state !== 'failed') && machine.run.complete && (machine.harnessErrors?.length ?? 0) === 0;
}

/** The machine's verdict line: the gate's summary, or what failed without a gate. */
export function machineVerdict(machine: ReportMachine): VerdictLine {
  const { run, verdict } = machine;
  const failed = run.cases.filter((c) => c.state === 'failed').length;
  const errors = machine.harnessErrors?.length ?? 0;
  const errorText = `${plural(errors, 'error')} outside any case`;
  const base = { hardwareId: run.hardware.id, incomplete: !run.complete, interruptedBy: run.interruptedBy };
  if (verdict === null) {
    const problems = [failed > 0 ? `${failed} failed cases` : '', errors > 0 ? errorText : ''].filter((p) => p !== '');
    return problems.length > 0
      ? { ...base, status: 'fail', mark: 'fail', text: `FAIL: ${problems.join(', ')}` }
      : { ...base, status: run.complete ? 'neutral' : 'fail', mark: run.complete ? 'neutral' : 'incomplete', text: 'measured, not gated' };
  }
  if (errors > 0) return { ...base, status: 'fail', mark: 'fail', text: `FAIL: ${errorText} (gate: ${verdict.summaryLine})` };
  // An interrupted run never shows as a pass: it exits 130 and measured only part of the matrix.
  const passed = verdict.passed && failed === 0;
  // A verdict that judged too little fails the run; one with nothing to compare with yet is neutral.
  if (passed && verdict.status === 'inconclusive') return { ...base, status: 'fail', mark: 'fail', text: verdict.summaryLine };
  if (passed && verdict.status === 'no-baseline') return { ...base, status: 'neutral', mark: run.complete ? 'neutral' : 'incomplete', text: verdict.summaryLine };
  return { ...base, status: passed && run.complete ? 'pass' : 'fail', mark: passed ? (run.complete ? 'pass' : 'incomplete') : 'fail', text: verdict.summaryLine };
}

function overallVerdict(machines: readonly ReportMachine[], lines: readonly VerdictLine[], crossReversals: number): VerdictLine {
  const failing = lines.filter((l) => l.status === 'fail');
  const n = machines.length;
  const base = { hardwareId: null, incomplete: lines.some((l) => l.incomplete), interruptedBy: null };
  if (failing.length > 0) {
    return { ...base, status: 'fail', mark: 'fail', text: `FAIL on ${failing.length} of ${n} machines — ${failing.map((l) => `${l.hardwareId}: ${l.text}`).join('; ')}` };
  }
  const passed = lines.filter((l) => l.status === 'pass').length;
  const suffix = ` · ${plural(crossReversals, 'cross-hardware reversal')}`;
  if (passed === 0) return { ...base, status: 'neutral', mark: 'neutral', text: `measured, not gated on ${plural(n, 'machine')}${suffix}` };
  return { ...base, status: 'pass', mark: 'pass', text: `PASS on ${plural(n, 'machine')}${passed < n ? ` (${n - passed} not gated)` : ''}${suffix}` };
}

function runLine(run: RunResult): Text {
  const count = (state: string) => run.cases.filter((c) => c.state === state).length;
  const filters = Object.entries(run.filters).map(([k, v]) => `${k}=${v}`).join(', ');
  const gpu = run.hardware.gpu ? ` + ${run.hardware.gpu.vendor} ${run.hardware.gpu.description || run.hardware.gpu.device}` : '';
  return [
    'Profile ',
    code(run.profile),
    ' · ',
    strong(String(count('completed'))),
    ' cases measured, ',
    strong(String(count('failed'))),
    ' failed, ',
    strong(String(count('unavailable'))),
    ' unavailable',
    // A run of parts was selected by each part's filters (the union of them may name more than ran).
    run.parts !== undefined ? ` · measured in ${plural(run.parts.length, 'part')}, each with its own filters` : filters === '' ? '' : ` · filters: ${filters}`,
    ` · ${run.hardware.cpu.model} (${run.hardware.cpu.cores} cores)${gpu}`,
    ` · ${run.startedAt.slice(0, 16).replace('T', ' ')} UTC`,
  ];
}

/** Compilers that are a reference on this machine: by their metrics' role, and as the partner of others. */
function referencesOf(metrics: MetricsSummary): Set<string> {
  const ids = new Set<string>();
  for (const c of metrics.compilers) {
    if (c.role === 'reference') ids.add(c.compilerId);
    if (c.referenceId !== null) ids.add(c.referenceId);
  }
  return ids;
}

/** The short form's limits for one of `machines` machines: each gets its share of the comment. */
export function limitsFor(machines: number, overrides: Partial<ShortFormLimits> = {}): ShortFormLimits {
  const base = { ...SHORT_FORM_LIMITS, ...overrides };
  const n = Math.min(Math.max(1, machines), MACHINES_IN_SHORT_FORM);
  if (n === 1) return base;
  const share = (x: number, min: number) => Math.max(min, Math.floor(x / n));
  return {
    ...base,
    headlineRows: base.headlineRows * 2,
    problemKeys: share(base.problemKeys, 3),
    changeRows: share(base.changeRows, 4),
    groupKeys: share(base.groupKeys, 3),
    reversalRows: share(base.reversalRows, 3),
    notMeasuredRows: share(base.notMeasuredRows, 3),
    frictionRows: share(base.frictionRows, 4),
    depthRows: share(base.depthRows, 4),
    compileRows: share(base.compileRows, 4),
    charts: Math.floor(base.charts / n),
    caseRows: share(base.caseRows, 5),
    notes: share(base.notes, 3),
    errors: share(base.errors, 3),
  };
}

function machineReport(machine: ReportMachine, index: number, changes: Changes, limits: ShortFormLimits, where: string, inShortForm: boolean): MachineReport {
  const { run, metrics, verdict } = machine;
  const ctx: MachineContext = {
    run,
    metrics,
    verdict,
    changes,
    harnessErrors: machine.harnessErrors ?? [],
    prefix: `m${index}`,
    limits,
    where,
    references: referencesOf(metrics),
  };
  const sections = [
    errorsSection(ctx),
    problemsSection(ctx),
    changesSection(ctx),
    groupsSection(ctx),
    ...reversalSections(ctx),
    notMeasuredSection(ctx),
    frictionSection(ctx),
    depthSection(ctx),
    compileSection(ctx),
    fastestSection(ctx),
    chartsSection(ctx),
    orderingsSection(ctx),
    casesSection(ctx),
    partsSection(ctx),
    hardwareSection(ctx),
  ].filter((s): s is Section => s !== null);
  const callouts: MachineReport['callouts'] = run.complete
    ? []
    : [{ kind: 'callout', tone: 'warn', text: [`This run is incomplete${run.interruptedBy ? ` (interrupted by ${run.interruptedBy})` : ''}: some cases were cut short, and it never updates a baseline.`] }];
  return { id: ctx.prefix, hardwareId: run.hardware.id, verdict: machineVerdict(machine), runLine: runLine(run), parts: run.parts?.length ?? null, callouts, sections, inShortForm };
}

function crossHardwareSection(cross: NonNullable<ReportInput['crossHardware']>, limits: ShortFormLimits, where: string): Section {
  const blocks: Block[] = [];
  const n = cross.reversals.length;
  if (n === 0) blocks.push({ kind: 'callout', tone: 'ok', text: ['No ordering within a comparison group flips between machines.'] });
  else {
    const lead = Math.min(n, limits.reversalRows * 2);
    blocks.push(
      {
        kind: 'paragraph',
        role: 'explain',
        text: ['Model A of a comparison group is significantly faster than B on one machine and significantly slower on another (ratio = latency of the first model over the second).'],
      },
      {
        kind: 'table',
        name: 'cross-reversals',
        columns: [column('group'), column('where'), column('pair'), column('faster here', 'left', { wrap: true }), column('faster there', 'left', { wrap: true })],
        rows: [...cross.reversals]
          .sort((x, y) => x.batch - y.batch || (`${x.a}~${x.b}` < `${y.a}~${y.b}` ? -1 : 1))
          .map((r): Row => ({
            kind: 'row',
            tone: 'reversal',
            cells: [
              textCell(r.group),
              textCell(`b=${r.batch}${dimsSuffix(r.dims).replaceAll('/', ' ')}`),
              textCell(`${r.a} vs ${r.b}`),
              textCell([strong(r.first.faster), ` on ${r.first.hardwareId} · ${r.first.compilerId} (${formatRatio(r.first.ratio)})`]),
              textCell([strong(r.second.faster), ` on ${r.second.hardwareId} · ${r.second.compilerId} (${formatRatio(r.second.ratio)})`]),
            ],
          })),
        lead,
        rest: n > lead ? { count: n - lead, text: [`… ${n - lead} more cross-hardware reversals in ${where}.`] } : null,
      },
    );
  }
  const points = cross.table.rows;
  if (points.length > 0) {
    const lead = Math.min(points.length, limits.caseRows);
    blocks.push({
      kind: 'details',
      summary: [`Same model and batch on every hardware · compiler (median ms, ${points.length} points)`],
      blocks: [
        {
          kind: 'table',
          name: 'cross-points',
          columns: [column('point'), ...cross.table.columns.map((c) => column(c, 'right'))],
          rows: points.map((row): Row => ({
            kind: 'row',
            tone: 'none',
            cells: [keyCell(row.point), ...cross.table.columns.map((c) => (row.latencies[c] === undefined ? textCell('') : numberCell(row.latencies[c]!, formatMs(row.latencies[c]!), 'latency')))],
          })),
          lead,
          rest: points.length > lead ? { count: points.length - lead, text: [`… ${points.length - lead} more points in ${where}.`] } : null,
        },
      ],
    });
  }
  return { kind: 'cross-hardware', id: 'cross-hardware', title: `Cross-hardware reversals (${n})`, collapsed: false, tone: n > 0 ? 'fail' : null, blocks };
}

/** The whole report, built once; every renderer walks it. */
export function buildReport(input: ReportInput): Report {
  const { machines } = input;
  const where = input.where ?? DEFAULT_WHERE;
  const limits = limitsFor(machines.length, input.limits);
  const several = machines.length > 1;
  const changes = machines.map((m) => changesFromVerdict(m.verdict, { reversals: m.metrics.reversals, ...(m.baselineReversalIds === undefined ? {} : { baselineReversalIds: m.baselineReversalIds }) }));
  const headlines = machines.flatMap((m, i) => compilerHeadlines(m.run, m.metrics, changes[i] as Changes));
  const judged = machines.length > 0 && changes.every((c) => c.against !== null);
  const level = machines[0]?.metrics.bootstrap.confidence ?? 0.95;
  const reports = machines.map((m, i) => machineReport(m, i, changes[i] as Changes, limits, where, i < MACHINES_IN_SHORT_FORM));
  const verdicts = reports.map((r) => r.verdict);
  const compilers = new Map<string, ReportCompiler>();
  for (const m of machines) {
    const references = referencesOf(m.metrics);
    for (const c of m.run.cases) {
      const reference = references.has(c.compiler.id) || (compilers.get(c.compiler.id)?.reference ?? false);
      compilers.set(c.compiler.id, { id: c.compiler.id, reference });
    }
  }
  return {
    title: input.title ?? DEFAULT_TITLE,
    overall: several ? overallVerdict(machines, verdicts, input.crossHardware?.reversals.length ?? 0) : null,
    machineVerdicts: several ? verdicts : [],
    headline: headlineSection(headlines, { several, judged, level, lead: limits.headlineRows }),
    crossHardware: input.crossHardware === undefined ? null : crossHardwareSection(input.crossHardware, limits, where),
    machines: reports,
    compilers: [...compilers.values()].sort((a, b) => (a.id < b.id ? -1 : 1)),
  };
}
