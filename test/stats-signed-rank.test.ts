import { describe, expect, it } from 'vitest';
import { hodgesLehmann, signedRankCi, signedRankNullCdf, signedRankTest, walshAverages } from '../src/stats/signed-rank.ts';

// Hollander & Wolfe's depression example (Hamilton scale, first vs second visit), the one of R's ?wilcox.test.
const first = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
const second = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];
const depression = first.map((x, i) => x - (second[i] as number));

/** Brute force: subsets of {1..n} with rank sum <= w. */
function subsetsWithSumAtMost(n: number, w: number): number {
  let count = 0;
  for (let mask = 0; mask < 1 << n; mask++) {
    let sum = 0;
    for (let k = 0; k < n; k++) if (mask & (1 << k)) sum += k + 1;
    if (sum <= w) count++;
  }
  return count;
}

describe('exact null distribution of W+', () => {
  it('counts subsets of ranks (checked by enumeration)', () => {
    for (const [n, w] of [
      [9, 5],
      [10, 8],
      [10, 27],
      [12, 20],
    ] as const)
      expect(signedRankNullCdf(w, n)).toBe(subsetsWithSumAtMost(n, w) / 2 ** n);
    expect(signedRankNullCdf(5, 9)).toBe(10 / 512);
    expect(signedRankNullCdf(-1, 9)).toBe(0);
    expect(signedRankNullCdf(45, 9)).toBe(1);
    // Symmetry about n(n+1)/4 at n = 50: P(W <= 637) = 1 − P(W <= 637) exactly, M = 1275 odd.
    expect(signedRankNullCdf(637, 50)).toBe(0.5);
  });
});

describe('Wilcoxon signed-rank test', () => {
  it('depression example: V = 40, exact p (R wilcox.test, SciPy wilcoxon)', () => {
    // wilcox.test(x, y, paired = TRUE, alternative = "greater") → V = 40, p-value = 0.01953 (= 10/512).
    const greater = signedRankTest(depression, { alternative: 'greater' });
    expect(greater).toMatchObject({ n: 9, statistic: 40, method: 'exact', zeros: 0, ties: false });
    expect(greater.p).toBe(10 / 512);
    expect(signedRankTest(depression, { alternative: 'less' }).p).toBe(505 / 512); // P(W+ <= 40)
    expect(signedRankTest(depression, { alternative: 'two-sided' }).p).toBe(20 / 512); // 0.0390625
  });

  it('shifts by mu0 before ranking', () => {
    const shifted = signedRankTest(depression, { mu0: 0.5, alternative: 'greater' });
    const byHand = signedRankTest(depression.map((v) => v - 0.5), { alternative: 'greater' });
    // |d − 0.5| ranks: 0.01− 0.07− 0.09+ 0.12+ 0.452+ 0.49− 0.522+ 0.58− 0.647− → W+ = 3 + 4 + 5 + 7 = 19.
    expect(shifted.statistic).toBe(19);
    expect(shifted.p).toBe(345 / 512); // SciPy: 0.673828125
    expect(byHand).toEqual(shifted);
  });

  it('an exact n = 20 sample (SciPy wilcoxon method="exact")', () => {
    const d = [0.554, 0.773, -0.482, -0.607, 0.7, 0.033, 0.736, 1.26, -1.149, 0.754, 1.725, 0.202, -0.311, 1.252, 0.753, 1.396, 0.155, -0.982, 0.39, 0.054];
    const r = signedRankTest(d, { alternative: 'greater' });
    expect(r).toMatchObject({ n: 20, statistic: 158, method: 'exact' });
    expect(r.p).toBeCloseTo(0.02422046661376953, 15);
    expect(signedRankTest(d, { alternative: 'less' }).p).toBeCloseTo(0.9779729843139648, 15);
    expect(signedRankTest(d, { alternative: 'two-sided' }).p).toBeCloseTo(0.04844093322753906, 15);
  });

  it('drops zeros and uses the tie- and continuity-corrected normal law (SciPy asymptotic, correction=True)', () => {
    // Non-zero |d| ranks: 0.5,0.5 → 1.5; 1 → 3; 1.5,1.5 → 4.5; 2,2 → 6.5; 3 → 8; 4 → 9.
    // W+ = 1.5 + 4.5 + 4.5 + 6.5 + 6.5 + 8 + 9 = 40.5; σ² = 9·10·19/24 − 3·6/48 = 70.875.
    const d = [1.5, -0.5, 2, 2, 0, 3, -1, 1.5, 4, 0.5];
    const greater = signedRankTest(d, { alternative: 'greater' });
    expect(greater).toMatchObject({ n: 9, statistic: 40.5, method: 'normal', zeros: 1, ties: true });
    expect(greater.p).toBeCloseTo(0.01882253325647002, 12); // 1 − Φ((40.5 − 22.5 − 0.5)/√70.875)
    expect(signedRankTest(d, { alternative: 'less' }).p).toBeCloseTo(0.9860069555151837, 12);
    expect(signedRankTest(d, { alternative: 'two-sided' }).p).toBeCloseTo(0.03764506651294004, 12);
  });

  it('uses the normal law above n = 50 (SciPy asymptotic, n = 60)', () => {
    const d = [
      0.646, 1.122, 0.63, -1.003, 1.205, 0.746, -0.237, 0.881, 0.665, 0.594, 0.328, 0.847, -0.436, 0.137, -0.182, 0.899, 0.34, 0.008, -0.482, 0.043,
      0.308, 0.024, 1.594, 1.307, -2.411, -1.589, 0.125, -0.122, 0.514, 0.517, 2.418, -0.812, -0.078, 2.343, 0.947, 0.963, -0.214, -1.348, 0.467,
      0.409, -0.927, -0.383, 0.228, -0.645, 0.202, 0.395, 0.336, -0.206, 0.894, 1.191, 0.621, -0.518, 1.032, -0.201, 1.179, -0.772, 1.214, 0.28,
      -0.949, -0.014,
    ];
    const r = signedRankTest(d, { alternative: 'greater' });
    expect(r).toMatchObject({ n: 60, statistic: 1245, method: 'normal' });
    expect(r.p).toBeCloseTo(0.0076405378353745085, 12);
    expect(signedRankTest(d, { alternative: 'two-sided' }).p).toBeCloseTo(0.015281075670749017, 12);
  });

  it('n = 0 (empty or all zeros) gives p = 1; bad input is named', () => {
    expect(signedRankTest([], { alternative: 'greater' })).toMatchObject({ n: 0, p: 1 });
    expect(signedRankTest([0.1, 0.1], { mu0: 0.1, alternative: 'two-sided' })).toMatchObject({ n: 0, p: 1, zeros: 2 });
    expect(() => signedRankTest([1, Number.NaN], { alternative: 'greater' })).toThrow(/sample\[1\] must be a finite number, got NaN/);
  });

  it('the smallest one-sided p is 2^−n', () => {
    expect(signedRankTest([1, 2, 3, 4, 5, 6], { alternative: 'greater' }).p).toBe(1 / 64);
  });
});

