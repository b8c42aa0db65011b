/**
 * Just enough ONNX shape inference to count the FLOPs of a user's model: concrete shapes for the common
 * operators of exported CNNs and transformers, plus the values of small constant tensors (the
 * Shape → Gather → Unsqueeze → Concat → Reshape chains exporters write). Any operator it does not know
 * leaves its outputs unknown, unless the file itself declares their shapes in value_info; callers treat
 * an unknown shape where it matters as "cannot say", never as a guess.
 */
import { TensorProto_DataType, type AttributeProto, type ModelProto, type NodeProto, type TensorProto } from './onnx-proto/onnx_pb.ts';
import { broadcastShapes, normaliseAxis, reshapeShape, windowOutputSize } from './shapes.ts';

export type Shape = readonly number[];

export interface InferredShapes {
  /** Concrete shape of every value whose shape could be worked out. */
  readonly shapes: ReadonlyMap<string, Shape>;
  /** Element values of small constant tensors (initializers, Constant nodes and what is computed from them). */
  readonly constants: ReadonlyMap<string, readonly number[]>;
}

/** Constants with more elements than this are not tracked: shape operands are tiny, weights are not. */
const MAX_TRACKED_ELEMENTS = 64;

/**
 * Infers shapes through `model`'s graph (nodes in the topological order ONNX requires), given concrete
 * shapes for its inputs. Declared value_info shapes are used where an operator is not understood:
 * symbolic dimensions named in `dimParams` are replaced by their values, other symbols stay unknown.
 */
export function inferOnnxShapes(
  model: ModelProto,
  inputShapes: ReadonlyMap<string, Shape>,
  dimParams: ReadonlyMap<string, number> = new Map(),
): InferredShapes {
  const graph = model.graph;
  if (!graph) throw new Error('ONNX model has no graph');
  const shapes = new Map<string, Shape>(inputShapes);
  const constants = new Map<string, readonly number[]>();
  for (const tensor of graph.initializer) {
    shapes.set(tensor.name, tensor.dims.map(Number));
    const values = tensorValues(tensor);
    if (values) constants.set(tensor.name, values);
  }

  const declared = new Map<string, Shape>();
  for (const value of [...graph.valueInfo, ...graph.output]) {
    const type = value.type?.value;
    if (type?.case !== 'tensorType' || !type.value.shape) continue;
    const dims = type.value.shape.dim.map((dim) =>
      dim.value.case === 'dimValue' ? Number(dim.value.value) : dim.value.case === 'dimParam' ? dimParams.get(dim.value.value) : undefined,
    );
    if (dims.every((dim): dim is number => dim !== undefined && dim >= 0)) declared.set(value.name, dims);
  }

  for (const node of graph.node) {
    const context = new NodeContext(node, shapes, constants);
    let result: NodeResult | null;
    try {
      result = inferNode(context);
    } catch {
      result = null; // malformed or unsupported use of a known op: treat like an unknown op
    }
    node.output.forEach((output, i) => {
      if (output === '') return;
      const shape = result?.shapes[i] ?? declared.get(output);
      if (shape) shapes.set(output, shape);
      const values = result?.values?.[i];
      if (values && values.length <= MAX_TRACKED_ELEMENTS) constants.set(output, values);
    });
  }
  return { shapes, constants };
}

interface NodeResult {
  readonly shapes: readonly (Shape | undefined)[];
  readonly values?: readonly (readonly number[] | undefined)[];
}

/** A node's attributes and what is known about its inputs. Accessors throw when something is missing. */
class NodeContext {
  constructor(
    readonly node: NodeProto,
    private readonly shapes: ReadonlyMap<string, Shape>,
    private readonly constants: ReadonlyMap<string, readonly number[]>,
  ) {}

  get op(): string {
    return this.node.domain === '' || this.node.domain === 'ai.onnx' ? this.node.opType : `${this.node.domain}.${this.node.opType}`;
  }

  hasInput(index: number): boolean {
    return (this.node.input[index] ?? '') !== '';
  }

  shape(index: number): Shape {
    const shape = this.shapes.get(this.node.input[index] ?? '');
    if (!shape) throw new Error(`unknown shape of input ${index}`);
    return shape;
  }

  values(index: number): readonly number[] {
    const values = this.constants.get(this.node.input[index] ?? '');
    if (!values) throw new Error(`input ${index} is not a known constant`);
    return values;
  }

