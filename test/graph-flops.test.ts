import { create, toBinary } from '@bufbuild/protobuf';
import {
  AttributeProto_AttributeType,
  AttributeProtoSchema,
  GraphProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  OperatorSetIdProtoSchema,
  TensorProto_DataType,
  TensorProtoSchema,
  TensorShapeProto_DimensionSchema,
  TensorShapeProtoSchema,
  TypeProto_TensorSchema,
  TypeProtoSchema,
  ValueInfoProtoSchema,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from '../src/graph/onnx-proto/onnx_pb.ts';
import { describe, expect, it } from 'vitest';
import { countOnnxParams, estimateOnnxFlops } from '../src/graph/flops.ts';
import { ARCHETYPE_IDS, BLOCK_IDS, buildModel } from '../fixtures/index.ts';

describe('analytic FLOPs of the blocks (2 × MACs of Conv/MatMul/Gemm, per sample)', () => {
  it('plain-conv: one 3×3 conv, 32→32 channels on 16×16', () => {
    // MACs = out channels × output positions × (in channels × 3 × 3) = 32 × 256 × 288 = 2 359 296
    const macsPerBlock = 32 * (16 * 16) * (32 * 3 * 3);
    expect(buildModel('plain-conv', { depth: 1 }).flopsPerSample).toBe(2 * macsPerBlock); // 4 718 592
    expect(buildModel('plain-conv', { depth: 3 }).flopsPerSample).toBe(3 * 2 * macsPerBlock);
    // params: weight 32 × 32 × 3 × 3 + bias 32
    expect(buildModel('plain-conv', { depth: 1 }).params).toBe(32 * 32 * 9 + 32);
  });

  it('resnet-basic: two 3×3 convs, 32→32 on 16×16 (BN, ReLU and the residual Add not counted)', () => {
    const macsPerConv = 32 * (16 * 16) * (32 * 3 * 3);
    expect(buildModel('resnet-basic', { depth: 1 }).flopsPerSample).toBe(2 * (2 * macsPerConv)); // 9 437 184
    expect(buildModel('resnet-basic', { depth: 4 }).flopsPerSample).toBe(4 * 2 * (2 * macsPerConv));
    // params: 2 conv weights (no bias) + 2 BatchNorms × 4 vectors of 32
    expect(buildModel('resnet-basic', { depth: 1 }).params).toBe(2 * 32 * 32 * 9 + 2 * 4 * 32);
  });

  it('vit-encoder: T = 64 tokens, D = 64, 4 heads of 16', () => {
    const T = 64;
    const D = 64;
    const heads = 4;
    const headDim = 16;
    const projections = 4 * T * D * D; // Q, K, V and output: [T, D] × [D, D] each
    const scores = heads * T * T * headDim; // QKᵀ: per head [T, 16] × [16, T]
    const weighted = heads * T * T * headDim; // softmax · V: per head [T, T] × [T, 16]
    const mlp = T * D * (4 * D) + T * (4 * D) * D; // D → 4D → D
    expect(projections + scores + weighted + mlp).toBe(3_670_016);
    expect(buildModel('vit-encoder', { depth: 1 }).flopsPerSample).toBe(2 * (projections + scores + weighted + mlp));
  });

  it('mixer: T = 64 tokens, C = 64 channels, token MLP 2×, channel MLP 4×', () => {
    const T = 64;
    const C = 64;
    const tokenMlp = C * (T * 2 * T) + C * (2 * T * T); // per channel row: T → 2T → T
    const channelMlp = T * (C * 4 * C) + T * (4 * C * C); // per token: C → 4C → C
    expect(buildModel('mixer', { depth: 1 }).flopsPerSample).toBe(2 * (tokenMlp + channelMlp));
  });

  it('keeps every block at depth 1 between 2 and 20 MFLOP per sample', () => {
    for (const id of BLOCK_IDS) {
      const flops = buildModel(id, { depth: 1 }).flopsPerSample ?? 0;
      expect(flops, id).toBeGreaterThan(2e6);
      expect(flops, id).toBeLessThan(20e6);
    }
  });
});

describe('archetype FLOP budgets', () => {
  const flops = ARCHETYPE_IDS.map((id) => [id, buildModel(id).flopsPerSample ?? 0] as const);
  const mean = flops.reduce((sum, [, f]) => sum + f, 0) / flops.length;

  it.each(flops)('%s is within ±15%% of the mean of the four', (_, value) => {
    expect(Math.abs(value / mean - 1)).toBeLessThanOrEqual(0.15);
  });

  it('keeps the shared budget at 30–80 MFLOP per sample', () => {
    expect(mean).toBeGreaterThan(30e6);
    expect(mean).toBeLessThan(80e6);
  });
});

describe('estimateOnnxFlops', () => {
  it.each([...BLOCK_IDS.map((id) => [id, { depth: 2 }] as const), ...ARCHETYPE_IDS.map((id) => [id, {}] as const)])(
    'agrees with the analytic count for %s',
    (id, options) => {
      const model = buildModel(id, options);
      expect(estimateOnnxFlops(model.onnx)).toBe(model.flopsPerSample);
      expect(countOnnxParams(model.onnx)).toBe(model.params);
    },
  );

  // A PyTorch-style export: Conv, then a flatten written as Shape → Gather → Unsqueeze → Concat → Reshape, then Gemm.
  const convMacs = 16 * (4 * 4) * (8 * 3 * 3); // 16 out channels × 16 positions × (8 × 3 × 3)
  const gemmMacs = 256 * 10;

  it('follows shape-computing subgraphs to a concrete Reshape', () => {
    expect(estimateOnnxFlops(exportedModel('constant'))).toBe(2 * (convMacs + gemmMacs));
  });

  it('counts a fixed batch dimension per sample', () => {
    expect(estimateOnnxFlops(exportedModel('constant', 4))).toBe(2 * (convMacs + gemmMacs));
  });

  it('returns null when a contraction shape depends on a runtime value', () => {
    expect(estimateOnnxFlops(exportedModel('runtime-shape'))).toBeNull();
  });

  it('returns null after an unknown op, unless value_info declares its output shape', () => {
    expect(estimateOnnxFlops(exportedModel('custom-op'))).toBeNull();
    expect(estimateOnnxFlops(exportedModel('custom-op-declared'))).toBe(2 * (convMacs + gemmMacs));
  });

  it('returns null for a model with an uncounted heavy op', () => {
    expect(estimateOnnxFlops(exportedModel('heavy-op'))).toBeNull();
  });
});

type Variant = 'constant' | 'runtime-shape' | 'custom-op' | 'custom-op-declared' | 'heavy-op';

function exportedModel(variant: Variant, batch: number | 'batch' = 'batch'): Uint8Array {
  const nodes: NodeProto[] = [];
  let convInput = 'x';
  if (variant.startsWith('custom-op')) {
    nodes.push(node('MyCustomOp', ['x'], ['x_custom'], {}, 'my.domain'));
    convInput = 'x_custom';
  }
  nodes.push(
    node('Conv', [convInput, 'w', 'b'], ['conv'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }),
    node('Relu', ['conv'], ['relu']),
    node('Shape', ['relu'], ['shape']),
    node('Gather', ['shape', 'zero'], ['batch'], { axis: 0 }),
    node('Unsqueeze', ['batch', 'axes0'], ['batch_1d']),
    node('Concat', ['batch_1d', 'minus_one'], ['target'], { axis: 0 }),
    node('Reshape', ['relu', variant === 'runtime-shape' ? 'target_input' : 'target'], ['flat']),
    node('Gemm', ['flat', 'fc_w', 'fc_b'], ['logits'], { transB: 1 }),
  );
  if (variant === 'heavy-op') nodes.push(node('Einsum', ['logits', 'logits'], ['extra'], { equation: 'ij,ij->i' }));
  const inputs = [valueInfo('x', [batch, 8, 4, 4])];
  if (variant === 'runtime-shape') inputs.push(valueInfo('target_input', [2], TensorProto_DataType.INT64));
  const model = create(ModelProtoSchema, {
    irVersion: 8n,
    opsetImport: [create(OperatorSetIdProtoSchema, { domain: '', version: 17n })],
    graph: create(GraphProtoSchema, {
      name: 'exported',
      node: nodes,
      initializer: [
        floatTensor('w', [16, 8, 3, 3]),
        floatTensor('b', [16]),
        floatTensor('fc_w', [10, 256]),
        floatTensor('fc_b', [10]),
        int64Tensor('zero', [], [0]),
        int64Tensor('axes0', [1], [0]),
        int64Tensor('minus_one', [1], [-1]),
      ],
      input: inputs,
      output: [valueInfo('logits', [batch, 10])],
      valueInfo: variant === 'custom-op-declared' ? [valueInfo('x_custom', [batch, 8, 4, 4])] : [],
    }),
  });
  return toBinary(ModelProtoSchema, model);
}

function node(opType: string, input: string[], output: string[], attrs: Record<string, number | number[] | string> = {}, domain = ''): NodeProto {
  const attribute = Object.entries(attrs).map(([name, value]) =>
    typeof value === 'string'
      ? create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.STRING, s: new TextEncoder().encode(value) })
      : typeof value === 'number'
        ? create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.INT, i: BigInt(value) })
        : create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.INTS, ints: value.map(BigInt) }),
  );
  return create(NodeProtoSchema, { opType, input, output, attribute, name: output[0] ?? opType, domain });
}

function floatTensor(name: string, dims: number[]): TensorProto {
  const count = dims.reduce((a, b) => a * b, 1);
  return create(TensorProtoSchema, { name, dims: dims.map(BigInt), dataType: TensorProto_DataType.FLOAT, rawData: new Uint8Array(count * 4) });
}

function int64Tensor(name: string, dims: number[], values: number[]): TensorProto {
  return create(TensorProtoSchema, { name, dims: dims.map(BigInt), dataType: TensorProto_DataType.INT64, int64Data: values.map(BigInt) });
}

function valueInfo(name: string, shape: (number | string)[], elemType: number = TensorProto_DataType.FLOAT): ValueInfoProto {
  const dim = shape.map((d) =>
    create(TensorShapeProto_DimensionSchema, { value: typeof d === 'number' ? { case: 'dimValue', value: BigInt(d) } : { case: 'dimParam', value: d } }),
  );
  return create(ValueInfoProtoSchema, {
    name,
    type: create(TypeProtoSchema, {
      value: { case: 'tensorType', value: create(TypeProto_TensorSchema, { elemType, shape: create(TensorShapeProtoSchema, { dim }) }) },
    }),
  });
}
