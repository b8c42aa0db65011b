/**
 * The TF.js executor computes the ONNX function: each op (hand-built graphs exercising attributes and
 * layouts) and every fixture are checked against onnxruntime-node with optimisations off, on the CPU
 * and WebAssembly backends (WebGPU: adapter-tfjs-webgpu.test.ts). Also: no tensor leaks, and the
 * availability of the optional backends.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { ARCHETYPE_IDS, BLOCK_IDS, buildModel } from '../fixtures/index.ts';
import type { Dim, Graph, GraphNode, Initializer } from '../src/graph/ir.ts';
import { toOnnx } from '../src/graph/onnx.ts';
import { SeededRandom } from '../src/graph/random.ts';
import { UnavailableForModelError } from '../src/adapters/types.ts';
import { createTfjsAdapter, TfjsAdapter, TFJS_ADAPTER_IDS } from '../src/adapters/tfjs/adapter.ts';
import { activateBackend, disposeBackend, type TfjsBackendKind } from '../src/adapters/tfjs/backends.ts';
import { probeWebGpu } from '../src/adapters/webgpu-device.ts';
import { TfjsGraphExecutor, UnsupportedGraphError } from '../src/adapters/tfjs/executor.ts';
import type { ModelArtifact } from '../src/adapters/types.ts';
import { relativeL2 } from '../src/harness/compare.ts';

const BATCH = 2;
/** Relative L2 error allowed against onnxruntime-node: float32 CPU kernels, and GPU shaders. */
const TOLERANCE: Readonly<Record<TfjsBackendKind, number>> = { cpu: 1e-4, wasm: 1e-4, webgpu: 1e-3, node: 1e-4, 'node-gpu': 1e-3 };

// WebGPU runs where Dawn finds an adapter (a GPU, or lavapipe on CPU-only hosts: docs/webgpu.md).
const webGpu = await probeWebGpu();
const WEBGPU_SKIP = webGpu.available ? '' : ` [skipped: ${webGpu.reason}]`;

/** onnxruntime-node, graph optimisations off: the reference. */
async function reference(onnx: Uint8Array, inputName: string, outputName: string, input: Float32Array, shape: number[]): Promise<{ data: Float32Array; dims: number[] }> {
  const session = await ort.InferenceSession.create(Buffer.from(onnx), { graphOptimizationLevel: 'disabled' });
  try {
    const outputs = await session.run({ [inputName]: new ort.Tensor('float32', input, shape) });
    const out = outputs[outputName]!;
    return { data: out.data as Float32Array, dims: [...out.dims] };
  } finally {
    await session.release();
  }
}

function sampleInput(length: number, seed: string): Float32Array {
  return new SeededRandom(seed).normals(length, 1);
}

// -------------------------------------------------------------------------------------------------
// Hand-built graphs

const rng = new SeededRandom('adapter-tfjs');
let inits: Initializer[] = [];
let nodes: GraphNode[] = [];

function f(name: string, dims: number[], std = 0.5, mean = 0): string {
  inits.push({ name, dtype: 'float32', dims, data: rng.normals(dims.reduce((p, d) => p * d, 1), std, mean) });
  return name;
}
function values(name: string, dims: number[], data: number[]): string {
  inits.push({ name, dtype: 'float32', dims, data: Float32Array.from(data) });
  return name;
}
function i64(name: string, data: number[]): string {
  inits.push({ name, dtype: 'int64', dims: [data.length], data: BigInt64Array.from(data.map(BigInt)) });
  return name;
}
let counter = 0;
function op(kind: GraphNode['op'], inputs: string[], attrs: GraphNode['attrs'] = {}, floatAttrs?: string[]): string {
  const out = `v${counter++}`;
  nodes.push({ name: `${kind.toLowerCase()}_${counter}`, op: kind, inputs, outputs: [out], attrs, ...(floatAttrs ? { floatAttrs } : {}) });
  return out;
}
/** Positive tensor of x's shape: x*x + 1. */
function positive(x: string): string {
  return op('Add', [op('Mul', [x, x]), values(`one_${counter}`, [1], [1])]);
}

