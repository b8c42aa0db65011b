/**
 * Orderings and reversals within comparison groups (src/metrics/groups.ts; the archetypes are one).
 * For every pair of a group's models measured at the same place of the sweep (batch, depth, swept
 * dimensions) under the same compiler, the ratio lat_a / lat_b with a bootstrap CI; the ordering is
 * significant when the CI excludes 1. A reversal: under compiler C the significant ordering of a pair
 * is the opposite of its significant ordering under C's reference R.
 */
import { placeOf, type ComparisonGroup, type CompletedCase } from '../results/schema.ts';
import type { BootstrapSettings } from '../stats/bootstrap.ts';
import { estimate, sideOf, type SampleBank } from './estimate.ts';
import { referenceFor, type ReferenceSpec } from './reference.ts';
import { groupBy } from './series.ts';
import type { ArchetypeOrdering, Reversal } from './types.ts';

type Dims = Readonly<Record<string, number>> | undefined;

function place(batch: number, depth: number | null, dims?: Dims): string {
  return placeOf(batch, depth, dims);
}

/** `compiler/b=8/a~b`; ids do not name the group, so the archetypes' ids are those baselines already hold. */
export function orderingId(compilerId: string, batch: number, depth: number | null, a: string, b: string, dims?: Dims): string {
  return `${compilerId}/${place(batch, depth, dims)}/${a}~${b}`;
}

/**
 * Every pair of models that share a group, at every place both were measured under one compiler. A
 * pair in two groups is compared once, under the first group (by name) that holds it. A group's
 * members are matched by model id, whatever suite the cases are in.
 */
export function groupOrderings(
  cases: readonly CompletedCase[],
  comparisonGroups: readonly ComparisonGroup[],
  bank: SampleBank,
  settings: BootstrapSettings,
): ArchetypeOrdering[] {
  const groupOfPair = new Map<string, string>();
  for (const group of [...comparisonGroups].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))) {
    for (const a of group.models) {
      for (const b of group.models) if (a < b && !groupOfPair.has(`${a}~${b}`)) groupOfPair.set(`${a}~${b}`, group.name);
    }
  }
  const members = new Set(comparisonGroups.flatMap((g) => g.models));
  const places = groupBy(
    cases.filter((c) => members.has(c.model.id)),
    (c) => `${c.compiler.id}|${place(c.batch, c.depth, c.dims)}`,
  );
  const out: ArchetypeOrdering[] = [];
  for (const atPlace of places.values()) {
    const sorted = [...atPlace].sort((x, y) => (x.model.id < y.model.id ? -1 : x.model.id > y.model.id ? 1 : 0));
    for (let i = 0; i < sorted.length; i++) {
      for (let j = i + 1; j < sorted.length; j++) {
        const ca = sorted[i] as CompletedCase;
        const cb = sorted[j] as CompletedCase;
        const group = groupOfPair.get(`${ca.model.id}~${cb.model.id}`);
        if (ca.model.id === cb.model.id || group === undefined) continue;
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
          id: orderingId(ca.compiler.id, ca.batch, ca.depth, ca.model.id, cb.model.id, ca.dims),
          group,
          compilerId: ca.compiler.id,
          hardware: ca.compiler.hardware,
          batch: ca.batch,
          depth: ca.depth,
          ...(ca.dims === undefined ? {} : { dims: { ...ca.dims } }),
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

export function reversalId(o: Pick<ArchetypeOrdering, 'batch' | 'depth' | 'dims' | 'a' | 'b' | 'compilerId'>, referenceId: string): string {
  return `${place(o.batch, o.depth, o.dims)}/${o.a}~${o.b}/${o.compilerId}-vs-${referenceId}`;
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
    const r = byId.get(orderingId(refId, o.batch, o.depth, o.a, o.b, o.dims));
    if (r === undefined || r.faster === null || r.faster === o.faster) continue;
    const where = place(o.batch, o.depth, o.dims);
    out.push({
      id: reversalId(o, refId),
      group: o.group,
      batch: o.batch,
      depth: o.depth,
      ...(o.dims === undefined ? {} : { dims: { ...o.dims } }),
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
        `${o.group === 'archetypes' ? '' : `${o.group}: `}reversal at ${where}: ${r.faster} is faster than ${r.faster === o.a ? o.b : o.a} under ${refId} ` +
        `(lat ${o.a}/${o.b} = ${fmtRatio(r)}) but slower under ${o.compilerId} (${fmtRatio(o)})`,
    });
  }
  return out.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
}
