/**
 * What changed against the baseline, as small generic rows: the ONE place that reads the gate's
 * `Verdict`. Everything the report says about changes (the "what changed" section, the problems, new
 * and known reversals, the headline's reversal counts) is built from `Changes`, so a new kind of
 * verdict (paired base-vs-head runs with per-case and aggregate ratios, known/new reversals, named
 * version changes) is reported by changing only `changesFromVerdict`.
 */
import type { CaseVerdictKind, ProblemKind, Verdict } from '../gate/verdict.ts';
import type { MetricId } from '../metrics/registry.ts';
import type { Reversal } from '../metrics/types.ts';
import { formatMs } from './format.ts';

/** What a change row or group concluded. */
export type ChangeKind =
  | CaseVerdictKind
  | 'skipped'
  | 'new-reversal'
  | 'flipped-ordering'
  | 'hardware-mismatch';

/** One comparison of something measured now with the same thing measured before. */
export interface ChangeRow {
  /** A case key, a series, an ordering id, or an aggregate (`hardware/compiler`). */
  readonly key: string;
  readonly scope: 'case' | 'series' | 'ordering' | 'aggregate';
  readonly compilerId: string | null;
  /** What is compared, in words: `lat / ort-cpu-disabled measured alongside`. */
  readonly compared: string;
  /** The registered metric compared: its threshold kind says whether `change` is a ratio (relative) or a difference (absolute). */
  readonly metric: MetricId;
  /** What is compared, before (baseline or base) and now (run or head); null where not measured. */
  readonly before: number | null;
  readonly after: number | null;
  /** now ÷ before (relative metrics) or now − before (absolute); null when not computed. */
  readonly change: number | null;
  readonly ci: readonly [number, number] | null;
  readonly confidence: number | null;
  /** The practical threshold applied (relative: 0.10 = 10%; absolute: in the metric's unit). */
  readonly threshold: number | null;
  readonly kind: ChangeKind;
  /** True when this row fails the gate. */
  readonly fails: boolean;
  /** Short evidence shown beside the numbers. */
  readonly note: string;
  /** The gate's whole message. */
  readonly message: string;
}

/** Keys the gate treated alike without comparing numbers (missing, stale, not judged, new…): one reason, said once. */
export interface ChangeGroup {
  readonly kind: ChangeKind;
  readonly fails: boolean;
  /** Why, said once for the whole group. */
  readonly reason: string;
  readonly keys: readonly string[];
  /** The gate's message for each key, in the order of `keys`. */
  readonly messages: readonly string[];
}

/** How a reversal in the run stands against the baseline. */
export type ReversalStatus =
  /** Not in the baseline and clear of the thresholds: fails the gate. */
  | 'new'
  /** The baseline has it too. */
  | 'known'
  /** Judged and not a failure (within the practical threshold, or among cases the baseline cannot vouch for). */
  | 'tolerated'
  /** No baseline to judge it against. */
  | 'unjudged';

export interface Changes {
  /** The baseline compared with (null: none, not gated, or a paired run). */
  readonly baseline: { readonly hardwareId: string; readonly createdFrom: string; readonly runs: number } | null;
  /** What the run was compared with, in words (`the baseline of … from …`, `base 1a2b3c4, side by side`); null: nothing. */
  readonly against: string | null;
  readonly counts: {
    readonly regressions: number;
    readonly improvements: number;
    readonly unchanged: number;
    readonly failing: number;
  };
  /** Every comparison with numbers: cases, series, aggregates, orderings. */
  readonly rows: readonly ChangeRow[];
  /** Keys not compared, grouped by kind and reason. */
  readonly groups: readonly ChangeGroup[];
  /** Reversal id → status, for every reversal in the run's metrics. */
  readonly reversalStatus: ReadonlyMap<string, ReversalStatus>;
  /** Named version changes (`onnxruntime-node 1.30.0 → 1.31.0`) with the keys they concern; empty from today's verdict. */
  readonly versionChanges: readonly { readonly change: string; readonly keys: readonly string[] }[];
  /** Problems that fail the gate, by kind, each with its message (the gate's words). */
  readonly problems: readonly { readonly kind: ProblemKind; readonly key: string; readonly message: string }[];
  /** Notes of the gate that no row or group above already says. */
  readonly notes: readonly string[];
}

