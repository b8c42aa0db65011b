/**
 * A small, runtime-neutral graph representation. Fixture definitions build it once; it is emitted as
 * ONNX for ONNX Runtime and executed op by op by TensorFlow.js, so that every compiler runs the same
 * function. Node and attribute names follow ONNX (opset {@link OPSET}) so the ONNX emitter is a direct
 * mapping and a user's ONNX file can be read into the same shape for FLOP estimation.
 */

/** ONNX default-domain opset the emitter writes. 17 keeps `axes` of ReduceMean an attribute. */
export const OPSET = 17;

/** One dimension of a tensor: a fixed size, or `'N'`, the batch dimension chosen at run time. */
export type Dim = number | 'N';

/** The ONNX operators the fixtures use; the TF.js executor implements exactly these. */
export const OP_TYPES = [
  'Conv',
  'BatchNormalization',
  'Relu',
  'Clip',
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Pow',
  'Sqrt',
  'Erf',
  'ReduceMean',
  'MatMul',
  'Gemm',
  'Transpose',
  'Reshape',
  'Softmax',
  'GlobalAveragePool',
  'Flatten',
] as const;
export type OpType = (typeof OP_TYPES)[number];

export type AttrValue = number | readonly number[] | string;

export interface GraphNode {
  readonly name: string;
  readonly op: OpType;
  /** Value names; initializers and graph inputs are values too. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** ONNX attributes. Integers and floats are told apart by {@link GraphNode.floatAttrs}. */
  readonly attrs: Readonly<Record<string, AttrValue>>;
  /** Names of attributes that ONNX types as FLOAT (e.g. `epsilon`, `alpha`); the rest are INT(S)/STRING. */
  readonly floatAttrs?: readonly string[];
}

export interface ValueInfo {
  readonly name: string;
  readonly shape: readonly Dim[];
}

/** A constant tensor: float32 weights, or int64 shape operands (for Reshape). */
export type Initializer =
  | { readonly name: string; readonly dtype: 'float32'; readonly dims: readonly number[]; readonly data: Float32Array }
  | { readonly name: string; readonly dtype: 'int64'; readonly dims: readonly number[]; readonly data: BigInt64Array };

export interface Graph {
  readonly name: string;
  readonly input: ValueInfo;
  readonly output: ValueInfo;
  readonly nodes: readonly GraphNode[];
  readonly initializers: readonly Initializer[];
  /** Shape of every value, batch as `'N'`, recorded by the builder (used by FLOP counting and TF.js). */
  readonly shapes: Readonly<Record<string, readonly Dim[]>>;
}
