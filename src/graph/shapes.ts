/**
 * Shape arithmetic shared by the builder (symbolic batch `'N'`) and the ONNX shape inference for user
 * models (all dimensions concrete). Functions throw on shapes ONNX would reject.
 */
import type { Dim } from './ir.ts';

export function formatShape(shape: readonly Dim[]): string {
  return `[${shape.join(', ')}]`;
}

/** Product of the numeric dimensions; `'N'` counts as `batch`. */
export function elementCount(shape: readonly Dim[], batch = 1): number {
  let count = 1;
  for (const dim of shape) count *= dim === 'N' ? batch : dim;
  return count;
}

/** Numpy-style (ONNX multidirectional) broadcasting. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[];
export function broadcastShapes(a: readonly Dim[], b: readonly Dim[]): Dim[];
export function broadcastShapes(a: readonly Dim[], b: readonly Dim[]): Dim[] {
  const rank = Math.max(a.length, b.length);
  const result: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i];
    const db = b[b.length - rank + i];
    if (da === undefined) result.push(db as Dim);
    else if (db === undefined || da === db || db === 1) result.push(da);
    else if (da === 1) result.push(db);
    else throw new Error(`cannot broadcast ${formatShape(a)} with ${formatShape(b)}`);
  }
  return result;
}

/** Normalises a possibly negative axis for a tensor of `rank` dimensions. */
export function normaliseAxis(axis: number, rank: number): number {
  const normalised = axis < 0 ? axis + rank : axis;
  if (normalised < 0 || normalised >= rank) throw new Error(`axis ${axis} out of range for rank ${rank}`);
  return normalised;
}

/**
 * Output shape of ONNX Reshape (allowzero = 0): a 0 copies the input dimension at the same index, one
 * -1 is inferred. A symbolic input dimension must be copied through a 0 so the -1 stays computable.
 */
export function reshapeShape(input: readonly number[], target: readonly number[]): number[];
export function reshapeShape(input: readonly Dim[], target: readonly number[]): Dim[];
export function reshapeShape(input: readonly Dim[], target: readonly number[]): Dim[] {
  const result: Dim[] = target.map((dim, i) => {
    if (dim !== 0) return dim;
    const copied = input[i];
    if (copied === undefined) throw new Error(`Reshape: 0 at index ${i} but input has rank ${input.length}`);
    return copied;
  });
  const inferred = result.filter((dim) => dim === -1).length;
  if (inferred > 1) throw new Error('Reshape: more than one -1');

  if (input.includes('N') && !result.includes('N')) {
    throw new Error(`Reshape of ${formatShape(input)}: the batch dimension must be copied with 0`);
  }
  const inputSize = elementCount(input.filter((dim) => dim !== 'N'));
  const knownSize = elementCount(result.filter((dim) => dim !== -1 && dim !== 'N'));
  if (inferred === 1) {
    if (inputSize % knownSize !== 0) throw new Error(`Reshape: cannot reshape ${formatShape(input)} to ${target}`);
    return result.map((dim) => (dim === -1 ? inputSize / knownSize : dim));
  }
  if (inputSize !== knownSize) throw new Error(`Reshape: ${formatShape(input)} has a different size from ${target}`);
  return result;
}

/** Output size of a convolution or pooling window along one axis, with explicit padding (floor or ceil mode). */
export function windowOutputSize(
  input: number,
  kernel: number,
  stride: number,
  padBegin: number,
  padEnd: number,
  dilation = 1,
  ceilMode = false,
): number {
  const span = input + padBegin + padEnd - dilation * (kernel - 1) - 1;
  const steps = ceilMode ? Math.ceil(span / stride) : Math.floor(span / stride);
  return steps + 1;
}
