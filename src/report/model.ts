/**
 * The report as typed data: built once from the evaluated run(s) by `buildReport` (build.ts), then
 * serialised by the Markdown, HTML and console renderers, which compute, select and judge nothing.
 *
 * A report is sections of blocks: paragraphs, callouts, lists, tables of cells, details (collapsed
 * blocks) and charts (series of points). Every number arrives already formatted, with the value behind
 * it, its metric (unit and direction from the registry) and its tone (better / worse, judged here by
 * the registered direction). Two forms read it: the *short* form (Markdown for a pull-request comment,
 * the console) shows the first `lead` rows of each table and list and says how many it leaves out and
 * where they are; the *full* form (HTML) shows everything. A block or section marked `form: 'full'` is
 * only in the full form, `form: 'short'` only in the short one.
 */
import type { MetricId } from '../metrics/registry.ts';

export type Status = 'pass' | 'fail' | 'neutral';
/** `incomplete`: the gate passed but the run was cut short: never shown as a pass. */
export type Mark = 'pass' | 'fail' | 'incomplete' | 'neutral';
export type Tone = 'ok' | 'fail' | 'warn' | 'info';
export type Form = 'all' | 'full' | 'short';

/** Inline text: strings and a few marks. Renderers escape every string. */
export type Span =
  | string
  | { readonly code: string }
  | { readonly strong: string }
  | { readonly em: string }
  | { readonly sub: string };
export type Text = readonly Span[];

/** A number as shown, with the value behind it. */
export interface ValueCell {
  readonly kind: 'value';
  /** `1.84×`, `0.812`; `—` when there is no value. */
  readonly text: string;
  /** `[1.79, 1.90]`, or null. */
  readonly ci: string | null;
  readonly value: number | null;
  readonly metric: MetricId | null;
  /**
   * `better` / `worse`: the CI excludes the neutral value, on the side the metric's registered direction
   * calls better or worse; `flag`: a caveat the section explains (e.g. a negative fixed cost α).
   */
  readonly tone: 'better' | 'worse' | 'flag' | 'none';
  /** Why there is no value, or a caveat: `brief` for the short form, `full` for tooltips. */
  readonly note: { readonly brief: string; readonly full: string } | null;
}

export interface TextCell {
  readonly kind: 'text';
  readonly text: Text;
  /** What the short form shows instead, when the text is long (an error message, a key list). */
  readonly brief?: Text;
  /** `keys`: a list of case keys, one per line in the full form. */
  readonly tone?: 'better' | 'worse' | 'muted' | 'error' | 'keys';
  /** A tooltip in the full form. */
  readonly title?: string;
}

export type Cell = ValueCell | TextCell;

export interface Column {
  readonly header: Text;
  readonly align: 'left' | 'right';
  /** The registered metric the column shows (its label, unit, direction and description make the tooltip). */
  readonly metric?: MetricId;
  readonly title?: string;
  /** Long text that may wrap (messages, reasons). */
  readonly wrap?: boolean;
  /** `full`: only the full form shows the column (the short form leaves its cells out). */
  readonly form?: Form;
}

export type RowTone = 'regression' | 'improvement' | 'reversal' | 'failed' | 'unavailable' | 'reference' | 'none';

export type Row =
  | { readonly kind: 'row'; readonly cells: readonly Cell[]; readonly tone: RowTone }
  /** A heading across the whole table (a group of the rows below it). */
  | { readonly kind: 'group'; readonly text: Text };

/** Rows or items the short form leaves out: how many and where they are. */
export interface Rest {
  readonly count: number;
  readonly text: Text;
}

export interface TableBlock {
  readonly kind: 'table';
  /** A name for the table (HTML class), e.g. `cases`. */
  readonly name: string;
  readonly columns: readonly Column[];
  readonly rows: readonly Row[];
  /** The short form shows rows[0 … lead−1]; `rest` says what it leaves out (null when nothing). */
  readonly lead: number;
  readonly rest: Rest | null;
  /** The full form shows rows[0 … fullLead−1] and the rest collapsed under them (absent: every row open). */
  readonly fullLead?: number;
  readonly form?: Form;
}

export interface ListItem {
  readonly text: Text;
  readonly brief?: Text;
  /** Shown collapsed under the item in the full form (e.g. every key of a group). */
  readonly more?: { readonly summary: Text; readonly items: readonly Text[] };
}

export interface ListBlock {
  readonly kind: 'list';
  readonly items: readonly ListItem[];
  readonly lead: number;
  readonly rest: Rest | null;
  readonly form?: Form;
}

export interface ParagraphBlock {
  readonly kind: 'paragraph';
  readonly text: Text;
  /** `explain`: how to read what follows; `lead`: a summary sentence. */
  readonly role?: 'explain' | 'lead' | 'plain';
  readonly form?: Form;
}

export interface CalloutBlock {
  readonly kind: 'callout';
  readonly tone: Tone;
  readonly text: Text;
  readonly form?: Form;
}

export interface DetailsBlock {
  readonly kind: 'details';
  readonly summary: Text;
  readonly blocks: readonly Block[];
  readonly form?: Form;
}

export interface ChartBlock {
  readonly kind: 'chart';
  readonly chart: Chart;
  /** Also drawn in the short form (a Mermaid chart in the Markdown). */
  readonly inShortForm: boolean;
  readonly form?: Form;
}

