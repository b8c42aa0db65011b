/**
 * A small transformer-like ONNX model written in the test: int64 token ids and an int64 attention mask
 * in, an embedding lookup, masked, and a projection out — the shape of a user's BERT export, small
 * enough to check against a reference computed here. Optionally with its projection weights in an
 * external data file (as exporters write models over 2 GB).
 */
import { create, toBinary } from '@bufbuild/protobuf';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AttributeProto_AttributeType,
  AttributeProtoSchema,
  GraphProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  OperatorSetIdProtoSchema,
  StringStringEntryProtoSchema,
  TensorProto_DataLocation,
  TensorProto_DataType,
  TensorProtoSchema,
  TensorShapeProto_DimensionSchema,
  TensorShapeProtoSchema,
  TypeProto_TensorSchema,
  TypeProtoSchema,
  ValueInfoProtoSchema,
  type TensorProto,
  type ValueInfoProto,
} from '../../src/graph/onnx-proto/onnx_pb.ts';
import { SeededRandom } from '../../src/graph/random.ts';

export interface TokenModel {
  readonly vocab: number;
  readonly hidden: number;
  readonly classes: number;
  readonly embedding: Float32Array;
  readonly projection: Float32Array;
}

export function tokenModelWeights(vocab = 50, hidden = 8, classes = 4): TokenModel {
  const random = new SeededRandom('token-model');
  return { vocab, hidden, classes, embedding: random.normals(vocab * hidden, 1), projection: random.normals(hidden * classes, 0.5) };
}

function value(name: string, type: TensorProto_DataType, dims: (number | string)[]): ValueInfoProto {
  return create(ValueInfoProtoSchema, {
    name,
    type: create(TypeProtoSchema, {
      value: {
        case: 'tensorType',
        value: create(TypeProto_TensorSchema, {
          elemType: type,
          shape: create(TensorShapeProtoSchema, {
            dim: dims.map((d) => create(TensorShapeProto_DimensionSchema, { value: typeof d === 'string' ? { case: 'dimParam', value: d } : { case: 'dimValue', value: BigInt(d) } })),
          }),
        }),
      },
    }),
  });
}

function floatTensor(name: string, dims: number[], data: Float32Array): TensorProto {
  return create(TensorProtoSchema, { name, dims: dims.map(BigInt), dataType: TensorProto_DataType.FLOAT, rawData: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)) });
}

/**
 * Writes `<dir>/<name>.onnx`: logits[N, seq, classes] = (embedding[input_ids] * mask) @ projection.
 * With `externalWeights`, the projection lives in `<name>.weights.bin` beside it.
 */
export async function writeTokenModel(dir: string, name: string, weights: TokenModel, externalWeights = false): Promise<string> {
  const { vocab, hidden, classes } = weights;
  const projectionBytes = new Uint8Array(weights.projection.buffer.slice(0));
  const projection = externalWeights
    ? create(TensorProtoSchema, {
        name: 'projection',
        dims: [BigInt(hidden), BigInt(classes)],
        dataType: TensorProto_DataType.FLOAT,
        dataLocation: TensorProto_DataLocation.EXTERNAL,
        externalData: [
          create(StringStringEntryProtoSchema, { key: 'location', value: `${name}.weights.bin` }),
          create(StringStringEntryProtoSchema, { key: 'offset', value: '0' }),
          create(StringStringEntryProtoSchema, { key: 'length', value: String(projectionBytes.byteLength) }),
        ],
      })
    : floatTensor('projection', [hidden, classes], weights.projection);
  if (externalWeights) await writeFile(join(dir, `${name}.weights.bin`), projectionBytes);
  const axes = create(TensorProtoSchema, { name: 'axes', dims: [1n], dataType: TensorProto_DataType.INT64, int64Data: [-1n] });
  const node = (op: string, inputs: string[], outputs: string[]) => create(NodeProtoSchema, { opType: op, name: outputs[0] as string, input: inputs, output: outputs });
  const model = create(ModelProtoSchema, {
    irVersion: 8n,
    producerName: 'graph-compiler-bench tests',
    opsetImport: [create(OperatorSetIdProtoSchema, { domain: '', version: 13n })],
    graph: create(GraphProtoSchema, {
      name: 'token-model',
      node: [
        node('Gather', ['embedding', 'input_ids'], ['embedded']),
        create(NodeProtoSchema, {
          opType: 'Cast',
          name: 'mask_float',
          input: ['attention_mask'],
          output: ['mask_float'],
          attribute: [create(AttributeProtoSchema, { name: 'to', type: AttributeProto_AttributeType.INT, i: BigInt(TensorProto_DataType.FLOAT) })],
        }),
        node('Unsqueeze', ['mask_float', 'axes'], ['mask3']),
        node('Mul', ['embedded', 'mask3'], ['masked']),
        node('MatMul', ['masked', 'projection'], ['logits']),
      ],
      initializer: [floatTensor('embedding', [vocab, hidden], weights.embedding), projection, axes],
      input: [value('input_ids', TensorProto_DataType.INT64, ['batch', 'sequence']), value('attention_mask', TensorProto_DataType.INT64, ['batch', 'sequence'])],
      output: [value('logits', TensorProto_DataType.FLOAT, ['batch', 'sequence', classes])],
    }),
  });
  const path = join(dir, `${name}.onnx`);
  await writeFile(path, toBinary(ModelProtoSchema, model));
  return path;
}

/** The model's output computed here, in float64: what ONNX Runtime must agree with. */
export function tokenModelReference(weights: TokenModel, ids: BigInt64Array, mask: BigInt64Array): Float32Array {
  const { hidden, classes } = weights;
  const out = new Float32Array(ids.length * classes);
  for (let t = 0; t < ids.length; t++) {
    const id = Number(ids[t]);
    const m = Number(mask[t]);
    for (let c = 0; c < classes; c++) {
      let sum = 0;
      for (let h = 0; h < hidden; h++) sum += (weights.embedding[id * hidden + h] as number) * m * (weights.projection[h * classes + c] as number);
      out[t * classes + c] = sum;
    }
  }
  return out;
}
