import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../src/metrics/compute.ts';
import { achievedGflops, perSampleLatency, throughput } from '../src/metrics/throughput.ts';
import { makeRun } from './support/synthetic-run.ts';

describe('throughput, per-sample latency and GFLOP/s', () => {
  it('are exact for the pure formulas', () => {
    expect(throughput(8, 4)).toBe(2000); // 8 samples / 4 ms
    expect(perSampleLatency(8, 4)).toBe(0.5);
    expect(achievedGflops(1e6, 8, 4)).toBe(2); // 8e6 FLOP in 4 ms
  });

  it('are computed per completed case from the median of the samples', () => {
    const run = makeRun([
      { model: 'vit-like', compiler: 'ort-cpu-all', batch: 8, median: 4, flopsPerSample: 1e6, compileMs: 123 },
      { model: 'cnn-like', compiler: 'ort-cpu-all', batch: 2, median: 5, flopsPerSample: null },
    ]);
    const m = computeMetrics(run, { bootstrap: { resamples: 0 } });
    const vit = m.cases.find((c) => c.modelId === 'vit-like');
    expect(vit?.latency.value).toBe(4);
    expect(vit?.latency.ci?.method).toBe('order-statistic');
    expect(vit?.throughput.value).toBe(2000);
    expect(vit?.perSampleLatency.value).toBe(0.5);
    expect(vit?.gflops.value).toBe(2);
    expect(vit?.compileMs.value).toBe(123);
    // The rate CI is the latency CI transformed (bounds swap).
    expect(vit?.throughput.ci?.lower).toBeCloseTo(8000 / (vit?.latency.ci?.upper ?? 0), 9);
    const cnn = m.cases.find((c) => c.modelId === 'cnn-like');
    expect(cnn?.gflops).toEqual({ metric: 'gflops', value: null, ci: null, reason: 'FLOPs per sample unknown for this model' });
    expect(cnn?.throughput.value).toBe(400);
  });
});
