/**
 * The report's charts as series of points, chosen once for every renderer: latency against batch per
 * model (blocks at their largest depth), speedup against depth per block (at its largest batch), the
 * latency ratio of each archetype pair against batch, and β per compiler. Batches and depths are sorted
 * as numbers.
 */
import { METRICS } from '../metrics/registry.ts';
import type { ArchetypeOrdering, DepthSeries, FrictionSeries, MetricsSummary } from '../metrics/types.ts';
import { formatMs, formatValue } from './format.ts';
import type { DotChart, DotRow, LineChart } from './model.ts';
import { maxDepthOf } from './select.ts';

const ascending = (a: number, b: number): number => a - b;
const seriesModel = (s: { modelId: string; depth: number | null }): string => `${s.modelId}${s.depth === null ? '' : ` d=${s.depth}`}`;

/** Compiler ids: references first, then by id. */
export function compilerOrder(ids: Iterable<string>, references: ReadonlySet<string>): string[] {
  return [...new Set(ids)].sort((a, b) => Number(references.has(b)) - Number(references.has(a)) || (a < b ? -1 : a > b ? 1 : 0));
}

/** Latency against batch, log–log, one chart per model (blocks at their largest depth), one line per compiler. */
export function latencyCharts(metrics: MetricsSummary, references: ReadonlySet<string>): LineChart[] {
  const caseCi = new Map(metrics.cases.map((c) => [c.key, c.latency]));
  const models = [...new Set(metrics.friction.map((s) => s.modelId))];
  return models.flatMap((modelId): LineChart[] => {
    const depth = maxDepthOf(metrics, modelId);
    const series = metrics.friction.filter((s) => s.modelId === modelId && s.depth === depth);
    const batches = [...new Set(series.flatMap((s) => s.points.map((p) => p.batch)))].sort(ascending);
    if (batches.length === 0) return [];
    return [
      {
        kind: 'line',
        chartKind: 'latency-batch',
        title: `${modelId}${depth === null ? '' : ` (depth ${depth})`}: latency against batch`,
        subtitle: `${series[0]?.suite ?? ''} · median ms, log–log · whiskers: CI of the median`,
        x: { label: 'batch size', scale: 'log', ticks: batches },
        y: { label: `median latency, ${METRICS.latency.unit}`, scale: 'log' },
        referenceLines: [],
        series: compilerOrder(series.map((s) => s.compilerId), references).map((compilerId) => {
          const s = series.find((x) => x.compilerId === compilerId) as FrictionSeries;
          return {
            name: compilerId,
            reference: references.has(compilerId),
            points: s.points.map((p) => {
              const ci = caseCi.get(p.key)?.ci ?? null;
              return {
                x: p.batch,
                y: p.medianMs,
                low: ci?.lower ?? null,
                high: ci?.upper ?? null,
                highlight: false,
                tooltip: `${compilerId} b=${p.batch}: ${formatMs(p.medianMs)} ms${ci ? ` [${formatMs(ci.lower)}–${formatMs(ci.upper)}]` : ''} (${p.key})`,
              };
            }),
          };
        }),
      },
    ];
  });
}

/** Speedup S(d) against depth, one chart per block at its largest batch, one line per compiler. */
export function speedupCharts(metrics: MetricsSummary, references: ReadonlySet<string>): LineChart[] {
  const blocks = [...new Set(metrics.depth.map((s) => s.modelId))];
  return blocks.flatMap((blockId): LineChart[] => {
    const maxBatch = Math.max(...metrics.depth.filter((s) => s.modelId === blockId).map((s) => s.batch));
    const series = metrics.depth.filter(
      (s): s is DepthSeries & { comparison: NonNullable<DepthSeries['comparison']> } => s.modelId === blockId && s.batch === maxBatch && s.comparison !== null,
    );
    if (series.length === 0) return [];
    const depths = [...new Set(series.flatMap((s) => s.comparison.speedups.map((p) => p.depth)))].sort(ascending);
    const referenceIds = [...new Set(series.map((s) => s.comparison.referenceId))];
    return [
      {
        kind: 'line',
        chartKind: 'speedup-depth',
        title: `${blockId}: speedup against depth (b=${maxBatch})`,
        subtitle: `S(d) = latency of ${referenceIds.join(', ')} / latency of the compiler · whiskers: bootstrap CI`,
        x: { label: 'depth (blocks)', scale: 'linear', ticks: depths },
        y: { label: `${METRICS['depth-speedup'].label}, ${METRICS['depth-speedup'].unit}`, scale: 'linear', include: [1] },
        referenceLines: [{ value: 1, label: `1× = as fast as ${referenceIds.join(', ')}` }],
        series: compilerOrder(series.map((s) => s.compilerId), references).map((compilerId) => {
          const s = series.find((x) => x.compilerId === compilerId) as (typeof series)[number];
          return {
            name: compilerId,
            reference: false,
            points: [...s.comparison.speedups]
              .sort((a, b) => a.depth - b.depth)
              .map((p) => ({
                x: p.depth,
                y: p.speedup.value,
                low: p.speedup.ci?.lower ?? null,
                high: p.speedup.ci?.upper ?? null,
                highlight: false,
                tooltip: `${compilerId} d=${p.depth}: S = ${formatValue(p.speedup)}`,
              })),
          };
        }),
      },
    ];
  });
}

