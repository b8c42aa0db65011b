/**
 * Extending a committed baseline with cases measured later (`pnpm bench:baseline <parts…> --extend
 * baselines/<hardware-id>.json`). A GPU matrix is measured over several device sessions, and the
 * results files of the earlier ones may be gone when the later parts come in; the baseline itself is
 * what was kept. The extension adds the new cases and the metrics derived from them alone, so it is
 * only sound where no derived quantity needs cases of both: a friction or depth-gain series, or an
 * ordering group of one compiler, must lie wholly in the baseline or wholly in the addition.
 */
import { BaselineError, type Baseline, type BaselineCase } from './baseline.ts';
import { unionFilters } from './parts.ts';
import type { RunPart } from './schema.ts';

/** The series a case can belong to: its key with one segment (`b=8`, `d=4`) left out. */
function seriesOf(key: string): string[] {
  const segments = key.split('/');
  return segments.map((_, i) => segments.filter((__, j) => j !== i).join('/'));
}

/**
 * The series of a baseline's derived metrics, each with the series whose cases it was computed from:
 * its own. A depth gain is of the ratios to the reference measured alongside in the compiler's own
 * cases (src/metrics/compute.ts, `depthSeries`), so the reference's own cases may lie in the other.
 */
function seriesSources(baseline: Baseline): Map<string, string[]> {
  const sources = new Map<string, string[]>();
  for (const f of baseline.metrics.friction) sources.set(f.series, [f.series]);
  for (const d of baseline.metrics.depthGain) sources.set(d.series, [d.series]);
  return sources;
}

/** The first series of `owner` that a case of `other` would belong to, or null. */
function spanningSeries(owner: Baseline, other: readonly BaselineCase[]): { series: string; key: string } | null {
  const sources = seriesSources(owner);
  const needed = new Map<string, string>();
  for (const [series, from] of sources) for (const s of from) needed.set(s, series);
  for (const c of other) {
    for (const s of seriesOf(c.key)) {
      const series = needed.get(s);
      if (series !== undefined) return { series, key: c.key };
    }
  }
  return null;
}

const orderingGroups = (cases: readonly BaselineCase[]): Map<string, string> => {
  const groups = new Map<string, string>();
  for (const c of cases) if (c.suite === 'archetypes') groups.set(`${c.hardware}/${c.compilerId}`, c.key);
  return groups;
};

const partOf = (baseline: Baseline, file: string): RunPart => ({
  file,
  commandLine: [...baseline.createdFrom.commandLine],
  filters: { ...baseline.createdFrom.filters },
  startedAt: baseline.createdFrom.startedAt,
  finishedAt: baseline.createdFrom.finishedAt,
  complete: true,
  cases: baseline.cases.length,
});

const byKey = (a: { key: string }, b: { key: string }): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
const byStart = (a: RunPart, b: RunPart): number => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : 0);

/**
 * `existing` with the cases and derived metrics of `addition` (a baseline made from the new runs)
 * added. Pure. Throws a BaselineError naming the conflict: another machine, profile, reference,
 * bootstrap or sample cap; a case in both; a series or an archetype ordering group that would need
 * cases of both. `existingFile` and `additionFile` name the two where the baseline lists its parts.
 */
export function extendBaseline(existing: Baseline, addition: Baseline, files: { existing: string; addition: string }): Baseline {
  const differs = (what: string, a: unknown, b: unknown): void => {
    if (JSON.stringify(a) !== JSON.stringify(b)) {
      throw new BaselineError(`cannot extend ${files.existing}: the new runs differ in ${what} (${JSON.stringify(b)}, the baseline ${JSON.stringify(a)})`);
    }
  };
  differs('hardware', existing.hardwareId, addition.hardwareId);
  differs('profile', existing.createdFrom.profile, addition.createdFrom.profile);
  differs('reference compilers', existing.reference, addition.reference);
  differs('bootstrap settings', existing.bootstrap, addition.bootstrap);
  differs('the sample cap', existing.maxSamples, addition.maxSamples);
  const keys = new Set(existing.cases.map((c) => c.key));
  const both = addition.cases.filter((c) => keys.has(c.key)).map((c) => c.key);
  if (both.length > 0) {
    throw new BaselineError(
      `cannot extend ${files.existing}: ${both.length} case(s) are in the baseline already (${both.slice(0, 3).join(', ')}${both.length > 3 ? ', …' : ''}); remake the baseline from runs of the whole matrix to measure a case again`,
    );
  }
  const spanning = spanningSeries(existing, addition.cases) ?? spanningSeries(addition, existing.cases);
  if (spanning !== null) {
    throw new BaselineError(
      `cannot extend ${files.existing}: the series ${spanning.series} would hold cases of both (${spanning.key}); its friction or depth gain needs all its cases in one run — measure the series whole in the new runs`,
    );
  }
  const groups = orderingGroups(existing.cases);
  for (const [group, key] of orderingGroups(addition.cases)) {
    const there = groups.get(group);
    if (there !== undefined) {
      throw new BaselineError(
        `cannot extend ${files.existing}: the archetypes of ${group} would lie in both (${there}, ${key}); their orderings and reversals need every archetype in one run — measure that compiler's archetypes whole in the new runs`,
      );
    }
  }
  const parts = [
    ...(existing.createdFrom.parts ?? [partOf(existing, files.existing)]),
    ...(addition.createdFrom.parts ?? [partOf(addition, files.addition)]),
  ].sort(byStart);
  const first = existing.createdFrom.startedAt <= addition.createdFrom.startedAt ? existing : addition;
  const last = existing.createdFrom.finishedAt >= addition.createdFrom.finishedAt ? existing : addition;
  return {
    ...existing,
    createdFrom: {
      startedAt: first.createdFrom.startedAt,
      finishedAt: last.createdFrom.finishedAt,
      profile: existing.createdFrom.profile,
      commandLine: [...existing.createdFrom.commandLine],
      filters: unionFilters([existing.createdFrom.filters, addition.createdFrom.filters]),
      parts: structuredClone(parts),
    },
    runToRun: {
      runs: Math.min(existing.runToRun.runs, addition.runToRun.runs),
      spread: { ...addition.runToRun.spread, ...existing.runToRun.spread },
    },
    cases: [...existing.cases, ...addition.cases].sort(byKey),
    metrics: {
      friction: [...existing.metrics.friction, ...addition.metrics.friction],
      depthGain: [...existing.metrics.depthGain, ...addition.metrics.depthGain],
      orderings: [...existing.metrics.orderings, ...addition.metrics.orderings],
      reversals: [...existing.metrics.reversals, ...addition.metrics.reversals],
    },
  };
}
