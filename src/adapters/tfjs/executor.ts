/**
 * Executes a graph IR ({@link Graph}, ONNX operators and semantics, opset 17) with TensorFlow.js ops,
 * on whichever TF.js backend is active when the executor is created.
 *
 * The graph is planned once ("compiled"): weights become tensors, convolution filters are re-laid out
 * for TF.js, and every value gets a static physical layout. Running is then a straight walk over the
 * planned steps, inside `tf.tidy`, freeing each intermediate after its last use.
 *
 * Layouts. ONNX image tensors are NCHW; TF.js convolutions only take NHWC (the CPU backend has no NCHW
 * kernels at all). Converting around every Conv would add two transposes per convolution, so the
 * executor instead tracks, per value, whether its 4-D tensor is held in ONNX order (`native`) or as
 * NHWC (`nhwc`, for values whose ONNX shape is [N, C, H, W]):
 *  - Conv reads NHWC and writes NHWC;
 *  - layout-agnostic ops (Relu, Clip, Sqrt, Erf, BatchNormalization, GlobalAveragePool, broadcasting
 *    Add/Sub/Mul/Div/Pow against operands of rank <= 4, ReduceMean, Softmax) stay in NHWC, with their
 *    axes and constant operands remapped;
 *  - Transpose folds the layout into its permutation (and may hand back NHWC for free);
 *  - order-sensitive ops (Reshape, Flatten, MatMul, Gemm) read ONNX order, converted on demand once
 *    per value and run. A conversion that moves only size-1 dimensions is a reshape, not a transpose.
 * The result is always returned in ONNX order, so the executor computes exactly the ONNX function.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Dim, Graph, GraphNode, Initializer } from '../../graph/ir.ts';
import { OP_TYPES } from '../../graph/ir.ts';

type Layout = 'native' | 'nhwc';

/** NCHW → NHWC and back, as `tf.transpose` permutations. */
const TO_NHWC = [0, 2, 3, 1] as const;
const TO_NATIVE = [0, 3, 1, 2] as const;
/** Where ONNX (NCHW) axis `a` of a 4-D value sits in its NHWC tensor. */
const NHWC_POSITION = [0, 3, 1, 2] as const;

interface Read {
  readonly name: string;
  readonly layout: Layout;
}

interface Step {
  readonly node: GraphNode;
  readonly reads: readonly Read[];
  readonly output: string;
  readonly outLayout: Layout;
  readonly exec: (inputs: readonly tf.Tensor[]) => tf.Tensor;
}

type Forms = { native?: tf.Tensor; nhwc?: tf.Tensor };

export class UnsupportedGraphError extends Error {
  override readonly name = 'UnsupportedGraphError';
}

/** The executor: created on the active backend, run many times, disposed once. */
export class TfjsGraphExecutor {
  readonly graph: Graph;
  readonly #steps: Step[];
  readonly #constants = new Map<string, Forms>();
  /** Every tensor the executor owns (weights, re-laid-out filters, constants in NHWC form). */
  readonly #owned: tf.Tensor[] = [];
  /** `#freeAfter[i]`: values whose last reader is step i. */
  readonly #freeAfter: string[][];
  #disposed = false;

