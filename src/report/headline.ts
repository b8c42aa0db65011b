/**
 * The headline: one row per hardware and compiler, so that five lines say which compiler gains how
 * much and where — geometric-mean speedup over its reference with a CI (from metrics.compilers), the
 * pass rate, median compile time and break-even, friction mitigation and depth gain summarised over the
 * compiler's series (medians), and its reversals. Pure functions of the metrics and the changes.
 */
import type { CompilerSummary, MetricsSummary, MetricValue } from '../metrics/types.ts';
import type { CompletedCase, RunResult } from '../results/schema.ts';
import { median } from '../stats/quantile.ts';
import { column, metricColumn, numberCell, strong, textCell, valueCell } from './cells.ts';
import { aggregateRowKey, type ChangeRow, type Changes } from './changes.ts';
import { formatCount, formatMs, formatNumber, plural } from './format.ts';
import type { Cell, Row, Section, Span, Text } from './model.ts';

/** The median of the values, or null when there are none. */
export function medianOrNull(values: readonly number[]): number | null {
  return values.length === 0 ? null : median(values);
}

export interface CompilerHeadline {
  readonly hardwareId: string;
  readonly compilerId: string;
  readonly role: CompilerSummary['role'];
  readonly referenceId: string | null;
  /** Geometric-mean speedup over the reference measured alongside, with its bootstrap CI. */
  readonly speedup: MetricValue;
  readonly pairedCases: number;
  /** Smallest and largest per-case speedup the mean is over. */
  readonly speedupRange: { readonly min: number; readonly max: number } | null;
  readonly pass: { readonly correct: number; readonly all: number; readonly failed: number; readonly unavailable: number };
  readonly compileMedianMs: number | null;
  /** Median break-even over the compiler's compile-cost rows that pay back; how many never do. */
  readonly breakEven: { readonly median: number | null; readonly rows: number; readonly never: number };
  readonly mitigation: { readonly median: number | null; readonly series: number };
  readonly depthGain: { readonly median: number | null; readonly series: number };
  readonly reversals: { readonly new: number; readonly known: number; readonly other: number };
  /** A paired run: the compiler's geometric-mean change head ÷ base, as the gate judged it; null otherwise. */
  readonly vsBase: { readonly ratio: number; readonly ci: readonly [number, number] | null; readonly kind: ChangeRow['kind'] } | null;
}

/** Every compiler of one machine, references first, then by speedup (largest first), unpaired last. */
export function compilerHeadlines(run: RunResult, metrics: MetricsSummary, changes: Changes): CompilerHeadline[] {
  const rank = (h: CompilerHeadline) => (h.role === 'reference' ? 0 : h.role === 'compared' ? 1 : 2);
  return metrics.compilers
    .map((c): CompilerHeadline => {
      const mine = <T extends { compilerId: string; hardware: string }>(xs: readonly T[]) => xs.filter((x) => x.compilerId === c.compilerId && x.hardware === c.hardware);
      const speedups = mine(metrics.cases)
        .filter((m) => m.speedupAlongside.value !== null)
        .map((m) => m.speedupAlongside.value as number);
      const compile = run.cases.filter((x): x is CompletedCase => x.compiler.id === c.compilerId && x.compiler.hardware === c.hardware && x.state === 'completed');
      const costs = metrics.compileCost.filter((x) => x.compilerId === c.compilerId && compile.some((k) => k.key === x.key));
      const paying = costs.filter((x) => x.breakEven.value !== null).map((x) => x.breakEven.value as number);
      const mitigations = mine(metrics.friction).flatMap((s) => (s.comparison?.mitigation.value == null ? [] : [s.comparison.mitigation.value]));
      const gains = mine(metrics.depth).flatMap((s) => (s.comparison?.depthGain.value == null ? [] : [s.comparison.depthGain.value]));
      const reversals = metrics.reversals.filter((r) => r.compilerId === c.compilerId && r.hardware === c.hardware);
      const status = (id: string) => changes.reversalStatus.get(id);
      const aggregate = changes.rows.find((r) => r.scope === 'aggregate' && r.key === aggregateRowKey('compiler', `${c.hardware}/${c.compilerId}`));
      return {
        hardwareId: metrics.hardwareId,
        compilerId: c.compilerId,
        role: c.role,
        referenceId: c.referenceId,
        speedup: c.geomeanSpeedup,
        pairedCases: c.pairedCases,
        speedupRange: speedups.length === 0 ? null : { min: Math.min(...speedups), max: Math.max(...speedups) },
        pass: { correct: c.cases.completed, all: c.cases.all, failed: c.cases.failed, unavailable: c.cases.unavailable },
        compileMedianMs: medianOrNull(compile.map((x) => x.compileMs)),
        breakEven: { median: medianOrNull(paying), rows: costs.length, never: costs.length - paying.length },
        mitigation: { median: medianOrNull(mitigations), series: mitigations.length },
        depthGain: { median: medianOrNull(gains), series: gains.length },
        reversals: {
          new: reversals.filter((r) => status(r.id) === 'new').length,
          known: reversals.filter((r) => status(r.id) === 'known').length,
          other: reversals.filter((r) => status(r.id) !== 'new' && status(r.id) !== 'known').length,
        },
        vsBase: aggregate === undefined || aggregate.change === null ? null : { ratio: aggregate.change, ci: aggregate.ci, kind: aggregate.kind },
      };
    })
    .sort((a, b) => rank(a) - rank(b) || (b.speedup.value ?? 0) - (a.speedup.value ?? 0) || (a.compilerId < b.compilerId ? -1 : 1));
}

