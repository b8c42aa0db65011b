/**
 * Every metric the suite derives, with its unit and direction as data. Renderers and the gate look the
 * direction up here; nothing switches on metric names to decide whether bigger is better.
 */

/**
 * `neutral` is for comparative quantities with no better side (the latency ratio of two archetypes);
 * the gate never judges those by direction.
 */
export type Direction = 'lower-is-better' | 'higher-is-better' | 'neutral';

/**
 * How a practical threshold applies when the gate compares run against baseline: `relative` compares
 * the ratio run/baseline with 1 ± threshold (0.10 = 10%); `absolute` compares the difference with
 * ± threshold in the metric's own unit.
 */
export type ThresholdKind = 'relative' | 'absolute';

export interface MetricDefinition {
  readonly id: string;
  readonly label: string;
  readonly unit: string;
  readonly direction: Direction;
  readonly thresholdKind: ThresholdKind;
  readonly description: string;
}

const define = <const T extends Record<string, Omit<MetricDefinition, 'id'>>>(defs: T) =>
  Object.fromEntries(Object.entries(defs).map(([id, d]) => [id, { id, ...d }])) as {
    readonly [K in keyof T]: MetricDefinition & { readonly id: K };
  };

export const METRICS = define({
  latency: {
    label: 'Latency (median)',
    unit: 'ms',
    direction: 'lower-is-better',
    thresholdKind: 'relative',
    description: 'Median wall time of one inference of the whole batch.',
  },
  'relative-latency': {
    label: 'Latency relative to the reference',
    unit: '×',
    direction: 'lower-is-better',
    thresholdKind: 'relative',
    description:
      'Median over rounds of lat_C / lat_R, the reference R measured alongside in the same rounds; what the gate compares for a compiler with a reference. Drift of the machine cancels.',
  },
  'paired-latency': {
    label: 'Latency, head over base side by side',
    unit: '×',
    direction: 'lower-is-better',
    thresholdKind: 'relative',
    description:
      'Geometric mean over paired rounds of lat_head / lat_base, the two checkouts measured in the same rounds (pnpm bench --compare); what the paired gate compares. Drift of the machine cancels.',
  },
  'anchored-latency': {
    label: 'Latency in anchor units',
    unit: '×',
    direction: 'lower-is-better',
    thresholdKind: 'relative',
    description:
      'Median over rounds of lat / lat_anchor, the harness’s fixed workload measured alongside; what the gate compares for a reference compiler (and any compiler measured without one).',
  },
  'per-sample-latency': {
    label: 'Per-sample latency',
    unit: 'ms/sample',
    direction: 'lower-is-better',
    thresholdKind: 'relative',
    description: 'Median batch latency divided by the batch size.',
  },
  throughput: {
    label: 'Throughput',
    unit: 'samples/s',
    direction: 'higher-is-better',
    thresholdKind: 'relative',
    description: 'T(b) = b / median latency(b).',
  },
  gflops: {
    label: 'Achieved GFLOP/s',
    unit: 'GFLOP/s',
    direction: 'higher-is-better',
    thresholdKind: 'relative',
    description: 'flopsPerSample * b / median latency; null when the model’s FLOPs are unknown.',
  },
  'compile-ms': {
    label: 'Compile time',
    unit: 'ms',
    direction: 'lower-is-better',
    thresholdKind: 'relative',
    description: 'Time to load and compile the model (session creation).',
  },
  'friction-beta': {
    label: 'Batch friction β',
    unit: '1',
    direction: 'lower-is-better',
    thresholdKind: 'absolute',
    description:
      'OLS slope of ln(median latency) on ln(batch): 0 = batching is free, 1 = latency grows linearly with the batch.',
  },
  'friction-mitigation': {
    label: 'Friction mitigation β_R − β_C',
    unit: '1',
    direction: 'higher-is-better',
    thresholdKind: 'absolute',
    description: 'How much the compiler lowers batch friction compared with the reference compiler.',
  },
  'batch-speedup': {
    label: 'Speedup at batch b',
    unit: '×',
    direction: 'higher-is-better',
    thresholdKind: 'relative',
    description: 'Per-sample latency of the reference divided by that of the compiler, at one batch size.',
  },
  'depth-alpha': {
    label: 'Fixed cost α',
    unit: 'ms',
    direction: 'lower-is-better',
    thresholdKind: 'relative',
    description: 'Intercept of latency(d) = α + c·d: cost that does not grow with depth (stem, head, overhead).',
  },
  'depth-per-block': {
    label: 'Per-block cost c',
    unit: 'ms/block',
    direction: 'lower-is-better',
    thresholdKind: 'relative',
    description: 'Slope of latency(d) = α + c·d: the cost of one more block.',
  },
  'depth-speedup': {
    label: 'Speedup S(d)',
    unit: '×',
    direction: 'higher-is-better',
    thresholdKind: 'relative',
    description: 'lat_R(d) / lat_C(d) at one depth.',
  },
  'depth-gain': {
    label: 'Depth gain',
    unit: '×',
    direction: 'higher-is-better',
    thresholdKind: 'relative',
    description: 'S(d_max) / S(d_min): how much the compiler’s advantage grows from the shallowest to the deepest model.',
  },
  'per-block-speedup': {
    label: 'Per-block speedup',
    unit: '×',
    direction: 'higher-is-better',
    thresholdKind: 'relative',
    description: 'c_R / c_C: speedup of the repeated block itself, without fixed costs.',
  },
  'break-even-inferences': {
    label: 'Compile break-even',
    unit: 'inferences',
    direction: 'lower-is-better',
    thresholdKind: 'relative',
    description: 'compileMs_C / (lat_R − lat_C): inferences at this batch before compiling pays for itself.',
  },
  'geomean-speedup': {
    label: 'Geometric-mean speedup',
    unit: '×',
    direction: 'higher-is-better',
    thresholdKind: 'relative',
    description:
      'exp(mean ln S) over a compiler’s cases measured alongside its reference, S = lat_R / lat_C in the same rounds: how much faster the compiler is over the whole run.',
  },
  'archetype-ratio': {
    label: 'Archetype latency ratio',
    unit: '×',
    direction: 'neutral',
    thresholdKind: 'relative',
    description: 'lat_A / lat_B for two archetypes at the same batch under the same compiler.',
  },
});

export type MetricId = keyof typeof METRICS;

export const METRIC_IDS = Object.keys(METRICS) as MetricId[];

export function isMetricId(id: string): id is MetricId {
  return Object.hasOwn(METRICS, id);
}

export function metricDefinition(id: MetricId): MetricDefinition {
  return METRICS[id];
}