  private constructor(graph: Graph) {
    this.graph = graph;
    const planner = new Planner(graph, this);
    this.#steps = graph.nodes.map((node) => planner.plan(node));
    // Materialise every constant operand in the layout its readers want, once.
    for (const step of this.#steps) {
      for (const read of step.reads) if (planner.isConstant(read.name)) this.constantForm(read.name, read.layout);
    }
    if (planner.isConstant(graph.output.name)) this.constantForm(graph.output.name, 'native');
    this.#freeAfter = this.#steps.map(() => []);
    const lastRead = new Map<string, number>();
    this.#steps.forEach((step, index) => {
      for (const read of step.reads) lastRead.set(read.name, index);
    });
    for (const [name, index] of lastRead) {
      if (name !== graph.output.name && !planner.isConstant(name)) this.#freeAfter[index]!.push(name);
    }
  }

  /** Plans the graph and creates its weight tensors on the active backend. */
  static compile(graph: Graph): TfjsGraphExecutor {
    const unknown = graph.nodes.filter((node) => !(OP_TYPES as readonly string[]).includes(node.op));
    if (unknown.length > 0) {
      throw new UnsupportedGraphError(`TF.js executor: unsupported ops ${[...new Set(unknown.map((n) => n.op))].join(', ')}`);
    }
    return new TfjsGraphExecutor(graph);
  }

  /** Number of tensors the executor holds between runs. */
  get numConstantTensors(): number {
    return this.#owned.length;
  }

  /** Keeps a tensor for the executor's lifetime (created during planning, outside any tidy). */
  own<T extends tf.Tensor>(tensor: T): T {
    this.#owned.push(tensor);
    return tensor;
  }

  /** A constant in the requested layout, created on first request. */
  constantForm(name: string, layout: Layout): tf.Tensor {
    let forms = this.#constants.get(name);
    if (forms === undefined) {
      const init = this.graph.initializers.find((i) => i.name === name);
      if (init === undefined) throw new Error(`TF.js executor: no initializer "${name}"`);
      forms = { native: this.own(initializerTensor(init)) };
      this.#constants.set(name, forms);
    }
    const existing = forms[layout];
    if (existing !== undefined) return existing;
    const native = forms.native!;
    const converted = this.own(tf.tidy(() => toNhwcOperand(native)));
    forms[layout] = converted;
    return converted;
  }

  /**
   * One inference. The input is in ONNX layout and stays owned by the caller; the returned tensor
   * (ONNX layout) is owned by the caller too. Every other tensor made during the run is freed.
   */
  run(input: tf.Tensor): tf.Tensor {
    if (this.#disposed) throw new Error('TF.js executor: run after dispose');
    this.#checkInput(input);
    return tf.tidy(() => {
      const live = new Map<string, Forms>();
      live.set(this.graph.input.name, { native: input });
      const get = (name: string, layout: Layout): tf.Tensor => {
        const constant = this.#constants.get(name);
        if (constant !== undefined) {
          const form = constant[layout];
          if (form !== undefined) return form;
        }
        const forms = live.get(name);
        if (forms === undefined) throw new Error(`TF.js executor: value "${name}" is not computed yet (graph not in topological order?)`);
        const have = forms[layout];
        if (have !== undefined) return have;
        const converted = layout === 'nhwc' ? toNhwcOperand(forms.native!) : toNative(forms.nhwc!);
        forms[layout] = converted;
        return converted;
      };
      for (let index = 0; index < this.#steps.length; index++) {
        const step = this.#steps[index]!;
        const inputs = step.reads.map((read) => get(read.name, read.layout));
        let output = step.exec(inputs);
        // A step must hand back a tensor of its own: freeing its inputs must not free its output.
        if (inputs.includes(output)) output = tf.clone(output);
        live.set(step.output, { [step.outLayout]: output });
        for (const name of this.#freeAfter[index]!) {
          const forms = live.get(name);
          if (forms === undefined) continue;
          live.delete(name);
          for (const tensor of [forms.native, forms.nhwc]) {
            if (tensor !== undefined && tensor !== input) tensor.dispose();
          }
        }
      }
      const result = get(this.graph.output.name, 'native');
      return result === input || this.#owned.includes(result) ? tf.clone(result) : result;
    });
  }

  #checkInput(input: tf.Tensor): void {
    const expected = this.graph.input.shape;
    const ok =
      input.rank === expected.length && expected.every((dim, i) => dim === 'N' || dim === input.shape[i]);
    if (!ok) {
      throw new Error(`TF.js executor: input shape [${input.shape.join(', ')}] does not match [${expected.join(', ')}]`);
    }
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const tensor of this.#owned) tensor.dispose();
    this.#owned.length = 0;
    this.#constants.clear();
  }
}

function initializerTensor(init: Initializer): tf.Tensor {
  if (init.dtype === 'float32') return tf.tensor(init.data, [...init.dims], 'float32');
  // int64 constants are only shape operands (read on the host); int32 holds them if a kernel needs one.
  return tf.tensor(Int32Array.from(init.data, (v) => Number(v)), [...init.dims], 'int32');
}

// ---------------------------------------------------------------------------------------------------
// Layout conversions

/**
 * `tf.transpose(t, perm)`, or a reshape when the permutation only moves size-1 dimensions (the data
 * order is then unchanged).
 */
function permute(t: tf.Tensor, perm: readonly number[]): tf.Tensor {
  const shape = perm.map((p) => t.shape[p]!);
  let last = -1;
  let onlyUnitMoves = true;
  for (const p of perm) {
    if (t.shape[p] === 1) continue;
    if (p < last) {
      onlyUnitMoves = false;
      break;
    }
    last = p;
  }
  if (perm.every((p, i) => p === i)) return tf.clone(t);
  return onlyUnitMoves ? tf.reshape(t, shape) : tf.transpose(t, [...perm]);
}

/**
 * ONNX order → NHWC. A value of rank < 4 is a broadcasting operand of a 4-D NHWC value: it is padded
 * to rank 4 with leading 1s (what ONNX broadcasting does) before the permutation.
 */
function toNhwcOperand(t: tf.Tensor): tf.Tensor {
  if (t.rank > 4) throw new Error(`TF.js executor: cannot lay out a rank-${t.rank} tensor as NHWC`);
  const padded = t.rank < 4 ? tf.reshape(t, [...new Array<number>(4 - t.rank).fill(1), ...t.shape]) : t;
  return permute(padded, TO_NHWC);
}

function toNative(t: tf.Tensor): tf.Tensor {
  return permute(t, TO_NATIVE);
}

// ---------------------------------------------------------------------------------------------------
// Planning

class Planner {
  readonly #graph: Graph;
  readonly #executor: TfjsGraphExecutor;
  readonly #initializers: Map<string, Initializer>;
  readonly #layout = new Map<string, Layout>();
  readonly #rank = new Map<string, number>();

  constructor(graph: Graph, executor: TfjsGraphExecutor) {
    this.#graph = graph;
    this.#executor = executor;
    this.#initializers = new Map(graph.initializers.map((init) => [init.name, init]));
    this.#layout.set(graph.input.name, 'native');
    this.#rank.set(graph.input.name, graph.input.shape.length);
    for (const init of graph.initializers) {
      this.#layout.set(init.name, 'native');
      this.#rank.set(init.name, init.dims.length);
    }
  }

  isConstant(name: string): boolean {
    return this.#initializers.has(name);
  }

