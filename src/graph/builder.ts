/**
 * Builds the IR of ir.ts one layer at a time, tracking every value's shape (batch as `'N'`) and drawing
 * weights from a seeded generator, so that the same calls always give the same graph, bytes and hash.
 *
 * Initialisation keeps activations O(1) through deep stacks: He-scaled normals before ReLU-like
 * activations, LeCun-scaled ones elsewhere, BatchNorm running statistics near (mean 0, var 1), and the
 * last layer of a residual branch scaled down (`scale` / `gamma` options) so residual sums grow slowly.
 *
 * Composite layers (GELU, LayerNorm) are written out as their primitive ONNX ops on purpose: finding and
 * fusing those patterns is part of what a graph compiler is measured on.
 */
import { OPSET, OP_TYPES, type AttrValue, type Dim, type Graph, type GraphNode, type Initializer, type OpType } from './ir.ts';
import { SeededRandom } from './random.ts';
import { broadcastShapes, formatShape, normaliseAxis, reshapeShape } from './shapes.ts';

/** Name of a value (tensor) in the graph under construction. */
export type ValueName = string;

/** How a weight's standard deviation follows its fan-in: He (sqrt(2/fanIn)) before ReLU-like activations, LeCun (sqrt(1/fanIn)) otherwise. */
export type WeightInit = 'he' | 'lecun';

export interface ConvOptions {
  readonly outChannels: number;
  readonly kernel: number;
  readonly stride?: number;
  /** Symmetric padding on every spatial side; default keeps the size at stride 1 (`(kernel - 1) / 2`). */
  readonly pad?: number;
  readonly groups?: number;
  readonly bias?: boolean;
  readonly init?: WeightInit;
  /** Multiplies the initial weights (below 1 for the last layer of a residual branch). */
  readonly scale?: number;
}

export interface BatchNormOptions {
  /** Typical value of the scale γ; about 0.2 for the last BatchNorm of a residual branch. */
  readonly gamma?: number;
  readonly epsilon?: number;
}

export interface LinearOptions {
  readonly bias?: boolean;
  readonly init?: WeightInit;
  /** Multiplies the initial weights (below 1 for the last projection of a residual branch). */
  readonly scale?: number;
}

export interface LayerNormOptions {
  readonly epsilon?: number;
}

interface MutableNode {
  name: string;
  op: OpType;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, AttrValue>;
  floatAttrs?: string[];
}

const DEFAULT_EPSILON = 1e-5;

export class GraphBuilder {
  private readonly random: SeededRandom;
  private readonly nodes: MutableNode[] = [];
  private readonly initializers: Initializer[] = [];
  private readonly shapes = new Map<ValueName, readonly Dim[]>();
  private readonly scalarNames = new Map<number, ValueName>();
  private readonly scopes: string[] = [];
  private readonly opCounts = new Map<string, number>();
  private inputValue: { name: ValueName; shape: readonly Dim[] } | null = null;
  private finished = false;

  /** `seed` decides every weight; fixtures pass their id so that depth d is a prefix of depth d + 1. */
  constructor(
    private readonly name: string,
    seed: number | string,
  ) {
    this.random = new SeededRandom(seed);
  }

  /** Declares the graph's one input. Use `'N'` for the batch dimension. */
  input(name: ValueName, shape: readonly Dim[]): ValueName {
    if (this.inputValue) throw new Error(`graph ${this.name} already has input ${this.inputValue.name}`);
    this.inputValue = { name, shape: [...shape] };
    this.shapes.set(name, [...shape]);
    return name;
  }

  shapeOf(value: ValueName): readonly Dim[] {
    const shape = this.shapes.get(value);
    if (!shape) throw new Error(`unknown value ${value} in graph ${this.name}`);
    return shape;
  }

  /** Runs `build` with node names prefixed by `scope/` (e.g. `block3/conv_2`), for readable graphs. */
  scoped<T>(scope: string, build: () => T): T {
    this.scopes.push(scope);
    try {
      return build();
    } finally {
      this.scopes.pop();
    }
  }

  // ---------------------------------------------------------------- weights and constants