interface Case {
  readonly name: string;
  readonly input: Dim[];
  readonly output: Dim[];
  readonly build: (x: string) => string;
}

const X4: Dim[] = ['N', 4, 6, 6];

const CASES: Case[] = [
  {
    name: 'Conv 3x3 pads 1 + bias → BatchNormalization → Relu',
    input: X4,
    output: ['N', 8, 6, 6],
    build: (x) => {
      const y = op('Conv', [x, f('w', [8, 4, 3, 3]), f('b', [8])], { pads: [1, 1, 1, 1], kernel_shape: [3, 3] });
      const bn = op('BatchNormalization', [y, f('s', [8], 0.3, 1), f('bb', [8]), f('m', [8]), f('var', [8], 0.2, 1)], { epsilon: 1e-3 }, ['epsilon']);
      return op('Relu', [bn]);
    },
  },
  {
    name: 'Conv stride 2, asymmetric pads, no bias',
    input: X4,
    output: ['N', 5, 3, 3],
    build: (x) => op('Conv', [x, f('w', [5, 4, 3, 3])], { strides: [2, 2], pads: [0, 1, 1, 0] }),
  },
  {
    name: 'depthwise Conv (group = C, multiplier 2), stride 2, bias',
    input: X4,
    output: ['N', 8, 3, 3],
    build: (x) => op('Conv', [x, f('w', [8, 1, 3, 3]), f('b', [8])], { group: 4, strides: [2, 2], pads: [1, 1, 1, 1] }),
  },
  {
    name: 'depthwise Conv with asymmetric pads',
    input: X4,
    output: ['N', 4, 5, 5],
    build: (x) => op('Conv', [x, f('w', [4, 1, 3, 3]), f('b', [4])], { group: 4, pads: [1, 0, 0, 1] }),
  },
  {
    name: 'grouped Conv (group 2) + bias',
    input: X4,
    output: ['N', 6, 6, 6],
    build: (x) => op('Conv', [x, f('w', [6, 2, 3, 3]), f('b', [6])], { group: 2, pads: [1, 1, 1, 1] }),
  },
  {
    name: 'Conv auto_pad SAME_UPPER stride 2',
    input: X4,
    output: ['N', 4, 3, 3],
    build: (x) => op('Conv', [x, f('w', [4, 4, 3, 3])], { auto_pad: 'SAME_UPPER', strides: [2, 2] }),
  },
  {
    name: 'Conv auto_pad SAME_LOWER 2x2 kernel',
    input: X4,
    output: ['N', 4, 6, 6],
    build: (x) => op('Conv', [x, f('w', [4, 4, 2, 2])], { auto_pad: 'SAME_LOWER' }),
  },
  {
    name: 'Conv dilations 2',
    input: X4,
    output: ['N', 3, 6, 6],
    build: (x) => op('Conv', [x, f('w', [3, 4, 3, 3])], { dilations: [2, 2], pads: [2, 2, 2, 2] }),
  },
  {
    name: 'Conv 1x1 → Clip(min 0, max 6 inputs) → Clip(max only)',
    input: X4,
    output: ['N', 4, 6, 6],
    build: (x) => {
      const y = op('Conv', [x, f('w', [4, 4, 1, 1], 3)]);
      const c = op('Clip', [y, values('lo', [], [0]), values('hi', [], [6])]);
      return op('Clip', [op('Sub', [c, values('three', [], [3])]), '', values('hi2', [], [0.3])]);
    },
  },
  {
    name: 'broadcasting Add/Sub/Mul/Div against [C,1,1], [W], scalar and an NCHW value',
    input: X4,
    output: ['N', 4, 6, 6],
    build: (x) => {
      const y = op('Conv', [x, f('w', [4, 4, 3, 3])], { pads: [1, 1, 1, 1] });
      const a = op('Add', [y, f('c', [4, 1, 1])]);
      const b = op('Mul', [a, f('row', [6])]);
      const d = op('Sub', [values('s', [1], [0.25]), b]);
      const e = op('Div', [d, positive(x)]);
      return op('Add', [e, x]);
    },
  },
  {
    name: 'Pow (2, 3, 0.5, per-channel exponent), Sqrt, Erf',
    input: X4,
    output: ['N', 4, 6, 6],
    build: (x) => {
      const y = op('Conv', [x, f('w', [4, 4, 3, 3])], { pads: [1, 1, 1, 1] });
      const sq = op('Pow', [y, values('two', [], [2])]);
      const cube = op('Pow', [op('Erf', [y]), values('threeE', [1], [3])]);
      const root = op('Pow', [positive(y), values('half', [], [0.5])]);
      const chan = op('Pow', [positive(cube), values('exps', [4, 1, 1], [0.5, 1.5, 1, 2.5])]);
      return op('Add', [op('Add', [op('Sqrt', [positive(sq)]), root]), chan]);
    },
  },
  {
    name: 'ReduceMean axes [1] keepdims 1 (LayerNorm over channels of an NHWC value)',
    input: X4,
    output: ['N', 4, 6, 6],
    build: (x) => {
      const y = op('Conv', [x, f('w', [4, 4, 3, 3])], { pads: [1, 1, 1, 1] });
      const mean = op('ReduceMean', [y], { axes: [1], keepdims: 1 });
      const centred = op('Sub', [y, mean]);
      const variance = op('ReduceMean', [op('Pow', [centred, values('two', [], [2])])], { axes: [1] });
      return op('Div', [centred, op('Sqrt', [op('Add', [variance, values('eps', [], [1e-5])])])]);
    },
  },
  {
    name: 'ReduceMean axes [2,3] keepdims 0',
    input: X4,
    output: ['N', 4],
    build: (x) => op('ReduceMean', [op('Conv', [x, f('w', [4, 4, 3, 3])], { pads: [1, 1, 1, 1] })], { axes: [2, 3], keepdims: 0 }),
  },
  {
    name: 'ReduceMean axes [1] keepdims 0',
    input: X4,
    output: ['N', 6, 6],
    build: (x) => op('ReduceMean', [op('Conv', [x, f('w', [4, 4, 3, 3])], { pads: [1, 1, 1, 1] })], { axes: [1], keepdims: 0 }),
  },
  {
    name: 'ReduceMean axes [-1] keepdims 0 (order-changing: back to NCHW first)',
    input: X4,
    output: ['N', 4, 6],
    build: (x) => op('ReduceMean', [op('Conv', [x, f('w', [4, 4, 3, 3])], { pads: [1, 1, 1, 1] })], { axes: [-1], keepdims: 0 }),
  },
  {
    name: 'ReduceMean without axes (all) on an NCHW input',
    input: X4,
    output: [1, 1, 1, 1],
    build: (x) => op('ReduceMean', [x]),
  },
  {
    name: 'MatMul [N,3,4] x [4,5]',
    input: ['N', 3, 4],
    output: ['N', 3, 5],
    build: (x) => op('MatMul', [x, f('w', [4, 5])]),
  },
  {
    name: 'MatMul [N,2,3,4] x [2,4,5] (batch broadcast)',
    input: ['N', 2, 3, 4],
    output: ['N', 2, 3, 5],
    build: (x) => op('MatMul', [x, f('w', [2, 4, 5])]),
  },
  {
    name: 'MatMul [N,1,3,4] x [2,4,5] (both sides broadcast)',
    input: ['N', 1, 3, 4],
    output: ['N', 2, 3, 5],
    build: (x) => op('MatMul', [x, f('w', [2, 4, 5])]),
  },
  {
    name: 'MatMul [N,4] x [4] and [3] x [N,3,5] (1-D operands)',
    input: ['N', 3, 4],
    output: ['N', 5],
    build: (x) => {
      const v = op('MatMul', [x, f('v', [4])]); // [N, 3]
      const t = op('MatMul', [op('Reshape', [v, i64('shape', [0, 1, 3])]), f('w', [3, 5])]); // [N, 1, 5]
      const sum = op('Add', [op('MatMul', [x, f('w2', [4, 5])]), t]); // [N, 3, 5]
      return op('MatMul', [f('a', [3]), sum]); // [3] x [N, 3, 5] → [N, 5]
    },
  },
  {
    name: 'MatMul [N,3,4] x Transpose(x) (both runtime)',
    input: ['N', 3, 4],
    output: ['N', 3, 3],
    build: (x) => op('MatMul', [x, op('Transpose', [x], { perm: [0, 2, 1] })]),
  },
  {
    name: 'Gemm transB, alpha 0.5, beta 2, bias [5]',
    input: ['N', 6],
    output: ['N', 5],
    build: (x) => op('Gemm', [x, f('w', [5, 6]), f('c', [5])], { transB: 1, alpha: 0.5, beta: 2 }, ['alpha', 'beta']),
  },
  {
    name: 'Gemm bias [1,5], no transposes; Gemm without C',
    input: ['N', 6],
    output: ['N', 4],
    build: (x) => op('Gemm', [op('Gemm', [x, f('w', [6, 5]), f('c', [1, 5])]), f('w2', [5, 4])]),
  },
  {
    name: 'Gemm transA with a scalar C',
    input: [6, 'N'],
    output: ['N', 5],
    build: (x) => op('Gemm', [x, f('w', [6, 5]), values('c', [1], [0.5])], { transA: 1 }),
  },
  {
    name: 'Transpose NHWC round trip around MatMul (ConvNeXt pattern) → Conv',
    input: X4,
    output: ['N', 3, 6, 6],
    build: (x) => {
      const y = op('Conv', [x, f('w', [4, 1, 3, 3])], { pads: [1, 1, 1, 1], group: 4 });
      const channelsLast = op('Transpose', [y], { perm: [0, 2, 3, 1] });
      const mixed = op('MatMul', [channelsLast, f('m', [4, 4])]);
      const back = op('Transpose', [mixed], { perm: [0, 3, 1, 2] });
      return op('Conv', [op('Add', [back, y]), f('w2', [3, 4, 1, 1])]);
    },
  },
  {
    name: 'Transpose perm [0,1,3,2] of an NHWC value; default perm of a 3-D value',
    input: X4,
    output: [36, 4, 'N'],
    build: (x) => {
      const y = op('Conv', [x, f('w', [4, 4, 3, 3])], { pads: [1, 1, 1, 1] });
      const t = op('Transpose', [y], { perm: [0, 1, 3, 2] });
      return op('Transpose', [op('Reshape', [t, i64('shape', [0, 4, 36])])]);
    },
  },
  {
    name: 'Reshape with 0 and -1; Reshape to [-1, 12]',
    input: X4,
    output: ['N', 12],
    build: (x) => {
      const y = op('Conv', [x, f('w', [4, 4, 3, 3])], { pads: [1, 1, 1, 1] });
      const a = op('Reshape', [y, i64('s1', [0, 0, -1])]);
      const b = op('Reshape', [op('Relu', [a]), i64('s2', [0, -1])]);
      return op('Reshape', [b, i64('s3', [-1, 12])]);
    },
  },
  {
    name: 'Softmax axis 1 and axis 2 of an NHWC value',
    input: X4,
    output: ['N', 4, 6, 6],
    build: (x) => {
      const y = op('Conv', [x, f('w', [4, 4, 3, 3])], { pads: [1, 1, 1, 1] });
      return op('Add', [op('Softmax', [y], { axis: 1 }), op('Softmax', [y], { axis: 2 })]);
    },
  },
  {
    name: 'Softmax default axis and axis 1 of a 3-D value',
    input: ['N', 3, 5],
    output: ['N', 3, 5],
    build: (x) => op('Mul', [op('Softmax', [x]), op('Softmax', [x], { axis: 1 })]),
  },
  {
    name: 'GlobalAveragePool → Flatten → Gemm (classifier head)',
    input: X4,
    output: ['N', 3],
    build: (x) => {
      const y = op('Conv', [x, f('w', [4, 4, 3, 3])], { pads: [1, 1, 1, 1] });
      const flat = op('Flatten', [op('GlobalAveragePool', [y])]);
      return op('Gemm', [flat, f('fc', [3, 4]), f('fcb', [3])], { transB: 1 });
    },
  },
  {
    name: 'GlobalAveragePool of an NCHW input; Flatten axis 2 and axis 0',
    input: X4,
    output: [1, 'N'],
    build: (x) => {
      const pooled = op('GlobalAveragePool', [x]); // [N, 4, 1, 1]
      const y = op('Conv', [x, f('w', [4, 4, 3, 3])], { pads: [1, 1, 1, 1] });
      const flat2 = op('Flatten', [op('Mul', [y, pooled])], { axis: 2 }); // [N*4, 36]
      return op('Flatten', [flat2], { axis: 0 });
    },
  },
  {
    name: 'BatchNormalization on rank 2, rank 3 and an NCHW input',
    input: ['N', 4, 6],
    output: ['N', 4, 6],
    build: (x) => {
      const bn3 = op('BatchNormalization', [x, f('s', [4], 0.3, 1), f('b', [4]), f('m', [4]), f('v', [4], 0.2, 1)]);
      const flat = op('Reshape', [bn3, i64('s1', [0, -1])]); // [N, 24]
      const bn2 = op('BatchNormalization', [flat, f('s2', [24], 0.3, 1), f('b2', [24]), f('m2', [24]), f('v2', [24], 0.2, 1)], { epsilon: 0.01 }, ['epsilon']);
      const four = op('Reshape', [bn2, i64('s2d', [0, 4, 2, 3])]); // [N, 4, 2, 3] NCHW
      const bn4 = op('BatchNormalization', [four, f('s4', [4], 0.3, 1), f('b4', [4]), f('m4', [4]), f('v4', [4], 0.2, 1)]);
      return op('Reshape', [bn4, i64('s3', [0, 4, 6])]);
    },
  },
];