export type Block = ParagraphBlock | CalloutBlock | TableBlock | ListBlock | DetailsBlock | ChartBlock;

// ---------------------------------------------------------------------------------------------
// Charts: series of points. The HTML draws them as SVG, the Markdown as Mermaid xychart.
// ---------------------------------------------------------------------------------------------

export type ChartKind = 'latency-batch' | 'speedup-depth' | 'archetype-ratio' | 'friction-beta';

export interface ChartPoint {
  readonly x: number;
  readonly y: number | null;
  readonly low: number | null;
  readonly high: number | null;
  readonly highlight: boolean;
  readonly tooltip: string;
}

export interface ChartSeries {
  /** A compiler id: the HTML gives each compiler one colour and marker on every chart. */
  readonly name: string;
  readonly reference: boolean;
  readonly points: readonly ChartPoint[];
}

export interface ChartAxis {
  readonly label: string;
  readonly scale: 'linear' | 'log';
  /** x: the measured batches or depths, ascending numbers. */
  readonly ticks?: readonly number[];
  /** Values the axis must include (1× for speedups, 0 and 1 for β). */
  readonly include?: readonly number[];
}

export interface LineChart {
  readonly kind: 'line';
  readonly chartKind: Exclude<ChartKind, 'friction-beta'>;
  readonly title: string;
  readonly subtitle: string;
  readonly x: ChartAxis;
  readonly y: ChartAxis;
  readonly series: readonly ChartSeries[];
  readonly referenceLines: readonly { readonly value: number; readonly label: string }[];
  readonly regionLabels?: { readonly above: string; readonly below: string };
  readonly highlightLabel?: string;
}

export interface DotRow {
  readonly label: string;
  readonly group: string;
  readonly reference: boolean;
  readonly value: number | null;
  readonly low: number | null;
  readonly high: number | null;
  readonly note: string;
  readonly tooltip: string;
}

export interface DotChart {
  readonly kind: 'dots';
  readonly chartKind: 'friction-beta';
  readonly title: string;
  readonly subtitle: string;
  readonly axis: ChartAxis;
  readonly rows: readonly DotRow[];
  readonly referenceLines: readonly { readonly value: number; readonly label: string }[];
}

export type Chart = LineChart | DotChart;

// ---------------------------------------------------------------------------------------------
// Sections, machines, the report
// ---------------------------------------------------------------------------------------------

export type SectionKind =
  | 'headline'
  | 'cross-hardware'
  | 'errors'
  | 'problems'
  | 'changes'
  | 'groups'
  | 'new-reversals'
  | 'known-reversals'
  | 'other-reversals'
  | 'not-measured'
  | 'friction'
  | 'depth'
  | 'compile'
  | 'fastest'
  | 'charts'
  | 'orderings'
  | 'cases'
  /** A run combined from parts of one matrix: each part's command, filters, wall time and cases. */
  | 'parts'
  | 'hardware';

export interface Section {
  readonly kind: SectionKind;
  /** Unique in the report (machine sections are prefixed `m0-`, `m1-`, …). */
  readonly id: string;
  /** The heading, with its count where it has one: `Not measured (3)`. */
  readonly title: string;
  /** Shown collapsed (`<details>`), its title as the summary. */
  readonly collapsed: boolean;
  /** Collapsed in the short form only (charts in a pull-request comment). */
  readonly collapsedInShortForm?: boolean;
  /** `fail`: the section holds something that fails the gate (e.g. new reversals). */
  readonly tone: Tone | null;
  readonly blocks: readonly Block[];
  readonly form?: Form;
}

export interface VerdictLine {
  readonly status: Status;
  readonly mark: Mark;
  /** `FAIL: 4 regressions, 0 reversals, …` (the gate's summary line), `measured, not gated`, … */
  readonly text: string;
  /** The machine it is about (null for the overall verdict of several machines). */
  readonly hardwareId: string | null;
  readonly incomplete: boolean;
  readonly interruptedBy: string | null;
}

export interface MachineReport {
  /** `m0`, `m1`, …: prefix of the machine's section ids. */
  readonly id: string;
  readonly hardwareId: string;
  readonly verdict: VerdictLine;
  readonly runLine: Text;
  /** How many parts the run was combined from (src/results/parts.ts); null for a run measured whole. */
  readonly parts: number | null;
  /** Callouts under the verdict (an incomplete run). */
  readonly callouts: readonly CalloutBlock[];
  readonly sections: readonly Section[];
  /** False when the short form shows only this machine's verdict (too many machines for one comment). */
  readonly inShortForm: boolean;
}

/** A compiler as it appears in the report (for consistent styles across charts and machines). */
export interface ReportCompiler {
  readonly id: string;
  readonly reference: boolean;
}

export interface Report {
  readonly title: string;
  /** The verdict over several machines; null with one machine, whose own verdict leads. */
  readonly overall: VerdictLine | null;
  /** With several machines: each machine's verdict line, in order. */
  readonly machineVerdicts: readonly VerdictLine[];
  /** Per hardware and compiler: speedup, pass rate, compile cost, friction, depth gain, reversals. */
  readonly headline: Section | null;
  readonly crossHardware: Section | null;
  readonly machines: readonly MachineReport[];
  readonly compilers: readonly ReportCompiler[];
}