  /** A learned float32 tensor drawn from N(mean, std²), e.g. a position embedding. */
  parameter(label: string, dims: readonly number[], std: number, mean = 0): ValueName {
    const count = dims.reduce((a, b) => a * b, 1);
    return this.addFloat(this.uniqueName(label), dims, this.random.normals(count, std, mean));
  }

  /**
   * A float32 scalar constant (rank 0), shared by every node that uses the same value. Rank-0 tensors are
   * operator constants (Clip bounds, the GELU and LayerNorm constants), never counted as parameters.
   */
  scalar(value: number): ValueName {
    const rounded = Math.fround(value);
    const existing = this.scalarNames.get(rounded);
    if (existing) return existing;
    const name = `const/${rounded}`;
    this.addFloat(name, [], Float32Array.of(rounded));
    this.scalarNames.set(rounded, name);
    return name;
  }

  // ---------------------------------------------------------------- layers

  /** 2-D convolution, NCHW, square kernel, symmetric padding. */
  conv(x: ValueName, options: ConvOptions): ValueName {
    const [batch, inChannels, height, width] = this.requireRank(x, 4, 'conv');
    const { outChannels, kernel } = options;
    const stride = options.stride ?? 1;
    const pad = options.pad ?? Math.floor((kernel - 1) / 2);
    const groups = options.groups ?? 1;
    if (typeof inChannels !== 'number' || typeof height !== 'number' || typeof width !== 'number') {
      throw new Error(`conv: only the batch dimension may be symbolic, got ${formatShape(this.shapeOf(x))}`);
    }
    if (inChannels % groups !== 0 || outChannels % groups !== 0) {
      throw new Error(`conv: channels ${inChannels}→${outChannels} not divisible by groups ${groups}`);
    }
    const name = this.uniqueName('conv');
    const fanIn = (inChannels / groups) * kernel * kernel;
    const weightDims = [outChannels, inChannels / groups, kernel, kernel];
    const weight = this.addFloat(`${name}.weight`, weightDims, this.initWeights(weightDims, fanIn, options));
    const inputs = [x, weight];
    if (options.bias) inputs.push(this.addFloat(`${name}.bias`, [outChannels], this.random.normals(outChannels, 0.01)));
    const outSize = (size: number): number => Math.floor((size + 2 * pad - kernel) / stride) + 1;
    return this.addNode(name, 'Conv', inputs, [batch as Dim, outChannels, outSize(height), outSize(width)], {
      dilations: [1, 1],
      group: groups,
      kernel_shape: [kernel, kernel],
      pads: [pad, pad, pad, pad],
      strides: [stride, stride],
    });
  }

  /** Inference-mode BatchNormalization over axis 1 with sensible running statistics. */
  batchNorm(x: ValueName, options: BatchNormOptions = {}): ValueName {
    const channels = this.requireNumber(this.shapeOf(x)[1], 'batchNorm channels');
    const gamma = options.gamma ?? 1;
    const name = this.uniqueName('bn');
    const scale = this.addFloat(`${name}.scale`, [channels], this.random.normals(channels, 0.1 * gamma, gamma));
    const bias = this.addFloat(`${name}.bias`, [channels], this.random.normals(channels, 0.05 * gamma));
    const mean = this.addFloat(`${name}.mean`, [channels], this.random.normals(channels, 0.05));
    const variance = new Float32Array(channels).map(() => 0.8 + 0.4 * this.random.uniform());
    const varianceName = this.addFloat(`${name}.var`, [channels], variance);
    return this.addNode(name, 'BatchNormalization', [x, scale, bias, mean, varianceName], this.shapeOf(x), {
      epsilon: options.epsilon ?? DEFAULT_EPSILON,
    }, ['epsilon']);
  }

  relu(x: ValueName): ValueName {
    return this.addNode(this.uniqueName('relu'), 'Relu', [x], this.shapeOf(x));
  }

  /** ReLU6 as ONNX writes it: Clip with min 0 and max 6 as scalar inputs. */
  relu6(x: ValueName): ValueName {
    return this.addNode(this.uniqueName('relu6'), 'Clip', [x, this.scalar(0), this.scalar(6)], this.shapeOf(x));
  }