  plan(node: GraphNode): Step {
    for (const name of node.inputs) {
      if (name !== '' && !this.#layout.has(name)) {
        throw new UnsupportedGraphError(`TF.js executor: node "${node.name}" reads "${name}" before it is defined`);
      }
    }
    if (node.outputs.length !== 1) {
      throw new UnsupportedGraphError(`TF.js executor: node "${node.name}" (${node.op}) must have exactly one output`);
    }
    const step = this.#planOp(node);
    this.#layout.set(step.output, step.outLayout);
    const rank = this.#inferRank(node);
    if (rank !== undefined) this.#rank.set(step.output, rank);
    return step;
  }

  // -- value facts -----------------------------------------------------------------------------------

  #layoutOf(name: string): Layout {
    return this.#layout.get(name) ?? 'native';
  }

  /** Rank from the builder's shapes, else from propagation; `undefined` when neither knows. */
  #rankOf(name: string): number | undefined {
    return this.#graph.shapes[name]?.length ?? this.#rank.get(name);
  }

  #shapeOf(name: string): readonly Dim[] | undefined {
    if (name === this.#graph.input.name) return this.#graph.input.shape;
    return this.#graph.shapes[name] ?? this.#initializers.get(name)?.dims;
  }

  #floatConstant(node: GraphNode, name: string | undefined, what: string): { data: Float32Array; dims: readonly number[] } {
    const init = name === undefined || name === '' ? undefined : this.#initializers.get(name);
    if (init === undefined || init.dtype !== 'float32') {
      throw new UnsupportedGraphError(`TF.js executor: ${node.op} "${node.name}" needs ${what} as a float32 initializer`);
    }
    return init;
  }

  #intConstant(node: GraphNode, name: string | undefined, what: string): number[] {
    const init = name === undefined || name === '' ? undefined : this.#initializers.get(name);
    if (init === undefined) {
      throw new UnsupportedGraphError(`TF.js executor: ${node.op} "${node.name}" needs ${what} as an initializer`);
    }
    return Array.from(init.data as ArrayLike<number | bigint>, (v) => Number(v));
  }

  /** A scalar (one-element) float constant, or `undefined` when the operand is absent or not constant. */
  #scalarConstant(name: string | undefined): number | undefined {
    if (name === undefined || name === '') return undefined;
    const init = this.#initializers.get(name);
    if (init === undefined || init.dtype !== 'float32' || init.data.length !== 1) return undefined;
    return init.data[0];
  }

  #inferRank(node: GraphNode): number | undefined {
    const r = (i: number): number | undefined => {
      const name = node.inputs[i];
      return name === undefined || name === '' ? undefined : this.#rankOf(name);
    };
    switch (node.op) {
      case 'Conv':
        return 4;
      case 'Gemm':
      case 'Flatten':
        return 2;
      case 'Add':
      case 'Sub':
      case 'Mul':
      case 'Div':
      case 'Pow': {
        const a = r(0);
        const b = r(1);
        return a === undefined || b === undefined ? undefined : Math.max(a, b);
      }
      case 'MatMul': {
        const a = r(0);
        const b = r(1);
        if (a === undefined || b === undefined) return undefined;
        return Math.max(a, b) - (a === 1 ? 1 : 0) - (b === 1 ? 1 : 0);
      }
      case 'Reshape': {
        const shapeName = node.inputs[1];
        const init = shapeName === undefined ? undefined : this.#initializers.get(shapeName);
        return init?.data.length;
      }
      case 'ReduceMean': {
        const a = r(0);
        if (a === undefined) return undefined;
        if (intAttr(node, 'keepdims', 1) === 1) return a;
        const axes = intsAttr(node, 'axes');
        return axes === undefined ? 0 : a - new Set(axes.map((x) => (x < 0 ? x + a : x))).size;
      }
      default:
        return r(0);
    }
  }

  // -- ops -------------------------------------------------------------------------------------------

  #planOp(node: GraphNode): Step {
    switch (node.op) {
      case 'Conv':
        return this.#conv(node);
      case 'BatchNormalization':
        return this.#batchNorm(node);
      case 'Relu':
        return this.#unary(node, (x) => tf.relu(x));
      case 'Sqrt':
        return this.#unary(node, (x) => tf.sqrt(x));
      case 'Erf':
        return this.#unary(node, (x) => tf.erf(x));
      case 'Clip':
        return this.#clip(node);
      case 'Add':
        return this.#binary(node, (a, b) => tf.add(a, b));
      case 'Sub':
        return this.#binary(node, (a, b) => tf.sub(a, b));
      case 'Mul':
        return this.#binary(node, (a, b) => tf.mul(a, b));
      case 'Div':
        return this.#binary(node, (a, b) => tf.div(a, b));
      case 'Pow':
        return this.#pow(node);
      case 'ReduceMean':
        return this.#reduceMean(node);
      case 'MatMul':
        return this.#step(node, ['native', 'native'], 'native', ([a, b]) => onnxMatMul(a!, b!));
      case 'Gemm':
        return this.#gemm(node);
      case 'Transpose':
        return this.#transpose(node);
      case 'Reshape':
        return this.#reshape(node);
      case 'Softmax':
        return this.#softmax(node);
      case 'GlobalAveragePool':
        return this.#globalAveragePool(node);
      case 'Flatten':
        return this.#flatten(node);
    }
  }

  /** A step reading the first inputs of `node` in the given layouts. */
  #step(
    node: GraphNode,
    layouts: readonly Layout[],
    outLayout: Layout,
    exec: (inputs: readonly tf.Tensor[]) => tf.Tensor,
  ): Step {
    const reads = layouts.map((layout, i) => {
      const name = node.inputs[i];
      if (name === undefined || name === '') throw new UnsupportedGraphError(`TF.js executor: ${node.op} "${node.name}" lacks input ${i}`);
      return { name, layout };
    });
    return { node, reads, output: node.outputs[0]!, outLayout, exec };
  }

  #unary(node: GraphNode, fn: (x: tf.Tensor) => tf.Tensor): Step {
    const layout = this.#layoutOf(node.inputs[0]!);
    return this.#step(node, [layout], layout, ([x]) => fn(x!));
  }

  /**
   * Elementwise ops with ONNX (numpy) broadcasting. When an operand is held as NHWC and every operand
   * has rank <= 4, the op runs in NHWC (lower-rank operands padded and permuted to match).
   */
  #binaryLayout(names: readonly string[]): Layout {
    const anyNhwc = names.some((name) => this.#layoutOf(name) === 'nhwc');
    const ranksFit = names.every((name) => {
      const rank = this.#rankOf(name);
      return rank !== undefined && rank <= 4;
    });
    return anyNhwc && ranksFit ? 'nhwc' : 'native';
  }

  #binary(node: GraphNode, fn: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor): Step {
    const layout = this.#binaryLayout(node.inputs.slice(0, 2));
    return this.#step(node, [layout, layout], layout, ([a, b]) => fn(a!, b!));
  }

  #pow(node: GraphNode): Step {
    const exponent = this.#scalarConstant(node.inputs[1]);
    const base = node.inputs[0]!;
    const exponentRank = this.#rankOf(node.inputs[1]!) ?? Infinity;
    // A scalar constant exponent that does not raise the rank: exact cheaper forms of x^e.
    if (exponent !== undefined && exponentRank <= (this.#rankOf(base) ?? -1)) {
      const layout = this.#layoutOf(base);
      if (exponent === 2) return this.#step(node, [layout], layout, ([x]) => tf.square(x!));
      if (exponent === 1) return this.#step(node, [layout], layout, ([x]) => tf.clone(x!));
      if (exponent === 0.5) return this.#step(node, [layout], layout, ([x]) => tf.sqrt(x!));
    }
    return this.#binary(node, (a, b) => tf.pow(a, b));
  }

  #clip(node: GraphNode): Step {
    // Opset >= 11: min and max are optional inputs (absent or ''); opset 6 attributes accepted too.
    const [x, minName, maxName] = node.inputs;
    const layout = this.#layoutOf(x!);
    const bound = (name: string | undefined, attr: string, fallback: number): number | string => {
      if (name === undefined || name === '') return floatAttr(node, attr, fallback);
      const value = this.#scalarConstant(name);
      return value ?? name;
    };
    const lo = bound(minName, 'min', -Infinity);
    const hi = bound(maxName, 'max', Infinity);
    if (typeof lo === 'number' && typeof hi === 'number') {
      if (lo === 0 && hi === 6) return this.#step(node, [layout], layout, ([t]) => tf.relu6(t!));
      if (lo > hi) return this.#step(node, [layout], layout, ([t]) => tf.fill(t!.shape, hi));
      return this.#step(node, [layout], layout, ([t]) => tf.clipByValue(t!, lo, hi));
    }
    // Non-constant bounds: max(min(x, hi), lo), as ONNX defines it.
    const reads: Read[] = [{ name: x!, layout }];
    const loIndex = typeof lo === 'string' ? reads.push({ name: lo, layout: 'native' }) - 1 : -1;
    const hiIndex = typeof hi === 'string' ? reads.push({ name: hi, layout: 'native' }) - 1 : -1;
    return {
      node,
      reads,
      output: node.outputs[0]!,
      outLayout: layout,
      exec: (inputs) => {
        let out = inputs[0]!;
        if (hiIndex >= 0) out = tf.minimum(out, inputs[hiIndex]!);
        else if (typeof hi === 'number' && hi !== Infinity) out = tf.minimum(out, hi);
        if (loIndex >= 0) out = tf.maximum(out, inputs[loIndex]!);
        else if (typeof lo === 'number' && lo !== -Infinity) out = tf.maximum(out, lo);
        return out;
      },
    };
  }

  #conv(node: GraphNode): Step {
    const [xName, wName, bName] = node.inputs;
    const weight = this.#floatConstant(node, wName, 'the weight W');
    if (weight.dims.length !== 4) {
      throw new UnsupportedGraphError(`TF.js executor: Conv "${node.name}" is ${weight.dims.length - 2}-D; only 2-D convolutions are supported`);
    }
    const [outChannels, groupChannels, kh, kw] = weight.dims as [number, number, number, number];
    const group = intAttr(node, 'group', 1);
    const strides = (intsAttr(node, 'strides') ?? [1, 1]) as [number, number];
    const dilations = (intsAttr(node, 'dilations') ?? [1, 1]) as [number, number];
    if (strides.length !== 2 || dilations.length !== 2) throw new UnsupportedGraphError(`Conv "${node.name}": bad strides/dilations`);
    if ((strides[0] > 1 || strides[1] > 1) && (dilations[0] > 1 || dilations[1] > 1)) {
      throw new UnsupportedGraphError(`TF.js executor: Conv "${node.name}" has both strides and dilations > 1, which TF.js cannot run`);
    }
    const kernelShape = intsAttr(node, 'kernel_shape');
    if (kernelShape !== undefined && (kernelShape[0] !== kh || kernelShape[1] !== kw)) {
      throw new UnsupportedGraphError(`TF.js executor: Conv "${node.name}" kernel_shape disagrees with W`);
    }
    const [top, left, bottom, right] = this.#convPads(node, xName!, [kh, kw], strides, dilations) as [number, number, number, number];
    const pad: number | tf.backend_util.ExplicitPadding =
      top === bottom && left === right && top === left
        ? top
        : [
            [0, 0],
            [top, bottom],
            [left, right],
            [0, 0],
          ];
    const inChannels = groupChannels * group;
    if (outChannels % group !== 0) throw new UnsupportedGraphError(`Conv "${node.name}": M not divisible by group`);
    const bias =
      bName === undefined || bName === '' ? undefined : this.#floatConstant(node, bName, 'the bias B').data;

    const own = <T extends tf.Tensor>(t: T): T => this.#executor.own(t);
    let exec: (x: tf.Tensor4D) => tf.Tensor;
    if (group === 1) {
      const filter = own(tf.tensor4d(convFilter(weight.data, inChannels, kh, kw, 0, outChannels), [kh, kw, inChannels, outChannels]));
      const biasTensor = bias === undefined ? undefined : own(tf.tensor1d(bias));
      exec = (x) => conv2d(x, filter, strides, pad, dilations, biasTensor);
    } else if (groupChannels === 1 && group === inChannels) {
      // Depthwise: output channel o = c * multiplier + m reads input channel c.
      const multiplier = outChannels / group;
      const filter = own(tf.tensor4d(depthwiseFilter(weight.data, inChannels, multiplier, kh, kw), [kh, kw, inChannels, multiplier]));
      const biasTensor = bias === undefined ? undefined : own(tf.tensor1d(bias));
      exec = (x) =>
        tf.fused.depthwiseConv2d({
          x,
          filter,
          strides,
          // Fused depthwise accepts explicit padding at run time (computeConv2DInfo), its typing lags.
          pad: pad as number,
          dilations,
          bias: biasTensor,
        });
    } else {
      // General grouped convolution: split channels, convolve each group, concatenate.
      const perGroup = outChannels / group;
      const filters: tf.Tensor4D[] = [];
      const biases: (tf.Tensor1D | undefined)[] = [];
      for (let g = 0; g < group; g++) {
        filters.push(own(tf.tensor4d(convFilter(weight.data, groupChannels, kh, kw, g * perGroup, perGroup), [kh, kw, groupChannels, perGroup])));
        biases.push(bias === undefined ? undefined : own(tf.tensor1d(bias.slice(g * perGroup, (g + 1) * perGroup))));
      }
      exec = (x) => {
        const parts = tf.split(x, group, 3);
        const outs = parts.map((part, g) => conv2d(part as tf.Tensor4D, filters[g]!, strides, pad, dilations, biases[g]));
        return tf.concat(outs, 3);
      };
    }
    return this.#step(node, ['nhwc'], 'nhwc', ([x]) => {
      if (x!.rank !== 4) throw new Error(`Conv "${node.name}": input must be 4-D`);
      return exec(x as tf.Tensor4D);
    });
  }

  /** ONNX pads as [top, left, bottom, right], from `pads` or `auto_pad`. */
  #convPads(node: GraphNode, xName: string, kernel: [number, number], strides: [number, number], dilations: [number, number]): number[] {
    const autoPad = stringAttr(node, 'auto_pad', 'NOTSET');
    if (autoPad === 'NOTSET') {
      const pads = intsAttr(node, 'pads') ?? [0, 0, 0, 0];
      if (pads.length !== 4) throw new UnsupportedGraphError(`Conv "${node.name}": pads must have 4 entries`);
      return [...pads];
    }
    if (autoPad === 'VALID') return [0, 0, 0, 0];
    if (autoPad !== 'SAME_UPPER' && autoPad !== 'SAME_LOWER') throw new UnsupportedGraphError(`Conv "${node.name}": auto_pad ${autoPad}`);
    const shape = this.#shapeOf(xName);
    const spatial = [shape?.[2], shape?.[3]];
    if (!spatial.every((d): d is number => typeof d === 'number')) {
      throw new UnsupportedGraphError(`Conv "${node.name}": auto_pad ${autoPad} needs the input's spatial size in graph.shapes`);
    }
    const begin: number[] = [];
    const end: number[] = [];
    spatial.forEach((size, i) => {
      const stride = strides[i]!;
      const total = Math.max(0, (Math.ceil(size / stride) - 1) * stride + (kernel[i]! - 1) * dilations[i]! + 1 - size);
      const small = Math.floor(total / 2);
      begin.push(autoPad === 'SAME_UPPER' ? small : total - small);
      end.push(autoPad === 'SAME_UPPER' ? total - small : small);
    });
    return [begin[0]!, begin[1]!, end[0]!, end[1]!];
  }

  #batchNorm(node: GraphNode): Step {
    const [xName, scaleName, biasName, meanName, varName] = node.inputs;
    if (intAttr(node, 'training_mode', 0) !== 0) throw new UnsupportedGraphError(`BatchNormalization "${node.name}": training_mode`);
    const epsilon = floatAttr(node, 'epsilon', 1e-5);
    const scale = this.#floatConstant(node, scaleName, 'scale').data;
    const bias = this.#floatConstant(node, biasName, 'B').data;
    const mean = this.#floatConstant(node, meanName, 'input_mean').data;
    const variance = this.#floatConstant(node, varName, 'input_var').data;
    const channels = scale.length;
    const layout = this.#layoutOf(xName!);
    const rank = this.#rankOf(xName!);
    const own = <T extends tf.Tensor>(t: T): T => this.#executor.own(t);
    if (layout === 'nhwc' || rank === 2) {
      // Channels last: TF.js's own batch-norm kernel, the same arithmetic as ONNX.
      const m = own(tf.tensor1d(mean));
      const v = own(tf.tensor1d(variance));
      const s = own(tf.tensor1d(scale));
      const b = own(tf.tensor1d(bias));
      return this.#step(node, [layout], layout, ([x]) => tf.batchNorm(x!, m, v, b, s, epsilon));
    }
    if (rank === undefined || rank < 2) throw new UnsupportedGraphError(`BatchNormalization "${node.name}": input rank unknown`);
    // Channels at axis 1 of a rank > 2 tensor: y = x * a + c with a = scale / sqrt(var + eps).
    const a = new Float32Array(channels);
    const c = new Float32Array(channels);
    for (let i = 0; i < channels; i++) {
      const factor = scale[i]! / Math.sqrt(variance[i]! + epsilon);
      a[i] = factor;
      c[i] = bias[i]! - mean[i]! * factor;
    }
    const shape = [channels, ...new Array<number>(rank - 2).fill(1)];
    const at = own(tf.tensor(a, shape));
    const ct = own(tf.tensor(c, shape));
    return this.#step(node, ['native'], 'native', ([x]) => tf.add(tf.mul(x!, at), ct));
  }

  #reduceMean(node: GraphNode): Step {
    const xName = node.inputs[0]!;
    const keepDims = intAttr(node, 'keepdims', 1) === 1;
    // Opset 17 carries axes as an attribute; opset 18's axes input is accepted when constant.
    const axesInput = node.inputs[1];
    const axes = axesInput !== undefined && axesInput !== '' ? this.#intConstant(node, axesInput, 'axes') : intsAttr(node, 'axes');
    const rank = this.#rankOf(xName);
    if (axes !== undefined && axes.length === 0 && intAttr(node, 'noop_with_empty_axes', 0) === 1) {
      const layout = this.#layoutOf(xName);
      return this.#step(node, [layout], layout, ([x]) => tf.clone(x!));
    }
    if (rank === undefined) {
      return this.#step(node, ['native'], 'native', ([x]) => tf.mean(x!, axes === undefined || axes.length === 0 ? undefined : [...axes], keepDims));
    }
    const all = Array.from({ length: rank }, (_, i) => i);
    const native = axes === undefined || axes.length === 0 ? all : [...new Set(axes.map((a) => (a < 0 ? a + rank : a)))];
    if (this.#layoutOf(xName) === 'nhwc' && rank === 4) {
      const physical: number[] = native.map((a) => NHWC_POSITION[a]!);
      if (keepDims) return this.#step(node, ['nhwc'], 'nhwc', ([x]) => tf.mean(x!, physical, true));
      // Without keepdims the result is in ONNX order iff the kept dimensions keep their ONNX order.
      const kept = [0, 1, 2, 3].filter((p) => !physical.includes(p)).map((p) => TO_NHWC[p]!);
      if (kept.every((d, i) => i === 0 || kept[i - 1]! < d)) {
        return this.#step(node, ['nhwc'], 'native', ([x]) => tf.mean(x!, physical, false));
      }
    }
    return this.#step(node, ['native'], 'native', ([x]) => tf.mean(x!, native, keepDims));
  }

  #gemm(node: GraphNode): Step {
    const [aName, bName, cName] = node.inputs;
    const transA = intAttr(node, 'transA', 0) === 1;
    const transB = intAttr(node, 'transB', 0) === 1;
    const alpha = floatAttr(node, 'alpha', 1);
    const beta = floatAttr(node, 'beta', 1);
    const hasC = cName !== undefined && cName !== '' && beta !== 0;
    const constantC = hasC ? this.#initializers.get(cName) : undefined;
    const own = <T extends tf.Tensor>(t: T): T => this.#executor.own(t);
    // tfjs-backend-wasm 4.22 adds the bias of a fused transposeB matmul at the wrong stride when
    // M > 1 (bias[2j] for column j at M = 2): there, the bias is a separate Add.
    const canFuseBias = !(transB && tf.getBackend() === 'wasm');
    const matmul = (a: tf.Tensor, b: tf.Tensor, bias?: tf.Tensor): tf.Tensor => {
      if (alpha === 1 && bias !== undefined && canFuseBias) {
        return tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, transposeA: transA, transposeB: transB, bias });
      }
      const product = tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, transA, transB);
      const scaled = alpha === 1 ? product : tf.mul(product, alpha);
      return bias === undefined ? scaled : tf.add(scaled, bias);
    };
    if (!hasC) return this.#step(node, ['native', 'native'], 'native', ([a, b]) => matmul(a!, b!));
    if (constantC !== undefined && constantC.dtype === 'float32') {
      const scaled = beta === 1 ? constantC.data : constantC.data.map((v) => v * beta);
      // TF.js fuses a rank-1 bias of length N into the matmul (XNNPACK's fully-connected bias on wasm).
      const n = this.#gemmColumns(node, bName!, transB);
      const rankOneBias =
        n !== undefined && constantC.data.length === n && (constantC.dims.length === 1 || (constantC.dims.length === 2 && constantC.dims[0] === 1));
      if (alpha === 1 && rankOneBias) {
        const bias = own(tf.tensor1d(scaled));
        return this.#step(node, ['native', 'native'], 'native', ([a, b]) => matmul(a!, b!, bias));
      }
      const c = own(tf.tensor(scaled, [...constantC.dims]));
      return this.#step(node, ['native', 'native'], 'native', ([a, b]) => tf.add(matmul(a!, b!), c));
    }
    return this.#step(node, ['native', 'native', 'native'], 'native', ([a, b, c]) =>
      tf.add(matmul(a!, b!), beta === 1 ? c! : tf.mul(c!, beta)),
    );
  }

  /** Gemm's N (columns of the output), from the output's recorded shape or a constant B. */
  #gemmColumns(node: GraphNode, bName: string, transB: boolean): number | undefined {
    const recorded = this.#graph.shapes[node.outputs[0]!]?.[1];
    if (typeof recorded === 'number') return recorded;
    const b = this.#initializers.get(bName);
    return b === undefined ? undefined : b.dims[transB ? 0 : 1];
  }

  #transpose(node: GraphNode): Step {
    const xName = node.inputs[0]!;
    const rank = this.#rankOf(xName);
    const given = intsAttr(node, 'perm');
    if (given === undefined && rank === undefined) {
      return this.#step(node, ['native'], 'native', ([x]) => tf.transpose(x!));
    }
    const perm = given ?? Array.from({ length: rank! }, (_, i) => rank! - 1 - i);
    const inLayout = this.#layoutOf(xName);
    // Permutation applied to the physical tensor to get the ONNX-order result.
    const physical = inLayout === 'nhwc' ? perm.map((p) => TO_NATIVE[p]!) : [...perm];
    if (physical.length === 4) {
      // The same result held as NHWC instead: often a no-op (e.g. NHWC → "NCHW" after a Transpose).
      const asNhwc = TO_NHWC.map((p) => physical[p]!);
      if (asNhwc.every((p, i) => p === i)) return this.#step(node, [inLayout], 'nhwc', ([x]) => tf.clone(x!));
    }
    return this.#step(node, [inLayout], 'native', ([x]) => permute(x!, physical));
  }

  #reshape(node: GraphNode): Step {
    if (intAttr(node, 'allowzero', 0) !== 0) throw new UnsupportedGraphError(`Reshape "${node.name}": allowzero=1`);
    const target = this.#intConstant(node, node.inputs[1], 'the shape');
    return this.#step(node, ['native'], 'native', ([x]) => tf.reshape(x!, onnxReshapeTarget(x!.shape, target)));
  }

  #flatten(node: GraphNode): Step {
    const axisAttr = intAttr(node, 'axis', 1);
    return this.#step(node, ['native'], 'native', ([x]) => {
      const axis = axisAttr < 0 ? axisAttr + x!.rank : axisAttr;
      const outer = x!.shape.slice(0, axis).reduce((p, d) => p * d, 1);
      const inner = x!.shape.slice(axis).reduce((p, d) => p * d, 1);
      return tf.reshape(x!, [outer, inner]);
    });
  }

  #softmax(node: GraphNode): Step {
    const xName = node.inputs[0]!;
    const axisAttr = intAttr(node, 'axis', -1);
    const rank = this.#rankOf(xName);
    const layout = rank === 4 ? this.#layoutOf(xName) : 'native';
    return this.#step(node, [layout], layout, ([x]) => {
      const r = x!.rank;
      let axis = axisAttr < 0 ? axisAttr + r : axisAttr;
      if (layout === 'nhwc') axis = NHWC_POSITION[axis]!;
      if (axis === r - 1) return tf.softmax(x!);
      // Softmax (opset 13) over one axis: move it last, normalise, move it back.
      const perm = Array.from({ length: r }, (_, i) => i);
      perm[axis] = r - 1;
      perm[r - 1] = axis;
      return tf.transpose(tf.softmax(tf.transpose(x!, perm)), perm);
    });
  }

  #globalAveragePool(node: GraphNode): Step {
    const xName = node.inputs[0]!;
    if (this.#layoutOf(xName) === 'nhwc') return this.#step(node, ['nhwc'], 'nhwc', ([x]) => tf.mean(x!, [1, 2], true));
    return this.#step(node, ['native'], 'native', ([x]) => {
      const spatial = Array.from({ length: x!.rank - 2 }, (_, i) => i + 2);
      return tf.mean(x!, spatial, true);
    });
  }
}

