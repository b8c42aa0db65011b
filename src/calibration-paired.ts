/**
 * Calibration of the paired gate from recorded paired runs. One long paired session (`pnpm bench
 * --compare HEAD --sessions 8 --rounds 40`: the same code on both sides, 8 session pairs per case,
 * each compiled afresh) is split into sub-runs of two session pairs each, as a real run has; each
 * sub-run is a complete paired run of every case, judged by the real paired gate. A/A, any finding is a false alarm. Slowdowns are injected into a sub-run's head side
 * (its samples of one compiler, or one model, scaled by a factor) to measure detection on the noise the
 * machine really made. Pure: runs in, decisions out.
 *
 * What the split cannot show: the sub-runs share the two worker processes, so a bias of a process is
 * in all of them alike. Independent runs (the acceptance runs) are quoted beside these figures.
 */
import { evaluate } from './evaluate.ts';
import type { GateConfig, Verdict } from './gate/index.ts';
import { rate, type Rate } from './calibration.ts';
import type { CaseResult, RunResult } from './results/schema.ts';

/** Sessions [from, to) of a paired case, as a case of their own (rounds and set-aside rounds re-indexed). */
export function sliceSessions(c: CaseResult, from: number, to: number): CaseResult {
  if (c.state !== 'completed') return c;
  const lengths = c.interleaving.sessionRounds;
  if (to > lengths.length) throw new Error(`${c.key}: sessions ${from}..${to} are beyond its ${lengths.length} sessions`);
  const first = lengths.slice(0, from).reduce((a, b) => a + b, 0);
  const kept = lengths.slice(from, to);
  const rounds = kept.reduce((a, b) => a + b, 0);
  const calls = c.interleaving.callsPerRound;
  const excluded = c.interleaving.disturbance.excludedRounds.filter((r) => r >= first && r < first + rounds).map((r) => r - first);
  const pairing = c.interleaving.pairing;
  return {
    ...c,
    samples: c.samples.slice(first * calls, (first + rounds) * calls),
    interleaving: {
      ...c.interleaving,
      rounds,
      sessionRounds: kept,
      disturbance: { ...c.interleaving.disturbance, excludedRounds: excluded },
      ...(pairing === undefined ? {} : { pairing: { ...pairing, order: pairing.order.slice(first, first + rounds) } }),
    },
  };
}

/**
 * Sub-runs of `sessionsPerRun` consecutive session pairs each, from a recorded paired run measured with
 * more session pairs per case (`--sessions`): each sub-run has session pairs of its own, compiled afresh.
 */
export function splitPaired(head: RunResult, base: RunResult, sessionsPerRun: number): { head: RunResult; base: RunResult }[] {
  const sessions = Math.min(...[...head.cases, ...base.cases].flatMap((c) => (c.state === 'completed' ? [c.interleaving.sessionRounds.length] : [])));
  const chunks = Math.floor(sessions / sessionsPerRun);
  if (chunks < 1) throw new Error(`the runs have ${sessions} session pairs per case, fewer than one sub-run of ${sessionsPerRun}`);
  return Array.from({ length: chunks }, (_, j) => {
    const slice = (run: RunResult): RunResult => ({ ...run, cases: run.cases.map((c) => sliceSessions(c, j * sessionsPerRun, (j + 1) * sessionsPerRun)) });
    return { head: slice(head), base: slice(base) };
  });
}

/** The head side with the samples of the matching cases scaled by `factor` (a slowdown of the head only). */
export function injectSlowdown(head: RunResult, matches: (c: CaseResult) => boolean, factor: number): RunResult {
  return {
    ...head,
    cases: head.cases.map((c) => {
      if (c.state !== 'completed' || !matches(c)) return c;
      const samples = c.samples.map((x) => x * factor);
      const scale = (v: number) => v * factor;
      const l = c.latency;
      return {
        ...c,
        samples,
        latency: { ...l, min: scale(l.min), max: scale(l.max), mean: scale(l.mean), median: scale(l.median), p25: scale(l.p25), p75: scale(l.p75), p99: scale(l.p99), sd: scale(l.sd), medianCi: [scale(l.medianCi[0]), scale(l.medianCi[1])] },
        throughput: c.throughput / factor,
      };
    }),
  };
}

export function pairedVerdict(run: { head: RunResult; base: RunResult }, config: GateConfig): Verdict {
  const { verdict } = evaluate({ run: run.head, base: run.base, baseline: undefined, config, harnessErrors: [], requireBaseline: false });
  if (verdict === null) throw new Error('a paired run is always gated');
  return verdict;
}

