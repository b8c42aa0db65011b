/**
 * Analytic model cost, the same way for the built fixtures and for a user's ONNX file.
 *
 * FLOPs per sample are 2 × the multiply–accumulates of Conv, MatMul and Gemm, and nothing else:
 * elementwise ops, normalisation, softmax, pooling and bias additions are not counted. They are
 * memory-bound and small next to the contractions, and leaving them out matches the "FLOPs" usually
 * quoted for models. Counts are taken at batch 1 (a batch of B costs B times as much).
 *
 * Parameters are the elements of floating-point tensors of rank ≥ 1 stored in the model. Integer
 * tensors (Reshape's shape operands) and rank-0 scalars (Clip bounds, the constants of GELU and
 * LayerNorm) are operator constants, not learned weights.
 */
import { TensorProto_DataType, type ModelProto, type TensorProto } from './onnx-proto/onnx_pb.ts';
import type { Dim, Graph } from './ir.ts';
import { parseOnnx, readOnnxIo } from './onnx.ts';
import { inferOnnxShapes, type Shape } from './onnx-shapes.ts';

/** The operators whose FLOPs are counted. */
export const COUNTED_OPS = ['Conv', 'MatMul', 'Gemm'] as const;

/**
 * Operators that do contraction-sized work but are not counted (their own kernels, quantised or fused
 * variants, recurrent cells, control flow with subgraphs). A user model containing one gets `null`
 * FLOPs, because a count without it would be quietly too low.
 */
const UNCOUNTED_HEAVY_OPS = new Set([
  'ConvTranspose', 'ConvInteger', 'MatMulInteger', 'QLinearConv', 'QLinearMatMul', 'DeformConv', 'Einsum', 'LSTM',
  'GRU', 'RNN', 'If', 'Loop', 'Scan', 'Attention', 'MultiHeadAttention', 'GroupQueryAttention', 'FusedConv',
  'FusedMatMul', 'FusedGemm', 'QAttention', 'NhwcConv', 'DynamicQuantizeMatMul', 'MatMulNBits',
]);

export interface ModelCost {
  /** 2 × multiply–accumulates of Conv/MatMul/Gemm for one sample. */
  readonly flopsPerSample: number;
  readonly params: number;
}

/** Multiply–accumulates of one Conv, MatMul or Gemm node from its operand and result shapes. */
export function contractionMacs(op: (typeof COUNTED_OPS)[number], inputs: readonly Shape[], output: Shape, transA = false): number {
  const outputElements = product(output);
  const [a, b] = inputs;
  if (!a || !b) throw new Error(`${op} needs two operand shapes`);
  switch (op) {
    // Each output element of a Conv sums over (inChannels / groups) × kernel window = weight dims after the first.
    case 'Conv':
      return outputElements * product(b.slice(1));
    // Each output element of a MatMul or Gemm sums over the shared inner dimension of A.
    case 'MatMul':
      return outputElements * (a[a.length - 1] as number);
    case 'Gemm':
      return outputElements * ((transA ? a[0] : a[1]) as number);
  }
}

function isCountedOp(op: string): op is (typeof COUNTED_OPS)[number] {
  return (COUNTED_OPS as readonly string[]).includes(op);
}

/** FLOPs and parameters of a built graph. */
export function graphCost(graph: Graph): ModelCost {
  return { flopsPerSample: graphFlopsPerSample(graph), params: graphParams(graph) };
}

export function graphFlopsPerSample(graph: Graph): number {
  const shapeAtBatchOne = (value: string): Shape => {
    const shape = graph.shapes[value];
    if (!shape) throw new Error(`graph ${graph.name}: no shape recorded for ${value}`);
    return shape.map((dim: Dim) => (dim === 'N' ? 1 : dim));
  };
  let macs = 0;
  for (const node of graph.nodes) {
    if (!isCountedOp(node.op)) continue;
    const output = node.outputs[0] as string;
    macs += contractionMacs(node.op, node.inputs.slice(0, 2).map(shapeAtBatchOne), shapeAtBatchOne(output), node.attrs.transA === 1);
  }
  return 2 * macs;
}

export function graphParams(graph: Graph): number {
  return graph.initializers
    .filter((initializer) => initializer.dtype === 'float32' && initializer.dims.length > 0)
    .reduce((sum, initializer) => sum + initializer.data.length, 0);
}

// ------------------------------------------------------------------------------------------ ONNX files

