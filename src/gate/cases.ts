/** Per-case verdicts: failed, missing, stale, new, or the bootstrap comparison of medians. */
import { estimate } from '../metrics/estimate.ts';
import type { BaselineCase } from '../results/baseline.ts';
import type { CaseResult, CompletedCase } from '../results/schema.ts';
import { mannWhitneyU } from '../stats/mann-whitney.ts';
import { thresholdFor } from './config.ts';
import { ciPair, ciText, ms, pct } from './format.ts';
import { judge, type Judgement } from './judge.ts';
import type { State } from './state.ts';
import type { CaseVerdict } from './verdict.ts';

/** Why a case cannot be compared with its baseline (model or runtime changed), or null. */
export function staleReason(run: CaseResult, base: BaselineCase): string | null {
  const reasons: string[] = [];
  if (run.model.hash !== base.modelHash) {
    reasons.push(`model hash changed (${base.modelHash.slice(0, 12)}… → ${run.model.hash.slice(0, 12)}…)`);
  }
  const names = [...new Set([...Object.keys(base.versions), ...Object.keys(run.compiler.versions)])].sort();
  for (const name of names) {
    const before = base.versions[name];
    const after = run.compiler.versions[name];
    if (before !== after) reasons.push(`${name} ${before ?? '(none)'} → ${after ?? '(none)'}`);
  }
  return reasons.length === 0 ? null : reasons.join(', ');
}

function compareCase(st: State, rc: CompletedCase, bc: BaselineCase): CaseVerdict {
  const key = rc.key;
  const ratio = estimate(
    'latency',
    [
      { bank: st.runBank, keys: [key] },
      { bank: st.baseBank, keys: [key] },
    ],
    ([r, b]) => {
      const now = (r as number[])[0] as number;
      const before = (b as number[])[0] as number;
      return before > 0 ? now / before : { reason: 'baseline median is 0 ms' };
    },
    st.settings,
  );
  const threshold = thresholdFor(st.config, 'latency', rc.compiler.id);
  const mw = mannWhitneyU(rc.samples, bc.samples);
  const runMedian = st.runBank.median(key);
  const baseMedian = st.baseBank.median(key);
  if (ratio.value === null) {
    return { key, kind: 'unchanged', compilerId: rc.compiler.id, message: `unchanged: ${key} not judged (${ratio.reason})`, evidence: null };
  }
  let judgement: Judgement = judge('latency', ratio, threshold);
  const mwBlocks = st.config.mannWhitney.require && mw.p >= 1 - st.config.confidence;
  if (mwBlocks) judgement = 'same';
  const evidence = {
    metric: 'latency' as const,
    runMedianMs: runMedian,
    baselineMedianMs: baseMedian,
    ratio: ratio.value,
    ci: ciPair(ratio),
    confidence: st.config.confidence,
    method: 'percentile bootstrap of the ratio of medians (run samples vs baseline compact samples)',
    resamples: st.settings.resamples,
    mannWhitneyP: mw.p,
    threshold,
    runN: rc.samples.length,
    baselineSamples: bc.samples.length,
    baselineN: bc.n,
  };
  const detail = `median ${ms(runMedian)} vs ${ms(baseMedian)}; ratio ${ratio.value.toFixed(3)}, ${ciText(ratio)}; Mann–Whitney p = ${mw.p < 1e-4 ? mw.p.toExponential(1) : mw.p.toPrecision(2)}; threshold ${pct(threshold)}`;
  if (judgement === 'worse') {
    const message = `regression: ${key} is ${pct(ratio.value - 1)} slower than the baseline (${detail})`;
    st.problems.push({ kind: 'regression', key, message });
    return { key, kind: 'regression', compilerId: rc.compiler.id, message, evidence };
  }
  if (judgement === 'better') {
    return {
      key,
      kind: 'improvement',
      compilerId: rc.compiler.id,
      message: `improvement: ${key} is ${pct(1 - ratio.value)} faster than the baseline (${detail})`,
      evidence,
    };
  }
  const why = mwBlocks ? 'Mann–Whitney not significant' : ratio.ci !== null && (ratio.ci.lower > 1 || ratio.ci.upper < 1) ? 'significant but within the threshold' : 'not significant';
  return { key, kind: 'unchanged', compilerId: rc.compiler.id, message: `unchanged: ${key} (${why}; ${detail})`, evidence };
}

export function caseVerdict(st: State, key: string, rc: CaseResult | undefined, bc: BaselineCase | undefined): CaseVerdict | 'filtered' | null {
  if (rc === undefined) {
    if (bc === undefined || bc.state !== 'completed') return null;
    return 'filtered';
  }
  const compilerId = rc.compiler.id;
  if (rc.state === 'failed') {
    const correctness =
      rc.correctness === null ? '' : `; relative L2 ${rc.correctness.relativeL2.toPrecision(3)} vs tolerance ${rc.correctness.tolerance}`;
    const message = `failed: ${key} (${rc.phase}: ${rc.error}${correctness})`;
    st.problems.push({ kind: 'failed', key, message });
    return { key, kind: 'failed', compilerId, message, evidence: null };
  }
  if (rc.state === 'unavailable') {
    if (bc?.state === 'completed') {
      const message = `missing: ${key} was measured in the baseline but is unavailable in this run (${rc.reason})`;
      st.problems.push({ kind: 'missing', key, message });
      return { key, kind: 'missing', compilerId, message, evidence: null };
    }
    return bc === undefined
      ? { key, kind: 'new', compilerId, message: `new: ${key} (unavailable: ${rc.reason})`, evidence: null }
      : { key, kind: 'unchanged', compilerId, message: `unchanged: ${key} not measured in the baseline or the run (${rc.reason})`, evidence: null };
  }
  if (bc === undefined) return { key, kind: 'new', compilerId, message: `new: ${key} is not in the baseline`, evidence: null };
  if (bc.state !== 'completed') {
    return { key, kind: 'new', compilerId, message: `new: ${key} has no measurement in the baseline (${bc.state}: ${bc.reason ?? ''})`, evidence: null };
  }
  const stale = staleReason(rc, bc);
  if (stale !== null) {
    return { key, kind: 'stale', compilerId, message: `stale: ${key} not compared, ${stale}; update the baseline`, evidence: null };
  }
  st.comparable.add(key);
  return compareCase(st, rc, bc);
}

