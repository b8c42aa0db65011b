/** Series-level checks: friction β and depth gain, run against baseline. */
import { depthGain } from '../metrics/depth.ts';
import { estimate, type SampleBank } from '../metrics/estimate.ts';
import { frictionBeta } from '../metrics/friction.ts';
import type { MetricsSummary } from '../metrics/types.ts';
import { ciPair, ciText, pct, signed } from './format.ts';
import { judge, type Judgement } from './judge.ts';
import { appliedThreshold, thresholdText, type State } from './state.ts';
import type { SeriesVerdict } from './verdict.ts';

function seriesKind(j: Judgement): SeriesVerdict['kind'] {
  return j === 'worse' ? 'regression' : j === 'better' ? 'improvement' : 'unchanged';
}

/** The judged bank shared by all `keys` (they are of one compiler, measured alike), or null if they differ. */
function sharedJudgedBank(st: State, keys: readonly string[]): SampleBank | null {
  const banks = new Set(keys.map((k) => st.run.judged(k)));
  return banks.size === 1 ? ([...banks][0] as SampleBank) : null;
}

/**
 * Friction, judged on the ratios each case was measured against: for a compiler with a reference the
 * slope of ln(lat_C/lat_R) on ln(batch), i.e. β_C − β_R; for one without, the slope in anchor units,
 * i.e. β itself (the anchor does not depend on the batch). Either way the machine's drift between the
 * cases of the sweep is out of it.
 */
export function frictionChecks(st: State, metrics: MetricsSummary): SeriesVerdict[] {
  const out: SeriesVerdict[] = [];
  for (const s of metrics.friction) {
    const points = s.points.filter((p) => st.comparable.has(p.key));
    const applied = appliedThreshold(st, 'friction-beta', s.compilerId);
    const threshold = applied.threshold;
    const batches = points.map((p) => p.batch);
    const base = { series: s.series, metric: 'friction-beta' as const, compilerId: s.compilerId, threshold, points: batches };
    const skipped = (reason: string): SeriesVerdict => ({ ...base, kind: 'skipped', run: null, baseline: null, change: null, ci: null, message: `friction ${s.series}: ${reason}; not judged` });
    if (points.length < 2) {
      if (s.points.length >= 2) out.push(skipped('fewer than 2 batches comparable with the baseline'));
      continue;
    }
    const keys = points.map((p) => p.key);
    const runBank = sharedJudgedBank(st, keys);
    if (runBank === null) {
      out.push(skipped('its batches were measured against different partners'));
      continue;
    }
    const relative = runBank === st.run.relative;
    const change = estimate(
      'friction-beta',
      [
        { bank: runBank, keys },
        { bank: st.baseJudged, keys },
      ],
      ([r, b]) => {
        const br = frictionBeta(batches, r as number[]);
        const bb = frictionBeta(batches, b as number[]);
        if (typeof br !== 'number') return br;
        if (typeof bb !== 'number') return bb;
        return br - bb;
      },
      st.settings,
    );
    const runBeta = frictionBeta(batches, keys.map((k) => runBank.median(k)));
    const baseBeta = frictionBeta(batches, keys.map((k) => st.baseJudged.median(k)));
    if (change.value === null || typeof runBeta !== 'number' || typeof baseBeta !== 'number') {
      out.push(skipped(`${change.value === null ? change.reason : 'β undefined'}`));
      continue;
    }
    const kind = seriesKind(judge('friction-beta', change, threshold));
    const verb = change.value >= 0 ? 'rose' : 'fell';
    const what = relative ? `β − β of ${partnerOf(st, keys[0] as string)} (measured alongside)` : 'β (in anchor units)';
    const message =
      `friction ${kind}: ${s.series} ${what} ${verb} from ${baseBeta.toFixed(3)} to ${runBeta.toFixed(3)} ` +
      `(${signed(change.value)}, ${ciText(change, (x) => signed(x))}; threshold ${thresholdText(st, applied, s.compilerId, (v) => v.toFixed(3))}) over batches ${batches.join(',')}`;
    if (kind === 'regression') st.problems.push({ kind: 'series-regression', key: s.series, message });
    out.push({ ...base, kind, run: runBeta, baseline: baseBeta, change: change.value, ci: ciPair(change), message });
  }
  return out;
}

function partnerOf(st: State, key: string): string {
  return st.referenceOf.get(key) ?? 'the reference';
}

/** Depth gain ρ(d_min) / ρ(d_max), ρ = lat_C / lat_R per round, run against baseline. */
export function depthGainChecks(st: State, metrics: MetricsSummary): SeriesVerdict[] {
  const out: SeriesVerdict[] = [];
  for (const s of metrics.depth) {
    if (s.comparison === null) continue;
    const refId = s.comparison.referenceId;
    const rows = s.points.filter((p) => st.comparable.has(p.key) && st.run.relative.has(p.key));
    const depths = rows.map((x) => x.depth);
    const applied = appliedThreshold(st, 'depth-gain', s.compilerId);
    const threshold = applied.threshold;
    const base = { series: s.series, metric: 'depth-gain' as const, compilerId: s.compilerId, threshold, points: depths };
    if (rows.length < 2) {
      if (s.comparison.depths.length >= 2) {
        out.push({ ...base, kind: 'skipped', run: null, baseline: null, change: null, ci: null, message: `depth gain ${s.series}: fewer than 2 depths comparable with the baseline; not judged` });
      }
      continue;
    }
    const keys = rows.map((x) => x.key);
    const ones = keys.map(() => 1);
    const gain = (bank: SampleBank) => depthGain(depths, ones, keys.map((k) => bank.median(k)));
    const change = estimate(
      'depth-gain',
      [
        { bank: st.run.relative, keys },
        { bank: st.baseJudged, keys },
      ],
      ([r, b]) => {
        const now = depthGain(depths, ones, r as number[]);
        const before = depthGain(depths, ones, b as number[]);
        if (typeof now !== 'number') return now;
        if (typeof before !== 'number') return before;
        return before > 0 ? now / before : { reason: 'baseline depth gain is 0' };
      },
      st.settings,
    );
    const runGain = gain(st.run.relative);
    const baseGain = gain(st.baseJudged);
    if (change.value === null || typeof runGain !== 'number' || typeof baseGain !== 'number') {
      const reason = change.value === null ? change.reason : 'depth gain undefined';
      out.push({ ...base, kind: 'skipped', run: null, baseline: null, change: null, ci: null, message: `depth gain ${s.series}: not judged (${reason})` });
      continue;
    }
    const kind = seriesKind(judge('depth-gain', change, threshold));
    const verb = change.value >= 1 ? 'rose' : 'fell';
    const message =
      `depth gain ${kind}: ${s.series} (vs ${refId} measured alongside) ${verb} from ${baseGain.toFixed(3)}× to ${runGain.toFixed(3)}× ` +
      `(ratio ${change.value.toFixed(3)}, ${ciText(change)}; threshold ${thresholdText(st, applied, s.compilerId, pct)}) over depths ${depths.join(',')}`;
    if (kind === 'regression') st.problems.push({ kind: 'series-regression', key: s.series, message });
    out.push({ ...base, kind, run: runGain, baseline: baseGain, change: change.value, ci: ciPair(change), message });
  }
  return out;
}
