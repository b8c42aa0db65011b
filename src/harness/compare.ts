/** Output checks: finiteness and agreement with a reference. */

/** ||actual − expected||₂ / ||expected||₂, in float64; 0 when both are all zeros. */
export function relativeL2(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) {
    throw new Error(`cannot compare ${actual.length} values with ${expected.length}`);
  }
  let difference = 0;
  let norm = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] as number;
    const d = (actual[i] as number) - e;
    difference += d * d;
    norm += e * e;
  }
  if (norm === 0) return difference === 0 ? 0 : Number.POSITIVE_INFINITY;
  return Math.sqrt(difference / norm);
}

/** The first NaN or ±Inf value, or null when all are finite. */
export function firstNonFinite(values: ArrayLike<number>): { index: number; value: number } | null {
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (!Number.isFinite(value)) return { index: i, value };
  }
  return null;
}