/** Why each kind of group was not compared: said once per group. */
const GROUP_REASON: Partial<Record<ChangeKind, string>> = {
  missing: 'measured in the baseline, but absent or unavailable in this run, and the run’s filters do not exclude them',
  failed: 'failed in this run; the errors are under “Not measured”',
  stale: 'the model changed since the baseline, so they were not compared (update the baseline)',
  unjudged: 'the machine was in another state for them than in the baseline (the anchor’s speed differed beyond the tolerance), where ratios between workloads differ too; run again',
  new: 'not in the baseline (or the base), or without a measurement there',
  added: 'new in the head: the base does not define them',
  removed: 'in the base, but the head no longer defines them',
  unchanged: 'nothing to compare on one side (each message says why)',
  skipped: 'series not checked: fewer than 2 points comparable in both',
  'hardware-mismatch': 'the baseline is for other hardware: nothing was compared',
};

const GROUP_ORDER: readonly ChangeKind[] = ['hardware-mismatch', 'failed', 'missing', 'unjudged', 'stale', 'new', 'added', 'removed', 'unchanged', 'skipped'];

export interface ChangesContext {
  /** The run's reversals (metrics.reversals). */
  readonly reversals: readonly Reversal[];
  /** Ids of the reversals the baseline has (its metrics.reversals); absent when unknown. */
  readonly baselineReversalIds?: readonly string[];
}

/** The gate's `Verdict` — against a baseline, or side by side with the base — as change rows and groups. */
export function changesFromVerdict(verdict: Verdict | null, context: ChangesContext): Changes {
  const reversalStatus = new Map<string, ReversalStatus>();
  if (verdict?.paired !== undefined) return changesFromPaired(verdict, context);
  if (verdict === null || verdict.baseline === null) {
    for (const r of context.reversals) reversalStatus.set(r.id, 'unjudged');
    return {
      baseline: null,
      against: null,
      counts: { regressions: 0, improvements: 0, unchanged: 0, failing: verdict?.problems.length ?? 0 },
      rows: [],
      groups: verdict === null ? [] : groupsOf(verdict),
      reversalStatus,
      versionChanges: [],
      problems: verdict?.problems ?? [],
      notes: verdict === null ? [] : uncoveredNotes(verdict),
    };
  }
  const rows: ChangeRow[] = [];
  for (const c of verdict.cases) {
    const e = c.evidence;
    if (e === null) continue;
    rows.push({
      key: c.key,
      scope: 'case',
      compilerId: c.compilerId,
      compared: e.metric === 'relative-latency' ? `lat ÷ ${e.partnerId} alongside` : `lat ÷ anchor alongside`,
      metric: e.metric,
      before: e.baselineMedianRatio,
      after: e.runMedianRatio,
      change: e.ratio,
      ci: e.ci,
      confidence: e.confidence,
      threshold: e.threshold,
      kind: c.kind,
      fails: c.kind === 'regression',
      note: `median ${formatMs(e.baselineMedianMs)} → ${formatMs(e.runMedianMs)} ms (not judged); Mann–Whitney p ${e.mannWhitneyP.toExponential(1)}`,
      message: c.message,
    });
  }
  for (const s of verdict.series) {
    if (s.kind === 'skipped' || s.change === null) continue;
    rows.push({
      key: s.series,
      scope: 'series',
      compilerId: s.compilerId,
      compared: s.metric === 'friction-beta' ? 'friction: slope of the judged ratios' : 'depth gain of the judged ratios',
      metric: s.metric,
      before: s.baseline,
      after: s.run,
      change: s.change,
      ci: s.ci,
      confidence: verdict.settings.confidence,
      threshold: s.threshold,
      kind: s.kind,
      fails: s.kind === 'regression',
      note: `over ${s.metric === 'friction-beta' ? 'batches' : 'depths'} ${s.points.join(', ')}`,
      message: s.message,
    });
  }
  for (const r of verdict.reversals) {
    rows.push({
      key: r.id,
      scope: 'ordering',
      compilerId: null,
      compared: 'archetype ordering',
      metric: 'archetype-ratio',
      before: null,
      after: null,
      change: null,
      ci: null,
      confidence: verdict.settings.confidence,
      threshold: null,
      kind: r.kind,
      fails: true,
      note: r.message,
      message: r.message,
    });
  }
  const newIds = new Set(verdict.reversals.filter((r) => r.kind === 'new-reversal').map((r) => r.id));
  const known = new Set(context.baselineReversalIds ?? []);
  for (const r of context.reversals) {
    reversalStatus.set(r.id, newIds.has(r.id) ? 'new' : known.has(r.id) ? 'known' : 'tolerated');
  }
  return {
    baseline: { hardwareId: verdict.baseline.hardwareId, createdFrom: verdict.baseline.createdFrom, runs: verdict.baseline.runs },
    against: `the baseline of ${verdict.baseline.hardwareId} from ${verdict.baseline.createdFrom}${verdict.baseline.runs > 1 ? ` (${verdict.baseline.runs} runs)` : ''}`,
    counts: {
      regressions: verdict.counts.regression + verdict.counts.seriesRegressions,
      improvements: verdict.counts.improvement + verdict.counts.seriesImprovements,
      unchanged: verdict.counts.unchanged,
      failing: verdict.problems.length,
    },
    rows,
    groups: groupsOf(verdict),
    reversalStatus,
    versionChanges: versionChangesOf(verdict),
    problems: verdict.problems,
    notes: uncoveredNotes(verdict),
  };
}

