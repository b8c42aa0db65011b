/**
 * Archetype orderings and reversals. For every pair of archetypes measured at the same batch (and
 * depth) under the same compiler, the ratio lat_a / lat_b with a bootstrap CI; the ordering is
 * significant when the CI excludes 1. A reversal: under compiler C the significant ordering of a pair
 * is the opposite of its significant ordering under C's reference R.
 */
import type { CompletedCase } from '../results/schema.ts';
import type { BootstrapSettings } from '../stats/bootstrap.ts';
import { estimate, sideOf, type SampleBank } from './estimate.ts';
import { referenceFor, type ReferenceSpec } from './reference.ts';
import { groupBy } from './series.ts';
import type { ArchetypeOrdering, Reversal } from './types.ts';

function place(batch: number, depth: number | null): string {
  return depth === null ? `b=${batch}` : `b=${batch}/d=${depth}`;
}

export function orderingId(compilerId: string, batch: number, depth: number | null, a: string, b: string): string {
  return `${compilerId}/${place(batch, depth)}/${a}~${b}`;
}

export function archetypeOrderings(
  cases: readonly CompletedCase[],
  bank: SampleBank,
  settings: BootstrapSettings,
): ArchetypeOrdering[] {
  const archetypes = cases.filter((c) => c.suite === 'archetypes');
  const groups = groupBy(archetypes, (c) => `${c.compiler.id}|${c.batch}|${c.depth ?? ''}`);
  const out: ArchetypeOrdering[] = [];
  for (const group of groups.values()) {
    const sorted = [...group].sort((x, y) => (x.model.id < y.model.id ? -1 : x.model.id > y.model.id ? 1 : 0));
    for (let i = 0; i < sorted.length; i++) {
      for (let j = i + 1; j < sorted.length; j++) {
        const ca = sorted[i] as CompletedCase;
        const cb = sorted[j] as CompletedCase;
        if (ca.model.id === cb.model.id) continue;
        const ratio = estimate(
          'archetype-ratio',
          [{ bank, keys: [ca.key, cb.key] }],
          ([m]) => {
            const [la, lb] = m as [number, number];
            return lb > 0 ? la / lb : { reason: `median latency of ${cb.model.id} is 0 ms` };
          },
          settings,
        );
        const side = sideOf(ratio, 1);
        out.push({
          id: orderingId(ca.compiler.id, ca.batch, ca.depth, ca.model.id, cb.model.id),
          compilerId: ca.compiler.id,
          hardware: ca.compiler.hardware,
          batch: ca.batch,
          depth: ca.depth,
          a: ca.model.id,
          b: cb.model.id,
          caseKeys: [ca.key, cb.key],
          ratio,
          faster: side === 1 ? cb.model.id : side === -1 ? ca.model.id : null,
        });
      }
    }
  }
  return out.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
}

export function reversalId(o: Pick<ArchetypeOrdering, 'batch' | 'depth' | 'a' | 'b' | 'compilerId'>, referenceId: string): string {
  return `${place(o.batch, o.depth)}/${o.a}~${o.b}/${o.compilerId}-vs-${referenceId}`;
}

function fmtRatio(o: ArchetypeOrdering): string {
  const r = o.ratio;
  if (r.value === null) return 'n/a';
  const ci = r.ci === null ? '' : ` [${r.ci.lower.toFixed(3)}, ${r.ci.upper.toFixed(3)}]`;
  return `${r.value.toFixed(3)}${ci}`;
}

/** Every pair whose significant ordering under a compiler is the opposite of under its reference. */
export function findReversals(
  orderings: readonly ArchetypeOrdering[],
  compilers: ReadonlyMap<string, { family: string; hardware: 'cpu' | 'gpu' }>,
  reference: ReferenceSpec,
): Reversal[] {
  const byId = new Map(orderings.map((o) => [o.id, o]));
  const out: Reversal[] = [];
  for (const o of orderings) {
    if (o.faster === null) continue;
    const info = compilers.get(o.compilerId);
    const refId = info === undefined ? null : referenceFor(info, reference);
    if (refId === null || refId === o.compilerId) continue;
    const r = byId.get(orderingId(refId, o.batch, o.depth, o.a, o.b));
    if (r === undefined || r.faster === null || r.faster === o.faster) continue;
    const where = place(o.batch, o.depth);
    out.push({
      id: reversalId(o, refId),
      batch: o.batch,
      depth: o.depth,
      hardware: o.hardware,
      a: o.a,
      b: o.b,
      compilerId: o.compilerId,
      referenceId: refId,
      fasterUnderReference: r.faster,
      fasterUnderCompiler: o.faster,
      referenceRatio: r.ratio,
      compilerRatio: o.ratio,
      caseKeys: [...r.caseKeys, ...o.caseKeys],
      message:
        `reversal at ${where}: ${r.faster} is faster than ${r.faster === o.a ? o.b : o.a} under ${refId} ` +
        `(lat ${o.a}/${o.b} = ${fmtRatio(r)}) but slower under ${o.compilerId} (${fmtRatio(o)})`,
    });
  }
  return out.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
}