  /** Exact GELU, decomposed: 0.5 · x · (1 + erf(x / √2)) — the pattern ONNX Runtime fuses into Gelu. */
  gelu(x: ValueName): ValueName {
    const shape = this.shapeOf(x);
    const scaled = this.addNode(this.uniqueName('gelu_div'), 'Div', [x, this.scalar(Math.SQRT2)], shape);
    const erf = this.addNode(this.uniqueName('gelu_erf'), 'Erf', [scaled], shape);
    const onePlus = this.addNode(this.uniqueName('gelu_add'), 'Add', [erf, this.scalar(1)], shape);
    const times = this.addNode(this.uniqueName('gelu_mul'), 'Mul', [x, onePlus], shape);
    return this.addNode(this.uniqueName('gelu_half'), 'Mul', [times, this.scalar(0.5)], shape);
  }

  /**
   * LayerNorm over the last axis, decomposed the way older exporters wrote it (ReduceMean, Sub, Pow,
   * ReduceMean, Add ε, Sqrt, Div, Mul γ, Add β) — the pattern ONNX Runtime fuses into LayerNormalization.
   */
  layerNorm(x: ValueName, options: LayerNormOptions = {}): ValueName {
    const shape = this.shapeOf(x);
    const features = this.requireNumber(shape[shape.length - 1], 'layerNorm features');
    const name = this.uniqueName('ln');
    const reduced = [...shape.slice(0, -1), 1];
    const mean = this.addNode(`${name}/mean`, 'ReduceMean', [x], reduced, { axes: [-1], keepdims: 1 });
    const centred = this.addNode(`${name}/sub`, 'Sub', [x, mean], shape);
    const squared = this.addNode(`${name}/pow`, 'Pow', [centred, this.scalar(2)], shape);
    const variance = this.addNode(`${name}/var`, 'ReduceMean', [squared], reduced, { axes: [-1], keepdims: 1 });
    const shifted = this.addNode(`${name}/add_eps`, 'Add', [variance, this.scalar(options.epsilon ?? DEFAULT_EPSILON)], reduced);
    const std = this.addNode(`${name}/sqrt`, 'Sqrt', [shifted], reduced);
    const normalised = this.addNode(`${name}/div`, 'Div', [centred, std], shape);
    const gamma = this.addFloat(`${name}.gamma`, [features], this.random.normals(features, 0.05, 1));
    const beta = this.addFloat(`${name}.beta`, [features], this.random.normals(features, 0.02));
    const scaled = this.addNode(`${name}/mul`, 'Mul', [normalised, gamma], shape);
    return this.addNode(`${name}/add`, 'Add', [scaled, beta], shape);
  }

  /** Dense layer on the last axis: MatMul by a [in, out] weight, then Add bias. */
  linear(x: ValueName, outFeatures: number, options: LinearOptions = {}): ValueName {
    const shape = this.shapeOf(x);
    const inFeatures = this.requireNumber(shape[shape.length - 1], 'linear input features');
    const name = this.uniqueName('linear');
    const weightDims = [inFeatures, outFeatures];
    const weight = this.addFloat(`${name}.weight`, weightDims, this.initWeights(weightDims, inFeatures, options));
    const outShape = [...shape.slice(0, -1), outFeatures];
    const product = this.addNode(`${name}/matmul`, 'MatMul', [x, weight], outShape);
    if (options.bias === false) return product;
    const bias = this.addFloat(`${name}.bias`, [outFeatures], this.random.normals(outFeatures, 0.01));
    return this.addNode(`${name}/add`, 'Add', [product, bias], outShape);
  }

  /** Gemm with a [out, in] weight (transB = 1) and bias; input must be [N, in]. */
  gemm(x: ValueName, outFeatures: number, options: LinearOptions = {}): ValueName {
    const [batch, inDim] = this.requireRank(x, 2, 'gemm');
    const inFeatures = this.requireNumber(inDim, 'gemm input features');
    const name = this.uniqueName('gemm');
    const weightDims = [outFeatures, inFeatures];
    const weight = this.addFloat(`${name}.weight`, weightDims, this.initWeights(weightDims, inFeatures, options));
    const inputs = [x, weight];
    if (options.bias !== false) inputs.push(this.addFloat(`${name}.bias`, [outFeatures], this.random.normals(outFeatures, 0.01)));
    return this.addNode(name, 'Gemm', inputs, [batch as Dim, outFeatures], { transB: 1 });
  }

