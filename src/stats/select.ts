/**
 * Selection without a full sort, for the bootstrap's inner loop: the type-7 median of a scratch
 * buffer in expected O(n). The buffer is reordered.
 */

/** Rearranges buf[0..n) so that buf[k] holds the k-th smallest value; returns it. */
export function selectInPlace(buf: Float64Array, n: number, k: number): number {
  let left = 0;
  let right = n - 1;
  while (right > left) {
    // Median-of-three pivot keeps sorted and constant inputs from degrading badly.
    const mid = (left + right) >>> 1;
    const a = buf[left] as number;
    const b = buf[mid] as number;
    const c = buf[right] as number;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = left;
    let j = right;
    while (i <= j) {
      while ((buf[i] as number) < pivot) i++;
      while ((buf[j] as number) > pivot) j--;
      if (i <= j) {
        const t = buf[i] as number;
        buf[i] = buf[j] as number;
        buf[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return buf[k] as number;
}

/** Type-7 median of buf[0..n) (mean of the two middle values for even n); reorders the buffer. */
export function medianInPlace(buf: Float64Array, n: number): number {
  if (n <= 0) throw new RangeError('median of an empty sample');
  const k = (n - 1) >>> 1;
  const lower = selectInPlace(buf, n, k);
  if (n % 2 === 1) return lower;
  // After selection everything right of k is >= buf[k]; the next order statistic is their minimum.
  let upper = Infinity;
  for (let i = k + 1; i < n; i++) {
    const v = buf[i] as number;
    if (v < upper) upper = v;
  }
  return (lower + upper) / 2;
}