const signed = (x: number): string => `${x > 0 ? '+' : ''}${formatNumber(x, 2)}`;

function reversalText(r: CompilerHeadline['reversals'], judged: boolean): string {
  const all = r.new + r.known + r.other;
  if (all === 0) return '0';
  if (!judged) return `${all} (no baseline)`;
  return [r.new > 0 ? `${r.new} new` : '', r.known > 0 ? `${r.known} known` : '', r.other > 0 ? `${r.other} other` : ''].filter((p) => p !== '').join(', ');
}

/** Which optional columns the headline has: each only where some compiler has a value for it. */
interface Shown {
  readonly several: boolean;
  readonly judged: boolean;
  /** A column naming the reference, when the compilers have different ones. */
  readonly reference: boolean;
  readonly breakEven: boolean;
  readonly mitigation: boolean;
  readonly depthGain: boolean;
  /** A paired run: each compiler's change against the base. */
  readonly vsBase: boolean;
}

function vsBaseCell(h: CompilerHeadline): Cell {
  if (h.vsBase === null) return textCell('');
  const { ratio, ci, kind } = h.vsBase;
  const text = `${formatNumber(ratio, 3)}×${ci === null ? '' : ` [${formatNumber(ci[0], 3)}, ${formatNumber(ci[1], 3)}]`}`;
  const tone = kind === 'regression' ? 'worse' : kind === 'improvement' ? 'better' : 'none';
  return numberCell(ratio, text, 'paired-latency', tone);
}

