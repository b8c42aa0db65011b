export { sortedCopy, quantile, quantileSorted, median, mad, MAD_NORMAL_SCALE } from './quantile.ts';
export { selectInPlace, medianInPlace } from './select.ts';
export { medianCi, type MedianCi } from './median-ci.ts';
export { mulberry32, fnv1a, deriveSeed, rngFor, type Rng } from './prng.ts';
export {
  bootstrap,
  resampleMedians,
  percentileInterval,
  checkBootstrapSettings,
  DEFAULT_BOOTSTRAP,
  type BootstrapSettings,
  type BootstrapResult,
  type PercentileInterval,
} from './bootstrap.ts';
export { mannWhitneyU, type MannWhitneyResult } from './mann-whitney.ts';
export { normalCdf, erfc } from './normal.ts';
export { ols, type OlsFit } from './ols.ts';