// ---------------------------------------------------------------------------------------------------
// Kernels built from TF.js ops

function conv2d(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  strides: [number, number],
  pad: number | tf.backend_util.ExplicitPadding,
  dilations: [number, number],
  bias: tf.Tensor1D | undefined,
): tf.Tensor4D {
  if (bias === undefined) return tf.conv2d(x, filter, strides, pad, 'NHWC', dilations);
  return tf.fused.conv2d({ x, filter, strides, pad, dataFormat: 'NHWC', dilations, bias });
}

/** ONNX W[M, C, kh, kw] (output channels [first, first + count)) → TF.js filter [kh, kw, C, count]. */
function convFilter(w: Float32Array, inChannels: number, kh: number, kw: number, first: number, count: number): Float32Array {
  const out = new Float32Array(kh * kw * inChannels * count);
  for (let m = 0; m < count; m++) {
    for (let c = 0; c < inChannels; c++) {
      for (let y = 0; y < kh; y++) {
        for (let x = 0; x < kw; x++) {
          out[((y * kw + x) * inChannels + c) * count + m] = w[(((first + m) * inChannels + c) * kh + y) * kw + x]!;
        }
      }
    }
  }
  return out;
}

/** ONNX depthwise W[C * mult, 1, kh, kw] → TF.js depthwise filter [kh, kw, C, mult]. */
function depthwiseFilter(w: Float32Array, channels: number, multiplier: number, kh: number, kw: number): Float32Array {
  const out = new Float32Array(kh * kw * channels * multiplier);
  for (let c = 0; c < channels; c++) {
    for (let m = 0; m < multiplier; m++) {
      for (let y = 0; y < kh; y++) {
        for (let x = 0; x < kw; x++) {
          out[((y * kw + x) * channels + c) * multiplier + m] = w[((c * multiplier + m) * kh + y) * kw + x]!;
        }
      }
    }
  }
  return out;
}

