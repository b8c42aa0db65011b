/**
 * The sample banks metrics and the gate draw on, one per quantity, all keyed by case key:
 *  - `ms`: each case's own latency samples (what users read: medians, throughput, depth fits);
 *    like every bank, of the case's quiet rounds only (see `interleaving.disturbance`);
 *  - `relative`: per-round ratio to the reference measured alongside (speedups, friction mitigation,
 *    depth gain: comparisons of a compiler with its reference, free of drift);
 *  - `referenceMs`: the reference's own samples in those rounds (its side of per-block speedup and
 *    compile break-even, at the same moments as the compiler's);
 *  - `anchored`: per-round ratio to the anchor (latency in anchor units: what the gate compares for
 *    compilers without a reference, and for the reference itself);
 * and `judged(key)`, the bank the gate compares a case in: `relative` where the case has a reference
 * alongside, else `anchored`.
 */
import { anchorRatios, quietReferenceSamples, quietSelfSamples, referenceRatios } from '../results/ratios.ts';
import type { CaseResult, CompletedCase } from '../results/schema.ts';
import type { BootstrapSettings } from '../stats/bootstrap.ts';
import { SampleBank } from './estimate.ts';

export interface Banks {
  readonly ms: SampleBank;
  readonly relative: SampleBank;
  readonly referenceMs: SampleBank;
  readonly anchored: SampleBank;
  /** `relative` when the case was measured alongside its reference, else `anchored`. */
  judged(key: string): SampleBank;
}

/** Banks over the completed cases; `domain` separates the streams of two runs (run vs baseline). */
export function banksOf(cases: readonly CaseResult[], settings: BootstrapSettings, domain: string): Banks {
  const completed = cases.filter((c): c is CompletedCase => c.state === 'completed');
  const ms = new Map<string, readonly number[]>();
  const relative = new Map<string, readonly number[]>();
  const referenceMs = new Map<string, readonly number[]>();
  const anchored = new Map<string, readonly number[]>();
  for (const c of completed) {
    ms.set(c.key, quietSelfSamples(c));
    anchored.set(c.key, anchorRatios(c));
    const rel = referenceRatios(c);
    const refMs = quietReferenceSamples(c);
    if (rel !== null && refMs !== null) {
      relative.set(c.key, rel);
      referenceMs.set(c.key, refMs);
    }
  }
  // Streams are named by quantity as well as by domain, so no two banks share bootstrap draws.
  const bank = (samples: Map<string, readonly number[]>, quantity: string | null) =>
    new SampleBank(samples, settings, quantity === null ? domain : `${domain}:${quantity}`);
  const banks = {
    ms: bank(ms, null),
    relative: bank(relative, 'relative'),
    referenceMs: bank(referenceMs, 'reference-ms'),
    anchored: bank(anchored, 'anchored'),
  };
  return { ...banks, judged: (key) => (banks.relative.has(key) ? banks.relative : banks.anchored) };
}