/** Archetype latency ratio a/b against batch, one chart per pair (and depth), the reversing points ringed. */
export function ratioCharts(metrics: MetricsSummary, references: ReadonlySet<string>): LineChart[] {
  const pairs = new Map<string, ArchetypeOrdering[]>();
  for (const o of metrics.orderings) {
    const id = `${o.a}~${o.b}${o.depth === null ? '' : `/d=${o.depth}`}`;
    pairs.set(id, [...(pairs.get(id) ?? []), o]);
  }
  return [...pairs.values()].map((orderings): LineChart => {
    const { a, b, depth } = orderings[0] as ArchetypeOrdering;
    const batches = [...new Set(orderings.map((o) => o.batch))].sort(ascending);
    const reversals = metrics.reversals.filter((r) => r.a === a && r.b === b && r.depth === depth);
    return {
      kind: 'line',
      chartKind: 'archetype-ratio',
      title: `${a} / ${b}: latency ratio against batch${depth === null ? '' : ` (depth ${depth})`}${reversals.length > 0 ? ` — ${reversals.length} reversal${reversals.length === 1 ? '' : 's'}` : ''}`,
      subtitle: 'Latency ratio per compiler, with bootstrap CI; a CI that excludes 1 is a significant ordering',
      x: { label: 'batch size', scale: 'log', ticks: batches },
      y: { label: `lat(${a}) / lat(${b})`, scale: 'log', include: [1] },
      referenceLines: [{ value: 1, label: 'ratio 1 = equal latency' }],
      regionLabels: { above: `above 1: ${b} faster`, below: `below 1: ${a} faster` },
      highlightLabel: 'reversal (compiler vs reference)',
      series: compilerOrder(orderings.map((o) => o.compilerId), references).map((compilerId) => ({
        name: compilerId,
        reference: references.has(compilerId),
        points: orderings
          .filter((o) => o.compilerId === compilerId)
          .sort((x, y) => x.batch - y.batch)
          .map((o) => ({
            x: o.batch,
            y: o.ratio.value,
            low: o.ratio.ci?.lower ?? null,
            high: o.ratio.ci?.upper ?? null,
            highlight: reversals.some((r) => r.batch === o.batch && (r.compilerId === compilerId || r.referenceId === compilerId)),
            tooltip: `${compilerId} b=${o.batch}: ${a}/${b} = ${formatValue(o.ratio)}${o.faster === null ? ' (not significant)' : ` (${o.faster} faster)`}`,
          })),
      })),
    };
  });
}

/** β per compiler with CI whiskers, grouped by model (blocks at their largest depth). */
export function betaChart(metrics: MetricsSummary, references: ReadonlySet<string>): DotChart | null {
  const series = metrics.friction.filter((s) => s.depth === null || s.depth === maxDepthOf(metrics, s.modelId));
  if (series.length === 0) return null;
  const models = [...new Set(series.map((s) => seriesModel(s)))];
  const rows: DotRow[] = models.flatMap((model) => {
    const group = series.filter((s) => seriesModel(s) === model);
    return compilerOrder(group.map((s) => s.compilerId), references).map((compilerId): DotRow => {
      const s = group.find((x) => x.compilerId === compilerId) as FrictionSeries;
      return {
        label: compilerId,
        group: model,
        reference: references.has(compilerId),
        value: s.beta.value,
        low: s.beta.ci?.lower ?? null,
        high: s.beta.ci?.upper ?? null,
        note: s.beta.value === null ? `— ${s.beta.reason}` : formatValue(s.beta),
        tooltip: `${s.series}: β = ${formatValue(s.beta)}`,
      };
    });
  });
  const hasBlocks = series.some((s) => s.depth !== null);
  return {
    kind: 'dots',
    chartKind: 'friction-beta',
    title: 'Batch friction β per compiler',
    subtitle: `OLS slope of ln latency on ln batch, with bootstrap CI${hasBlocks ? ' · blocks at their largest depth' : ''}`,
    axis: { label: `${METRICS['friction-beta'].label} (0 = batching is free, 1 = no amortisation)`, scale: 'linear', include: [0, 1] },
    referenceLines: [
      { value: 0, label: 'β = 0' },
      { value: 1, label: 'β = 1' },
    ],
    rows,
  };
}
