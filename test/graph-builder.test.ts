import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../src/graph/builder.ts';
import { OP_TYPES } from '../src/graph/ir.ts';
import { SeededRandom, seedFromString } from '../src/graph/random.ts';
import { broadcastShapes, reshapeShape } from '../src/graph/shapes.ts';
import { ARCHETYPE_IDS, BLOCK_IDS, buildModel } from '../fixtures/index.ts';

describe('SeededRandom', () => {
  it('repeats the same stream for the same seed and differs for another', () => {
    const a = new SeededRandom('resnet-basic').normals(100, 1);
    const b = new SeededRandom('resnet-basic').normals(100, 1);
    const c = new SeededRandom('convnext').normals(100, 1);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(seedFromString('abc')).toBe(seedFromString('abc'));
  });

  it('draws normals with about the requested mean and standard deviation', () => {
    const values = new SeededRandom(42).normals(20_000, 2, 3);
    const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
    const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length;
    expect(mean).toBeCloseTo(3, 1);
    expect(Math.sqrt(variance)).toBeCloseTo(2, 1);
    expect(values.every(Number.isFinite)).toBe(true);
  });
});

describe('shape helpers', () => {
  it('broadcasts with a symbolic batch', () => {
    expect(broadcastShapes(['N', 64, 32], [32])).toEqual(['N', 64, 32]);
    expect(broadcastShapes(['N', 1, 32], [1, 8, 1])).toEqual(['N', 8, 32]);
    expect(() => broadcastShapes([3, 4], [5])).toThrow(/broadcast/);
  });

  it('reshapes with 0 copying the batch and -1 inferred', () => {
    expect(reshapeShape(['N', 64, 64], [0, 64, 4, 16])).toEqual(['N', 64, 4, 16]);
    expect(reshapeShape(['N', 32, 8, 8], [0, 32, -1])).toEqual(['N', 32, 64]);
    expect(() => reshapeShape(['N', 8], [8, -1])).toThrow(/batch/);
  });
});

describe('GraphBuilder', () => {
  it('tracks shapes through layers and names the output', () => {
    const builder = new GraphBuilder('test', 1);
    const x = builder.input('input', ['N', 3, 16, 16]);
    const conv = builder.conv(x, { outChannels: 8, kernel: 3, stride: 2 });
    expect(builder.shapeOf(conv)).toEqual(['N', 8, 8, 8]);
    const tokens = builder.transpose(builder.reshape(conv, [0, 8, 64]), [0, 2, 1]);
    expect(builder.shapeOf(tokens)).toEqual(['N', 64, 8]);
    const normalised = builder.layerNorm(tokens);
    const hidden = builder.gelu(builder.linear(normalised, 32));
    expect(builder.shapeOf(hidden)).toEqual(['N', 64, 32]);
    const pooled = builder.reduceMean(hidden, [1], false);
    const graph = builder.output(builder.gemm(pooled, 10));
    expect(graph.output).toEqual({ name: 'output', shape: ['N', 10] });
    expect(graph.shapes.output).toEqual(['N', 10]);
    expect(graph.nodes.at(-1)?.outputs).toEqual(['output']);
  });

  it('rejects inconsistent shapes', () => {
    const builder = new GraphBuilder('bad', 1);
    const x = builder.input('input', ['N', 4, 8]);
    expect(() => builder.matmul(x, x)).toThrow(/inner dimensions/);
    expect(() => builder.conv(x, { outChannels: 4, kernel: 3 })).toThrow(/rank 4/);
    expect(() => builder.transpose(x, [0, 0, 1])).toThrow(/permutation/);
  });

  it('shares scalar constants instead of repeating them', () => {
    const builder = new GraphBuilder('scalars', 1);
    const x = builder.input('input', ['N', 4]);
    const graph = builder.output(builder.relu6(builder.relu6(x)));
    expect(graph.initializers.filter((init) => init.dims.length === 0)).toHaveLength(2); // 0 and 6
  });
});

describe('every fixture graph', () => {
  const graphs = [
    ...BLOCK_IDS.map((id) => buildModel(id, { depth: 2 }).graph),
    ...ARCHETYPE_IDS.map((id) => buildModel(id).graph),
  ];

  it.each(graphs.map((graph) => [graph?.name ?? '?', graph] as const))('%s uses only OP_TYPES, in topological order', (_, graph) => {
    if (!graph) throw new Error('fixture has no graph');
    const defined = new Set<string>([graph.input.name, ...graph.initializers.map((init) => init.name)]);
    for (const node of graph.nodes) {
      expect(OP_TYPES).toContain(node.op);
      for (const input of node.inputs) expect(defined, `${node.name} reads ${input}`).toContain(input);
      for (const output of node.outputs) {
        expect(defined.has(output), `${output} defined twice`).toBe(false);
        defined.add(output);
        expect(graph.shapes[output], `shape of ${output}`).toBeDefined();
      }
    }
    expect(defined).toContain(graph.output.name);
    expect(graph.input.shape[0]).toBe('N');
    expect(graph.output.shape[0]).toBe('N');
  });
});
