/** Standard normal distribution: CDF for the Mann–Whitney normal approximation, precise tail and quantile. */
import { regularizedGammaP, regularizedGammaQ } from './special.ts';

/**
 * Complementary error function, Chebyshev fit (Numerical Recipes `erfcc`), fractional error < 1.2e-7
 * everywhere — ample for p-values.
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** P(Z <= z) for Z ~ N(0, 1). */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/*
 * The functions below are for the paired statistics, which need small tail probabilities and quantiles
 * to near full double precision (the Chebyshev erfc above stays for Mann–Whitney, whose results it fixes).
 */

/** P(Z > z) for Z ~ N(0, 1), through erfc(x) = Q(1/2, x²): relative error ~1e-14, also far in the tail. */
export function normalUpperTail(z: number): number {
  if (Number.isNaN(z)) throw new RangeError('normalUpperTail of NaN');
  const half = (z * z) / 2;
  return z >= 0 ? 0.5 * regularizedGammaQ(0.5, half) : 0.5 + 0.5 * regularizedGammaP(0.5, half);
}

/** Standard normal density. */
export function normalDensity(z: number): number {
  return Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI);
}

/**
 * z with P(Z <= z) = p. Starts from Abramowitz & Stegun 26.2.23 (error < 4.5e-4) and polishes with
 * Newton steps on the precise upper tail of the smaller side, so extreme p keep their digits.
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`normal quantile probability must be in [0, 1], got ${p}`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  const tail = Math.min(p, 1 - p);
  const s = Math.sqrt(-2 * Math.log(tail));
  let z = s - (2.515517 + 0.802853 * s + 0.010328 * s * s) / (1 + 1.432788 * s + 0.189269 * s * s + 0.001308 * s * s * s);
  for (let i = 0; i < 50; i++) {
    const step = (normalUpperTail(z) - tail) / normalDensity(z);
    z += step;
    if (Math.abs(step) <= 1e-15 * Math.max(1, Math.abs(z))) break;
  }
  return p < 0.5 ? -z : z;
}
