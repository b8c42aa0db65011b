/**
 * A tiny seeded pseudo-random generator, so that fixture weights are the same on every machine and in
 * every run (and so are the ONNX bytes and their hash). Not for anything security-related.
 */
import { fnv1a, mulberry32, type Rng } from '../stats/prng.ts';


/** 32-bit FNV-1a of a string: turns a fixture id into a seed. */
export const seedFromString = fnv1a;

/** mulberry32 uniform numbers plus Box–Muller normals. */
export class SeededRandom {
  private readonly uniformSource: Rng;
  /** Box–Muller yields normals in pairs; the second is kept for the next call. */
  private spareNormal: number | null = null;

  constructor(seed: number | string) {
    this.uniformSource = mulberry32(typeof seed === 'string' ? seedFromString(seed) : seed);
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.uniformSource.next();
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
