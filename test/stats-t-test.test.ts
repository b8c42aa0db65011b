import { describe, expect, it } from 'vitest';
import { meanCi, meanTTest } from '../src/stats/t-test.ts';

// Hollander & Wolfe's depression differences (x − y), as in stats-signed-rank.test.ts.
const d = [0.952, -0.147, 1.022, 0.43, 0.62, 0.59, 0.49, -0.08, 0.01];

describe('one-sample t test (reference: scipy.stats.ttest_1samp)', () => {
  it('against mu0 = 0.2, each alternative', () => {
    const greater = meanTTest(d, { mu0: 0.2, alternative: 'greater' });
    expect(greater.n).toBe(9);
    expect(greater.df).toBe(8);
    expect(greater.mean).toBeCloseTo(0.43188888888888893, 14);
    expect(greater.statistic).toBeCloseTo(1.6297474896986393, 12);
    expect(greater.p).toBeCloseTo(0.07090132732960552, 12);
    expect(meanTTest(d, { mu0: 0.2, alternative: 'less' }).p).toBeCloseTo(0.9290986726703945, 12);
    expect(meanTTest(d, { mu0: 0.2, alternative: 'two-sided' }).p).toBeCloseTo(0.14180265465921105, 12);
  });

  it('by hand on [1, 2, 3, 4, 5]: mean 3, se = √(2.5/5), t = 2/√0.5 against mu0 = 1', () => {
    const r = meanTTest([1, 2, 3, 4, 5], { mu0: 1, alternative: 'two-sided' });
    expect(r.se).toBeCloseTo(Math.sqrt(0.5), 15);
    expect(r.statistic).toBeCloseTo(2 / Math.sqrt(0.5), 14);
  });

  it('n < 2 gives p = 1 with a reason; a spread-free sample gives the limiting p', () => {
    expect(meanTTest([0.3], { alternative: 'greater' })).toMatchObject({
      n: 1,
      mean: 0.3,
      p: 1,
      statistic: null,
      reason: 'a t test needs at least 2 values, got 1',
    });
    expect(meanTTest([], { alternative: 'greater' })).toMatchObject({ n: 0, mean: null, p: 1 });
    expect(meanTTest([2, 2, 2], { mu0: 1, alternative: 'greater' })).toMatchObject({ statistic: Infinity, p: 0 });
    expect(meanTTest([2, 2, 2], { mu0: 1, alternative: 'less' }).p).toBe(1);
    expect(meanTTest([2, 2, 2], { mu0: 2, alternative: 'two-sided' })).toMatchObject({ statistic: 0, p: 1 });
    expect(() => meanTTest([1, Infinity], { alternative: 'less' })).toThrow(/sample\[1\] must be a finite number, got Infinity/);
  });
});

describe('t interval of the mean', () => {
  it('two-sided 95% (scipy ConfidenceInterval of ttest_1samp)', () => {
    const ci = meanCi(d, 0.95);
    expect(ci.interval?.lower).toBeCloseTo(0.10377871227216856, 12);
    expect(ci.interval?.upper).toBeCloseTo(0.7599990655056093, 12);
    expect(ci).toMatchObject({ n: 9, df: 8, level: 0.95, alternative: 'two-sided' });
  });

  it('one-sided 90% lower bound', () => {
    const ci = meanCi(d, 0.9, 'greater');
    expect(ci.interval?.lower).toBeCloseTo(0.2331427934312494, 12);
    expect(ci.interval?.upper).toBe(Infinity);
    expect(meanCi(d, 0.9, 'less').interval?.lower).toBe(-Infinity);
  });

  it('no interval below two values, with a reason', () => {
    expect(meanCi([1], 0.95)).toMatchObject({ n: 1, estimate: 1, interval: null, reason: 'a t interval needs at least 2 values, got 1' });
    expect(() => meanCi([1, 2], 1)).toThrow(/confidence level must be in \(0, 1\), got 1/);
  });
});
