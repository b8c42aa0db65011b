/**
 * Mann–Whitney U test (Wilcoxon rank-sum), two-sided, normal approximation with tie correction and a
 * continuity correction of 0.5:
 *
 *   U1 = R1 - n1(n1+1)/2,  mu = n1 n2 / 2,
 *   sigma^2 = n1 n2 / 12 * ((n + 1) - sum(t^3 - t) / (n (n - 1)))   (t = size of each tie group)
 *   z = (|U1 - mu| - 0.5) / sigma,  p = 2 (1 - Phi(z))   (clamped to [0, 1])
 *
 * Adequate for the sample sizes benchmarks produce (tens and more per group).
 */
import { erfc } from './normal.ts';

export interface MannWhitneyResult {
  /** U statistic of the first sample. */
  readonly u: number;
  readonly z: number;
  /** Two-sided p-value. */
  readonly p: number;
  /** Common-language effect size P(X > Y) + P(X = Y)/2 = U1 / (n1 n2). */
  readonly effect: number;
}

export function mannWhitneyU(x: ArrayLike<number>, y: ArrayLike<number>): MannWhitneyResult {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('Mann–Whitney U needs two non-empty samples');
  const pooled: { v: number; first: boolean }[] = [];
  for (let i = 0; i < n1; i++) pooled.push({ v: x[i] as number, first: true });
  for (let i = 0; i < n2; i++) pooled.push({ v: y[i] as number, first: false });
  pooled.sort((a, b) => a.v - b.v);
  const n = n1 + n2;
  let rankSumFirst = 0;
  let tieTerm = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && (pooled[j + 1] as { v: number }).v === (pooled[i] as { v: number }).v) j++;
    const t = j - i + 1;
    const averageRank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) if ((pooled[k] as { first: boolean }).first) rankSumFirst += averageRank;
    tieTerm += t * t * t - t;
    i = j + 1;
  }
  const u = rankSumFirst - (n1 * (n1 + 1)) / 2;
  const mu = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (!(variance > 0)) return { u, z: 0, p: 1, effect: u / (n1 * n2) };
  const z = Math.max(0, Math.abs(u - mu) - 0.5) / Math.sqrt(variance);
  // 2 (1 − Φ(z)) = erfc(z / √2), computed without cancellation so tiny p-values stay positive.
  const p = Math.min(1, Math.max(0, erfc(z / Math.SQRT2)));
  return { u, z: u >= mu ? z : -z, p, effect: u / (n1 * n2) };
}