describe('Hodges–Lehmann estimate and signed-rank interval', () => {
  it('Walsh averages and their median', () => {
    expect(Array.from(walshAverages([3, 1, 2]))).toEqual([1, 1.5, 2, 2, 2.5, 3]);
    expect(hodgesLehmann([3, 1, 2])).toBe(2);
    expect(hodgesLehmann([0, 0, 0, 10])).toBe(0); // Walsh 0 ×6, 5 ×3, 10: robust to the outlier
    expect(hodgesLehmann(depression)).toBeCloseTo(0.46, 12); // R: (pseudo)median 0.46
  });

  it('depression example at 95%: [w(6), w(40)] = [0.01, 0.786], coverage 1 − 2·10/512', () => {
    // P(W+ <= 5) = 10/512 <= 0.025 < P(W+ <= 6) = 14/512 → k = 6 (R: qsignrank(0.025, 9) = 6), M = 45.
    const ci = signedRankCi(depression, 0.95);
    expect(ci.method).toBe('exact');
    expect(ci.ranks).toEqual([6, 40]);
    expect(ci.lower).toBeCloseTo(0.01, 12);
    expect(ci.upper).toBeCloseTo(0.786, 12);
    expect(ci.estimate).toBeCloseTo(0.46, 12);
    expect(ci.achieved).toBe(1 - 20 / 512);
    expect(ci.note).toBeUndefined();
  });

  it('too small n for the level: [min, max] of the Walsh averages with a note', () => {
    // n = 5: P(W+ <= 0) = 1/32 > 0.025 → widest interval, coverage 1 − 2/32.
    const ci = signedRankCi([5, 1, 4, 2, 3], 0.95);
    expect([ci.lower, ci.upper]).toEqual([1, 5]);
    expect(ci.ranks).toEqual([1, 15]);
    expect(ci.achieved).toBe(1 - 2 / 32);
    expect(ci.note).toMatch(/n = 5 is too small for 0.95 coverage.*0.9375/);
    expect(signedRankCi([5, 1, 4, 2, 3], 0.9).note).toBeUndefined(); // 1/32 <= 0.05
  });

  it('normal critical value above n = 50', () => {
    // n = 60, M = 1830: k = floor(915 + 0.5 − 1.959964 · √(60·61·121/24)) = floor(915.5 − 266.24) = 649.
    const d = Array.from({ length: 60 }, (_, i) => i + 1);
    const ci = signedRankCi(d, 0.95);
    expect(ci.method).toBe('normal');
    expect(ci.ranks).toEqual([649, 1182]);
    const walsh = walshAverages(d);
    expect([ci.lower, ci.upper]).toEqual([walsh[648], walsh[1181]]);
    expect(ci.estimate).toBe(30.5);
    expect(ci.achieved).toBeGreaterThanOrEqual(0.95);
  });
});
