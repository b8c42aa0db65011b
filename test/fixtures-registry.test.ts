import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ARCHETYPE_IDS,
  BLOCK_IDS,
  buildModel,
  cacheOnnx,
  getFixture,
  isFixtureId,
  MODEL_CACHE_DIR,
} from '../fixtures/index.ts';
import { sha256Hex } from '../src/graph/onnx.ts';
import { ModelInfoSchema } from '../src/results/schema.ts';

describe('fixture registry', () => {
  it('lists every fixture once, with a definition of the right kind', () => {
    expect(new Set([...BLOCK_IDS, ...ARCHETYPE_IDS]).size).toBe(BLOCK_IDS.length + ARCHETYPE_IDS.length);
    for (const id of BLOCK_IDS) expect(getFixture(id)).toMatchObject({ id, kind: 'block' });
    for (const id of ARCHETYPE_IDS) expect(getFixture(id)).toMatchObject({ id, kind: 'archetype' });
    expect(isFixtureId('convnext')).toBe(true);
    expect(isFixtureId('resnet50')).toBe(false);
  });

  it('names the valid ids when asked for an unknown one', () => {
    expect(() => getFixture('resnet50')).toThrow(/unknown fixture "resnet50"/);
    for (const id of [...BLOCK_IDS, ...ARCHETYPE_IDS]) expect(() => buildModel('resnet50')).toThrow(id);
  });

  it('ids blocks by depth (and non-default sizes) and archetypes by name', () => {
    expect(buildModel('resnet-basic', { depth: 4 })).toMatchObject({ id: 'resnet-basic/d=4', kind: 'block', depth: 4 });
    expect(buildModel('mixer', { depth: 2, width: 32 }).id).toBe('mixer/d=2/w=32');
    expect(buildModel('vit-like')).toMatchObject({ id: 'vit-like', kind: 'archetype', depth: null, sampleShape: [3, 64, 64] });
    expect(() => buildModel('vit-like', { depth: 2 })).toThrow(/archetype/);
  });

  it('describes models the way results record them', () => {
    const model = buildModel('convnext', { depth: 2 });
    const info = { id: 'convnext', kind: model.kind, hash: model.hash, flopsPerSample: model.flopsPerSample, params: model.params, sampleShape: [...model.sampleShape] };
    expect(ModelInfoSchema.parse(info)).toEqual(info);
  });
});

describe('determinism', () => {
  it.each([...BLOCK_IDS, ...ARCHETYPE_IDS])('%s builds byte-identical ONNX with the same hash', (id) => {
    const first = buildModel(id);
    const second = buildModel(id);
    expect(Buffer.from(first.onnx).equals(Buffer.from(second.onnx))).toBe(true);
    expect(first.hash).toBe(second.hash);
    expect(first.hash).toBe(sha256Hex(first.onnx));
  });

  it.each(BLOCK_IDS)('%s gets a different hash at a different depth', (id) => {
    const hashes = new Set([1, 2, 4].map((depth) => buildModel(id, { depth }).hash));
    expect(hashes.size).toBe(3);
  });

  it('makes a shallow stack the prefix of a deeper one (weights seeded by block id)', () => {
    const shallow = buildModel('resnet-basic', { depth: 2 }).graph;
    const deep = buildModel('resnet-basic', { depth: 4 }).graph;
    const firstWeight = (graph: typeof shallow) => graph?.initializers.find((init) => init.name === 'block1/conv_0.weight')?.data;
    expect(firstWeight(shallow)).toEqual(firstWeight(deep));
  });
});

describe('cacheOnnx', () => {
  const directories: string[] = [];
  afterAll(async () => {
    await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
  });

  it('writes <hash>.onnx once and returns its path', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'gcb-cache-'));
    directories.push(directory);
    const model = buildModel('plain-conv', { depth: 2 });
    const path = await cacheOnnx(model, directory);
    expect(path).toBe(join(directory, `${model.hash}.onnx`));
    expect(sha256Hex(await readFile(path))).toBe(model.hash);
    expect(await cacheOnnx(model, directory)).toBe(path);
  });

  it('defaults to .cache/models at the repository root', () => {
    expect(MODEL_CACHE_DIR.replaceAll('\\', '/')).toMatch(/\/\.cache\/models\/?$/);
  });
});
