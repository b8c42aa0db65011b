import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../src/metrics/compute.ts';
import { depthFit, depthGain, perBlockSpeedup } from '../src/metrics/depth.ts';
import { makeRun, sweep } from './support/synthetic-run.ts';

const DEPTHS = [1, 2, 4, 8];
const ref = (d: number) => 2 + 3 * d; // α_R = 2, c_R = 3
const comp = (d: number) => 1 + 1 * d; // α_C = 1, c_C = 1

describe('depth scaling', () => {
  it('recovers α and c from α + c·d data', () => {
    const fit = depthFit([1, 2, 3, 5], [1.5 + 0.25 * 1, 1.5 + 0.25 * 2, 1.5 + 0.25 * 3, 1.5 + 0.25 * 5]);
    expect(fit).toEqual({ alpha: expect.closeTo(1.5, 12), perBlock: expect.closeTo(0.25, 12) });
    expect(depthFit([4], [1])).toEqual({ reason: 'needs at least 2 completed depths, has 1' });
  });

  it('gives S(d), depth gain and per-block speedup exactly on constructed data', () => {
    const run = makeRun([
      ...sweep({ model: 'resnet-basic', compiler: 'ort-cpu-disabled' }, [8], DEPTHS, (_b, d) => ref(d as number)),
      ...sweep({ model: 'resnet-basic', compiler: 'ort-cpu-all' }, [8], DEPTHS, (_b, d) => comp(d as number)),
    ]);
    const m = computeMetrics(run, { bootstrap: { resamples: 300 } });
    const s = m.depth.find((x) => x.series === 'blocks/resnet-basic/ort-cpu-all/b=8');
    expect(s?.alpha.value).toBeCloseTo(1, 9);
    expect(s?.perBlock.value).toBeCloseTo(1, 9);
    expect(s?.alpha.metric).toBe('depth-alpha');
    const c = s?.comparison;
    expect(c?.referenceId).toBe('ort-cpu-disabled');
    expect(c?.depths).toEqual(DEPTHS);
    expect(c?.speedups.map((x) => [x.depth, x.speedup.value])).toEqual(DEPTHS.map((d) => [d, expect.closeTo(ref(d) / comp(d), 12)]));
    expect(c?.depthGain.value).toBeCloseTo(ref(8) / comp(8) / (ref(1) / comp(1)), 12); // (26/9)/(5/2)
    expect(c?.perBlockSpeedup.value).toBeCloseTo(3, 9);
    const refSeries = m.depth.find((x) => x.series === 'blocks/resnet-basic/ort-cpu-disabled/b=8');
    expect(refSeries?.alpha.value).toBeCloseTo(2, 9);
    expect(refSeries?.perBlock.value).toBeCloseTo(3, 9);
  });

  it('uses only depths measured alongside the reference and says which were not', () => {
    const run = makeRun([
      ...sweep({ model: 'mlp', compiler: 'ort-cpu-disabled' }, [1], [1, 2, 4], (_b, d) => ref(d as number)),
      ...sweep({ model: 'mlp', compiler: 'ort-cpu-all' }, [1], [1, 2], (_b, d) => comp(d as number)),
      // d=8: the reference could not run alongside (say it ran out of memory there).
      { model: 'mlp', compiler: 'ort-cpu-all', batch: 1, depth: 8, median: comp(8), referenceSamples: null },
      { model: 'mlp', compiler: 'ort-cpu-all', batch: 1, depth: 4, state: 'failed' },
    ]);
    const s = computeMetrics(run, { bootstrap: { resamples: 0 } }).depth.find((x) => x.compilerId === 'ort-cpu-all');
    expect(s?.comparison?.depths).toEqual([1, 2]);
    expect(s?.comparison?.unmatchedDepths).toEqual([8]);
    expect(s?.comparison?.depthGain.value).toBeCloseTo(ref(2) / comp(2) / (ref(1) / comp(1)), 12);
    expect(s?.missing.map((p) => p.key)).toEqual(['blocks/mlp/ort-cpu-all/b=1/d=4']);
  });

  it('reports per-block speedup as null with a reason when the compiler’s c is not positive', () => {
    expect(perBlockSpeedup([1, 2], [1, 2], [3, 3])).toEqual({ reason: 'compiler per-block cost is not positive (0.00 ms)' });
    expect(depthGain([2], [1], [1])).toEqual({ reason: 'needs at least 2 depths measured under both compilers, has 1' });
  });
});