  maybeValues(index: number): readonly number[] | undefined {
    return this.hasInput(index) ? this.constants.get(this.node.input[index] ?? '') : undefined;
  }

  private attribute(name: string): AttributeProto | undefined {
    return this.node.attribute.find((attribute) => attribute.name === name);
  }

  int(name: string, fallback: number): number {
    const attribute = this.attribute(name);
    return attribute ? Number(attribute.i) : fallback;
  }

  ints(name: string): number[] | undefined {
    const attribute = this.attribute(name);
    return attribute ? attribute.ints.map(Number) : undefined;
  }

  floats(name: string): number[] | undefined {
    return this.attribute(name)?.floats;
  }

  string(name: string, fallback: string): string {
    const attribute = this.attribute(name);
    return attribute ? new TextDecoder().decode(attribute.s) : fallback;
  }

  tensor(name: string): TensorProto | undefined {
    return this.attribute(name)?.t;
  }

  /** Axes from the `axes` attribute (older opsets) or the second input (newer ones); undefined if neither. */
  axes(inputIndex: number): readonly number[] | undefined {
    return this.ints('axes') ?? (this.hasInput(inputIndex) ? this.values(inputIndex) : undefined);
  }
}

const SAME_SHAPE_OPS = new Set([
  'Relu', 'LeakyRelu', 'PRelu', 'Elu', 'Selu', 'Celu', 'Sigmoid', 'HardSigmoid', 'HardSwish', 'Tanh', 'Softplus',
  'Softsign', 'Mish', 'Gelu', 'Erf', 'Exp', 'Log', 'Sqrt', 'Reciprocal', 'Neg', 'Abs', 'Sign', 'Floor', 'Ceil',
  'Round', 'Sin', 'Cos', 'Not', 'IsNaN', 'IsInf', 'Clip', 'Softmax', 'LogSoftmax', 'Hardmax', 'BatchNormalization',
  'InstanceNormalization', 'LayerNormalization', 'GroupNormalization', 'LpNormalization', 'LRN', 'Dropout',
  'Shrink', 'ThresholdedRelu', 'MeanVarianceNormalization', 'ScatterND', 'ScatterElements', 'Scatter', 'CumSum', 'Trilu',
]);
/** Shape-preserving ops whose output holds the same numbers (so constant values flow through). */
const SAME_VALUE_OPS = new Set(['Identity', 'Cast', 'CastLike']);
const BROADCAST_OPS = new Set([
  'Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Sum', 'Mean', 'Equal', 'Less', 'Greater', 'LessOrEqual',
  'GreaterOrEqual', 'And', 'Or', 'Xor', 'Mod', 'BitShift', 'Where',
]);
const ARITHMETIC: Readonly<Record<string, (a: number, b: number) => number>> = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  // Integer shape arithmetic truncates like C; exported graphs only divide sizes evenly.
  Div: (a, b) => Math.trunc(a / b),
  // ONNX Mod (fmod = 0) takes the divisor's sign, as Python's %: window padding in Swin-style exports.
  Mod: (a, b) => ((a % b) + b) % b,
};
const REDUCE_OPS = new Set([
  'ReduceMean', 'ReduceSum', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceSumSquare',
  'ReduceLogSum', 'ReduceLogSumExp',
]);
const POOL_OPS = new Set(['MaxPool', 'AveragePool', 'LpPool']);
const GLOBAL_POOL_OPS = new Set(['GlobalAveragePool', 'GlobalMaxPool', 'GlobalLpPool']);

function same(shape: Shape | undefined, values?: readonly number[]): NodeResult {
  return values ? { shapes: [shape], values: [values] } : { shapes: [shape] };
}