export interface PairedCalibration {
  readonly subRuns: number;
  readonly casesPerRun: number;
  /** A/A: sub-runs with any finding. */
  readonly falseAlarmRuns: Rate;
  /** A/A: case tests that called a regression. */
  readonly falseAlarmCases: Rate;
  /** A/A: cases left unjudged. */
  readonly unjudgedCases: Rate;
  /** Per compiler slowed by 10%: share of its cases flagged. */
  readonly caseDetection10: Rate;
  /** Per compiler slowed by f: share of (sub-run × compiler) whose compiler aggregate was flagged. */
  readonly compilerDetection: ReadonlyMap<number, Rate>;
  /** Per model slowed by 10%: share of (sub-run × model) whose model aggregate was flagged. */
  readonly modelDetection10: Rate;
  /** What the A/A findings were, for the report. */
  readonly falseAlarms: readonly string[];
}

/** Every calibration figure over the sub-runs; `compilers`/`models` are those slowed in turn. */
export function calibratePaired(subRuns: readonly { head: RunResult; base: RunResult }[], config: GateConfig, factors: readonly number[]): PairedCalibration {
  const runFlags: string[] = [];
  const caseFlags: string[] = [];
  const unjudged: string[] = [];
  const alarms: string[] = [];
  const case10: string[] = [];
  const model10: string[] = [];
  const compilerFlags = new Map<number, string[]>(factors.map((f) => [f, []]));
  for (const run of subRuns) {
    const aa = pairedVerdict(run, config);
    runFlags.push(aa.problems.length > 0 ? 'alarm' : 'quiet');
    alarms.push(...aa.problems.map((p) => p.message));
    // Comparable: completed on both sides. A case unavailable on both (no runtime here) is not a judgement left out.
    const completedBase = new Set(run.base.cases.filter((c) => c.state === 'completed').map((c) => c.key));
    for (const c of aa.cases) {
      const comparable = completedBase.has(c.key) && run.head.cases.some((h) => h.key === c.key && h.state === 'completed');
      if (c.paired === undefined) {
        if (comparable) unjudged.push('unjudged');
        continue;
      }
      caseFlags.push(c.kind === 'regression' ? 'alarm' : 'quiet');
      unjudged.push('judged');
    }
    const compilers = [...new Set(run.head.cases.filter((c) => c.state === 'completed').map((c) => `${c.compiler.hardware}/${c.compiler.id}`))].sort();
    for (const id of compilers) {
      const ofCompiler = (c: CaseResult) => `${c.compiler.hardware}/${c.compiler.id}` === id;
      for (const factor of factors) {
        const v = pairedVerdict({ head: injectSlowdown(run.head, ofCompiler, factor), base: run.base }, config);
        const aggregate = v.paired?.aggregates.find((a) => a.group === 'compiler' && a.id === id);
        (compilerFlags.get(factor) as string[]).push(aggregate?.kind === 'regression' ? 'found' : 'missed');
        if (Math.abs(factor - 1.1) < 1e-9) for (const c of v.cases) if (c.paired !== undefined && ofCompiler(headCase(run.head, c.key))) case10.push(c.kind === 'regression' ? 'found' : 'missed');
      }
    }
    const models = [...new Set(run.head.cases.filter((c) => c.state === 'completed').map((c) => `${c.compiler.hardware}/${c.suite}/${c.model.id}`))].sort();
    for (const id of models) {
      const ofModel = (c: CaseResult) => `${c.compiler.hardware}/${c.suite}/${c.model.id}` === id;
      const v = pairedVerdict({ head: injectSlowdown(run.head, ofModel, 1.1), base: run.base }, config);
      model10.push(v.paired?.aggregates.find((a) => a.group === 'model' && a.id === id)?.kind === 'regression' ? 'found' : 'missed');
    }
  }
  return {
    subRuns: subRuns.length,
    casesPerRun: subRuns[0]?.head.cases.length ?? 0,
    falseAlarmRuns: rate(runFlags, 'alarm'),
    falseAlarmCases: rate(caseFlags, 'alarm'),
    unjudgedCases: rate(unjudged, 'unjudged'),
    caseDetection10: rate(case10, 'found'),
    compilerDetection: new Map([...compilerFlags].map(([f, flags]) => [f, rate(flags, 'found')])),
    modelDetection10: rate(model10, 'found'),
    falseAlarms: alarms,
  };
}

function headCase(run: RunResult, key: string): CaseResult {
  const found = run.cases.find((c) => c.key === key);
  if (found === undefined) throw new Error(`no case ${key}`);
  return found;
}