function buildCase(c: Case): Graph {
  inits = [];
  nodes = [];
  const output = c.build('x');
  // Name the graph output "y" (rename the last node's output).
  const last = nodes[nodes.length - 1]!;
  nodes[nodes.length - 1] = { ...last, outputs: ['y'] };
  const renamed = nodes.map((n) => ({ ...n, inputs: n.inputs.map((i) => (i === output ? 'y' : i)) }));
  return { name: c.name, input: { name: 'x', shape: c.input }, output: { name: 'y', shape: c.output }, nodes: renamed, initializers: inits, shapes: {} };
}

function concreteShape(shape: readonly Dim[]): number[] {
  return shape.map((d) => (d === 'N' ? BATCH : d));
}

const BUILT = CASES.map((c) => ({ c, graph: buildCase(c) }));

async function runExecutor(kind: TfjsBackendKind, graph: Graph, input: Float32Array, shape: number[]): Promise<{ data: Float32Array; dims: number[] }> {
  await activateBackend(kind);
  const executor = TfjsGraphExecutor.compile(graph);
  try {
    const x = tf.tensor(input, shape);
    const y = executor.run(x);
    const data = (await y.data()) as Float32Array;
    const dims = [...y.shape];
    x.dispose();
    y.dispose();
    return { data, dims };
  } finally {
    executor.dispose();
  }
}

