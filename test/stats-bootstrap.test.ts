import { describe, expect, it } from 'vitest';
import { bootstrap, percentileInterval, resampleMedians } from '../src/stats/bootstrap.ts';
import { median } from '../src/stats/quantile.ts';
import { mulberry32, rngFor } from '../src/stats/prng.ts';

const data = Array.from({ length: 41 }, (_, i) => 10 + ((i * 7919) % 41) / 10);

describe('seeded PRNG', () => {
  it('is deterministic, uniform in [0, 1) and differs between seeds', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 1000 }, () => a.next());
    expect(Array.from({ length: 1000 }, () => b.next())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(Math.abs(xs.reduce((s, x) => s + x, 0) / xs.length - 0.5)).toBeLessThan(0.05);
    expect(mulberry32(43).next()).not.toBe(xs[0]);
    expect(rngFor(1, 'a').next()).not.toBe(rngFor(1, 'b').next());
  });
});

describe('percentile bootstrap', () => {
  it('is reproducible for a seed and brackets the median', () => {
    const s = { resamples: 2000, confidence: 0.95, seed: 9 };
    const r1 = bootstrap([data], ([g]) => median(g as Float64Array), s);
    const r2 = bootstrap([data], ([g]) => median(g as Float64Array), s);
    expect(r1.interval).toEqual(r2.interval);
    expect(r1.estimate).toBe(median(data));
    expect(r1.interval?.lower).toBeLessThanOrEqual(r1.estimate);
    expect(r1.interval?.upper).toBeGreaterThanOrEqual(r1.estimate);
    expect(r1.interval?.valid).toBe(2000);
  });

  it('gives a zero-width interval for constant data', () => {
    const reps = resampleMedians([5, 5, 5], 100, mulberry32(1));
    expect(percentileInterval(reps, 0.99)).toMatchObject({ lower: 5, upper: 5 });
  });

  it('drops non-finite replicates and counts them', () => {
    const i = percentileInterval([1, 2, Number.NaN, 3, Infinity], 0.5);
    expect(i).toMatchObject({ valid: 3, invalid: 2, lower: 1.5, upper: 2.5 });
    expect(percentileInterval([Number.NaN], 0.9)).toBeNull();
  });

  it('resamples medians fast enough for the default 2000 resamples', () => {
    const big = Array.from({ length: 1000 }, (_, i) => i);
    const t = performance.now();
    resampleMedians(big, 2000, mulberry32(3));
    expect(performance.now() - t).toBeLessThan(2000);
  });
});

describe('rank-histogram resampling', () => {
  it('gives exactly the medians of explicit resamples (sorted input, same stream)', () => {
    for (const n of [1, 2, 5, 6, 31, 64]) {
      const sorted = Array.from({ length: n }, (_, i) => i * 1.5 + (i % 3));
      sorted.sort((a, b) => a - b);
      const fast = resampleMedians(sorted, 300, mulberry32(n));
      const rng = mulberry32(n);
      const naive = Array.from({ length: 300 }, () => median(Array.from({ length: n }, () => sorted[rng.int(n)] as number)));
      expect(Array.from(fast)).toEqual(naive);
    }
  });
});

describe('seeded fast path', () => {
  it('draws the same stream as mulberry32(seed)', () => {
    const xs = Array.from({ length: 37 }, (_, i) => (i * 17) % 37);
    expect(Array.from(resampleMedians(xs, 500, 1234))).toEqual(Array.from(resampleMedians(xs, 500, mulberry32(1234))));
  });
});
