/** Runs the whole chain the CLI runs: metrics for both runs, baseline from the first, gate on the second. */
import { DEFAULT_GATE_CONFIG, metricsOptionsFromGateConfig, type GateConfig } from '../../src/gate/config.ts';
import { gate } from '../../src/gate/gate.ts';
import type { Verdict } from '../../src/gate/verdict.ts';
import { computeMetrics } from '../../src/metrics/compute.ts';
import { baselineFromRun, baselineFromRuns, type Baseline } from '../../src/results/baseline.ts';
import type { RunResult } from '../../src/results/schema.ts';

export function baselineOf(run: RunResult, config: GateConfig = DEFAULT_GATE_CONFIG): Baseline {
  return baselineFromRun(run, computeMetrics(run, metricsOptionsFromGateConfig(config)));
}

/** A baseline made from several runs, as `pnpm bench:baseline a.json b.json …` makes it. */
export function baselineOfRuns(runs: readonly RunResult[], config: GateConfig = DEFAULT_GATE_CONFIG): Baseline {
  return baselineFromRuns(runs.map((run) => ({ run, metrics: computeMetrics(run, metricsOptionsFromGateConfig(config)) })));
}

export function judgeRun(run: RunResult, baseline: Baseline | null, config: GateConfig = DEFAULT_GATE_CONFIG): Verdict {
  return gate(run, baseline, computeMetrics(run, metricsOptionsFromGateConfig(config)), undefined, config);
}
