/**
 * The Python worker end to end with a real interpreter (torch-eager-cpu): the protocol through
 * WorkerClient, the worker's catalogue against the harness's, and whole cases through measureCase —
 * self-timed samples, the worker's compile time, a reference measured alongside in the same worker,
 * and a model the converter cannot take reported as unavailable.
 */
import { create, toBinary } from '@bufbuild/protobuf';
import {
  GraphProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  OperatorSetIdProtoSchema,
  TensorProto_DataType,
  TensorShapeProto_DimensionSchema,
  TensorShapeProtoSchema,
  TypeProto_TensorSchema,
  TypeProtoSchema,
  ValueInfoProtoSchema,
} from '../src/graph/onnx-proto/onnx_pb.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../fixtures/index.ts';
import { PYTHON_COMPILERS } from '../src/adapters/python-compilers.ts';
import { cacheOnnx } from '../fixtures/cache.ts';
import { pythonCompilerSettings, pythonCompilerVersions, WORKER_MODEL_DIR } from '../src/adapters/python-worker.ts';
import { createAdapter } from '../src/adapters/registry.ts';
import { sha256Hex } from '../src/graph/onnx.ts';
import { measureCase, type CaseModel } from '../src/harness/measure-case.ts';
import { TinybenchEngine } from '../src/harness/tinybench-engine.ts';
import { CaseResultSchema } from '../src/results/schema.ts';
import { WorkerClient } from '../src/worker/client.ts';
import {
  CompileAnswerSchema,
  EmptyAnswerSchema,
  float32ToBase64,
  LoadAnswerSchema,
  OutputAnswerSchema,
  RunAnswerSchema,
  wireTensorToFloat32,
} from '../src/worker/protocol.ts';
import { PYTHON_WORKER_DIR, sharedPythonWorker } from '../src/worker/python.ts';
import { findTorchPython } from './support/python.ts';

const found = findTorchPython();
const python = found.python ?? 'python3';
const quick = { minTimeMs: 30, minSamples: 5, warmupTimeMs: 5, warmupIterations: 2, maxSamples: 100 };

function caseModel(id: string, depth?: number): CaseModel {
  const built = buildModel(id, depth === undefined ? {} : { depth });
  return { ...built, name: id };
}

let previousPython: string | undefined;
beforeAll(async () => {
  previousPython = process.env.GCB_PYTHON;
  if (found.python !== null) process.env.GCB_PYTHON = found.python;
  await sharedPythonWorker.reset();
});
afterAll(async () => {
  if (previousPython === undefined) delete process.env.GCB_PYTHON;
  else process.env.GCB_PYTHON = previousPython;
  await sharedPythonWorker.reset();
});

