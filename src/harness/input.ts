/**
 * The input every compiler sees for a case: standard-normal values from a fixed seed, so the same
 * (model, batch) gets the same bytes in every process and the reference output can be compared.
 */

/** mulberry32: tiny, fast, and good enough for test inputs. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `length` standard-normal float32 values (Box–Muller).
 * @param seed @default 0x5eed
 */
export function deterministicInput(length: number, seed = 0x5eed): Float32Array {
  const random = mulberry32(seed);
  const values = new Float32Array(length);
  for (let i = 0; i < length; i += 2) {
    const u = Math.max(random(), Number.MIN_VALUE);
    const v = random();
    const radius = Math.sqrt(-2 * Math.log(u));
    values[i] = radius * Math.cos(2 * Math.PI * v);
    if (i + 1 < length) values[i + 1] = radius * Math.sin(2 * Math.PI * v);
  }
  return values;
}
