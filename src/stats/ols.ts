/** Ordinary least squares for one predictor: y = intercept + slope x. */

export interface OlsFit {
  readonly slope: number;
  readonly intercept: number;
  /** y_i - (intercept + slope x_i), in input order. */
  readonly residuals: readonly number[];
  /** Coefficient of determination (1 when the data are exactly linear or y is constant). */
  readonly r2: number;
  readonly n: number;
}

/** Null when fewer than two points or all x are equal (the slope is undefined). */
export function ols(x: readonly number[], y: readonly number[]): OlsFit | null {
  if (x.length !== y.length) throw new RangeError(`ols: ${x.length} x values but ${y.length} y values`);
  const n = x.length;
  if (n < 2) return null;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i] as number;
    my += y[i] as number;
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (x[i] as number) - mx;
    const dy = (y[i] as number) - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (!(sxx > 0)) return null;
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const residuals = x.map((xi, i) => (y[i] as number) - (intercept + slope * xi));
  const sse = residuals.reduce((s, r) => s + r * r, 0);
  return { slope, intercept, residuals, r2: syy > 0 ? Math.max(0, 1 - sse / syy) : 1, n };
}
