/**
 * The input every compiler sees for a case: standard-normal values from a fixed seed, so the same
 * (model, batch) gets the same bytes in every process and the reference output can be compared.
 */
import { SeededRandom } from '../graph/random.ts';

/**
 * `length` standard-normal float32 values.
 * @param seed @default 0x5eed
 */
export function deterministicInput(length: number, seed = 0x5eed): Float32Array {
  return new SeededRandom(seed).normals(length, 1);
}
