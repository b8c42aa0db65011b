/**
 * What the renderers show, chosen once for the Markdown and the HTML report alike: selection of rows
 * from the metrics, never new numbers.
 */
import type { CompileCost, MetricsSummary } from '../metrics/index.ts';
import type { CaseResult, CompletedCase } from '../results/schema.ts';

/** The largest depth a block was measured at in this run, or null (archetypes, user models). */
export function maxDepthOf(metrics: MetricsSummary, modelId: string): number | null {
  const depths = metrics.friction.filter((s) => s.modelId === modelId && s.depth !== null).map((s) => s.depth as number);
  return depths.length === 0 ? null : Math.max(...depths);
}

/**
 * One compile-cost row per (model, compiler[, depth]) at the largest batch measured; blocks only at
 * their largest depth, so the table stays readable.
 */
export function compileCostRows(metrics: MetricsSummary): CompileCost[] {
  const byModelCompiler = new Map<string, CompileCost>();
  for (const cost of metrics.compileCost) {
    const id = `${cost.key.split('/').slice(0, 3).join('/')}${cost.depth === null ? '' : `/d=${cost.depth}`}`;
    const current = byModelCompiler.get(id);
    if (current === undefined || cost.batch > current.batch) byModelCompiler.set(id, cost);
  }
  return [...byModelCompiler.values()].filter(
    (c) => c.key.startsWith('archetypes/') || c.depth === maxDepthOf(metrics, c.key.split('/')[1] ?? ''),
  );
}

/** The fastest compiler of one place (model, depth, batch) on one hardware, and the best of every other family there. */
export interface FastestStack {
  readonly hardware: 'cpu' | 'gpu';
  readonly modelId: string;
  readonly depth: number | null;
  readonly batch: number;
  /** Fastest first: one entry per compiler family measured at this place, its fastest compiler. */
  readonly byFamily: readonly { readonly family: string; readonly compilerId: string; readonly mode: CompletedCase['mode']; readonly medianMs: number; readonly medianCi: readonly [number, number] }[];
}

/**
 * Which stack is fastest for each model and batch across compiler families (the paper's question of
 * vendor against portable compilers): the completed cases that agreed with the reference, the fastest
 * compiler of each family at every place measured by at least two families. Blocks at their largest
 * depth in the run, as in the other block tables.
 */
export function fastestStacks(cases: readonly CaseResult[]): FastestStack[] {
  const maxDepth = new Map<string, number>();
  for (const c of cases) if (c.depth !== null) maxDepth.set(c.model.id, Math.max(maxDepth.get(c.model.id) ?? 0, c.depth));
  const places = new Map<string, CompletedCase[]>();
  for (const c of cases) {
    if (c.state !== 'completed' || c.correctness?.ok === false) continue;
    if (c.depth !== null && c.depth !== maxDepth.get(c.model.id)) continue;
    const id = `${c.compiler.hardware}|${c.suite}|${c.model.id}|${c.depth ?? ''}|${c.batch}`;
    places.set(id, [...(places.get(id) ?? []), c]);
  }
  const rows: FastestStack[] = [];
  for (const group of places.values()) {
    const best = new Map<string, CompletedCase>();
    for (const c of group) {
      const current = best.get(c.compiler.family);
      if (current === undefined || c.latency.median < current.latency.median) best.set(c.compiler.family, c);
    }
    if (best.size < 2) continue;
    const first = group[0] as CompletedCase;
    rows.push({
      hardware: first.compiler.hardware,
      modelId: first.model.id,
      depth: first.depth,
      batch: first.batch,
      byFamily: [...best.values()]
        .sort((a, b) => a.latency.median - b.latency.median)
        .map((c) => ({ family: c.compiler.family, compilerId: c.compiler.id, mode: c.mode, medianMs: c.latency.median, medianCi: c.latency.medianCi })),
    });
  }
  return rows.sort((a, b) => a.hardware.localeCompare(b.hardware) || a.modelId.localeCompare(b.modelId) || a.batch - b.batch);
}