function inferNode(ctx: NodeContext): NodeResult | null {
  const op = ctx.op;
  if (SAME_VALUE_OPS.has(op)) return same(ctx.shape(0), ctx.maybeValues(0));
  if (SAME_SHAPE_OPS.has(op)) return same(ctx.shape(0));
  if (BROADCAST_OPS.has(op)) return inferBroadcast(ctx);
  if (REDUCE_OPS.has(op)) return inferReduce(ctx);
  if (POOL_OPS.has(op)) return inferWindow(ctx, ctx.shape(0)[1] as number, ctx.ints('kernel_shape'));
  if (GLOBAL_POOL_OPS.has(op)) {
    const [batch, channels, ...spatial] = ctx.shape(0);
    return same([batch as number, channels as number, ...spatial.map(() => 1)]);
  }
  switch (op) {
    case 'Constant':
      return inferConstant(ctx);
    case 'Conv': {
      const weight = ctx.shape(1);
      return inferWindow(ctx, weight[0] as number, ctx.ints('kernel_shape') ?? weight.slice(2));
    }
    case 'ConvTranspose':
      return inferConvTranspose(ctx);
    case 'MatMul':
      return same(matmulShape(ctx.shape(0), ctx.shape(1)));
    case 'Gemm': {
      const a = ctx.shape(0);
      const b = ctx.shape(1);
      const rows = ctx.int('transA', 0) ? a[1] : a[0];
      const columns = ctx.int('transB', 0) ? b[0] : b[1];
      return same([rows as number, columns as number]);
    }
    case 'Flatten': {
      const input = ctx.shape(0);
      const axis = ctx.int('axis', 1);
      const split = axis < 0 ? axis + input.length : axis;
      return same([product(input.slice(0, split)), product(input.slice(split))]);
    }
    case 'Reshape': {
      const target = ctx.values(1);
      const shape = ctx.int('allowzero', 0) ? [...target] : reshapeShape(ctx.shape(0), target);
      return same(shape, ctx.maybeValues(0));
    }
    case 'Transpose': {
      const input = ctx.shape(0);
      const perm = ctx.ints('perm') ?? input.map((_, i) => input.length - 1 - i);
      const shape = perm.map((axis) => input[axis] as number);
      const data = ctx.maybeValues(0);
      const strides = stridesOf(input);
      return same(shape, data && gathered(shape, (index) => index.reduce((at, i, k) => at + i * (strides[perm[k] as number] as number), 0), data));
    }
    case 'Squeeze': {
      const input = ctx.shape(0);
      const axes = ctx.axes(1);
      const removed = new Set(axes?.map((axis) => normaliseAxis(axis, input.length)) ?? input.flatMap((dim, i) => (dim === 1 ? [i] : [])));
      return same(input.filter((_, i) => !removed.has(i)), ctx.maybeValues(0));
    }
    case 'Unsqueeze': {
      const input = ctx.shape(0);
      const axes = ctx.axes(1);
      if (!axes) return null;
      const rank = input.length + axes.length;
      const inserted = new Set(axes.map((axis) => normaliseAxis(axis, rank)));
      const remaining = [...input];
      const shape = Array.from({ length: rank }, (_, i) => (inserted.has(i) ? 1 : (remaining.shift() as number)));
      return same(shape, ctx.maybeValues(0));
    }
    case 'Concat':
      return inferConcat(ctx);
    case 'Shape': {
      const input = ctx.shape(0);
      const start = normaliseSliceIndex(ctx.int('start', 0), input.length);
      const end = normaliseSliceIndex(ctx.int('end', input.length), input.length);
      const values = input.slice(start, end);
      return same([values.length], values);
    }
    case 'Size':
      return same([], [product(ctx.shape(0))]);
    case 'Gather':
      return inferGather(ctx);
    case 'Slice':
      return inferSlice(ctx);
    case 'Split':
      return inferSplit(ctx);
    case 'Expand': {
      const target = ctx.values(1);
      return same(broadcastShapes(ctx.shape(0), target));
    }
    case 'ConstantOfShape': {
      const shape = ctx.values(0);
      // Zeros (or the `value` attribute's one number) feed padding arithmetic in exported graphs: tracked when small.
      const fill = ctx.tensor('value');
      const filler = fill === undefined ? 0 : tensorValues(fill)?.[0];
      const count = product(shape);
      return same(shape, filler !== undefined && count <= MAX_TRACKED_ELEMENTS ? new Array<number>(count).fill(filler) : undefined);
    }
    case 'Tile': {
      const repeats = ctx.values(1);
      return same(ctx.shape(0).map((dim, i) => dim * (repeats[i] as number)));
    }
    case 'Range': {
      // Position ids (`arange(seq)`) in transformer exports: the length follows from known scalars.
      const [start, limit, delta] = [ctx.values(0)[0], ctx.values(1)[0], ctx.values(2)[0]] as [number, number, number];
      if (![start, limit, delta].every(Number.isFinite) || delta === 0) return null;
      const length = Math.max(Math.ceil((limit - start) / delta), 0);
      return same([length], length <= MAX_TRACKED_ELEMENTS ? Array.from({ length }, (_, i) => start + i * delta) : undefined);
    }
    case 'Pad': {
      const input = ctx.shape(0);
      const pads = ctx.ints('pads') ?? ctx.values(1);
      if (ctx.hasInput(3) || pads.length !== 2 * input.length) return null; // the axes input (opset 18) is not handled
      return same(input.map((dim, i) => dim + (pads[i] as number) + (pads[i + input.length] as number)));
    }
    case 'Resize':
    case 'Upsample':
      return inferResize(ctx);
    case 'DepthToSpace':
    case 'SpaceToDepth': {
      const [batch, channels, height, width] = ctx.shape(0) as [number, number, number, number];
      const block = ctx.int('blocksize', 1);
      return op === 'DepthToSpace'
        ? same([batch, channels / (block * block), height * block, width * block])
        : same([batch, channels * block * block, height / block, width / block]);
    }
    case 'ArgMax':
    case 'ArgMin': {
      const input = ctx.shape(0);
      const axis = normaliseAxis(ctx.int('axis', 0), input.length);
      const keep = ctx.int('keepdims', 1) === 1;
      return same(input.flatMap((dim, i) => (i === axis ? (keep ? [1] : []) : [dim])));
    }
    default:
      return null;
  }
}

