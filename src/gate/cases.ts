/** Per-case verdicts: failed, missing, stale, new, or the bootstrap comparison of medians. */
import { estimate } from '../metrics/estimate.ts';
import { judgedMetric, type BaselineCase, type Judged } from '../results/baseline.ts';
import { judgedPartner, type PartnerKind } from '../results/ratios.ts';
import type { CaseResult, CompletedCase } from '../results/schema.ts';
import { mannWhitneyU } from '../stats/mann-whitney.ts';
import { ciPair, ciText, ms, pct } from './format.ts';
import { judge, type Judgement } from './judge.ts';
import { appliedThreshold, thresholdText, type State } from './state.ts';
import type { CaseEvidence, CaseVerdict } from './verdict.ts';

/**
 * Why a case cannot be compared with its baseline, or null. Only what changes the quantity compared
 * does: another model (hash), or another partner measured alongside. A changed runtime version is
 * exactly what the gate is for: it is compared, and named in the verdict (see {@link versionChangesOf}).
 */
export function staleReason(run: CaseResult, base: BaselineCase): string | null {
  const reasons: string[] = [];
  if (run.model.hash !== base.modelHash) {
    reasons.push(`model hash changed (${base.modelHash.slice(0, 12)}… → ${run.model.hash.slice(0, 12)}…)`);
  }
  if (run.state === 'completed' && base.judged !== null && run.interleaving.anchor !== null) {
    const partner = judgedPartner(run);
    if (partner.kind !== base.judged.against || partner.id !== base.judged.partnerId) {
      reasons.push(`measured alongside ${partner.id} now, ${base.judged.partnerId} in the baseline`);
    }
  }
  return reasons.length === 0 ? null : reasons.join(', ');
}

/** The versions that differ between the baseline and the run: the compiler's and its partner's. */
export function versionChangesOf(run: CaseResult, base: BaselineCase): string[] {
  const changes = versionChanges(base.versions, run.compiler.versions);
  if (run.state === 'completed' && base.judged !== null && run.interleaving.anchor !== null) {
    const partner = judgedPartner(run);
    if (partner.id === base.judged.partnerId) {
      for (const change of versionChanges(base.judged.partnerVersions, partner.versions)) {
        if (!changes.includes(change)) changes.push(partner.kind === 'anchor' ? `anchor ${change}` : `${partner.id}'s ${change}`);
      }
    }
  }
  return changes;
}

function versionChanges(before: Readonly<Record<string, string>>, after: Readonly<Record<string, string>>): string[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return names.filter((name) => before[name] !== after[name]).map((name) => `${name} ${before[name] ?? '(none)'} → ${after[name] ?? '(none)'}`);
}

/** `ort-cpu-disabled` measured alongside, or the anchor: how a verdict names what the case was compared in. */
function partnerText(kind: PartnerKind, id: string): string {
  return kind === 'reference' ? `relative to ${id} measured alongside` : `in units of the anchor (${id}) measured alongside`;
}

