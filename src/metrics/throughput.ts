/** Per-case rates: throughput, per-sample latency and achieved GFLOP/s, from the median batch latency. */
import { medianCi } from '../stats/median-ci.ts';
import type { CompletedCase } from '../results/schema.ts';
import { unavailable } from './estimate.ts';
import type { CaseMetrics, Interval, MetricValue } from './types.ts';
import { median } from '../stats/quantile.ts';
import { quietSelfSamples, referenceRatios } from '../results/ratios.ts';

/** T(b) = b / latency, in samples per second (latency in ms). */
export function throughput(batch: number, latencyMs: number): number {
  return (batch * 1000) / latencyMs;
}

/** latency / b, ms per sample. */
export function perSampleLatency(batch: number, latencyMs: number): number {
  return latencyMs / batch;
}

/** flopsPerSample · b / latency, in GFLOP/s (latency in ms). */
export function achievedGflops(flopsPerSample: number, batch: number, latencyMs: number): number {
  return (flopsPerSample * batch) / (latencyMs * 1e6);
}

function orderCi(lower: number, upper: number, level: number): Interval {
  return { lower, upper, level, method: 'order-statistic', resamples: 0 };
}

/**
 * Rates of one completed case. The median is recomputed from the samples (type-7) so that it matches
 * the bootstrap; its interval is the distribution-free order-statistic CI at `confidence`, carried
 * through the monotone transforms to the rates.
 */
export function caseMetrics(c: CompletedCase, confidence: number): CaseMetrics {
  const samples = quietSelfSamples(c);
  const m = median(samples);
  const ci = medianCi(samples, confidence);
  const level = ci.level;
  const latency: MetricValue = { metric: 'latency', value: m, ci: orderCi(ci.lower, ci.upper, level) };
  const perSample: MetricValue = {
    metric: 'per-sample-latency',
    value: perSampleLatency(c.batch, m),
    ci: orderCi(perSampleLatency(c.batch, ci.lower), perSampleLatency(c.batch, ci.upper), level),
  };
  const rate = (metric: 'throughput' | 'gflops', f: (lat: number) => number): MetricValue => {
    const value = f(m);
    if (!(m > 0) || !Number.isFinite(value)) return unavailable(metric, 'median latency is 0 ms, so the rate is unbounded');
    const lower = f(ci.upper);
    const upper = f(ci.lower);
    return Number.isFinite(lower) && Number.isFinite(upper)
      ? { metric, value, ci: orderCi(lower, upper, level) }
      : { metric, value, ci: null, ciNote: 'lower end of the latency CI is 0 ms' };
  };
  const flops = c.model.flopsPerSample;
  return {
    key: c.key,
    suite: c.suite,
    modelId: c.model.id,
    compilerId: c.compiler.id,
    family: c.compiler.family,
    hardware: c.compiler.hardware,
    batch: c.batch,
    depth: c.depth,
    n: samples.length,
    latency,
    perSampleLatency: perSample,
    throughput: rate('throughput', (lat) => throughput(c.batch, lat)),
    gflops:
      flops === null
        ? unavailable('gflops', 'FLOPs per sample unknown for this model')
        : rate('gflops', (lat) => achievedGflops(flops, c.batch, lat)),
    compileMs: { metric: 'compile-ms', value: c.compileMs, ci: null, ciNote: 'compiled once per case' },
    speedupAlongside: speedupAlongside(c, confidence),
    rounds: { quiet: c.interleaving.rounds - c.interleaving.disturbance.excludedRounds.length, all: c.interleaving.rounds },
  };
}

/** 1 / ρ: the reference's latency over the compiler's in the same rounds, with the order-statistic CI of ρ inverted. */
function speedupAlongside(c: CompletedCase, confidence: number): MetricValue {
  const ratios = referenceRatios(c);
  if (ratios === null || ratios.length === 0) {
    return unavailable('batch-speedup', c.interleaving.referenceNote ?? 'no reference measured alongside (this compiler is its own reference)');
  }
  const rho = median(ratios);
  const ci = medianCi(ratios, confidence);
  const [value, lower, upper] = [1 / rho, 1 / ci.upper, 1 / ci.lower];
  if (![value, lower, upper].every(Number.isFinite)) return unavailable('batch-speedup', 'the latency ratio to the reference is 0 or too small to invert');
  return { metric: 'batch-speedup', value, ci: orderCi(lower, upper, ci.level) };
}
