import { describe, expect, it } from 'vitest';
import { ols } from '../src/stats/ols.ts';

describe('ordinary least squares', () => {
  it('recovers an exact line', () => {
    const fit = ols([1, 2, 3, 4], [5, 7, 9, 11]);
    expect(fit?.slope).toBeCloseTo(2, 12);
    expect(fit?.intercept).toBeCloseTo(3, 12);
    expect(fit?.r2).toBeCloseTo(1, 12);
    fit?.residuals.forEach((r) => expect(Math.abs(r)).toBeLessThan(1e-12));
  });

  it('returns residuals in input order', () => {
    const fit = ols([0, 1, 2], [0, 2, 1]); // slope 0.5, intercept 0.5
    expect(fit?.slope).toBeCloseTo(0.5, 12);
    expect(fit?.intercept).toBeCloseTo(0.5, 12);
    expect(fit?.residuals.map((r) => Number(r.toFixed(12)))).toEqual([-0.5, 1, -0.5]);
  });

  it('is null when the slope is undefined', () => {
    expect(ols([1], [1])).toBeNull();
    expect(ols([2, 2, 2], [1, 2, 3])).toBeNull();
    expect(() => ols([1, 2], [1])).toThrow(RangeError);
  });
});