function inferConstant(ctx: NodeContext): NodeResult | null {
  const tensor = ctx.tensor('value');
  if (tensor) return same(tensor.dims.map(Number), tensorValues(tensor));
  const ints = ctx.ints('value_ints') ?? ctx.floats('value_floats');
  if (ints) return same([ints.length], ints);
  const attribute = ctx.node.attribute.find((a) => a.name === 'value_int' || a.name === 'value_float');
  if (attribute) return same([], [attribute.name === 'value_int' ? Number(attribute.i) : attribute.f]);
  return null;
}

function inferBroadcast(ctx: NodeContext): NodeResult {
  const inputs = ctx.node.input.map((_, i) => ctx.shape(i));
  const shape = inputs.reduce((a, b) => broadcastShapes(a, b));
  const operation = ARITHMETIC[ctx.op];
  const left = ctx.maybeValues(0);
  const right = ctx.maybeValues(1);
  if (!operation || !left || !right || inputs.length !== 2) return same(shape);
  const length = Math.max(left.length, right.length);
  if ((left.length !== length && left.length !== 1) || (right.length !== length && right.length !== 1)) return same(shape);
  const values = Array.from({ length }, (_, i) => operation(left[left.length === 1 ? 0 : i] as number, right[right.length === 1 ? 0 : i] as number));
  return same(shape, values);
}

function inferReduce(ctx: NodeContext): NodeResult {
  const input = ctx.shape(0);
  const keep = ctx.int('keepdims', 1) === 1;
  const axes = ctx.axes(1);
  const reduceAll = !axes || axes.length === 0;
  if (reduceAll && ctx.int('noop_with_empty_axes', 0) === 1) return same(input);
  const reduced = new Set(reduceAll ? input.map((_, i) => i) : axes.map((axis) => normaliseAxis(axis, input.length)));
  return same(input.flatMap((dim, i) => (reduced.has(i) ? (keep ? [1] : []) : [dim])));
}

/** Output shape of Conv and the pooling ops: [N, outChannels, spatial...] with ONNX's auto_pad rules. */
function inferWindow(ctx: NodeContext, outChannels: number, kernel: readonly number[] | undefined): NodeResult | null {
  const [batch, , ...spatial] = ctx.shape(0);
  if (!kernel || kernel.length !== spatial.length) return null;
  const strides = ctx.ints('strides') ?? spatial.map(() => 1);
  const dilations = ctx.ints('dilations') ?? spatial.map(() => 1);
  const pads = ctx.ints('pads') ?? spatial.flatMap(() => [0, 0]);
  const autoPad = ctx.string('auto_pad', 'NOTSET');
  const ceilMode = ctx.int('ceil_mode', 0) === 1;
  const out = spatial.map((size, i) => {
    const stride = strides[i] as number;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return Math.ceil(size / stride);
    if (autoPad === 'VALID') return windowOutputSize(size, kernel[i] as number, stride, 0, 0, dilations[i], ceilMode);
    return windowOutputSize(size, kernel[i] as number, stride, pads[i] as number, pads[i + spatial.length] as number, dilations[i], ceilMode);
  });
  return same([batch as number, outChannels, ...out]);
}

