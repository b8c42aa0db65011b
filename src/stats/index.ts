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
export { normalUpperTail, normalDensity, normalQuantile } from './normal.ts';
export { logGamma, logBeta, regularizedBeta, regularizedGammaP, regularizedGammaQ } from './special.ts';
export { fUpperTail } from './f-distribution.ts';
export { studentTCdf, studentTUpperTail, studentTDensity, studentTQuantile } from './student-t.ts';
export { ALTERNATIVES, tPValue, tInterval, type Alternative, type Interval } from './hypothesis.ts';
export {
  signedRankTest,
  signedRankNullCdf,
  signedRankCi,
  hodgesLehmann,
  walshAverages,
  SIGNED_RANK_EXACT_MAX_N,
  type SignedRankTestOptions,
  type SignedRankTestResult,
  type SignedRankCi,
} from './signed-rank.ts';
export { meanTTest, meanCi, meanAndStandardError, tStatistic, type MeanTTestOptions, type MeanTTestResult, type MeanCi, type MeanAndSe } from './t-test.ts';
export { benjaminiHochberg, holm, type AdjustedTest, type MultipleTestingResult } from './multiple-testing.ts';
export {
  aggregateLogRatios,
  minimumEffectTests,
  logThreshold,
  type CaseLogRatio,
  type AggregateOptions,
  type AggregateResult,
  type MinimumEffectTests,
  type MinimumEffectPValues,
} from './paired.ts';