  add(a: ValueName, b: ValueName): ValueName {
    return this.addNode(this.uniqueName('add'), 'Add', [a, b], broadcastShapes(this.shapeOf(a), this.shapeOf(b)));
  }

  mul(a: ValueName, b: ValueName): ValueName {
    return this.addNode(this.uniqueName('mul'), 'Mul', [a, b], broadcastShapes(this.shapeOf(a), this.shapeOf(b)));
  }

  /** Multiplies by a constant scalar (e.g. attention's 1/√d). */
  scale(x: ValueName, factor: number): ValueName {
    return this.addNode(this.uniqueName('scale'), 'Mul', [x, this.scalar(factor)], this.shapeOf(x));
  }

  /** Batched matrix product of two values (both ranks ≥ 2). */
  matmul(a: ValueName, b: ValueName): ValueName {
    const shapeA = this.shapeOf(a);
    const shapeB = this.shapeOf(b);
    if (shapeA.length < 2 || shapeB.length < 2) throw new Error('matmul: both operands need rank >= 2');
    const inner = shapeA[shapeA.length - 1];
    if (inner !== shapeB[shapeB.length - 2]) {
      throw new Error(`matmul: inner dimensions differ, ${formatShape(shapeA)} x ${formatShape(shapeB)}`);
    }
    const batchDims = broadcastShapes(shapeA.slice(0, -2), shapeB.slice(0, -2));
    const outShape = [...batchDims, shapeA[shapeA.length - 2] as Dim, shapeB[shapeB.length - 1] as Dim];
    return this.addNode(this.uniqueName('matmul'), 'MatMul', [a, b], outShape);
  }

  transpose(x: ValueName, perm: readonly number[]): ValueName {
    const shape = this.shapeOf(x);
    if (perm.length !== shape.length || [...perm].sort().some((axis, i) => axis !== i)) {
      throw new Error(`transpose: ${perm} is not a permutation of rank ${shape.length}`);
    }
    return this.addNode(this.uniqueName('transpose'), 'Transpose', [x], perm.map((axis) => shape[axis] as Dim), { perm: [...perm] });
  }

  /** Reshape to `shape`, where 0 copies the input dimension at that index (use it for the batch) and -1 is inferred. */
  reshape(x: ValueName, shape: readonly number[]): ValueName {
    const outShape = reshapeShape(this.shapeOf(x), shape);
    const name = this.uniqueName('reshape');
    const target = this.addInt64(`${name}.shape`, [shape.length], BigInt64Array.from(shape, BigInt));
    return this.addNode(name, 'Reshape', [x, target], outShape);
  }

  softmax(x: ValueName, axis = -1): ValueName {
    return this.addNode(this.uniqueName('softmax'), 'Softmax', [x], this.shapeOf(x), { axis });
  }

  reduceMean(x: ValueName, axes: readonly number[], keepDims: boolean): ValueName {
    const shape = this.shapeOf(x);
    const reduced = new Set(axes.map((axis) => normaliseAxis(axis, shape.length)));
    const outShape = shape.flatMap((dim, i) => (reduced.has(i) ? (keepDims ? [1] : []) : [dim]));
    return this.addNode(this.uniqueName('reduce_mean'), 'ReduceMean', [x], outShape, {
      axes: [...axes],
      keepdims: keepDims ? 1 : 0,
    });
  }

  globalAvgPool(x: ValueName): ValueName {
    const [batch, channels] = this.requireRank(x, 4, 'globalAvgPool');
    return this.addNode(this.uniqueName('gap'), 'GlobalAveragePool', [x], [batch as Dim, channels as Dim, 1, 1]);
  }

  /** Flattens to 2-D: dimensions before `axis` (the batch) and the product of the rest. */
  flatten(x: ValueName, axis = 1): ValueName {
    const shape = this.shapeOf(x);
    if (axis !== 1 || shape[0] !== 'N') throw new Error('flatten: only axis 1 after a leading batch dimension is supported');
    const features = shape.slice(1).reduce<number>((a, b) => a * this.requireNumber(b, 'flatten'), 1);
    return this.addNode(this.uniqueName('flatten'), 'Flatten', [x], ['N', features], { axis });
  }