function inferConvTranspose(ctx: NodeContext): NodeResult | null {
  const [batch, , ...spatial] = ctx.shape(0);
  const weight = ctx.shape(1);
  const outChannels = (weight[1] as number) * ctx.int('group', 1);
  const explicit = ctx.ints('output_shape');
  if (explicit) return same([batch as number, outChannels, ...explicit.slice(-spatial.length)]);
  if (ctx.string('auto_pad', 'NOTSET') !== 'NOTSET') return null;
  const kernel = ctx.ints('kernel_shape') ?? weight.slice(2);
  const strides = ctx.ints('strides') ?? spatial.map(() => 1);
  const dilations = ctx.ints('dilations') ?? spatial.map(() => 1);
  const pads = ctx.ints('pads') ?? spatial.flatMap(() => [0, 0]);
  const outputPadding = ctx.ints('output_padding') ?? spatial.map(() => 0);
  const out = spatial.map(
    (size, i) =>
      (strides[i] as number) * (size - 1) +
      (outputPadding[i] as number) +
      ((kernel[i] as number) - 1) * (dilations[i] as number) +
      1 -
      (pads[i] as number) -
      (pads[i + spatial.length] as number),
  );
  return same([batch as number, outChannels, ...out]);
}

/** numpy.matmul shapes, including the promotion of 1-D operands. */
export function matmulShape(a: Shape, b: Shape): number[] {
  const left = a.length === 1 ? [1, a[0] as number] : a;
  const right = b.length === 1 ? [b[0] as number, 1] : b;
  if (left[left.length - 1] !== right[right.length - 2]) throw new Error(`MatMul inner dimensions differ: [${a}] x [${b}]`);
  const shape = [
    ...broadcastShapes(left.slice(0, -2), right.slice(0, -2)),
    left[left.length - 2] as number,
    right[right.length - 1] as number,
  ];
  if (b.length === 1) shape.pop();
  if (a.length === 1) shape.splice(shape.length - (b.length === 1 ? 1 : 2), 1);
  return shape;
}

function inferConcat(ctx: NodeContext): NodeResult {
  const inputs = ctx.node.input.map((_, i) => ctx.shape(i));
  const first = inputs[0] as Shape;
  const axis = normaliseAxis(ctx.int('axis', 0), first.length);
  const shape = first.map((dim, i) => (i === axis ? inputs.reduce((sum, input) => sum + (input[i] as number), 0) : dim));
  const values = ctx.node.input.map((_, i) => ctx.maybeValues(i));
  const allKnown = first.length === 1 && values.every((v): v is readonly number[] => v !== undefined);
  return same(shape, allKnown ? values.flat() : undefined);
}

function inferGather(ctx: NodeContext): NodeResult {
  const data = ctx.shape(0);
  const indices = ctx.shape(1);
  const axis = normaliseAxis(ctx.int('axis', 0), data.length);
  const shape = [...data.slice(0, axis), ...indices, ...data.slice(axis + 1)];
  const dataValues = ctx.maybeValues(0);
  const indexValues = ctx.maybeValues(1);
  if (data.length !== 1 || !dataValues || !indexValues) return same(shape);
  const values = indexValues.map((index) => dataValues[index < 0 ? index + dataValues.length : index] as number);
  return same(shape, values);
}

function normaliseSliceIndex(index: number, size: number): number {
  const shifted = index < 0 ? index + size : index;
  return Math.min(Math.max(shifted, 0), size);
}

