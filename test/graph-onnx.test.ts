import { describe, expect, it } from 'vitest';
import { TensorProto_DataType } from '../src/graph/onnx-proto/onnx_pb.ts';
import { GraphBuilder } from '../src/graph/builder.ts';
import { OPSET } from '../src/graph/ir.ts';
import { parseOnnx, PRODUCER_NAME, readOnnxIo, sha256Hex, toOnnx } from '../src/graph/onnx.ts';

function smallGraph() {
  const builder = new GraphBuilder('small', 7);
  const x = builder.input('input', ['N', 2, 4, 4]);
  const y = builder.batchNorm(builder.conv(x, { outChannels: 3, kernel: 3 }));
  return builder.output(builder.flatten(builder.globalAvgPool(builder.relu6(y))));
}

describe('toOnnx', () => {
  it('writes IR version 8, opset 17 and the producer name', () => {
    const model = parseOnnx(toOnnx(smallGraph()));
    expect(model.irVersion).toBe(8n);
    expect(model.producerName).toBe(PRODUCER_NAME);
    expect(model.opsetImport.map((o) => [o.domain, o.version])).toEqual([['', BigInt(OPSET)]]);
    expect(model.graph?.node.map((n) => n.opType)).toEqual(['Conv', 'BatchNormalization', 'Clip', 'GlobalAveragePool', 'Flatten']);
  });

  it('marks the batch dimension with dim_param N', () => {
    const io = readOnnxIo(toOnnx(smallGraph()));
    expect(io.inputs).toEqual([{ name: 'input', shape: ['N', 2, 4, 4], elemType: TensorProto_DataType.FLOAT }]);
    expect(io.outputs).toEqual([{ name: 'output', shape: ['N', 3], elemType: TensorProto_DataType.FLOAT }]);
  });

  it('stores weights as little-endian raw data and attributes with their ONNX types', () => {
    const graph = smallGraph();
    const model = parseOnnx(toOnnx(graph));
    const weight = graph.initializers[0];
    const stored = model.graph?.initializer[0];
    if (!weight || weight.dtype !== 'float32' || !stored) throw new Error('expected a float weight');
    const raw = stored.rawData;
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    expect(view.getFloat32(0, true)).toBe(weight.data[0]);
    expect(stored.dims.map(Number)).toEqual([3, 2, 3, 3]);
    const bn = model.graph?.node[1];
    expect(bn?.attribute.map((a) => [a.name, a.type, a.f])).toEqual([['epsilon', 1, Math.fround(1e-5)]]);
    const conv = model.graph?.node[0];
    expect(conv?.attribute.find((a) => a.name === 'pads')?.ints).toEqual([1n, 1n, 1n, 1n]);
  });

  it('is byte-identical for the same graph', () => {
    const first = toOnnx(smallGraph());
    const second = toOnnx(smallGraph());
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(true);
    expect(sha256Hex(first)).toMatch(/^[0-9a-f]{64}$/);
    expect(sha256Hex(first)).toBe(sha256Hex(second));
  });
});

describe('parseOnnx', () => {
  it('rejects bytes that are not a model, naming the source', () => {
    expect(() => parseOnnx(new TextEncoder().encode('definitely not onnx'), 'some/file.onnx')).toThrow(/some\/file\.onnx/);
    expect(() => parseOnnx(new Uint8Array(0), 'empty.onnx')).toThrow(/empty\.onnx is not a valid ONNX model/);
  });
});
