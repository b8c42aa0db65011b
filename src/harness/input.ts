/**
 * The input every compiler sees for a case: values from a fixed seed, so the same (model, batch) gets
 * the same bytes in every process and the reference output can be compared. Standard normal for one
 * float input; for a user model's several inputs, each drawn as its spec says (token ids in a range,
 * an attention mask, constants).
 */
import type { InputTensor, ModelInputSpec } from '../adapters/types.ts';
import { SeededRandom } from '../graph/random.ts';

/**
 * `length` standard-normal float32 values.
 * @param seed @default 0x5eed
 */
export function deterministicInput(length: number, seed = 0x5eed): Float32Array {
  return new SeededRandom(seed).normals(length, 1);
}

const product = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

/** The float16 bit pattern of a float32 value (round to nearest even; overflow to infinity). */
export function float16Bits(value: number): number {
  const f32 = new Float32Array([value]);
  const bits = new Uint32Array(f32.buffer)[0] as number;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = ((bits >>> 23) & 0xff) - 127 + 15;
  const mantissa = bits & 0x7fffff;
  if (exponent >= 0x1f) return sign | 0x7c00 | (((bits >>> 23) & 0xff) === 0xff && mantissa !== 0 ? 0x200 : 0);
  if (exponent <= 0) {
    if (exponent < -10) return sign;
    const m = (mantissa | 0x800000) >> (1 - exponent);
    return sign | ((m + 0x1000 + ((m >> 13) & 1) - 1) >> 13);
  }
  const rounded = (exponent << 10) | (mantissa >> 13);
  const rest = mantissa & 0x1fff;
  return sign | (rest > 0x1000 || (rest === 0x1000 && (rounded & 1) === 1) ? rounded + 1 : rounded);
}

/** The float32 value of a float16 bit pattern. */
export function float16Value(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (mantissa / 1024);
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * 2 ** (exponent - 15) * (1 + mantissa / 1024);
}

/** Values of one input, as numbers, batch included: the rule of its spec. */
function draw(spec: ModelInputSpec, batch: number, random: SeededRandom): number[] {
  const dims = [batch, ...spec.sampleShape];
  const n = product(dims);
  const values = spec.values;
  switch (values.kind) {
    case 'normal':
      return Array.from(random.normals(n, 1));
    case 'integers': {
      const span = values.max - values.min + 1;
      return Array.from({ length: n }, () => values.min + Math.floor(random.uniform() * span));
    }
    case 'ones':
      return new Array<number>(n).fill(1);
    case 'zeros':
      return new Array<number>(n).fill(0);
    case 'mask': {
      // Each sample attends to its first tokens (at least half of the last dimension) and pads the rest.
      const last = dims[dims.length - 1] as number;
      const rows = n / last;
      const out: number[] = [];
      const keepAtLeast = Math.ceil(last / 2);
      for (let row = 0; row < rows; row++) {
        const kept = keepAtLeast + Math.floor(random.uniform() * (last - keepAtLeast + 1));
        for (let i = 0; i < last; i++) out.push(i < kept ? 1 : 0);
      }
      return out;
    }
  }
}

/** Every input's tensor for a batch, each from its own seed (so adding an input does not change the others). */
export function deterministicFeeds(inputs: readonly ModelInputSpec[], batch: number, seed = 0x5eed): InputTensor[] {
  return inputs.map((spec, index) => {
    const numbers = draw(spec, batch, new SeededRandom(seed + index));
    const dims = [batch, ...spec.sampleShape];
    switch (spec.dtype) {
      case 'float32':
        return { name: spec.name, dtype: spec.dtype, dims, data: Float32Array.from(numbers) };
      case 'float16':
        return { name: spec.name, dtype: spec.dtype, dims, data: Uint16Array.from(numbers, float16Bits) };
      case 'int32':
        return { name: spec.name, dtype: spec.dtype, dims, data: Int32Array.from(numbers) };
      case 'int64':
        return { name: spec.name, dtype: spec.dtype, dims, data: BigInt64Array.from(numbers, (v) => BigInt(v)) };
    }
  });
}
