/** A stand-in model for harness tests whose adapters ignore the bytes. */
import { createHash } from 'node:crypto';
import type { CaseModel } from '../../src/harness/measure-case.ts';

export function tinyModel(name = 'tiny', depth: number | null = null): CaseModel {
  const onnx = new TextEncoder().encode(`not a real model: ${name}`);
  return {
    id: name,
    name,
    kind: 'user',
    onnx,
    hash: createHash('sha256').update(onnx).digest('hex'),
    inputName: 'x',
    outputName: 'y',
    sampleShape: [4],
    flopsPerSample: null,
    params: null,
    depth,
  };
}