function row(h: CompilerHeadline, shown: Shown): Row {
  const isReference = h.role === 'reference';
  const speedup: Cell = isReference
    ? textCell('reference', 'muted')
    : h.role === 'unpaired'
      ? textCell('— (no reference alongside)', 'muted')
      : valueCell(h.speedup, { suffix: '×' });
  const pass = `${h.pass.correct}/${h.pass.all}${h.pass.failed > 0 ? ` · ${h.pass.failed} failed` : ''}${h.pass.unavailable > 0 ? ` · ${h.pass.unavailable} unavailable` : ''}`;
  const breakEven =
    h.breakEven.median === null
      ? `never (${h.breakEven.never}/${h.breakEven.rows})`
      : `${formatCount(h.breakEven.median)}${h.breakEven.never > 0 ? ` (never: ${h.breakEven.never}/${h.breakEven.rows})` : ''}`;
  const cells: Cell[] = [
    ...(shown.several ? [textCell([{ code: h.hardwareId }])] : []),
    textCell([{ code: h.compilerId }]),
    ...(shown.vsBase ? [vsBaseCell(h)] : []),
    speedup,
    h.speedupRange === null || isReference ? textCell('') : numberCell(null, `${formatNumber(h.speedupRange.min, 2)}–${formatNumber(h.speedupRange.max, 2)}×`),
    ...(shown.reference ? [textCell(h.referenceId === null ? '' : [{ code: h.referenceId }])] : []),
    numberCell(h.pass.all === 0 ? null : h.pass.correct / h.pass.all, pass, null, h.pass.failed > 0 ? 'worse' : 'none'),
    numberCell(h.compileMedianMs, h.compileMedianMs === null ? '—' : formatMs(h.compileMedianMs), 'compile-ms'),
    ...(shown.breakEven ? [isReference || h.breakEven.rows === 0 ? textCell('') : numberCell(h.breakEven.median, breakEven, 'break-even-inferences')] : []),
    ...(shown.mitigation ? [isReference || h.mitigation.median === null ? textCell('') : numberCell(h.mitigation.median, signed(h.mitigation.median), 'friction-mitigation')] : []),
    ...(shown.depthGain ? [isReference || h.depthGain.median === null ? textCell('') : numberCell(h.depthGain.median, `${formatNumber(h.depthGain.median, 3)}×`, 'depth-gain')] : []),
    isReference ? textCell('') : textCell(reversalText(h.reversals, shown.judged), h.reversals.new > 0 ? 'worse' : undefined),
  ];
  return { kind: 'row', cells, tone: isReference ? 'reference' : 'none' };
}

/** One or two sentences: the largest and the smallest gain, and the reversals. */
function leadSentence(rows: readonly CompilerHeadline[], judged: boolean, several: boolean): Text {
  const compared = rows.filter((h) => h.role === 'compared' && h.speedup.value !== null);
  const where = (h: CompilerHeadline) => (several ? ` on ${h.hardwareId}` : '');
  const value = (h: CompilerHeadline): Span[] => {
    const v = valueCell(h.speedup, { suffix: '×' });
    return [strong(v.text), `${v.ci === null ? '' : ` ${v.ci}`} over ${h.referenceId ?? '?'}${where(h)} (geometric mean of ${plural(h.pairedCases, 'case')})`];
  };
  const spans: Span[] = [];
  const sorted = [...compared].sort((a, b) => (b.speedup.value as number) - (a.speedup.value as number));
  const best = sorted[0];
  const worst = sorted.at(-1);
  const againstBase = rows.filter((h) => h.vsBase !== null).sort((a, b) => (b.vsBase?.ratio ?? 0) - (a.vsBase?.ratio ?? 0));
  const ratio = (h: CompilerHeadline): Span[] => [strong(`${formatNumber(h.vsBase?.ratio ?? Number.NaN, 3)}×`), ` head ÷ base${where(h)}`];
  const top = againstBase[0];
  const bottom = againstBase.at(-1);
  if (best === undefined && top !== undefined) {
    spans.push('Against the base, side by side: ', { code: top.compilerId }, ' has the largest ratio, ', ...ratio(top));
    if (bottom !== undefined && bottom !== top) spans.push('; ', { code: bottom.compilerId }, ' the smallest, ', ...ratio(bottom));
    spans.push(' (geometric means over each compiler’s cases; speedups over a reference come from plain runs).');
  } else if (best === undefined) spans.push('No compiler was measured alongside a reference in this run (a paired run measures each case against the base side instead; speedups over the reference come from plain runs).');
  else {
    spans.push({ code: best.compilerId }, ' gains the most: ', ...value(best));
    if (worst !== undefined && worst !== best) spans.push('; ', { code: worst.compilerId }, ' the least: ', ...value(worst));
    spans.push('.');
  }
  const total = rows.reduce((n, h) => ({ new: n.new + h.reversals.new, known: n.known + h.reversals.known, other: n.other + h.reversals.other }), { new: 0, known: 0, other: 0 });
  const all = total.new + total.known + total.other;
  if (all > 0) {
    spans.push(
      judged
        ? ` Reversals of ordering within comparison groups: ${total.new} new, ${total.known} known (also in the baseline)${total.other > 0 ? `, ${total.other} not failing (within the threshold or not comparable)` : ''}.`
        : ` ${plural(all, 'reversal')} of ordering within comparison groups, not judged (no baseline).`,
    );
  }
  const unavailable = rows.reduce((n, h) => n + h.pass.unavailable, 0);
  const failed = rows.reduce((n, h) => n + h.pass.failed, 0);
  if (failed + unavailable > 0) spans.push(` Not measured: ${[failed > 0 ? `${failed} failed` : '', unavailable > 0 ? `${unavailable} unavailable` : ''].filter((p) => p !== '').join(', ')}.`);
  return spans;
}

