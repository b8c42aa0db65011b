/**
 * A tiny seeded pseudo-random generator, so that fixture weights are the same on every machine and in
 * every run (and so are the ONNX bytes and their hash). Not for anything security-related.
 */

/** 32-bit FNV-1a of a string: turns a fixture id into a seed. */
export function seedFromString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** mulberry32 uniform numbers plus Box–Muller normals. */
export class SeededRandom {
  private state: number;
  /** Box–Muller yields normals in pairs; the second is kept for the next call. */
  private spareNormal: number | null = null;

  constructor(seed: number | string) {
    this.state = typeof seed === 'string' ? seedFromString(seed) : seed >>> 0;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Standard normal. */
  normal(): number {
    if (this.spareNormal !== null) {
      const spare = this.spareNormal;
      this.spareNormal = null;
      return spare;
    }
    // 1 - uniform() is in (0, 1], so the logarithm is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - this.uniform()));
    const angle = 2 * Math.PI * this.uniform();
    this.spareNormal = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  /** A Float32Array of `length` normals with the given mean and standard deviation. */
  normals(length: number, std: number, mean = 0): Float32Array {
    const values = new Float32Array(length);
    for (let i = 0; i < length; i++) values[i] = mean + std * this.normal();
    return values;
  }
}
