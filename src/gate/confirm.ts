/**
 * Confirmation: a problem the gate finds fails the run only when it reproduces. On a shared machine a
 * case now and then lands in a state where its ratio to its partner moves by 10–20% for one measurement
 * (on the 2-core VM, about 1 decision in 100); over hundreds of cases one such outlier would fail almost
 * every run. So when the first verdict finds problems, the CLI measures the cases they involve again, and
 * the final verdict keeps only the problems found in both measurements. A real slowdown is in both; an
 * outlier rarely twice. In a paired run improvements are findings too, and are measured again alike: an A/A run
 * on the 2-core VM reported two "improvements" of 25% and 40% (both of a case's session pairs shared a
 * fast process), which a reader would have taken for the pull request's effect. Pure: two verdicts in, one out.
 */
import type { MetricsSummary } from '../metrics/types.ts';
import { pairedVerdictLine } from './paired.ts';
import { countsOf, summaryLine, verdictStatus, type CaseVerdict, type Problem, type ProblemKind, type Verdict } from './verdict.ts';

/** Problems that a second measurement can confirm or dismiss (the others — failures, missing cases — stand). */
const CONFIRMABLE: ReadonlySet<ProblemKind> = new Set(['regression', 'series-regression', 'new-reversal', 'flipped-ordering']);

/**
 * The case keys to measure again to confirm the verdict's problems, or null when there is nothing to
 * confirm or a problem cannot be confirmed by measuring again (a failed or missing case).
 */
export function keysToConfirm(verdict: Verdict, metrics: MetricsSummary): string[] | null {
  if (verdict.problems.some((p) => !CONFIRMABLE.has(p.kind))) return null;
  const keys = new Set<string>(improvementsOf(verdict));
  const seriesPoints = new Map<string, readonly string[]>([
    ...metrics.friction.map((s) => [s.series, s.points.map((p) => p.key)] as const),
    ...metrics.depth.map((s) => [s.series, s.points.map((p) => p.key)] as const),
  ]);
  for (const problem of verdict.problems) {
    if (problem.kind === 'regression') keys.add(problem.key);
    else if (problem.kind === 'series-regression') for (const key of seriesPoints.get(problem.key) ?? []) keys.add(key);
    else for (const key of verdict.reversals.find((r) => r.id === problem.key)?.caseKeys ?? []) keys.add(key);
  }
  return keys.size === 0 ? null : [...keys].sort();
}

/**
 * The keys of the cases a paired verdict calls faster. A plain run's improvements are left alone: there
 * they are measured against a baseline of other runs, mostly the machine's own state, which measuring
 * again on the same machine would only repeat (22 of them in a quick run on the 2-core VM).
 */
const improvementsOf = (verdict: Verdict): string[] =>
  verdict.paired === undefined ? [] : verdict.cases.filter((c) => c.kind === 'improvement').map((c) => c.key);

/** What a confirming measurement settles: the verdict's confirmable problems and its improvements. */
export function findingsOf(verdict: Verdict): number {
  return verdict.problems.filter((p) => CONFIRMABLE.has(p.kind)).length + improvementsOf(verdict).length;
}

const same = (a: Pick<Problem, 'kind' | 'key'>, b: Pick<Problem, 'kind' | 'key'>): boolean => a.kind === b.kind && a.key === b.key;

/**
 * The final verdict: `second` (the gate on the run with the cases measured again) with its problems
 * narrowed to those `first` (the gate on the first measurements) also had. Each problem dropped is a
 * note saying which measurement had it.
 */
export function confirmVerdict(
  first: Verdict,
  second: Verdict,
  remeasured: readonly string[],
  { hardwareId, minJudgedFraction }: { readonly hardwareId: string; readonly minJudgedFraction: number },
): Verdict {
  const confirmed = second.problems.filter((p) => !CONFIRMABLE.has(p.kind) || first.problems.some((q) => same(p, q)));
  const isConfirmed = (kind: ProblemKind, key: string) => confirmed.some((p) => p.kind === kind && p.key === key);
  const notes = [...second.notes];
  for (const p of first.problems) {
    if (CONFIRMABLE.has(p.kind) && !isConfirmed(p.kind, p.key)) notes.push(`not confirmed when measured again: ${p.message}`);
  }
  for (const p of second.problems) {
    if (CONFIRMABLE.has(p.kind) && !isConfirmed(p.kind, p.key)) notes.push(`found only when measured again, not confirmed: ${p.message}`);
  }
  const paired = second.paired !== undefined;
  const improvedFirst = new Set(improvementsOf(first));
  const improvedSecond = new Set(improvementsOf(second));
  for (const c of first.cases) if (paired && c.kind === 'improvement' && !improvedSecond.has(c.key)) notes.push(`not confirmed when measured again: ${c.message}`);
  for (const c of second.cases) if (paired && c.kind === 'improvement' && !improvedFirst.has(c.key)) notes.push(`found only when measured again, not confirmed: ${c.message}`);
  const cases: CaseVerdict[] = second.cases.map((c) =>
    (c.kind === 'regression' && !isConfirmed('regression', c.key)) || (c.kind === 'improvement' && paired && !improvedFirst.has(c.key))
      ? { ...c, kind: 'unchanged', message: `unchanged (not confirmed): ${c.message}` }
      : c,
  );
  const series = second.series.map((s) =>
    s.kind === 'regression' && !isConfirmed('series-regression', s.series) ? { ...s, kind: 'unchanged' as const, message: `not confirmed: ${s.message}` } : s,
  );
  const reversals = second.reversals.filter((r) => isConfirmed(r.kind, r.id));
  const counted = countsOf(cases, series, reversals, second.counts.filtered, second.counts.comparable);
  // Paired: every case with rounds on both sides is judged, as the paired gate counts it.
  const counts = paired ? { ...counted, judged: second.counts.judged } : counted;
  const passed = confirmed.length === 0;
  const findings = findingsOf(first);
  const confirmedImprovements = paired ? cases.filter((c) => c.kind === 'improvement').length : 0;
  const dismissed = findings - confirmed.filter((p) => CONFIRMABLE.has(p.kind)).length - confirmedImprovements;
  const otherProblems = second.problems.filter((p) => p.kind === 'hardware-mismatch').map(() => 'baseline for other hardware');
  const status = verdictStatus(passed, counts, paired || second.baseline !== null, minJudgedFraction);
  const line = paired ? pairedVerdictLine(second, status, counts, cases) : summaryLine(status, counts, { hardwareId, otherProblems, hasBaseline: second.baseline !== null });
  return {
    ...second,
    passed,
    status,
    summaryLine: `${line}; ${remeasured.length} case${remeasured.length === 1 ? '' : 's'} measured again to confirm ${findings} finding${findings === 1 ? '' : 's'}, ${dismissed} not confirmed`,
    counts,
    cases,
    series,
    reversals,
    problems: confirmed,
    notes,
  };
}