/**
 * The headline section over one or more machines. `judged`: every machine had a baseline, so reversals
 * are split into new and known. `level`: the confidence of the intervals.
 */
export function headlineSection(rows: readonly CompilerHeadline[], options: { several: boolean; judged: boolean; level: number; lead: number }): Section | null {
  if (rows.length === 0) return null;
  const { several, judged, level } = options;
  const ci = `${Math.round(level * 1000) / 10}% CI`;
  const references = [...new Set(rows.flatMap((h) => (h.role === 'compared' && h.referenceId !== null ? [h.referenceId] : [])))];
  const shown: Shown = {
    several,
    judged,
    reference: references.length > 1,
    breakEven: rows.some((h) => h.role !== 'reference' && h.breakEven.rows > 0),
    mitigation: rows.some((h) => h.role !== 'reference' && h.mitigation.median !== null),
    depthGain: rows.some((h) => h.role !== 'reference' && h.depthGain.median !== null),
    vsBase: rows.some((h) => h.vsBase !== null),
  };
  const speedupHeader: Text = [`speedup [${ci}]`];
  const over = references.length === 1 ? `over ${references[0] as string}` : 'over its reference';
  const table = {
    kind: 'table' as const,
    name: 'headline',
    columns: [
      ...(several ? [column('hardware')] : []),
      column('compiler'),
      ...(shown.vsBase ? [metricColumn('paired-latency', [`head ÷ base [${ci}]`])] : []),
      metricColumn('geomean-speedup', speedupHeader),
      column('range', 'right', { title: 'Smallest and largest speedup among the cases the geometric mean is over' }),
      ...(shown.reference ? [column('reference')] : []),
      column('pass', 'right', { title: 'Cases that completed and agreed with the reference, of all the compiler’s cases in the run' }),
      metricColumn('compile-ms', 'compile ms'),
      ...(shown.breakEven ? [metricColumn('break-even-inferences', 'break-even')] : []),
      ...(shown.mitigation ? [metricColumn('friction-mitigation', 'friction mitigation')] : []),
      ...(shown.depthGain ? [metricColumn('depth-gain', 'depth gain')] : []),
      column('reversals'),
    ],
    rows: rows.map((h) => row(h, shown)),
    lead: Math.min(rows.length, options.lead),
    rest:
      rows.length > options.lead
        ? { count: rows.length - options.lead, text: [`… ${rows.length - options.lead} more compilers in the HTML report and the results JSON.`] }
        : null,
  };
  return {
    kind: 'headline',
    id: 'headline',
    title: 'Headline',
    collapsed: false,
    tone: null,
    blocks: [
      { kind: 'paragraph', role: 'lead', text: leadSentence(rows, judged, several) },
      table,
      {
        kind: 'paragraph',
        role: 'explain',
        text: [
          ...(shown.vsBase ? ['Head ÷ base = the geometric mean of the compiler’s case ratios, head over base measured side by side, as the gate judged it (> 1: the head is slower). '] : []),
          `Speedup ${over} = latency of the reference / latency of the compiler, measured alongside in the same rounds: the geometric mean over the compiler’s cases with a bootstrap ${ci}, and the range over those cases. `,
          'Pass = cases that completed and agreed with the reference / cases. Medians over the compiler’s cases or sweeps: compile time; break-even, the inferences before compiling pays for itself (“never”: not faster); ',
          'friction mitigation = β',
          { sub: 'ref' },
          ' − β (positive: batching is cheaper compiled); depth gain = S(d',
          { sub: 'max' },
          ') / S(d',
          { sub: 'min' },
          ') (> 1: the gain grows with depth).',
        ],
      },
    ],
  };
}
