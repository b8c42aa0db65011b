/** Series-level checks: friction β and depth gain, run against baseline. */
import { caseKey } from '../results/schema.ts';
import { depthGain } from '../metrics/depth.ts';
import { estimate, type SampleBank } from '../metrics/estimate.ts';
import { frictionBeta } from '../metrics/friction.ts';
import type { MetricsSummary } from '../metrics/types.ts';
import { thresholdFor } from './config.ts';
import { ciPair, ciText, pct, signed } from './format.ts';
import { judge, type Judgement } from './judge.ts';
import type { State } from './state.ts';
import type { SeriesVerdict } from './verdict.ts';

function seriesKind(j: Judgement): SeriesVerdict['kind'] {
  return j === 'worse' ? 'regression' : j === 'better' ? 'improvement' : 'unchanged';
}

export function frictionChecks(st: State, metrics: MetricsSummary): SeriesVerdict[] {
  const out: SeriesVerdict[] = [];
  for (const s of metrics.friction) {
    const points = s.points.filter((p) => st.comparable.has(p.key));
    const threshold = thresholdFor(st.config, 'friction-beta', s.compilerId);
    const batches = points.map((p) => p.batch);
    const base = { series: s.series, metric: 'friction-beta' as const, compilerId: s.compilerId, threshold, points: batches };
    if (points.length < 2) {
      if (s.points.length >= 2) {
        out.push({ ...base, kind: 'skipped', run: null, baseline: null, change: null, ci: null, message: `friction ${s.series}: fewer than 2 batches comparable with the baseline; not judged` });
      }
      continue;
    }
    const keys = points.map((p) => p.key);
    const change = estimate(
      'friction-beta',
      [
        { bank: st.runBank, keys },
        { bank: st.baseBank, keys },
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
    const runBeta = frictionBeta(batches, keys.map((k) => st.runBank.median(k)));
    const baseBeta = frictionBeta(batches, keys.map((k) => st.baseBank.median(k)));
    if (change.value === null || typeof runBeta !== 'number' || typeof baseBeta !== 'number') {
      const reason = change.value === null ? change.reason : 'β undefined';
      out.push({ ...base, kind: 'skipped', run: null, baseline: null, change: null, ci: null, message: `friction ${s.series}: not judged (${reason})` });
      continue;
    }
    const kind = seriesKind(judge('friction-beta', change, threshold));
    const verb = change.value >= 0 ? 'rose' : 'fell';
    const message =
      `friction ${kind}: ${s.series} β ${verb} from ${baseBeta.toFixed(3)} to ${runBeta.toFixed(3)} ` +
      `(${signed(change.value)}, ${ciText(change, (x) => signed(x))}; threshold ${threshold}) over batches ${batches.join(',')}`;
    if (kind === 'regression') st.problems.push({ kind: 'series-regression', key: s.series, message });
    out.push({ ...base, kind, run: runBeta, baseline: baseBeta, change: change.value, ci: ciPair(change), message });
  }
  return out;
}

export function depthGainChecks(st: State, metrics: MetricsSummary): SeriesVerdict[] {
  const out: SeriesVerdict[] = [];
  for (const s of metrics.depth) {
    if (s.comparison === null) continue;
    const refId = s.comparison.referenceId;
    const rows = s.points
      .map((p) => ({
        depth: p.depth,
        c: p.key,
        r: caseKey({ suite: s.suite, modelId: s.modelId, compilerId: refId, batch: s.batch, depth: p.depth }),
      }))
      .filter((x) => st.comparable.has(x.c) && st.comparable.has(x.r));
    const depths = rows.map((x) => x.depth);
    const threshold = thresholdFor(st.config, 'depth-gain', s.compilerId);
    const base = { series: s.series, metric: 'depth-gain' as const, compilerId: s.compilerId, threshold, points: depths };
    if (rows.length < 2) {
      if (s.comparison.depths.length >= 2) {
        out.push({ ...base, kind: 'skipped', run: null, baseline: null, change: null, ci: null, message: `depth gain ${s.series}: fewer than 2 depths comparable with the baseline; not judged` });
      }
      continue;
    }
    const rKeys = rows.map((x) => x.r);
    const cKeys = rows.map((x) => x.c);
    const gain = (bank: SampleBank) => depthGain(depths, rKeys.map((k) => bank.median(k)), cKeys.map((k) => bank.median(k)));
    const change = estimate(
      'depth-gain',
      [
        { bank: st.runBank, keys: rKeys },
        { bank: st.runBank, keys: cKeys },
        { bank: st.baseBank, keys: rKeys },
        { bank: st.baseBank, keys: cKeys },
      ],
      ([rr, rc, br, bc]) => {
        const now = depthGain(depths, rr as number[], rc as number[]);
        const before = depthGain(depths, br as number[], bc as number[]);
        if (typeof now !== 'number') return now;
        if (typeof before !== 'number') return before;
        return before > 0 ? now / before : { reason: 'baseline depth gain is 0' };
      },
      st.settings,
    );
    const runGain = gain(st.runBank);
    const baseGain = gain(st.baseBank);
    if (change.value === null || typeof runGain !== 'number' || typeof baseGain !== 'number') {
      const reason = change.value === null ? change.reason : 'depth gain undefined';
      out.push({ ...base, kind: 'skipped', run: null, baseline: null, change: null, ci: null, message: `depth gain ${s.series}: not judged (${reason})` });
      continue;
    }
    const kind = seriesKind(judge('depth-gain', change, threshold));
    const verb = change.value >= 1 ? 'rose' : 'fell';
    const message =
      `depth gain ${kind}: ${s.series} (vs ${refId}) ${verb} from ${baseGain.toFixed(3)}× to ${runGain.toFixed(3)}× ` +
      `(ratio ${change.value.toFixed(3)}, ${ciText(change)}; threshold ${pct(threshold)}) over depths ${depths.join(',')}`;
    if (kind === 'regression') st.problems.push({ kind: 'series-regression', key: s.series, message });
    out.push({ ...base, kind, run: runGain, baseline: baseGain, change: change.value, ci: ciPair(change), message });
  }
  return out;
}