/**
 * ONNX MatMul (numpy matmul): 1-D operands are promoted and the added axis removed again; batch
 * dimensions broadcast.
 */
export function onnxMatMul(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  if (a.rank === 0 || b.rank === 0) throw new Error('MatMul: scalar operands are not allowed');
  const aVector = a.rank === 1;
  const bVector = b.rank === 1;
  const a2 = aVector ? tf.reshape(a, [1, a.shape[0]!]) : a;
  const b2 = bVector ? tf.reshape(b, [b.shape[0]!, 1]) : b;
  const m = a2.shape[a2.rank - 2]!;
  const k = a2.shape[a2.rank - 1]!;
  const n = b2.shape[b2.rank - 1]!;
  if (b2.shape[b2.rank - 2] !== k) throw new Error(`MatMul: inner dimensions differ ([${a.shape}] x [${b.shape}])`);
  const aBatch = a2.shape.slice(0, -2);
  const bBatch = b2.shape.slice(0, -2);
  let out: tf.Tensor;
  if (b2.rank === 2) {
    // [..., M, K] x [K, N]: one 2-D product over all rows.
    const rows = tf.reshape(a2, [-1, k]) as tf.Tensor2D;
    out = tf.reshape(tf.matMul(rows, b2 as tf.Tensor2D), [...aBatch, m, n]);
  } else {
    const batch = broadcastBatch(aBatch, bBatch);
    const size = (s: readonly number[]): number => s.reduce((p, d) => p * d, 1);
    const total = size(batch);
    // TF.js batches by index modulo each side's batch size: exact when a side is all-ones or full.
    const fits = (s: readonly number[]): boolean => size(s) === 1 || (size(s) === total && sameTail(s, batch));
    const side = (t: tf.Tensor, s: readonly number[], rowsCols: [number, number]): tf.Tensor3D =>
      (fits(s) ? tf.reshape(t, [size(s), ...rowsCols]) : tf.reshape(tf.broadcastTo(t, [...batch, ...rowsCols]), [total, ...rowsCols])) as tf.Tensor3D;
    const product = tf.matMul(side(a2, aBatch, [m, k]), side(b2, bBatch, [k, n]));
    out = tf.reshape(product, [...batch, m, n]);
  }
  if (aVector && bVector) return tf.reshape(out, out.shape.slice(0, -2));
  if (aVector) return tf.reshape(out, [...out.shape.slice(0, -2), n]);
  if (bVector) return tf.reshape(out, [...out.shape.slice(0, -2), m]);
  return out;
}

