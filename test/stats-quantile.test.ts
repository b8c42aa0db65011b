import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mad, MAD_NORMAL_SCALE, median, quantile } from '../src/stats/quantile.ts';
import { medianInPlace } from '../src/stats/select.ts';

describe('quantiles (type 7), median and MAD', () => {
  it('interpolates linearly between order statistics', () => {
    const xs = [10, 1, 4, 2, 3]; // sorted 1 2 3 4 10
    expect(quantile(xs, 0)).toBe(1);
    expect(quantile(xs, 1)).toBe(10);
    expect(quantile(xs, 0.5)).toBe(3);
    expect(quantile(xs, 0.25)).toBe(2);
    expect(quantile(xs, 0.9)).toBeCloseTo(4 + 0.6 * 6, 12); // h = 3.6
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(xs).toEqual([10, 1, 4, 2, 3]); // input untouched
  });

  it('rejects empty samples and bad probabilities', () => {
    expect(() => median([])).toThrow(RangeError);
    expect(() => quantile([1], 1.5)).toThrow(/\[0, 1\]/);
  });

  it('computes the raw MAD and its normal-consistent scale', () => {
    expect(mad([1, 2, 3, 4, 100])).toBe(1); // deviations 2 1 0 1 97
    expect(mad([1, 2, 3, 4, 100], MAD_NORMAL_SCALE)).toBeCloseTo(1.4826, 4);
  });

  it('quickselect median agrees with the sorted median', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 60 }), (xs) => {
        const buf = Float64Array.from(xs);
        expect(medianInPlace(buf, buf.length)).toBeCloseTo(median(xs), 9);
      }),
    );
  });
});