function opTests(kind: TfjsBackendKind): void {
  it.each(BUILT.map(({ c, graph }) => [c.name, graph] as const))('%s', async (_name, graph) => {
    const shape = concreteShape(graph.input.shape);
    const input = sampleInput(shape.reduce((p, d) => p * d, 1), graph.name);
    const expected = await reference(toOnnx(graph), 'x', 'y', input, shape);
    await activateBackend(kind);
    const before = tf.memory().numTensors;
    const actual = await runExecutor(kind, graph, input, shape);
    expect(tf.memory().numTensors).toBe(before);
    expect(actual.dims).toEqual(expected.dims);
    expect(relativeL2(actual.data, expected.data)).toBeLessThanOrEqual(TOLERANCE[kind]);
  });
}

describe('TF.js cpu executor matches onnxruntime-node on each op', () => opTests('cpu'));
describe('TF.js wasm executor matches onnxruntime-node on each op', () => opTests('wasm'));
describe.skipIf(!webGpu.available)(`TF.js webgpu executor matches onnxruntime-node on each op${WEBGPU_SKIP}`, () => opTests('webgpu'));

describe('layouts', () => {
  it('keeps convolution chains in NHWC: only the input and output are transposed', async () => {
    await activateBackend('cpu');
    for (const id of ['resnet-basic', 'convnext', 'plain-conv'] as const) {
      const model = buildModel(id, { depth: 2 });
      const executor = TfjsGraphExecutor.compile(model.graph!);
      const x = tf.zeros([BATCH, ...model.sampleShape]);
      const profile = await tf.profile(() => executor.run(x));
      const transposes = profile.kernels.filter((k) => k.name === 'Transpose').length;
      expect(transposes, id).toBe(2);
      x.dispose();
      executor.dispose();
    }
  });
});