export interface OnnxFlopsOptions {
  /** Which graph input `sampleShape` describes; default the first real input. */
  readonly inputName?: string;
  /** Shape of one sample of that input (without batch); default the declared shape after its first dimension. */
  readonly sampleShape?: readonly number[];
  /** Models of several inputs: the shape of one sample of each, by input name (the batch is the first input's). */
  readonly inputShapes?: Readonly<Record<string, readonly number[]>>;
}

/**
 * Estimated FLOPs per sample of an ONNX model (see the module comment for what is counted), or `null`
 * when the shape of any Conv/MatMul/Gemm operand cannot be worked out or the model contains an
 * uncounted heavy operator: unknown, rather than a guess.
 */
export function estimateOnnxFlops(source: Uint8Array | ModelProto, options: OnnxFlopsOptions = {}): number | null {
  const model = source instanceof Uint8Array ? parseOnnx(source) : source;
  const graph = model.graph;
  if (!graph) return null;
  if (graph.node.some((node) => UNCOUNTED_HEAVY_OPS.has(node.opType) || node.attribute.some((a) => a.g || a.graphs.length > 0))) {
    return null;
  }

  const { inputs } = readOnnxIo(model);
  const main = options.inputName ? inputs.find((input) => input.name === options.inputName) : inputs[0];
  if (!main) return null;
  // The batch is the first dimension of the main input: symbolic (counted at 1) or fixed (counted at its size).
  const declaredBatch = main.shape?.[0];
  const batch = typeof declaredBatch === 'number' && declaredBatch > 0 ? declaredBatch : 1;
  const dimParams = new Map<string, number>(typeof declaredBatch === 'string' ? [[declaredBatch, batch]] : []);

  // Symbolic dimensions the given shapes fix (a `sequence` shared by input ids and mask) hold everywhere they appear.
  for (const input of inputs) {
    const given = options.inputShapes?.[input.name];
    input.shape?.forEach((dim, i) => {
      const size = given?.[i - 1];
      if (i > 0 && typeof dim === 'string' && size !== undefined && !dimParams.has(dim)) dimParams.set(dim, size);
    });
  }
  const inputShapes = new Map<string, Shape>();
  for (const input of inputs) {
    const given = options.inputShapes?.[input.name];
    if (given !== undefined) {
      inputShapes.set(input.name, [batch, ...given]);
      continue;
    }
    const declared = input.shape?.map((dim, i) => (i === 0 && dim === declaredBatch ? batch : typeof dim === 'string' ? dimParams.get(dim) : dim));
    const shape = input === main && options.sampleShape ? [batch, ...options.sampleShape] : declared;
    if (shape && shape.every((dim): dim is number => typeof dim === 'number' && dim > 0)) inputShapes.set(input.name, shape);
  }

  const { shapes } = inferOnnxShapes(model, inputShapes, dimParams);
  let macs = 0;
  for (const node of graph.node) {
    const op = node.domain === '' || node.domain === 'ai.onnx' ? node.opType : null;
    if (op === null || !isCountedOp(op)) continue;
    const operands = node.input.slice(0, 2).map((name) => shapes.get(name));
    const output = shapes.get(node.output[0] ?? '');
    if (!output || operands.some((shape) => shape === undefined)) return null;
    const transA = node.attribute.some((a) => a.name === 'transA' && a.i === 1n);
    macs += contractionMacs(op, operands as Shape[], output, transA);
  }
  return (2 * macs) / batch;
}

const FLOATING_TYPES = new Set<number>([
  TensorProto_DataType.FLOAT,
  TensorProto_DataType.FLOAT16,
  TensorProto_DataType.BFLOAT16,
  TensorProto_DataType.DOUBLE,
]);

/** Parameters of an ONNX model: floating-point initializers and Constant tensors of rank ≥ 1. */
export function countOnnxParams(source: Uint8Array | ModelProto): number {
  const model = source instanceof Uint8Array ? parseOnnx(source) : source;
  const graph = model.graph;
  if (!graph) return 0;
  const constantTensors = graph.node
    .filter((node) => node.opType === 'Constant')
    .flatMap((node) => node.attribute.filter((a) => a.name === 'value' && a.t).map((a) => a.t as TensorProto));
  return [...graph.initializer, ...constantTensors]
    .filter((tensor) => FLOATING_TYPES.has(tensor.dataType) && tensor.dims.length > 0)
    .reduce((sum, tensor) => sum + product(tensor.dims.map(Number)), 0);
}

function product(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}
