/**
 * Shape inference through the idioms of PyTorch exports of transformers and shifted-window models:
 * position ids from Range over a computed length, window padding from Mod, F.pad's pads assembled with
 * ConstantOfShape, a reversing Slice and a Transpose, masks written with ScatterND. Their values are
 * tracked where they are small, so the FLOPs of such a model are known rather than unknown.
 */
import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import {
  AttributeProto_AttributeType,
  AttributeProtoSchema,
  GraphProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  TensorProto_DataType,
  TensorProtoSchema,
  type NodeProto,
  type TensorProto,
} from '../src/graph/onnx-proto/onnx_pb.ts';
import { inferOnnxShapes } from '../src/graph/onnx-shapes.ts';

const ints = (name: string, values: number[], dims: number[] = [values.length]): TensorProto =>
  create(TensorProtoSchema, { name, dims: dims.map(BigInt), dataType: TensorProto_DataType.INT64, int64Data: values.map(BigInt) });
const node = (opType: string, input: string[], output: string): NodeProto => create(NodeProtoSchema, { opType, name: output, input, output: [output] });

describe('shape inference through export idioms', () => {
  // x: [1, 10, 6]. L = 10; positions = Range(0, L, 1); pad = (7 - L mod 7) mod 7 = 4;
  // pads = reverse-pairs of [0, pad] ++ zeros(2) as F.pad lowers them.
  const model = create(ModelProtoSchema, {
    graph: create(GraphProtoSchema, {
      initializer: [
        ints('one', [1]),
        ints('zero', [0], []),
        ints('step', [1], []),
        ints('window', [7], []),
        ints('two', [2]),
        ints('pairs', [-1, 2]),
        ints('flat', [-1]),
        ints('reverse_starts', [-1]),
        ints('reverse_ends', [-9_223_372_036_854_775_807]),
        ints('axis0', [0]),
        ints('minus1', [-1]),
        ints('indices', [0, 0], [1, 2]),
        ints('updates', [5], [1]),
      ],
      node: [
        node('Shape', ['x'], 'shape'),
        create(NodeProtoSchema, { opType: 'Gather', name: 'length', input: ['shape', 'one'], output: ['length_1'] }),
        node('Squeeze', ['length_1', 'axis0'], 'length'),
        node('Range', ['zero', 'length', 'step'], 'positions'),
        node('Mod', ['length', 'window'], 'rest'),
        node('Sub', ['window', 'rest'], 'missing'),
        node('Mod', ['missing', 'window'], 'pad'),
        node('Unsqueeze', ['pad', 'axis0'], 'pad_1'),
        node('Concat', ['axis0', 'pad_1'], 'some'),
        node('ConstantOfShape', ['two'], 'zeros'),
        create(NodeProtoSchema, { opType: 'Concat', name: 'all', input: ['some', 'zeros'], output: ['all'], attribute: [create(AttributeProtoSchema, { name: 'axis', type: AttributeProto_AttributeType.INT, i: 0n })] }),
        node('Reshape', ['all', 'pairs'], 'as_pairs'),
        create(NodeProtoSchema, { opType: 'Slice', name: 'reversed', input: ['as_pairs', 'reverse_starts', 'reverse_ends', 'axis0', 'minus1'], output: ['reversed'] }),
        node('Transpose', ['reversed'], 'transposed'),
        node('Reshape', ['transposed', 'flat'], 'pads'),
        node('ScatterND', ['x_mask', 'indices', 'updates'], 'mask'),
      ],
    }),
  });
  const { shapes, constants } = inferOnnxShapes(model, new Map([['x', [1, 10, 6]], ['x_mask', [3, 4]]]));

  it('gives Range over a computed length its shape and values', () => {
    expect(shapes.get('positions')).toEqual([10]);
    expect(constants.get('positions')).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('computes window padding with Mod', () => {
    expect(constants.get('pad')).toEqual([4]);
  });

  it('follows F.pad’s pads through ConstantOfShape, a reversing Slice and a Transpose', () => {
    expect(constants.get('zeros')).toEqual([0, 0]);
    expect(constants.get('reversed')).toEqual([0, 0, 0, 4]);
    expect(shapes.get('transposed')).toEqual([2, 2]);
    expect(constants.get('pads')).toEqual([0, 0, 0, 4]);
  });

  it('keeps ScatterND’s data shape', () => {
    expect(shapes.get('mask')).toEqual([3, 4]);
  });
});
