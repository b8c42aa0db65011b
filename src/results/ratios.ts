/**
 * Per-round ratios of an interleaved case: in round i, the mean of the compiler's calls divided by the
 * mean of its partner's calls in the same round. Drift slows both arms of a round alike and cancels in
 * the ratio; the median over rounds is what the gate compares. Pure, derived from the result model.
 */
import { medianInPlace } from '../stats/select.ts';
import type { CompletedCase } from './schema.ts';

/** Mean of each consecutive run of `calls` samples: one value per round. */
export function roundMeans(samples: readonly number[], calls: number): number[] {
  const rounds = Math.floor(samples.length / calls);
  const out = new Array<number>(rounds);
  for (let r = 0; r < rounds; r++) {
    let sum = 0;
    for (let i = r * calls; i < (r + 1) * calls; i++) sum += samples[i] as number;
    out[r] = sum / calls;
  }
  return out;
}

/**
 * Median of each consecutive run of `calls` samples: one value per round. What a paired run compares:
 * on a machine whose two sides share a core, a round's mean is carried by a few calls preempted for
 * 5–15 ms (the other side's worker finishing its own work), while its median is not; a slowdown of the
 * code moves every call, and the median with them. On the 2-core VM's A/A runs the per-round head/base
 * spread fell from 11.7% (median case) to 2.8%, the gap between a case's two session pairs from 7.1% to 2.0%.
 */
export function roundMedians(samples: readonly number[], calls: number): number[] {
  const rounds = Math.floor(samples.length / calls);
  const out = new Array<number>(rounds);
  // One scratch buffer for every round: the median selects in place.
  const scratch = new Float64Array(calls);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < calls; i++) scratch[i] = samples[r * calls + i] as number;
    out[r] = medianInPlace(scratch, calls);
  }
  return out;
}

/**
 * `self` over `partner`, round by round, leaving out the `excluded` rounds (ascending indices). Rounds
 * whose partner mean is 0 (a clock too coarse for the partner) are left out rather than turned into
 * Infinity.
 */
export function roundRatios(
  self: readonly number[],
  selfCalls: number,
  partner: readonly number[],
  partnerCalls: number,
  excluded: readonly number[] = [],
): number[] {
  const a = roundMeans(self, selfCalls);
  const b = roundMeans(partner, partnerCalls);
  const skip = new Set(excluded);
  const out: number[] = [];
  for (let r = 0; r < Math.min(a.length, b.length); r++) {
    const denominator = b[r] as number;
    if (denominator > 0 && !skip.has(r)) out.push((a[r] as number) / denominator);
  }
  return out;
}

/** The samples of the rounds not excluded: what a case's statistics are of. */
export function quietSamples(samples: readonly number[], calls: number, excluded: readonly number[]): number[] {
  if (excluded.length === 0) return [...samples];
  const skip = new Set(excluded);
  return samples.filter((_, i) => !skip.has(Math.floor(i / calls)));
}

/** Which partner a ratio is to: the reference compiler measured alongside, or the anchor workload. */
export type PartnerKind = 'reference' | 'anchor';

const excludedOf = (c: CompletedCase): readonly number[] => c.interleaving.disturbance.excludedRounds;

// Memoised per case object (results are treated as immutable), so that the metrics and the gate share
// one array per case and with it the bootstrap replicates memoised on that array.
const REFERENCE = new WeakMap<CompletedCase, number[] | null>();
const ANCHOR = new WeakMap<CompletedCase, number[]>();

/** The case's per-round ratio to its reference (null when none was measured alongside). */
export function referenceRatios(c: CompletedCase): number[] | null {
  let ratios = REFERENCE.get(c);
  if (ratios === undefined) {
    const ref = c.interleaving.reference;
    ratios = ref === null ? null : roundRatios(c.samples, c.interleaving.callsPerRound, ref.samples, ref.callsPerRound, excludedOf(c));
    REFERENCE.set(c, ratios);
  }
  return ratios;
}

/** The case's per-round ratio to the anchor: its latency in anchor units, drift-corrected. */
export function anchorRatios(c: CompletedCase): number[] {
  let ratios = ANCHOR.get(c);
  if (ratios === undefined) {
    const anchor = c.interleaving.anchor;
    ratios = anchor === null ? [] : roundRatios(c.samples, c.interleaving.callsPerRound, anchor.samples, anchor.callsPerRound, excludedOf(c));
    ANCHOR.set(c, ratios);
  }
  return ratios;
}

/**
 * The partner a case is judged against: its reference when one was measured alongside, else the anchor.
 * A compiler is compared with what it ran next to, so a slowdown is charged to the arm that slowed.
 */
export function judgedPartner(c: CompletedCase): { kind: PartnerKind; id: string; versions: Readonly<Record<string, string>>; ratios: number[] } {
  const ref = c.interleaving.reference;
  if (ref !== null) return { kind: 'reference', id: ref.compilerId, versions: ref.versions, ratios: referenceRatios(c) as number[] };
  const anchor = c.interleaving.anchor;
  if (anchor === null) throw new Error(`${c.key} was measured side by side with another side, without the anchor: it has no partner of its own`);
  return { kind: 'anchor', id: anchor.id, versions: { [anchor.id]: anchor.version }, ratios: anchorRatios(c) };
}

const QUIET_SELF = new WeakMap<CompletedCase, number[]>();
const QUIET_REFERENCE = new WeakMap<CompletedCase, number[] | null>();

/** The case's own samples of its quiet rounds (all of them when none was set aside). */
export function quietSelfSamples(c: CompletedCase): number[] {
  let samples = QUIET_SELF.get(c);
  if (samples === undefined) {
    samples = quietSamples(c.samples, c.interleaving.callsPerRound, excludedOf(c));
    QUIET_SELF.set(c, samples);
  }
  return samples;
}

/** The reference's samples in the case's quiet rounds; null when none was measured alongside. */
export function quietReferenceSamples(c: CompletedCase): number[] | null {
  let samples = QUIET_REFERENCE.get(c);
  if (samples === undefined) {
    const ref = c.interleaving.reference;
    samples = ref === null ? null : quietSamples(ref.samples, ref.callsPerRound, excludedOf(c));
    QUIET_REFERENCE.set(c, samples);
  }
  return samples;
}
