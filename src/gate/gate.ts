/**
 * The regression gate: a pure function (run, baseline, metrics, config) → verdict. Per case it compares
 * the per-round ratio to the partner the case was measured alongside (its reference compiler, else the
 * anchor) with the baseline's compact sample set of the same ratio (bootstrap CI of the ratio of
 * medians, plus a Mann–Whitney p-value as extra evidence), so the machine's drift between the baseline
 * and the run cancels; per series it compares friction β and depth gain of those ratios; across
 * archetypes it looks for new reversals and flipped orderings. See docs/metrics.md, "The gate".
 */
import type { Baseline, BaselineCase, BaselineMetrics } from '../results/baseline.ts';
import type { RunResult } from '../results/schema.ts';
import { banksOf } from '../metrics/banks.ts';
import { SampleBank } from '../metrics/estimate.ts';
import type { MetricsSummary } from '../metrics/types.ts';
import type { BootstrapSettings } from '../stats/bootstrap.ts';
import { caseVerdict } from './cases.ts';
import type { GateConfig } from './config.ts';
import { isOutsideRun } from './filters.ts';
import { byString } from './format.ts';
import { reversalChecks } from './reversal-checks.ts';
import { depthGainChecks, frictionChecks } from './series-checks.ts';
import type { State } from './state.ts';
import {
  countsOf,
  summaryLine,
  verdictStatus,
  type CaseVerdict,
  type Problem,
  type ReversalFinding,
  type SeriesVerdict,
  type Verdict,
} from './verdict.ts';

export { staleReason } from './cases.ts';

/**
 * Judges a run against a baseline (null: no baseline yet; every case is new). `metrics` must be the
 * run's MetricsSummary (computed with `metricsOptionsFromGateConfig(config)` so the reference and
 * confidence agree); `baselineMetrics` overrides the baseline's stored derived metrics when given.
 */
export function gate(
  run: RunResult,
  baseline: Baseline | null,
  metrics: MetricsSummary,
  baselineMetrics: BaselineMetrics | null | undefined,
  config: GateConfig,
): Verdict {
  const settings: BootstrapSettings = {
    resamples: config.bootstrap.resamples,
    confidence: config.confidence,
    seed: config.bootstrap.seed,
  };
  const problems: Problem[] = [];
  const notes: string[] = [];
  const otherProblems: string[] = [];
  let base = baseline;
  if (baseline !== null && baseline.hardwareId !== run.hardware.id) {
    const message = `baseline is for hardware ${baseline.hardwareId} but this run is on ${run.hardware.id}; nothing was compared`;
    problems.push({ kind: 'hardware-mismatch', key: baseline.hardwareId, message });
    otherProblems.push('baseline for other hardware');
    base = null;
  }
  if (metrics.hardwareId !== run.hardware.id) notes.push(`the metrics given were computed for ${metrics.hardwareId}, not this run`);
  if (metrics.bootstrap.confidence !== config.confidence) {
    notes.push(`archetype orderings were computed at ${metrics.bootstrap.confidence} confidence, the gate uses ${config.confidence}`);
  }
  if (JSON.stringify(metrics.reference) !== JSON.stringify(config.reference)) {
    notes.push('the metrics were computed with a different reference spec than the gate config names');
  }
  const baseJudged = new Map((base?.cases ?? []).flatMap((c) => (c.judged === null ? [] : [[c.key, c.judged.samples] as const])));
  const st: State = {
    config,
    settings,
    run: banksOf(run.cases, settings, 'run'),
    baseJudged: new SampleBank(baseJudged, settings, 'baseline'),
    runToRun: base?.runToRun.spread ?? {},
    baselineRuns: base?.runToRun.runs ?? 1,
    referenceOf: new Map(
      run.cases.flatMap((c) => (c.state === 'completed' && c.interleaving.reference !== null ? [[c.key, c.interleaving.reference.compilerId] as const] : [])),
    ),
    comparable: new Set(),
    problems,
    notes,
  };
  const runCases = new Map(run.cases.map((c) => [c.key, c]));
  const baseCases = new Map((base?.cases ?? []).map((c) => [c.key, c]));
  const profileDiffers = base !== null && base.createdFrom.profile !== run.profile;
  if (profileDiffers) {
    notes.push(`run profile "${run.profile}" differs from the baseline's "${base?.createdFrom.profile}"; baseline cases absent from the run count as filtered, not missing`);
  }
  const cases: CaseVerdict[] = [];
  let filtered = 0;
  for (const key of [...new Set([...runCases.keys(), ...baseCases.keys()])].sort(byString)) {
    const bc = baseCases.get(key);
    const v = caseVerdict(st, key, runCases.get(key), bc);
    if (v === null) continue;
    if (v === 'filtered') {
      const b = bc as BaselineCase;
      if (profileDiffers || isOutsideRun({ ...b, hardware: b.hardware }, run)) filtered++;
      else {
        const message = `missing: ${key} is in the baseline but not in this run (and the run's filters do not exclude it)`;
        problems.push({ kind: 'missing', key, message });
        cases.push({ key, kind: 'missing', compilerId: b.compilerId, message, evidence: null });
      }
      continue;
    }
    if (v.kind === 'stale' || v.kind === 'unjudged') notes.push(v.message);
    cases.push(v);
  }
  // Version changes are compared, not set aside: name each once for the run.
  const changed = new Map<string, number>();
  for (const v of cases) for (const change of v.evidence?.versionChanges ?? []) changed.set(change, (changed.get(change) ?? 0) + 1);
  for (const [change, n] of [...changed].sort(([a], [b]) => byString(a, b))) notes.push(`version changed since the baseline, compared: ${change} (${n} case${n === 1 ? '' : 's'})`);
  const series: SeriesVerdict[] = [];
  let reversals: ReversalFinding[] = [];
  if (base !== null) {
    if (config.checks.friction) series.push(...frictionChecks(st, metrics));
    if (config.checks.depthGain) series.push(...depthGainChecks(st, metrics));
    if (config.checks.reversals) reversals = reversalChecks(st, metrics, baselineMetrics ?? base.metrics);
  } else if (metrics.reversals.length > 0) {
    notes.push(`${metrics.reversals.length} reversal(s) in this run; no baseline to judge them against`);
  }
  const counts = countsOf(cases, series, reversals, filtered, st.comparable.size);
  const passed = problems.length === 0;
  const status = verdictStatus(passed, counts, base !== null, config.minJudgedFraction);
  return {
    passed,
    status,
    summaryLine: summaryLine(status, counts, { hardwareId: run.hardware.id, otherProblems, hasBaseline: base !== null }),
    counts,
    cases,
    series,
    reversals,
    problems,
    notes,
    settings: {
      confidence: config.confidence,
      resamples: config.bootstrap.resamples,
      seed: config.bootstrap.seed,
      defaultThreshold: config.threshold.default,
      mannWhitneyRequired: config.mannWhitney.require,
    },
    baseline:
      baseline === null
        ? null
        : {
            hardwareId: baseline.hardwareId,
            createdFrom: baseline.createdFrom.finishedAt,
            runs: baseline.runToRun.runs,
            runToRun: Object.fromEntries(Object.entries(baseline.runToRun.spread).map(([key, s]) => [key, s.spread])),
          },
  };
}