describe.skipIf(found.python === null)(`the python worker over the protocol${found.skip}`, () => {
  it('says hello with a catalogue equal to the harness registry', async () => {
    const client = await WorkerClient.start({ name: 'python worker', command: python, args: ['-m', 'gcb_worker'], cwd: PYTHON_WORKER_DIR });
    try {
      const hello = client.hello;
      expect(hello.protocol).toBe(1);
      expect(hello.worker.name).toBe('gcb-python-worker');
      const catalogue = Object.fromEntries(hello.compilers.map((c) => [c.id, { hardware: c.hardware, family: c.family, description: c.description }]));
      const harness = Object.fromEntries(
        Object.entries(PYTHON_COMPILERS).map(([id, info]) => [id, { hardware: info.hardware, family: info.family, description: info.description }]),
      );
      expect(catalogue).toEqual(harness);
      expect(hello.compilers.find((c) => c.id === 'torch-eager-cpu')).toMatchObject({ available: true });
      expect(hello.compilers.find((c) => c.id === 'tensorrt-cuda')).toMatchObject({ available: false });
    } finally {
      await client.close();
    }
  });

  it('runs a case op by op: load, prepare, compile, run, output, dispose, shutdown', async () => {
    const model = caseModel('plain-conv', 1);
    const path = await cacheOnnx(model, WORKER_MODEL_DIR);
    expect(path).toBe(`${WORKER_MODEL_DIR}${model.hash}.onnx`);
    const client = await WorkerClient.start({ name: 'python worker', command: python, args: ['-m', 'gcb_worker'], cwd: PYTHON_WORKER_DIR });
    try {
      const settings = pythonCompilerSettings(PYTHON_COMPILERS['torch-eager-cpu']!);
      const shape = [2, ...model.sampleShape];
      const load = await client.request(
        'load',
        { handle: 'h1', compiler: 'torch-eager-cpu', batch: 2, model: { path, inputs: [{ name: model.inputName, dtype: 'float32', shape }], outputs: [model.outputName] }, settings },
        LoadAnswerSchema,
      );
      expect(load).toEqual({
        available: true,
        compiler: { id: 'torch-eager-cpu', family: 'torch-cpu', hardware: 'cpu', settings, versions: pythonCompilerVersions(PYTHON_COMPILERS['torch-eager-cpu']!, client.hello.runtimes) },
        mode: 'end-to-end',
      });
      const input = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i));
      expect(await client.request('prepare', { handle: 'h1', inputs: [{ name: model.inputName, dtype: 'float32', shape, data: float32ToBase64(input) }] }, EmptyAnswerSchema)).toEqual({});
      const compiled = await client.request('compile', { handle: 'h1' }, CompileAnswerSchema);
      expect(compiled.compileMs).toBeGreaterThan(0);
      const run = await client.request('run', { handle: 'h1', calls: 7 }, RunAnswerSchema);
      expect(run.times).toHaveLength(7);
      const { outputs } = await client.request('output', { handle: 'h1' }, OutputAnswerSchema);
      expect(outputs.map((o) => [o.name, o.dtype, o.shape])).toEqual([[model.outputName, 'float32', [2, ...(model.graph?.output.shape.slice(1) as number[])]]]);
      expect(wireTensorToFloat32(outputs[0]!).length).toBe(2 * 32 * 16 * 16);
      expect(await client.request('dispose', { handle: 'h1' }, EmptyAnswerSchema)).toEqual({});
      await expect(client.request('run', { handle: 'h1', calls: 1 }, RunAnswerSchema)).rejects.toMatchObject({ message: "unknown handle 'h1'", phase: 'protocol' });
    } finally {
      await client.close();
    }
    // It exited by itself on shutdown (code 0), not by the kill close() falls back to.
    expect(client.deadReason?.message).toBe('python worker exited with code 0');
  });

  it('measures a case with worker-timed samples and a reference alongside in the same worker', async () => {
    const adapter = await createAdapter('torch-eager-cpu');
    const paired = await createAdapter('torch-eager-cpu');
    const result = CaseResultSchema.parse(
      await measureCase({
        suite: 'blocks',
        model: caseModel('resnet-basic', 1),
        adapter,
        reference: await createAdapter('ort-cpu-disabled'),
        pairedReference: paired,
        batch: 2,
        engine: new TinybenchEngine(),
        measure: quick,
        sessions: 2,
        timeoutMs: 60_000,
      }),
    );
    expect(result.state).toBe('completed');
    if (result.state !== 'completed') return;
    expect(result.key).toBe('blocks/resnet-basic/torch-eager-cpu/b=2/d=1');
    expect(result.mode).toBe('end-to-end');
    expect(result.compiler.settings).toEqual(pythonCompilerSettings(PYTHON_COMPILERS['torch-eager-cpu']!));
    expect(Object.keys(result.compiler.versions).sort()).toEqual(['gcb-worker', 'numpy', 'onnx', 'python', 'torch']);
    expect(result.correctness).toMatchObject({ reference: 'ort-cpu-disabled', tolerance: 1e-4, ok: true });
    expect(result.interleaving.reference?.compilerId).toBe('torch-eager-cpu');
    expect(result.interleaving.sessionRounds).toHaveLength(2);
    expect(result.samples.length).toBe(result.interleaving.rounds * result.interleaving.callsPerRound);
  });

  it('reports a model with an operator the converter lacks as unavailable, naming it', async () => {
    const onnx = onnxWithNonZero();
    const model: CaseModel = {
      id: 'non-zero', name: 'non-zero', kind: 'user', onnx, hash: sha256Hex(onnx), inputName: 'x', outputName: 'y', sampleShape: [4],
      flopsPerSample: null, params: null, depth: null,
    };
    const result = await measureCase({
      suite: 'models', model, adapter: await createAdapter('torch-eager-cpu'), reference: null, batch: 1, engine: new TinybenchEngine(), measure: quick,
    });
    expect(result).toMatchObject({ key: 'models/non-zero/torch-eager-cpu/b=1', state: 'unavailable', reason: 'unsupported op NonZero' });
  });
});

/** x → NonZero → y: an op the converter does not implement (its output's shape depends on the data). */
function onnxWithNonZero(): Uint8Array {
  const valueInfo = (name: string, dims: ({ case: 'dimValue'; value: bigint } | { case: 'dimParam'; value: string })[]) =>
    create(ValueInfoProtoSchema, {
      name,
      type: create(TypeProtoSchema, {
        value: {
          case: 'tensorType',
          value: create(TypeProto_TensorSchema, {
            elemType: TensorProto_DataType.FLOAT,
            shape: create(TensorShapeProtoSchema, { dim: dims.map((value) => create(TensorShapeProto_DimensionSchema, { value })) }),
          }),
        },
      }),
    });
  return toBinary(
    ModelProtoSchema,
    create(ModelProtoSchema, {
      irVersion: 8n,
      opsetImport: [create(OperatorSetIdProtoSchema, { domain: '', version: 17n })],
      graph: create(GraphProtoSchema, {
        name: 'non-zero',
        node: [create(NodeProtoSchema, { opType: 'NonZero', input: ['x'], output: ['y'] })],
        input: [valueInfo('x', [{ case: 'dimParam', value: 'N' }, { case: 'dimValue', value: 4n }])],
        output: [valueInfo('y', [])],
      }),
    }),
  );
}
