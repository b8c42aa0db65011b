/** New reversals and flipped archetype orderings, run against baseline. */
import type { BaselineMetrics, BaselineOrdering } from '../results/baseline.ts';
import type { ArchetypeOrdering, MetricsSummary } from '../metrics/types.ts';
import { ciText, pct } from './format.ts';
import { appliedThreshold, type State } from './state.ts';
import type { ReversalFinding } from './verdict.ts';

function orderingText(o: Pick<ArchetypeOrdering | BaselineOrdering, 'a' | 'b' | 'faster'>, ratio: number | null): string {
  const slower = o.faster === o.a ? o.b : o.a;
  return `${o.faster} faster than ${slower} (lat ${o.a}/${o.b} = ${ratio === null ? 'n/a' : ratio.toFixed(3)})`;
}

/**
 * Whether an ordering is clear enough to count: its ratio differs from 1 by more than the practical
 * threshold (either way). Two archetypes within a few percent of each other swap places with the
 * machine's session-to-session noise; only a flip between clear orderings fails the gate.
 */
function clear(ratio: number | null, threshold: number): boolean {
  return ratio !== null && Math.abs(Math.log(ratio)) > Math.log1p(threshold);
}

export function reversalChecks(st: State, metrics: MetricsSummary, baseMetrics: BaselineMetrics): ReversalFinding[] {
  const out: ReversalFinding[] = [];
  // An ordering must be clear beyond the threshold and beyond how far that compiler's archetype ratios
  // moved between the baseline's runs.
  const thresholdOf = (compilerId: string) => appliedThreshold(st, 'archetype-ratio', compilerId).threshold;
  const known = new Set(baseMetrics.reversals.map((r) => r.id));
  for (const r of metrics.reversals) {
    if (known.has(r.id)) {
      st.notes.push(`known reversal (also in the baseline): ${r.message}`);
    } else if (!clear(r.referenceRatio.value, thresholdOf(r.referenceId)) || !clear(r.compilerRatio.value, thresholdOf(r.compilerId))) {
      st.notes.push(
        `reversal within the practical threshold (${pct(thresholdOf(r.referenceId))} for ${r.referenceId}, ${pct(thresholdOf(r.compilerId))} for ${r.compilerId}), not a failure: ${r.message}`,
      );
    } else if (r.caseKeys.every((k) => st.comparable.has(k))) {
      const message = `new reversal: ${r.message}; the baseline had no such reversal`;
      st.problems.push({ kind: 'new-reversal', key: r.id, message });
      out.push({ kind: 'new-reversal', id: r.id, caseKeys: r.caseKeys, message });
    } else {
      st.notes.push(`reversal among cases the baseline cannot vouch for (new or stale), not judged: ${r.message}`);
    }
  }
  const now = new Map(metrics.orderings.map((o) => [o.id, o]));
  for (const before of baseMetrics.orderings) {
    const after = now.get(before.id);
    if (before.faster === null || after === undefined || after.faster === null || after.faster === before.faster) continue;
    if (!before.caseKeys.every((k) => st.comparable.has(k))) {
      st.notes.push(`archetype ordering ${before.id} changed, but a case is new or stale; not judged`);
      continue;
    }
    const threshold = thresholdOf(before.compilerId);
    if (!clear(before.ratio, threshold) || !clear(after.ratio.value, threshold)) {
      st.notes.push(`archetype ordering ${before.id} changed within the ${pct(threshold)} practical threshold, not a failure`);
      continue;
    }
    const where = before.depth === null ? `b=${before.batch}` : `b=${before.batch}/d=${before.depth}`;
    const message =
      `flipped archetype ordering: under ${before.compilerId} at ${where} the baseline had ${orderingText(before, before.ratio)}, ` +
      `this run has ${orderingText(after, after.ratio.value)} (${ciText(after.ratio)})`;
    st.problems.push({ kind: 'flipped-ordering', key: before.id, message });
    out.push({ kind: 'flipped-ordering', id: before.id, caseKeys: before.caseKeys, message });
  }
  return out;
}

