/**
 * Each run as data for benchmark-history tools, so that a dashboard can plot every case over commits:
 *
 * - github-action-benchmark, tool `customSmallerIsBetter`: a JSON array of
 *   `{ name, unit, value, range?, extra? }` (`range` and `extra` are free text shown in its tooltips);
 * - Bencher Metric Format (BMF): `{ "<benchmark>": { "<measure>": { value, lower_value?, upper_value? } } }`,
 *   for `bencher run --adapter json --file reports/bmf.json`.
 *
 * Per completed case: its median latency with the CI of the median, and — where the reference was
 * measured alongside — its latency relative to that reference (the drift-free ratio the gate judges);
 * per compiler: the geometric mean of those ratios. Every value is smaller-is-better except Bencher's
 * `throughput`. Pure: run and metrics in, plain data out.
 */
import type { MetricsSummary, MetricValue } from '../metrics/types.ts';
import type { RunResult } from '../results/schema.ts';

export interface HistoryMachine {
  readonly run: RunResult;
  readonly metrics: MetricsSummary;
}

/** One entry of github-action-benchmark's custom formats. */
export interface GabEntry {
  readonly name: string;
  readonly unit: string;
  readonly value: number;
  readonly range?: string;
  readonly extra?: string;
}

export interface BmfMetric {
  readonly value: number;
  readonly lower_value?: number;
  readonly upper_value?: number;
}

/** Bencher Metric Format: benchmark name → measure slug → metric. */
export type Bmf = Readonly<Record<string, Readonly<Record<string, BmfMetric>>>>;

/** Bencher measure slugs used (its built-in `latency` is in nanoseconds, `throughput` in operations per second). */
export const BMF_MEASURES = { latency: 'latency', throughput: 'throughput', relative: 'relative-latency' } as const;

const digits = (x: number): string => x.toPrecision(4);
const level = (v: MetricValue): string => (v.ci === null ? '' : `${Math.round(v.ci.level * 1000) / 10}% CI`);

/** `± 0.012`: the larger half-width of the interval around the value (the tool shows it as the spread). */
function range(value: number, lower: number, upper: number): string {
  return `± ${digits(Math.max(value - lower, upper - value))}`;
}

/** The latency ratio to the reference ρ = 1 / speedup, with the speedup's CI turned back into ρ's. */
function inverted(v: MetricValue): { value: number; lower: number | null; upper: number | null } | null {
  if (v.value === null || !(v.value > 0)) return null;
  const ci = v.ci !== null && v.ci.lower > 0 && v.ci.upper > 0 ? { lower: 1 / v.ci.upper, upper: 1 / v.ci.lower } : null;
  return { value: 1 / v.value, lower: ci?.lower ?? null, upper: ci?.upper ?? null };
}

const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** A reference's id for each compiler measured alongside one (from the metrics' compiler summaries). */
function referenceOf(metrics: MetricsSummary): Map<string, string> {
  return new Map(metrics.compilers.flatMap((c) => (c.referenceId === null ? [] : [[c.compilerId, c.referenceId] as const])));
}

/** github-action-benchmark `customSmallerIsBetter` entries of one run, sorted by name. */
export function githubActionBenchmarkEntries(machine: HistoryMachine): GabEntry[] {
  const { run, metrics } = machine;
  const references = referenceOf(metrics);
  const out: GabEntry[] = [];
  const where = `${run.hardware.id} · ${run.profile} profile`;
  for (const c of metrics.cases) {
    const lat = c.latency;
    if (lat.value === null) continue;
    out.push({
      name: c.key,
      unit: 'ms',
      value: lat.value,
      ...(lat.ci === null ? {} : { range: range(lat.value, lat.ci.lower, lat.ci.upper) }),
      extra: `median of ${c.n} samples${lat.ci === null ? '' : `; ${level(lat)} ${digits(lat.ci.lower)}–${digits(lat.ci.upper)} ms`}; ${where}`,
    });
    const rho = inverted(c.speedupAlongside);
    const reference = references.get(c.compilerId);
    if (rho !== null && reference !== undefined) {
      out.push({
        name: `${c.key} ÷ ${reference}`,
        unit: '×',
        value: rho.value,
        ...(rho.lower === null || rho.upper === null ? {} : { range: range(rho.value, rho.lower, rho.upper) }),
        extra: `latency relative to ${reference} measured alongside in the same rounds (lower is faster); ${where}`,
      });
    }
  }
  for (const s of metrics.compilers) {
    const rho = inverted(s.geomeanSpeedup);
    if (rho === null || s.referenceId === null) continue;
    out.push({
      name: `${s.compilerId} ÷ ${s.referenceId}, geometric mean`,
      unit: '×',
      value: rho.value,
      ...(rho.lower === null || rho.upper === null ? {} : { range: range(rho.value, rho.lower, rho.upper) }),
      extra: `geometric mean over ${s.pairedCases} cases of the latency relative to ${s.referenceId} (lower is faster; speedup ${digits(1 / rho.value)}×); ${where}`,
    });
  }
  return out.sort(byName);
}

const metric = (value: number, lower: number | null | undefined, upper: number | null | undefined): BmfMetric =>
  lower == null || upper == null ? { value } : { value, lower_value: lower, upper_value: upper };

/** Bencher Metric Format of one run: a benchmark per case (and per compiler's geometric mean). */
export function bencherMetricFormat(machine: HistoryMachine): Bmf {
  const { metrics } = machine;
  const references = referenceOf(metrics);
  const out: Record<string, Record<string, BmfMetric>> = {};
  const NS_PER_MS = 1e6;
  for (const c of metrics.cases) {
    const lat = c.latency;
    if (lat.value === null) continue;
    const measures: Record<string, BmfMetric> = {
      [BMF_MEASURES.latency]: metric(lat.value * NS_PER_MS, lat.ci && lat.ci.lower * NS_PER_MS, lat.ci && lat.ci.upper * NS_PER_MS),
    };
    const t = c.throughput;
    if (t.value !== null) measures[BMF_MEASURES.throughput] = metric(t.value, t.ci?.lower, t.ci?.upper);
    const rho = inverted(c.speedupAlongside);
    if (rho !== null && references.has(c.compilerId)) measures[BMF_MEASURES.relative] = metric(rho.value, rho.lower, rho.upper);
    out[c.key] = measures;
  }
  for (const s of metrics.compilers) {
    const rho = inverted(s.geomeanSpeedup);
    if (rho === null || s.referenceId === null) continue;
    out[`${s.compilerId} ÷ ${s.referenceId}, geometric mean`] = { [BMF_MEASURES.relative]: metric(rho.value, rho.lower, rho.upper) };
  }
  return out;
}