function broadcastBatch(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new Error(`MatMul: batch dimensions [${a}] and [${b}] do not broadcast`);
    out.push(Math.max(da, db));
  }
  return out;
}

/** `s`, padded with leading 1s, equals `full`. */
function sameTail(s: readonly number[], full: readonly number[]): boolean {
  const padded = [...new Array<number>(full.length - s.length).fill(1), ...s];
  return padded.every((d, i) => d === full[i]);
}

/** ONNX Reshape target (allowzero = 0): 0 copies the input dimension, one -1 is inferred. */
export function onnxReshapeTarget(input: readonly number[], target: readonly number[]): number[] {
  const out = target.map((d, i) => {
    if (d !== 0) return d;
    const copied = input[i];
    if (copied === undefined) throw new Error(`Reshape: 0 at index ${i} but the input has rank ${input.length}`);
    return copied;
  });
  const inferred = out.indexOf(-1);
  if (inferred >= 0) {
    const total = input.reduce((p, d) => p * d, 1);
    const known = out.reduce((p, d, i) => (i === inferred ? p : p * d), 1);
    out[inferred] = known === 0 ? 0 : total / known;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Attributes

function intAttr(node: GraphNode, name: string, fallback: number): number {
  const value = node.attrs[name];
  return typeof value === 'number' ? value : fallback;
}

function floatAttr(node: GraphNode, name: string, fallback: number): number {
  const value = node.attrs[name];
  return typeof value === 'number' ? value : fallback;
}

function intsAttr(node: GraphNode, name: string): readonly number[] | undefined {
  const value = node.attrs[name];
  if (value === undefined) return undefined;
  if (typeof value === 'number') return [value];
  if (typeof value === 'string') throw new UnsupportedGraphError(`${node.op} "${node.name}": attribute ${name} is a string`);
  return value;
}

function stringAttr(node: GraphNode, name: string, fallback: string): string {
  const value = node.attrs[name];
  return typeof value === 'string' ? value : fallback;
}