function inferSlice(ctx: NodeContext): NodeResult {
  const input = ctx.shape(0);
  // Opset < 10 gives starts/ends/axes as attributes; later opsets as inputs.
  const starts = ctx.ints('starts') ?? ctx.values(1);
  const ends = ctx.ints('ends') ?? ctx.values(2);
  const axes = ctx.ints('axes') ?? ctx.maybeValues(3) ?? starts.map((_, i) => i);
  const steps = ctx.maybeValues(4) ?? starts.map(() => 1);
  const shape = [...input];
  const ranges = input.map((size) => ({ start: 0, end: size, step: 1 }));
  axes.forEach((rawAxis, i) => {
    const axis = normaliseAxis(rawAxis, input.length);
    const size = input[axis] as number;
    const step = steps[i] as number;
    const clamp = (value: number, low: number, high: number): number => Math.min(Math.max(value < 0 ? value + size : value, low), high);
    const start = step > 0 ? clamp(starts[i] as number, 0, size) : clamp(starts[i] as number, -1, size - 1);
    const end = step > 0 ? clamp(ends[i] as number, 0, size) : clamp(ends[i] as number, -1, size - 1);
    shape[axis] = Math.max(0, Math.ceil((end - start) / step));
    ranges[axis] = { start, end, step };
  });
  const data = ctx.maybeValues(0);
  if (!data) return same(shape);
  const strides = stridesOf(input);
  const values = gathered(shape, (index) => index.reduce((at, i, axis) => at + ((ranges[axis] as (typeof ranges)[number]).start + i * (ranges[axis] as (typeof ranges)[number]).step) * (strides[axis] as number), 0), data);
  return same(shape, values);
}

/** Row-major strides of a shape. */
function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) strides[i] = (strides[i + 1] as number) * (shape[i + 1] as number);
  return strides;
}

/** The values at each output index (row-major), read from `data` at `source(index)`; undefined when too many to track. */
function gathered(shape: Shape, source: (index: readonly number[]) => number, data: readonly number[]): number[] | undefined {
  const count = product(shape);
  if (count > MAX_TRACKED_ELEMENTS) return undefined;
  const out: number[] = [];
  const index = new Array<number>(shape.length).fill(0);
  for (let n = 0; n < count; n++) {
    const value = data[source(index)];
    if (value === undefined) return undefined;
    out.push(value);
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      index[axis] = (index[axis] as number) + 1;
      if ((index[axis] as number) < (shape[axis] as number)) break;
      index[axis] = 0;
    }
  }
  return out;
}

function inferSplit(ctx: NodeContext): NodeResult | null {
  const input = ctx.shape(0);
  const axis = normaliseAxis(ctx.int('axis', 0), input.length);
  const size = input[axis] as number;
  const outputs = ctx.node.output.length;
  let parts = ctx.ints('split') ?? ctx.maybeValues(1);
  if (!parts) {
    // Equal parts; the last is smaller when the size does not divide (opset 18's num_outputs rule).
    const part = Math.ceil(size / outputs);
    parts = Array.from({ length: outputs }, (_, i) => Math.min(part, size - part * i));
  }
  return { shapes: parts.map((part) => input.map((dim, i) => (i === axis ? part : dim))) };
}

function inferResize(ctx: NodeContext): NodeResult | null {
  const input = ctx.shape(0);
  // Resize: X, roi, scales, sizes; Upsample: X, scales (or a scales attribute in opset 7).
  const sizes = ctx.op === 'Resize' ? ctx.maybeValues(3) : undefined;
  if (sizes && sizes.length === input.length) return same(sizes);
  const scales = ctx.floats('scales') ?? ctx.maybeValues(ctx.op === 'Resize' ? 2 : 1);
  if (!scales || scales.length !== input.length) return null;
  return same(input.map((dim, i) => Math.floor(dim * (scales[i] as number))));
}

function product(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** Values of a small integer or float tensor stored in the file (raw or typed fields); undefined otherwise. */
export function tensorValues(tensor: TensorProto): number[] | undefined {
  const count = product(tensor.dims.map(Number));
  if (count > MAX_TRACKED_ELEMENTS) return undefined;
  const raw = tensor.rawData;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const fromRaw = (bytes: number, read: (offset: number) => number): number[] | undefined =>
    raw.byteLength === count * bytes ? Array.from({ length: count }, (_, i) => read(i * bytes)) : undefined;
  switch (tensor.dataType) {
    case TensorProto_DataType.INT64:
      return tensor.int64Data.length === count ? tensor.int64Data.map(Number) : fromRaw(8, (o) => Number(view.getBigInt64(o, true)));
    case TensorProto_DataType.INT32:
      return tensor.int32Data.length === count ? [...tensor.int32Data] : fromRaw(4, (o) => view.getInt32(o, true));
    case TensorProto_DataType.FLOAT:
      return tensor.floatData.length === count ? [...tensor.floatData] : fromRaw(4, (o) => view.getFloat32(o, true));
    case TensorProto_DataType.DOUBLE:
      return tensor.doubleData.length === count ? [...tensor.doubleData] : fromRaw(8, (o) => view.getFloat64(o, true));
    default:
      return undefined;
  }
}