  /** Finishes the graph with `x` renamed to `outputName`. The builder cannot be used afterwards. */
  output(x: ValueName, outputName: ValueName = 'output'): Graph {
    if (this.finished) throw new Error(`graph ${this.name} already finished`);
    if (!this.inputValue) throw new Error(`graph ${this.name} has no input`);
    const producer = this.nodes.find((node) => node.outputs.includes(x));
    if (!producer) throw new Error(`output ${x} is not produced by a node`);
    if (x !== outputName) {
      if (this.shapes.has(outputName)) throw new Error(`value name ${outputName} already used`);
      // The graph output gets a stable, readable name; consumers of x (none expected) follow the rename.
      for (const node of this.nodes) {
        node.inputs = node.inputs.map((value) => (value === x ? outputName : value));
        node.outputs = node.outputs.map((value) => (value === x ? outputName : value));
      }
      this.shapes.set(outputName, this.shapeOf(x));
      this.shapes.delete(x);
    }
    this.finished = true;
    const nodes: GraphNode[] = this.nodes.map((node) => ({
      name: node.name,
      op: node.op,
      inputs: node.inputs,
      outputs: node.outputs,
      attrs: node.attrs,
      ...(node.floatAttrs ? { floatAttrs: node.floatAttrs } : {}),
    }));
    return {
      name: this.name,
      input: { name: this.inputValue.name, shape: this.inputValue.shape },
      output: { name: outputName, shape: this.shapeOf(outputName) },
      nodes,
      initializers: [...this.initializers],
      shapes: Object.fromEntries(this.shapes),
    };
  }

  // ---------------------------------------------------------------- internals

  private initWeights(dims: readonly number[], fanIn: number, options: { init?: WeightInit; scale?: number }): Float32Array {
    const gain = (options.init ?? 'lecun') === 'he' ? 2 : 1;
    const std = Math.sqrt(gain / fanIn) * (options.scale ?? 1);
    return this.random.normals(dims.reduce((a, b) => a * b, 1), std);
  }

  /** `scope/label_k`, numbered per scope and label so names stay short and readable. */
  private uniqueName(label: string): string {
    const key = [...this.scopes, label].join('/');
    const count = this.opCounts.get(key) ?? 0;
    this.opCounts.set(key, count + 1);
    return `${key}_${count}`;
  }

  private addFloat(name: string, dims: readonly number[], data: Float32Array): ValueName {
    this.assertNewValue(name);
    this.initializers.push({ name, dtype: 'float32', dims: [...dims], data });
    this.shapes.set(name, [...dims]);
    return name;
  }

  private addInt64(name: string, dims: readonly number[], data: BigInt64Array): ValueName {
    this.assertNewValue(name);
    this.initializers.push({ name, dtype: 'int64', dims: [...dims], data });
    this.shapes.set(name, [...dims]);
    return name;
  }

  /** Appends a single-output node whose output value has the node's name. */
  private addNode(
    name: string,
    op: OpType,
    inputs: readonly ValueName[],
    outShape: readonly Dim[],
    attrs: Record<string, AttrValue> = {},
    floatAttrs?: string[],
  ): ValueName {
    if (this.finished) throw new Error(`graph ${this.name} already finished`);
    if (!OP_TYPES.includes(op)) throw new Error(`op ${op} is not in OP_TYPES (opset ${OPSET})`);
    for (const input of inputs) this.shapeOf(input);
    this.assertNewValue(name);
    this.nodes.push({ name, op, inputs: [...inputs], outputs: [name], attrs, ...(floatAttrs ? { floatAttrs } : {}) });
    this.shapes.set(name, [...outShape]);
    return name;
  }

  private assertNewValue(name: string): void {
    if (this.shapes.has(name)) throw new Error(`value name ${name} already used in graph ${this.name}`);
  }

  private requireRank(x: ValueName, rank: number, what: string): readonly Dim[] {
    const shape = this.shapeOf(x);
    if (shape.length !== rank) throw new Error(`${what}: expected rank ${rank}, got ${formatShape(shape)}`);
    return shape;
  }

  private requireNumber(dim: Dim | undefined, what: string): number {
    if (typeof dim !== 'number') throw new Error(`${what}: expected a fixed dimension, got ${String(dim)}`);
    return dim;
  }
}
