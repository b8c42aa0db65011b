export { gate, staleReason } from './gate.ts';
export { confirmVerdict, findingsOf, keysToConfirm } from './confirm.ts';
export {
  DEFAULT_GATE_CONFIG,
  GateConfigError,
  GateConfigFileSchema,
  loadGateConfig,
  parseGateConfig,
  resolveGateConfig,
  thresholdFor,
  metricsOptionsFromGateConfig,
  type GateConfig,
  type GateConfigFile,
} from './config.ts';
export { isFilteredOut, isKeyFilteredOut, isOutsideRun, parseCaseKey, selectionsOf, type FilterSubject } from './filters.ts';
export { judge, type Judgement } from './judge.ts';
export {
  summaryLine,
  verdictStatus,
  type VerdictStatus,
  type CaseEvidence,
  type CaseVerdict,
  type CaseVerdictKind,
  type Problem,
  type ProblemKind,
  type ReversalFinding,
  type SeriesVerdict,
  type Verdict,
  type VerdictCounts,
} from './verdict.ts';
