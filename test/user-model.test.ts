import { create, toBinary } from '@bufbuild/protobuf';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelProtoSchema, TensorShapeProto_DimensionSchema } from '../src/graph/onnx-proto/onnx_pb.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel, loadUserModel } from '../fixtures/index.ts';
import { parseOnnx } from '../src/graph/onnx.ts';

let directory = '';
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'gcb-user-model-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function writeModel(name: string, bytes: Uint8Array | string): Promise<string> {
  const path = join(directory, name);
  await writeFile(path, bytes);
  return path;
}

describe('loadUserModel', () => {
  it('reads a block exported to a file: names, sample shape, FLOPs and params as analysed', async () => {
    const block = buildModel('vit-encoder', { depth: 2 });
    const path = await writeModel('vit.onnx', block.onnx);
    const model = await loadUserModel({ name: 'my-vit', path });
    expect(model).toMatchObject({
      id: 'my-vit',
      kind: 'user',
      depth: null,
      inputName: 'input',
      outputName: 'output',
      sampleShape: [64, 64],
      hash: block.hash,
      flopsPerSample: block.flopsPerSample,
      params: block.params,
    });
    expect(model.graph).toBeUndefined();
  });

  it('analyses a convolutional archetype the same way', async () => {
    const archetype = buildModel('resnet-like');
    const model = await loadUserModel({ name: 'resnet', path: await writeModel('resnet.onnx', archetype.onnx) });
    expect(model.flopsPerSample).toBe(archetype.flopsPerSample);
  });

  it('gives a clear error naming the path for a file that is not ONNX', async () => {
    const path = await writeModel('garbage.onnx', 'this is not a protobuf at all');
    await expect(loadUserModel({ name: 'garbage', path })).rejects.toThrow(`${path} is not a valid ONNX model`);
  });

  it('names the path of a file that does not exist', async () => {
    const path = join(directory, 'missing.onnx');
    await expect(loadUserModel({ name: 'missing', path })).rejects.toThrow(path);
  });

  it('asks for sampleShape when per-sample dimensions are symbolic, and checks a given one', async () => {
    // A resnet-basic block whose input says [N, 32, H, W]: the spatial size is left to the caller.
    const model = parseOnnx(buildModel('resnet-basic').onnx);
    const inputShape = model.graph?.input[0]?.type?.value;
    if (inputShape?.case !== 'tensorType' || !inputShape.value.shape) throw new Error('expected a tensor input');
    inputShape.value.shape.dim.splice(2, 2, ...['H', 'W'].map((name) => create(TensorShapeProto_DimensionSchema, { value: { case: 'dimParam', value: name } })));
    const path = await writeModel('symbolic.onnx', toBinary(ModelProtoSchema, model));

    await expect(loadUserModel({ name: 'symbolic', path })).rejects.toThrow(/\[N, 32, H, W\].*pass sampleShape/);
    await expect(loadUserModel({ name: 'symbolic', path, sampleShape: [16, 8, 8] })).rejects.toThrow(/does not fit/);
    const loaded = await loadUserModel({ name: 'symbolic', path, sampleShape: [32, 8, 8] });
    expect(loaded.sampleShape).toEqual([32, 8, 8]);
    expect(loaded.flopsPerSample).toBe(buildModel('resnet-basic', { inputSize: 8 }).flopsPerSample);
    await expect(loadUserModel({ name: 'symbolic', path, inputName: 'nope' })).rejects.toThrow(/no input named "nope" \(inputs: input\)/);
  });

  it('rejects a model name that cannot be used in result keys', async () => {
    const path = await writeModel('ok.onnx', buildModel('plain-conv').onnx);
    await expect(loadUserModel({ name: 'a/b', path })).rejects.toThrow(/model name "a\/b"/);
  });
});