describe('TF.js executor errors', () => {
  it('rejects an input of the wrong shape and unsupported graphs', async () => {
    await activateBackend('cpu');
    const graph = BUILT[0]!.graph;
    const executor = TfjsGraphExecutor.compile(graph);
    const wrong = tf.zeros([2, 3, 6, 6]);
    expect(() => executor.run(wrong)).toThrow(/does not match/);
    wrong.dispose();
    executor.dispose();
    const bad: Graph = { ...graph, nodes: [{ ...graph.nodes[0]!, op: 'MaxPool' as GraphNode['op'] }] };
    expect(() => TfjsGraphExecutor.compile(bad)).toThrow(UnsupportedGraphError);
  });
});

// -------------------------------------------------------------------------------------------------
// Fixtures through the adapter

const FIXTURE_IDS: readonly string[] = [...BLOCK_IDS, ...ARCHETYPE_IDS];
const FIXTURES = new Map(
  FIXTURE_IDS.map((id) => [id, buildModel(id, (BLOCK_IDS as readonly string[]).includes(id) ? { depth: 2 } : {})] as const),
);
const referenceCache = new Map<string, Promise<Float32Array>>();

function fixtureInput(model: ModelArtifact, batch: number): Float32Array {
  return sampleInput(batch * model.sampleShape.reduce((p, d) => p * d, 1), `${model.id}/input`);
}