/** Version changes the verdict names, with the keys of the cases they concern. */
function versionChangesOf(verdict: Verdict): Changes['versionChanges'] {
  const keys = new Map<string, string[]>();
  for (const c of verdict.cases) {
    for (const change of c.evidence?.versionChanges ?? c.paired?.changes ?? []) {
      if (change.startsWith('model ')) continue;
      keys.set(change, [...(keys.get(change) ?? []), c.key]);
    }
  }
  return [...keys].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([change, k]) => ({ change, keys: k }));
}

/** The key of an aggregate's row: `compiler: cpu/ort-cpu-all`, `model: cpu/archetypes/vit-like`. */
export const aggregateRowKey = (group: string, id: string): string => `${group}: ${id}`;

/** A paired verdict: per case head/base, the aggregates, series from the paired ratios, known and new reversals. */
function changesFromPaired(verdict: Verdict, context: ChangesContext): Changes {
  const paired = verdict.paired as NonNullable<Verdict['paired']>;
  const rows: ChangeRow[] = [];
  for (const c of verdict.cases) {
    const e = c.paired;
    if (e === undefined) continue;
    rows.push({
      key: c.key,
      scope: 'case',
      compilerId: c.compilerId,
      compared: 'lat head ÷ lat base, side by side',
      metric: 'paired-latency',
      before: e.baseMedianMs,
      after: e.headMedianMs,
      change: e.ratio,
      ci: e.ci,
      confidence: e.confidence,
      threshold: e.threshold,
      kind: c.kind,
      fails: c.kind === 'regression',
      note: `${e.rounds} paired rounds${e.excludedRounds > 0 ? ` (${e.excludedRounds} set aside)` : ''}; q ${e.qSlower.toExponential(1)}${e.changes.length > 0 ? `; ${e.changes.join(', ')}` : ''}`,
      message: c.message,
    });
  }
  for (const a of paired.aggregates) {
    rows.push({
      key: aggregateRowKey(a.group, a.id),
      scope: 'aggregate',
      compilerId: a.group === 'compiler' ? (a.id.split('/')[1] ?? null) : null,
      compared: `geometric mean of ${a.cases} case ratios head ÷ base`,
      metric: 'paired-latency',
      before: null,
      after: null,
      change: a.ratio,
      ci: a.ci,
      confidence: a.confidence,
      threshold: a.threshold,
      kind: a.kind,
      fails: a.kind === 'regression',
      note: `${a.cases} cases; Holm-adjusted p ${a.adjustedSlower.toExponential(1)}${a.changes.length > 0 ? `; ${a.changes.join(', ')}` : ''}`,
      message: a.message,
    });
  }
  for (const s of verdict.series) {
    if (s.change === null) continue;
    rows.push({
      key: s.series,
      scope: 'series',
      compilerId: s.compilerId,
      compared: s.metric === 'friction-beta' ? 'β head − β base, from the paired ratios' : 'depth gain head ÷ base, from the paired ratios',
      metric: s.metric,
      before: s.baseline,
      after: s.run,
      change: s.change,
      ci: s.ci,
      confidence: verdict.settings.confidence,
      threshold: s.threshold,
      kind: s.kind,
      fails: s.kind === 'regression',
      note: `over ${s.metric === 'friction-beta' ? 'batches' : 'depths'} ${s.points.join(', ')}`,
      message: s.message,
    });
  }
  const newIds = new Set(verdict.reversals.filter((r) => r.kind === 'new-reversal').map((r) => r.id));
  const known = new Set(paired.knownReversals.map((r) => r.id));
  const reversalStatus = new Map<string, ReversalStatus>();
  for (const r of context.reversals) reversalStatus.set(r.id, newIds.has(r.id) ? 'new' : known.has(r.id) ? 'known' : 'tolerated');
  const base = paired.base.sha === null ? paired.base.ref : `${paired.base.sha.slice(0, 7)} (${paired.base.ref})`;
  return {
    baseline: null,
    against: `base ${base}, measured side by side on this machine`,
    counts: {
      regressions: verdict.counts.regression + verdict.counts.seriesRegressions + paired.aggregates.filter((a) => a.kind === 'regression').length,
      improvements: verdict.counts.improvement + verdict.counts.seriesImprovements + paired.aggregates.filter((a) => a.kind === 'improvement').length,
      unchanged: verdict.counts.unchanged,
      failing: verdict.problems.length,
    },
    rows,
    groups: groupsOf(verdict),
    reversalStatus,
    versionChanges: versionChangesOf(verdict),
    problems: verdict.problems,
    notes: uncoveredNotes(verdict),
  };
}

