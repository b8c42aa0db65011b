/**
 * ONNX serialisation of the IR (one-to-one: IR nodes are ONNX nodes) and the small amount of reading a
 * user's ONNX file needs. Output is byte-identical for the same graph: no timestamps, nodes and
 * initializers in build order, attributes sorted by name, tensors as little-endian raw data.
 */
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { createHash } from 'node:crypto';
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
  type AttributeProto,
  type ModelProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from './onnx-proto/onnx_pb.ts';
import { OPSET, type AttrValue, type Dim, type Graph, type GraphNode, type Initializer, type ValueInfo } from './ir.ts';

export const ONNX_IR_VERSION = 8;
export const PRODUCER_NAME = 'graph-compiler-bench';
/** The symbolic name written for the batch dimension. */
export const BATCH_DIM_PARAM = 'N';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Serialises a graph as an ONNX model (IR version 8, default-domain opset {@link OPSET}). */
export function toOnnx(graph: Graph): Uint8Array {
  const model = create(ModelProtoSchema, {
    irVersion: BigInt(ONNX_IR_VERSION),
    producerName: PRODUCER_NAME,
    opsetImport: [create(OperatorSetIdProtoSchema, { domain: '', version: BigInt(OPSET) })],
    graph: create(GraphProtoSchema, {
      name: graph.name,
      node: graph.nodes.map(nodeProto),
      initializer: graph.initializers.map(tensorProto),
      input: [valueInfoProto(graph.input)],
      output: [valueInfoProto(graph.output)],
    }),
  });
  return toBinary(ModelProtoSchema, model);
}

function nodeProto(node: GraphNode): NodeProto {
  const floatAttrs = new Set(node.floatAttrs ?? []);
  const attributeNames = Object.keys(node.attrs).sort();
  return create(NodeProtoSchema, {
    name: node.name,
    opType: node.op,
    input: [...node.inputs],
    output: [...node.outputs],
    attribute: attributeNames.map((name) => attributeProto(name, node.attrs[name] as AttrValue, floatAttrs.has(name))),
  });
}

function attributeProto(name: string, value: AttrValue, isFloat: boolean): AttributeProto {
  if (typeof value === 'string') {
    return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.STRING, s: new TextEncoder().encode(value) });
  }
  if (typeof value === 'number') {
    return isFloat
      ? create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.FLOAT, f: value })
      : create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.INT, i: toInt64(value, name) });
  }
  return isFloat
    ? create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.FLOATS, floats: [...value] })
    : create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.INTS, ints: value.map((v) => toInt64(v, name)) });
}

function toInt64(value: number, attribute: string): bigint {
  if (!Number.isInteger(value)) throw new Error(`attribute ${attribute}: ${value} is not an integer (list it in floatAttrs?)`);
  return BigInt(value);
}

function tensorProto(initializer: Initializer): TensorProto {
  const count = initializer.data.length;
  const raw = new Uint8Array(count * (initializer.dtype === 'float32' ? 4 : 8));
  const view = new DataView(raw.buffer);
  // Explicit little-endian (ONNX's raw_data byte order), whatever the host's order.
  if (initializer.dtype === 'float32') {
    for (let i = 0; i < count; i++) view.setFloat32(i * 4, initializer.data[i] as number, true);
  } else {
    for (let i = 0; i < count; i++) view.setBigInt64(i * 8, initializer.data[i] as bigint, true);
  }
  return create(TensorProtoSchema, {
    name: initializer.name,
    dims: initializer.dims.map(BigInt),
    dataType: initializer.dtype === 'float32' ? TensorProto_DataType.FLOAT : TensorProto_DataType.INT64,
    rawData: raw,
  });
}

function valueInfoProto(value: ValueInfo): ValueInfoProto {
  const dims = value.shape.map((dim: Dim) =>
    create(TensorShapeProto_DimensionSchema, {
      value: dim === 'N' ? { case: 'dimParam', value: BATCH_DIM_PARAM } : { case: 'dimValue', value: BigInt(dim) },
    }),
  );
  return create(ValueInfoProtoSchema, {
    name: value.name,
    type: create(TypeProtoSchema, {
      value: {
        case: 'tensorType',
        value: create(TypeProto_TensorSchema, {
          elemType: TensorProto_DataType.FLOAT,
          shape: create(TensorShapeProtoSchema, { dim: dims }),
        }),
      },
    }),
  });
}

// ------------------------------------------------------------------------------------------ reading

/** One dimension of a user model's tensor: fixed, symbolic (its dim_param), or not given. */
export type OnnxDim = number | string | null;

export interface OnnxTensorInfo {
  readonly name: string;
  /** Null when the file declares no shape. */
  readonly shape: readonly OnnxDim[] | null;
  /** ONNX TensorProto.DataType of the elements; 1 is float32. */
  readonly elemType: number | null;
}

export interface OnnxIo {
  /** Graph inputs that are real inputs (initializers listed as inputs by old exporters are left out). */
  readonly inputs: readonly OnnxTensorInfo[];
  readonly outputs: readonly OnnxTensorInfo[];
}

/**
 * Parses ONNX bytes, checking that they look like a model (a graph with nodes and outputs). `label`
 * (usually the file path) goes into the error message.
 */
export function parseOnnx(bytes: Uint8Array, label = 'ONNX bytes'): ModelProto {
  let model: ModelProto;
  try {
    model = fromBinary(ModelProtoSchema, bytes);
  } catch (error) {
    throw new Error(`${label} is not a valid ONNX model: ${error instanceof Error ? error.message : String(error)}`);
  }
  const graph = model.graph;
  const problem =
    model.irVersion <= 0n
      ? 'no IR version'
      : !graph
        ? 'no graph'
        : graph.node.length === 0
          ? 'graph has no nodes'
          : graph.output.length === 0
            ? 'graph has no outputs'
            : null;
  if (problem) throw new Error(`${label} is not a valid ONNX model: ${problem}`);
  return model;
}

/** The inputs and outputs of an ONNX model, with their shapes as declared in the file. */
export function readOnnxIo(source: Uint8Array | ModelProto): OnnxIo {
  const model = source instanceof Uint8Array ? parseOnnx(source) : source;
  const graph = model.graph;
  if (!graph) throw new Error('ONNX model has no graph');
  const initializerNames = new Set(graph.initializer.map((tensor) => tensor.name));
  return {
    inputs: graph.input.filter((value) => !initializerNames.has(value.name)).map(tensorInfo),
    outputs: graph.output.map(tensorInfo),
  };
}

function tensorInfo(value: ValueInfoProto): OnnxTensorInfo {
  const type = value.type?.value;
  if (type?.case !== 'tensorType') return { name: value.name, shape: null, elemType: null };
  const shape = type.value.shape?.dim.map((dim): OnnxDim => {
    if (dim.value.case === 'dimValue') return Number(dim.value.value);
    if (dim.value.case === 'dimParam') return dim.value.value;
    return null;
  });
  return { name: value.name, shape: shape ?? null, elemType: type.value.elemType };
}
