import { describe, expect, it } from 'vitest';
import { normalQuantile, normalUpperTail } from '../src/stats/normal.ts';
import { logGamma, regularizedBeta, regularizedGammaP, regularizedGammaQ } from '../src/stats/special.ts';
import { studentTCdf, studentTQuantile, studentTUpperTail } from '../src/stats/student-t.ts';

/** |actual − expected| <= tolerance × max(1, |expected|)… or relative for tiny expected values. */
function expectRelative(actual: number, expected: number, tolerance: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.abs(expected));
}

describe('special functions (reference: scipy.special 1.17)', () => {
  it('log-gamma', () => {
    expectRelative(logGamma(0.5), 0.5723649429247, 1e-13); // ln √π
    expectRelative(logGamma(10.3), 13.482036786138359, 1e-13);
    expectRelative(logGamma(1e-3), 6.907178885383853, 1e-13);
    expectRelative(logGamma(200.5), 860.5822035097824, 1e-13);
    expect(logGamma(1)).toBeCloseTo(0, 14);
    expect(() => logGamma(0)).toThrow(/x > 0, got 0/);
  });

  it('regularized incomplete beta and gamma', () => {
    expectRelative(regularizedBeta(0.3, 2.5, 0.5), 0.018927124071945658, 1e-12); // betainc(2.5, 0.5, 0.3)
    expectRelative(regularizedBeta(0.99, 30, 0.5), 0.43933436890525074, 1e-12);
    expectRelative(regularizedBeta(0.001, 0.5, 3), 0.05925318951594623, 1e-12);
    expect(regularizedBeta(0, 2, 3)).toBe(0);
    expect(regularizedBeta(1, 2, 3)).toBe(1);
    expectRelative(regularizedGammaQ(0.5, 0.2), 0.5270892568655381, 1e-12); // gammaincc
    expectRelative(regularizedGammaQ(0.5, 30), 9.485737571073857e-15, 1e-12); // far tail, no cancellation
    expectRelative(regularizedGammaP(3, 1.5), 0.19115316946194183, 1e-12); // gammainc
    expect(() => regularizedBeta(1.5, 1, 1)).toThrow(/\[0, 1\], got 1.5/);
  });
});

describe('normal tail and quantile (reference: scipy.stats.norm)', () => {
  it('tail probabilities keep their relative precision far out', () => {
    expectRelative(normalUpperTail(10), 7.61985302416047e-24, 1e-12);
    expectRelative(normalUpperTail(1.5), 0.06680720126885807, 1e-12);
    expectRelative(normalUpperTail(-1), 0.8413447460685429, 1e-13);
    expect(normalUpperTail(0)).toBeCloseTo(0.5, 15);
  });

  it('quantiles', () => {
    expectRelative(normalQuantile(0.975), 1.959963984540054, 1e-13);
    expectRelative(normalQuantile(0.3), -0.5244005127080409, 1e-13);
    expectRelative(normalQuantile(1e-20), -9.262340089798409, 1e-13);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(() => normalQuantile(1.2)).toThrow(/\[0, 1\], got 1.2/);
  });
});

describe("Student's t distribution (reference: scipy.stats.t; table values)", () => {
  it('matches the t table to 1e-6', () => {
    expect(studentTQuantile(0.975, 5)).toBeCloseTo(2.570582, 6);
    expect(studentTQuantile(0.995, 10)).toBeCloseTo(3.169273, 6);
    expect(studentTQuantile(0.95, 1)).toBeCloseTo(6.313752, 6);
    expect(studentTQuantile(0.975, 2)).toBeCloseTo(4.302653, 6);
    expect(studentTQuantile(0.999, 3)).toBeCloseTo(10.214532, 6);
    expect(studentTQuantile(0.025, 12)).toBeCloseTo(-2.178813, 6);
  });

  it('quantiles to ~1e-13 relative, including df = 1, fractional df and extreme p', () => {
    expectRelative(studentTQuantile(0.975, 5), 2.5705818356363146, 1e-13);
    expectRelative(studentTQuantile(0.9, 30), 1.3104150253913955, 1e-13);
    expectRelative(studentTQuantile(0.6, 2.5), 0.2814595127485477, 1e-13);
    expectRelative(studentTQuantile(0.975, 1000), 1.9623390808264083, 1e-13);
    expectRelative(studentTQuantile(1e-10, 1), -3183098861.8379064, 1e-13);
    // Closed forms: df = 1 is Cauchy, df = 2 has t = (2p − 1) / √(2p(1 − p)).
    expectRelative(studentTQuantile(0.8, 1), Math.tan(Math.PI * 0.3), 1e-13);
    expectRelative(studentTQuantile(0.9, 2), 0.8 / Math.sqrt(2 * 0.9 * 0.1), 1e-13);
    expect(studentTQuantile(0.5, 7)).toBe(0);
    expect(studentTQuantile(0.975, Infinity)).toBeCloseTo(1.959963984540054, 13);
  });

  it('CDF and upper tail', () => {
    expectRelative(studentTCdf(2, 3), 0.9303370157205785, 1e-13);
    expectRelative(studentTCdf(-1.5, 4), 0.104, 1e-13);
    expectRelative(studentTCdf(0.1, 7), 0.5384259701976037, 1e-13);
    expectRelative(studentTCdf(3, 1), 0.8975836176504333, 1e-13);
    expectRelative(studentTUpperTail(10, 2), 0.004926228511662845, 1e-13);
    expectRelative(studentTUpperTail(40, 10), 1.1404288715428768e-12, 1e-12);
    expectRelative(studentTUpperTail(8, 29), 4.006287824815844e-9, 1e-12);
    expect(studentTUpperTail(Infinity, 3)).toBe(0);
    expect(studentTCdf(studentTQuantile(0.975, 10), 10)).toBeCloseTo(0.975, 14);
    expect(() => studentTCdf(1, 0)).toThrow(/degrees of freedom must be > 0, got 0/);
  });
});
