/**
 * Moderated variances (Smyth 2004, "Linear models and empirical Bayes methods for assessing
 * differential expression", the method of limma). Many units (here: benchmark cases) each give a
 * variance estimate s²ᵢ on few degrees of freedom dᵢ; assuming the true variances scatter around a
 * common prior s₀² like a scaled inverse χ² on d₀ degrees of freedom, d₀ and s₀² are estimated from all
 * the sᵢ² by matching the moments of log sᵢ², and each unit's variance is moderated to
 *   s̃ᵢ² = (d₀ s₀² + dᵢ sᵢ²) / (d₀ + dᵢ),  with d₀ + dᵢ degrees of freedom for its t test.
 * When the variances agree, d₀ is large and every unit borrows the common value; when they scatter
 * widely, d₀ is small and each keeps mostly its own.
 */

/** ψ(x), the digamma function, for x > 0 (recurrence to x ≥ 6, then the asymptotic series). */
export function digamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`digamma needs x > 0, got ${x}`);
  let result = 0;
  let z = x;
  while (z < 10) {
    result -= 1 / z;
    z += 1;
  }
  const f = 1 / (z * z);
  return result + Math.log(z) - 0.5 / z - f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f / 132))));
}

/** ψ'(x), the trigamma function, for x > 0. */
export function trigamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`trigamma needs x > 0, got ${x}`);
  let result = 0;
  let z = x;
  while (z < 10) {
    result += 1 / (z * z);
    z += 1;
  }
  const f = 1 / (z * z);
  return result + 1 / z + f / 2 + (f / z) * (1 / 6 - f * (1 / 30 - f * (1 / 42 - f / 30)));
}

/** The y > 0 with trigamma(y) = x, for x > 0 (Newton's method as in limma's trigammaInverse). */
export function trigammaInverse(x: number): number {
  if (!(x > 0)) throw new RangeError(`trigammaInverse needs x > 0, got ${x}`);
  if (x > 1e7) return 1 / Math.sqrt(x);
  if (x < 1e-6) return 1 / x;
  let y = 0.5 + 1 / x;
  for (let i = 0; i < 50; i++) {
    const tri = trigamma(y);
    // d trigamma / dy = tetragamma; approximated through trigamma's derivative by a central difference.
    const h = Math.max(1e-6, y * 1e-5);
    const tetra = (trigamma(y + h) - trigamma(y - h)) / (2 * h);
    const step = (tri * (1 - tri / x)) / tetra;
    y += step;
    if (-step / y < 1e-10) break;
  }
  return y;
}

export interface VariancePrior {
  /** Prior degrees of freedom d₀ (Infinity: every unit has the common variance). */
  readonly df: number;
  /** Prior variance s₀². */
  readonly variance: number;
}

/**
 * d₀ and s₀² from variance estimates `variances` (each > 0) on `df` degrees of freedom each, by the
 * moments of log s² (Smyth 2004, section 6.2). Needs at least 2 estimates.
 */
export function fitVariancePrior(variances: readonly number[], df: number): VariancePrior {
  const usable = variances.filter((v) => v > 0 && Number.isFinite(v));
  if (usable.length < 2) throw new RangeError(`a variance prior needs at least 2 positive variances, got ${usable.length}`);
  const shift = digamma(df / 2) - Math.log(df / 2);
  const e = usable.map((v) => Math.log(v) - shift);
  const mean = e.reduce((a, x) => a + x, 0) / e.length;
  const spread = e.reduce((a, x) => a + (x - mean) ** 2, 0) / (e.length - 1) - trigamma(df / 2);
  if (spread <= 0) return { df: Infinity, variance: Math.exp(mean) };
  const d0 = 2 * trigammaInverse(spread);
  return { df: d0, variance: Math.exp(mean + digamma(d0 / 2) - Math.log(d0 / 2)) };
}

/** s̃² = (d₀ s₀² + d s²) / (d₀ + d) and its degrees of freedom. */
export function moderatedVariance(prior: VariancePrior, variance: number, df: number): { variance: number; df: number } {
  if (!Number.isFinite(prior.df)) return { variance: prior.variance, df: Infinity };
  return { variance: (prior.df * prior.variance + df * variance) / (prior.df + df), df: prior.df + df };
}
