import { describe, expect, it } from 'vitest';
import { medianCi } from '../src/stats/median-ci.ts';

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('order-statistic CI of the median', () => {
  it('uses the binomial ranks: n = 10 at 95% is [x(2), x(9)]', () => {
    // P(B <= 1) = 11/1024 <= 0.025 < P(B <= 2) = 56/1024.
    const ci = medianCi(range(10).reverse(), 0.95);
    expect(ci.ranks).toEqual([2, 9]);
    expect([ci.lower, ci.upper]).toEqual([2, 9]);
    expect(ci.achieved).toBeCloseTo(1 - 22 / 1024, 12);
  });

  it('n = 100 at 95% is [x(40), x(61)]', () => {
    const ci = medianCi(range(100), 0.95);
    expect(ci.ranks).toEqual([40, 61]);
    expect(ci.achieved).toBeGreaterThanOrEqual(0.95);
  });

  it('falls back to [min, max] and reports the lower coverage when n is too small', () => {
    const ci = medianCi([3, 1, 2, 5, 4], 0.95);
    expect([ci.lower, ci.upper]).toEqual([1, 5]);
    expect(ci.achieved).toBeCloseTo(1 - 2 / 32, 12);
    expect(medianCi([7], 0.95)).toMatchObject({ lower: 7, upper: 7, achieved: 0 });
  });
});