function fixtureReference(model: ModelArtifact): Promise<Float32Array> {
  let pending = referenceCache.get(model.id);
  if (pending === undefined) {
    pending = reference(model.onnx, model.inputName, model.outputName, fixtureInput(model, BATCH), [BATCH, ...model.sampleShape]).then((r) => r.data);
    referenceCache.set(model.id, pending);
  }
  return pending;
}

function fixtureTests(id: 'tfjs-cpu' | 'tfjs-wasm' | 'tfjs-webgpu' | 'tfjs-webgpu-compute', fixtures: readonly string[]): void {
  const adapter = createTfjsAdapter(id);
  it('is available', async () => {
    expect(await adapter.availability()).toEqual({ available: true });
    const versions = await adapter.versions();
    expect(versions['@tensorflow/tfjs-core']).toBe('4.22.0');
  });
  it.each(fixtures)('%s matches onnxruntime-node', async (fixtureId) => {
    const model = FIXTURES.get(fixtureId)!;
    await adapter.activate();
    const before = tf.memory().numTensors;
    const compiled = await adapter.compile(model);
    const prepared = await compiled.prepare(fixtureInput(model, BATCH), BATCH);
    expect(prepared.mode).toBe(adapter.mode);
    const actual = await prepared.output();
    await prepared.run();
    await prepared.release();
    await compiled.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const expected = await fixtureReference(model);
    expect(actual.length).toBe(expected.length);
    expect(relativeL2(actual, expected)).toBeLessThanOrEqual(TOLERANCE[adapter.kind]);
  });
}

