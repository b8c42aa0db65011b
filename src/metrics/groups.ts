/**
 * Comparison groups: the models whose orderings and reversals are computed. The built-in archetypes
 * are one group (`archetypes`, planned in src/plan.ts from the fixtures); users name their own
 * (`benchGroup`, src/spec.ts). Pure data.
 */
import type { ComparisonGroup, RunResult } from '../results/schema.ts';

export const ARCHETYPES_GROUP_NAME = 'archetypes';

/**
 * The groups of a run: those it recorded. A file written before groups existed compared the models of
 * its `archetypes` suite, so that is its one group.
 */
export function comparisonGroupsOf(run: Pick<RunResult, 'comparisonGroups' | 'cases'>): readonly ComparisonGroup[] {
  if (run.comparisonGroups !== undefined) return run.comparisonGroups;
  const archetypes = [...new Set(run.cases.filter((c) => c.suite === 'archetypes').map((c) => c.model.id))].sort();
  return archetypes.length < 2 ? [] : [{ name: ARCHETYPES_GROUP_NAME, models: archetypes }];
}
