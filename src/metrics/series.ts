/** Grouping cases into sweeps, and the keys that name them. */
import { caseKey, dimsSuffix, type CaseResult } from '../results/schema.ts';
import type { MissingPoint } from './types.ts';

type Dims = Readonly<Record<string, number>> | undefined;

/** `suite/model/compiler` plus `/d=N` and swept dimensions (`/seq=128`): one batch sweep. */
export function frictionSeriesKey(c: { suite: string; modelId: string; compilerId: string; depth: number | null; dims?: Dims }): string {
  const base = `${c.suite}/${c.modelId}/${c.compilerId}`;
  return (c.depth === null ? base : `${base}/d=${c.depth}`) + dimsSuffix(c.dims);
}

/** `suite/model/compiler/b=N` plus swept dimensions: one depth sweep. */
export function depthSeriesKey(c: { suite: string; modelId: string; compilerId: string; batch: number; dims?: Dims }): string {
  return `${c.suite}/${c.modelId}/${c.compilerId}/b=${c.batch}${dimsSuffix(c.dims)}`;
}

/** The canonical key of a case from its parts (what `caseKey` would write), for cross-compiler lookups. */
export function identity(c: CaseResult, compilerId: string = c.compiler.id): string {
  return caseKey({ suite: c.suite, modelId: c.model.id, compilerId, batch: c.batch, depth: c.depth, dims: c.dims });
}

export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list === undefined) out.set(k, [item]);
    else list.push(item);
  }
  return new Map([...out.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function missingPoint(c: CaseResult): MissingPoint | null {
  switch (c.state) {
    case 'completed':
      return null;
    case 'failed':
      return { key: c.key, state: 'failed', reason: `${c.phase}: ${c.error}` };
    case 'unavailable':
      return { key: c.key, state: 'unavailable', reason: c.reason };
  }
}

export function missingPoints(cases: readonly CaseResult[]): MissingPoint[] {
  return cases.map(missingPoint).filter((m): m is MissingPoint => m !== null);
}