describe('tfjs-cpu adapter on every fixture (blocks at depth 2, batch 2)', () => fixtureTests('tfjs-cpu', FIXTURE_IDS));
describe('tfjs-wasm adapter on every fixture (blocks at depth 2, batch 2)', () => fixtureTests('tfjs-wasm', FIXTURE_IDS));
describe.skipIf(!webGpu.available)(`tfjs-webgpu adapter on every fixture (blocks at depth 2, batch 2)${WEBGPU_SKIP}`, () =>
  fixtureTests('tfjs-webgpu', FIXTURE_IDS),
);
describe.skipIf(!webGpu.available)(`tfjs-webgpu-compute adapter (compute-only mode)${WEBGPU_SKIP}`, () => {
  fixtureTests('tfjs-webgpu-compute', ['resnet-basic', 'vit-encoder']);
  it('keeps the input on the GPU between runs and frees it on release', async () => {
    const adapter = createTfjsAdapter('tfjs-webgpu-compute');
    const model = FIXTURES.get('plain-conv')!;
    await adapter.activate();
    const before = tf.memory().numTensors;
    const compiled = await adapter.compile(model);
    const compiledCount = tf.memory().numTensors;
    const prepared = await compiled.prepare(fixtureInput(model, BATCH), BATCH);
    expect(tf.memory().numTensors).toBe(compiledCount + 1);
    for (let i = 0; i < 3; i++) await prepared.run();
    expect(tf.memory().numTensors).toBe(compiledCount + 1);
    expect(await adapter.deviceMemoryBytes()).toBeGreaterThan(0);
    const info = await adapter.gpuInfo();
    expect(info?.vendor).toBeTypeOf('string');
    await prepared.release();
    expect(tf.memory().numTensors).toBe(compiledCount);
    await compiled.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('tensor bookkeeping', () => {
  it('holds only weights between runs and frees everything on release/dispose (cpu and wasm)', async () => {
    const model = FIXTURES.get('resnet-like')!;
    for (const id of ['tfjs-cpu', 'tfjs-wasm'] as const) {
      const adapter = createTfjsAdapter(id);
      const start = tf.memory().numTensors;
      const compiled = await adapter.compile(model);
      const compiledCount = tf.memory().numTensors;
      expect(compiledCount).toBeGreaterThan(start);
      for (const batch of [1, 3]) {
        const prepared = await compiled.prepare(fixtureInput(model, batch), batch);
        for (let i = 0; i < 3; i++) await prepared.run();
        await prepared.output();
        expect(tf.memory().numTensors).toBe(compiledCount);
        await prepared.release();
        await prepared.release();
      }
      expect(tf.memory().numTensors).toBe(compiledCount);
      await compiled.dispose();
      await compiled.dispose();
      expect(tf.memory().numTensors).toBe(start);
    }
  });

  it('switches backends safely between compiled models', async () => {
    const model = FIXTURES.get('mbv2-inverted')!;
    const input = fixtureInput(model, BATCH);
    const before = tf.memory().numTensors;
    const cpu = await createTfjsAdapter('tfjs-cpu').compile(model);
    const wasm = await createTfjsAdapter('tfjs-wasm').compile(model);
    const onCpu = await cpu.prepare(input, BATCH);
    const onWasm = await wasm.prepare(input, BATCH);
    // Interleaved: each run re-activates its own backend.
    const a = await onCpu.output();
    expect(tf.getBackend()).toBe('cpu');
    const b = await onWasm.output();
    expect(tf.getBackend()).toBe('wasm');
    await onCpu.run();
    expect(tf.getBackend()).toBe('cpu');
    const expected = await fixtureReference(model);
    expect(relativeL2(a, expected)).toBeLessThanOrEqual(TOLERANCE.cpu);
    expect(relativeL2(b, expected)).toBeLessThanOrEqual(TOLERANCE.wasm);
    await onCpu.release();
    await onWasm.release();
    await cpu.dispose();
    await wasm.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a model without a graph IR as unavailable for that model, with the reason', async () => {
    const model = FIXTURES.get('plain-conv')!;
    const { graph: _graph, ...withoutGraph } = model;
    const refused = createTfjsAdapter('tfjs-cpu').compile(withoutGraph);
    await expect(refused).rejects.toBeInstanceOf(UnavailableForModelError);
    await expect(refused).rejects.toThrow(/tfjs-cpu runs models built from this suite's graph IR only .* is an ONNX file, which TF\.js cannot load/);
  });
});

// -------------------------------------------------------------------------------------------------
// Availability

describe('availability', () => {
  it('lists its ids', () => {
    expect(TFJS_ADAPTER_IDS).toEqual(['tfjs-cpu', 'tfjs-wasm', 'tfjs-webgpu', 'tfjs-webgpu-compute', 'tfjs-node', 'tfjs-node-gpu']);
    expect(TFJS_ADAPTER_IDS.map((id) => createTfjsAdapter(id).id)).toEqual([...TFJS_ADAPTER_IDS]);
    expect(createTfjsAdapter('tfjs-webgpu').hardware).toBe('gpu');
    expect(createTfjsAdapter('tfjs-webgpu-compute').settings.mode).toBe('compute-only');
    expect(createTfjsAdapter('tfjs-wasm').settings.threads).toBe(1);
    expect(() => new TfjsAdapter({ backend: 'cpu', mode: 'compute-only' })).toThrow(/only for WebGPU/);
  });

  it('tfjs-node and tfjs-node-gpu are unavailable when their package is not installed', async () => {
    const node = await createTfjsAdapter('tfjs-node').availability();
    expect(node).toEqual({
      available: false,
      reason: '@tensorflow/tfjs-node is not installed (it downloads libtensorflow at install time; install it where that host is reachable)',
    });
    const gpu = await createTfjsAdapter('tfjs-node-gpu').availability();
    expect(gpu.available).toBe(false);
    expect(!gpu.available && gpu.reason).toMatch(/^@tensorflow\/tfjs-node-gpu is not installed \(it downloads libtensorflow/);
    expect(createTfjsAdapter('tfjs-node').settings.backend).toBe('tensorflow');
  });

  it('tfjs-node reports a load failure as a reason, not an exception', async () => {
    const adapter = new TfjsAdapter({ backend: 'node', isInstalled: () => true });
    const availability = await adapter.availability();
    expect(availability.available).toBe(false);
    expect(!availability.available && availability.reason).toMatch(/^@tensorflow\/tfjs-node: /);
  });

  it('tfjs-webgpu without an adapter says why', async () => {
    const none = new TfjsAdapter({ backend: 'webgpu', requestAdapter: async () => null });
    const availability = await none.availability();
    expect(availability.available).toBe(false);
    expect(!availability.available && availability.reason).toMatch(/^WebGPU: no adapter \(.+\)$/);
    expect(await none.gpuInfo()).toBeNull();

    const broken = new TfjsAdapter({
      backend: 'webgpu',
      mode: 'compute-only',
      requestAdapter: async () => {
        throw new Error('navigator.gpu is not defined');
      },
    });
    expect(await broken.availability()).toEqual({ available: false, reason: 'WebGPU: no adapter (navigator.gpu is not defined)' });
  });
});

afterAll(async () => {
  await disposeBackend('wasm');
  await disposeBackend('cpu');
  if (webGpu.available) await disposeBackend('webgpu');
});
