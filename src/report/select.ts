/**
 * What the renderers show, chosen once for the Markdown and the HTML report alike: selection of rows
 * from the metrics, never new numbers.
 */
import type { CompileCost, MetricsSummary } from '../metrics/index.ts';

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