function groupsOf(verdict: Verdict): ChangeGroup[] {
  const byKind = new Map<ChangeKind, { keys: string[]; messages: string[] }>();
  const add = (kind: ChangeKind, key: string, message: string) => {
    const group = byKind.get(kind) ?? byKind.set(kind, { keys: [], messages: [] }).get(kind)!;
    group.keys.push(key);
    group.messages.push(message);
  };
  for (const c of verdict.cases) {
    if (c.evidence === null && c.paired === undefined && c.kind !== 'regression' && c.kind !== 'improvement') add(c.kind, c.key, c.message);
  }
  for (const s of verdict.series) if (s.kind === 'skipped') add('skipped', s.series, s.message);
  for (const p of verdict.problems) if (p.kind === 'hardware-mismatch') add('hardware-mismatch', p.key, p.message);
  return GROUP_ORDER.flatMap((kind) => {
    const group = byKind.get(kind);
    if (group === undefined) return [];
    return [{ kind, fails: kind === 'missing' || kind === 'failed' || kind === 'hardware-mismatch', reason: GROUP_REASON[kind] ?? kind, ...group }];
  });
}

/** The gate's notes minus those that repeat a case's message (stale and not-judged cases are grouped instead). */
function uncoveredNotes(verdict: Verdict): string[] {
  const caseMessages = new Set(verdict.cases.map((c) => c.message));
  return verdict.notes.filter((n) => !caseMessages.has(n));
}
