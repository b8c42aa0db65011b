/**
 * Multiple-testing control over a family of m p-values (e.g. one per benchmark case of a run).
 *
 * - Benjamini–Hochberg (1995) step-up, false discovery rate <= q for independent or positively
 *   dependent tests: with p(1) <= … <= p(m), reject the k smallest where k is the largest i with
 *   p(i) <= i q / m. Equivalently, the adjusted value (q-value) of p(i) is min over j >= i of
 *   m p(j) / j, capped at 1, and a test is rejected when its adjusted value is <= q (R's p.adjust "BH").
 * - Holm (1979) step-down, family-wise error rate <= alpha under any dependence: the adjusted value of
 *   p(i) is max over j <= i of min(1, (m − j + 1) p(j)), rejected when <= alpha (p.adjust "holm").
 *   Stricter than BH; meant for small families where any single false alarm matters.
 *
 * Results are in input order. Ties in p keep their input order in the ranking (the adjusted values of
 * tied p-values come out equal either way).
 */

export interface AdjustedTest {
  /** Input p-value. */
  readonly p: number;
  /** Adjusted p-value: BH q-value or Holm adjusted p, monotone in p and capped at 1. */
  readonly adjusted: number;
  readonly rejected: boolean;
}

export interface MultipleTestingResult {
  /** One entry per input p-value, in input order. */
  readonly tests: readonly AdjustedTest[];
  /** Number of rejected hypotheses. */
  readonly rejections: number;
  /** The q (BH) or alpha (Holm) used. */
  readonly level: number;
}

function checkFamily(pValues: readonly number[], level: number, name: string): number[] {
  if (!(level > 0 && level < 1)) throw new RangeError(`${name} level must be in (0, 1), got ${level}`);
  pValues.forEach((p, i) => {
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`${name}: p-value [${i}] must be in [0, 1], got ${String(p)}`);
  });
  // Indices in ascending order of p (stable: ties stay in input order).
  return pValues.map((_, i) => i).sort((a, b) => (pValues[a] as number) - (pValues[b] as number) || a - b);
}

function result(pValues: readonly number[], adjusted: Float64Array, level: number): MultipleTestingResult {
  const tests = pValues.map((p, i) => ({ p, adjusted: adjusted[i] as number, rejected: (adjusted[i] as number) <= level }));
  return { tests, rejections: tests.filter((t) => t.rejected).length, level };
}

/** Benjamini–Hochberg step-up at false discovery rate q. */
export function benjaminiHochberg(pValues: readonly number[], q: number): MultipleTestingResult {
  const order = checkFamily(pValues, q, 'Benjamini–Hochberg');
  const m = pValues.length;
  const adjusted = new Float64Array(m);
  let running = 1;
  for (let rank = m; rank >= 1; rank--) {
    const index = order[rank - 1] as number;
    running = Math.min(running, ((pValues[index] as number) * m) / rank);
    adjusted[index] = running;
  }
  return result(pValues, adjusted, q);
}

/** Holm step-down at family-wise error rate alpha. */
export function holm(pValues: readonly number[], alpha: number): MultipleTestingResult {
  const order = checkFamily(pValues, alpha, 'Holm');
  const m = pValues.length;
  const adjusted = new Float64Array(m);
  let running = 0;
  for (let rank = 1; rank <= m; rank++) {
    const index = order[rank - 1] as number;
    running = Math.max(running, Math.min(1, (m - rank + 1) * (pValues[index] as number)));
    adjusted[index] = running;
  }
  return result(pValues, adjusted, alpha);
}
