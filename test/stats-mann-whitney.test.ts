import { describe, expect, it } from 'vitest';
import { mannWhitneyU } from '../src/stats/mann-whitney.ts';
import { normalCdf } from '../src/stats/normal.ts';

describe('Mann–Whitney U (normal approximation, tie and continuity corrections)', () => {
  it('matches the textbook formula on separated samples', () => {
    const r = mannWhitneyU([1, 2, 3], [4, 5, 6]);
    expect(r.u).toBe(0);
    const sigma = Math.sqrt((9 / 12) * 7);
    expect(r.p).toBeCloseTo(2 * (1 - normalCdf((4.5 - 0.5) / sigma)), 12);
    expect(r.p).toBeCloseTo(0.0809, 3); // scipy.stats.mannwhitneyu(..., method='asymptotic')
    expect(r.z).toBeLessThan(0);
  });

  it('applies the tie correction', () => {
    // Pooled 1 1 2 2 2 3: ties of 2 and 3 → sum(t^3 - t) = 6 + 24 = 30.
    const r = mannWhitneyU([1, 2, 2], [1, 2, 3]);
    const variance = (9 / 12) * (7 - 30 / 30);
    expect(r.u).toBe(3.5);
    // |U − n1 n2 / 2| = 1, minus the continuity correction 0.5.
    expect(r.p).toBeCloseTo(2 * (1 - normalCdf(0.5 / Math.sqrt(variance))), 12);
    expect(r.p).toBeCloseTo(0.8137, 4);
  });

  it('is 1 for identical constant samples and small for shifted large samples', () => {
    expect(mannWhitneyU([2, 2, 2], [2, 2]).p).toBe(1);
    const x = Array.from({ length: 50 }, (_, i) => i);
    const far = mannWhitneyU(x, x.map((v) => v + 40)).p;
    expect(far).toBeLessThan(1e-6);
    expect(far).toBeGreaterThan(0); // no cancellation to 0
  });

  it('has an accurate normal CDF', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 7);
    expect(normalCdf(-2.5758293035489)).toBeCloseTo(0.005, 7);
  });
});
