import { fUpperTail } from '../src/stats/f-distribution.ts';
import { describe, expect, it } from 'vitest';
import { digamma, fitVariancePrior, moderatedVariance, trigamma, trigammaInverse } from '../src/stats/moderated.ts';
import { mulberry32 } from '../src/stats/prng.ts';

describe('special functions', () => {
  it('digamma and trigamma at known points', () => {
    expect(digamma(1)).toBeCloseTo(-0.5772156649015329, 10);
    expect(digamma(0.5)).toBeCloseTo(-1.9635100260214235, 10);
    expect(digamma(10)).toBeCloseTo(2.251752589066721, 10);
    expect(trigamma(1)).toBeCloseTo(Math.PI ** 2 / 6, 10);
    expect(trigamma(0.5)).toBeCloseTo(Math.PI ** 2 / 2, 10);
    expect(trigamma(10)).toBeCloseTo(0.10516633568168575, 10);
  });
  it('trigammaInverse inverts trigamma', () => {
    for (const y of [0.1, 0.5, 1, 3, 20, 500]) expect(trigammaInverse(trigamma(y))).toBeCloseTo(y, 6);
  });
});

describe('moderated variances (Smyth 2004)', () => {
  const chi2 = (rng: ReturnType<typeof mulberry32>, df: number): number => {
    let sum = 0;
    for (let i = 0; i < df; i++) {
      const u = Math.max(rng.next(), 1e-12);
      const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
      sum += z * z;
    }
    return sum;
  };

  it('gives a large prior weight when every unit has the same variance', () => {
    const rng = mulberry32(3);
    const variances = Array.from({ length: 400 }, () => (0.04 * chi2(rng, 1)) / 1);
    const prior = fitVariancePrior(variances, 1);
    expect(prior.df).toBeGreaterThan(20);
    expect(prior.variance).toBeGreaterThan(0.03);
    expect(prior.variance).toBeLessThan(0.05);
  });

  it('gives a small prior weight when the units\' variances scatter widely', () => {
    const rng = mulberry32(4);
    // True variances over three decades: each unit should keep much of its own.
    const variances = Array.from({ length: 400 }, (_, i) => 10 ** (-4 + (3 * i) / 400) * chi2(rng, 1));
    const prior = fitVariancePrior(variances, 1);
    expect(prior.df).toBeLessThan(4);
  });

  it('moderates toward the prior by the degrees of freedom', () => {
    expect(moderatedVariance({ df: 4, variance: 1 }, 6, 1)).toEqual({ variance: 2, df: 5 });
    expect(moderatedVariance({ df: Infinity, variance: 1 }, 6, 1)).toEqual({ variance: 1, df: Infinity });
    expect(() => fitVariancePrior([1], 1)).toThrow('a variance prior needs at least 2 positive variances, got 1');
  });
});

describe('the F distribution’s upper tail', () => {
  it('matches tabulated 95% quantiles, and the χ² limit for infinite denominator degrees of freedom', () => {
    expect(fUpperTail(4.964603, 1, 10)).toBeCloseTo(0.05, 6);
    expect(fUpperTail(5.786135, 2, 5)).toBeCloseTo(0.05, 6);
    expect(fUpperTail(3.841459, 1, Infinity)).toBeCloseTo(0.05, 6);
    expect(fUpperTail(0, 1, 10)).toBe(1);
    expect(() => fUpperTail(1, 0, 10)).toThrow(/degrees of freedom > 0, got 0 and 10/);
  });
});