function compareCase(st: State, rc: CompletedCase, bc: BaselineCase, judged: Judged): CaseVerdict {
  const key = rc.key;
  const runBank = st.run.judged(key);
  const metric = judgedMetric(judged.against);
  const ratio = estimate(
    metric,
    [
      { bank: runBank, keys: [key] },
      { bank: st.baseJudged, keys: [key] },
    ],
    ([r, b]) => {
      const now = (r as number[])[0] as number;
      const before = (b as number[])[0] as number;
      return before > 0 ? now / before : { reason: 'baseline median ratio is 0' };
    },
    st.settings,
  );
  const applied = appliedThreshold(st, metric, rc.compiler.id);
  const threshold = applied.threshold;
  const runRatios = runBank.samples(key);
  const mw = mannWhitneyU(runRatios, judged.samples);
  const runMedian = runBank.median(key);
  const baseMedian = st.baseJudged.median(key);
  const runMs = st.run.ms.median(key);
  const baseMs = bc.median as number;
  const changes = versionChangesOf(rc, bc);
  if (ratio.value === null) {
    return { key, kind: 'unchanged', compilerId: rc.compiler.id, message: `unchanged: ${key} not judged (${ratio.reason})`, evidence: null };
  }
  let judgement: Judgement = judge(metric, ratio, threshold);
  const mwBlocks = st.config.mannWhitney.require && mw.p >= 1 - st.config.confidence;
  if (mwBlocks) judgement = 'same';
  const evidence: CaseEvidence = {
    metric,
    partnerId: judged.partnerId,
    runMedianRatio: runMedian,
    baselineMedianRatio: baseMedian,
    ratio: ratio.value,
    ci: ciPair(ratio),
    confidence: st.config.confidence,
    method: 'percentile bootstrap of the ratio of median per-round ratios (run rounds vs baseline compact set)',
    resamples: st.settings.resamples,
    mannWhitneyP: mw.p,
    threshold,
    configuredThreshold: applied.configured,
    runToRunSpread: applied.spread,
    runRounds: runRatios.length,
    baselineSamples: judged.samples.length,
    baselineRounds: judged.rounds,
    runMedianMs: runMs,
    baselineMedianMs: baseMs,
    versionChanges: changes,
  };
  const how = partnerText(judged.against, judged.partnerId);
  const detail =
    `lat/${judged.against === 'reference' ? judged.partnerId : 'anchor'} ${runMedian.toPrecision(4)} vs ${baseMedian.toPrecision(4)}; ` +
    `ratio ${ratio.value.toFixed(3)}, ${ciText(ratio)}; Mann–Whitney p = ${mw.p < 1e-4 ? mw.p.toExponential(1) : mw.p.toPrecision(2)}; threshold ${thresholdText(st, applied, rc.compiler.id, pct)}; ` +
    `median ${ms(runMs)} vs ${ms(baseMs)}, not judged${changes.length === 0 ? '' : `; ${changes.join(', ')}`}`;
  if (judgement === 'worse') {
    const message = `regression: ${key} is ${pct(ratio.value - 1)} slower than the baseline ${how} (${detail})`;
    st.problems.push({ kind: 'regression', key, message });
    return { key, kind: 'regression', compilerId: rc.compiler.id, message, evidence };
  }
  if (judgement === 'better') {
    return {
      key,
      kind: 'improvement',
      compilerId: rc.compiler.id,
      message: `improvement: ${key} is ${pct(1 - ratio.value)} faster than the baseline ${how} (${detail})`,
      evidence,
    };
  }
  const why = mwBlocks ? 'Mann–Whitney not significant' : ratio.ci !== null && (ratio.ci.lower > 1 || ratio.ci.upper < 1) ? 'significant but within the threshold' : 'not significant';
  return { key, kind: 'unchanged', compilerId: rc.compiler.id, message: `unchanged: ${key} ${how} (${why}; ${detail})`, evidence };
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
  const judged = bc.judged as Judged;
  const runAnchor = rc.interleaving.disturbance.quietAnchorMs;
  if (runAnchor === null) {
    return { key, kind: 'unjudged', compilerId, message: `not judged: ${key} was measured side by side with another side, without the anchor a baseline comparison needs`, evidence: null };
  }
  const tolerance = st.config.machineStateTolerance;
  // Judged when the machine is in the state of any of the baseline's runs.
  const distances = judged.runs.filter((r) => r.quietAnchorMs > 0).map((r) => Math.abs(Math.log(runAnchor / r.quietAnchorMs)));
  if (distances.length > 0 && Math.min(...distances) > Math.log1p(tolerance)) {
    return {
      key,
      kind: 'unjudged',
      compilerId,
      message:
        `not judged: ${key} was measured with the machine in another state than in the baseline ` +
        `(the anchor took ${ms(runAnchor)} a call, ${judged.runs.length > 1 ? `${judged.runs.map((r) => ms(r.quietAnchorMs)).join(', ')} in the baseline's runs` : `${ms(judged.quietAnchorMs)} in the baseline`}, beyond ±${pct(tolerance)}), where ratios between workloads differ too; run again`,
      evidence: null,
    };
  }
  st.comparable.add(key);
  return compareCase(st, rc, bc, judged);
}

