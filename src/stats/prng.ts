/**
 * A small seeded PRNG so bootstrap results are reproducible across runs and machines: mulberry32
 * (32-bit state, period 2^32), seeded through a string hash so each case gets its own stream that does
 * not depend on the order in which cases are processed.
 */

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

export function mulberry32(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n) };
}

/** FNV-1a (32-bit) of a string; used to derive per-stream seeds. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A seed for the stream named `label` under a base seed: same inputs, same stream. */
export function deriveSeed(seed: number, label: string): number {
  return fnv1a(`${seed >>> 0}:${label}`);
}

export function rngFor(seed: number, label: string): Rng {
  return mulberry32(deriveSeed(seed, label));
}
