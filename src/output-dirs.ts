/** Where a run reads and writes; its own module so a spec file can read it without the pipeline. */

export interface OutputDirs {
  readonly resultsDir: string;
  readonly reportsDir: string;
  readonly baselinesDir: string;
  readonly gateConfigPath: string;
}

/**
 * Where a run reads and writes, from the environment (used by tests and CI to keep runs apart):
 * GCB_RESULTS_DIR (default results), GCB_REPORTS_DIR (reports), GCB_BASELINES_DIR (baselines),
 * GCB_GATE_CONFIG (gate.config.json).
 */
export function outputDirsFromEnv(env: NodeJS.ProcessEnv = process.env): OutputDirs {
  return {
    resultsDir: env.GCB_RESULTS_DIR || 'results',
    reportsDir: env.GCB_REPORTS_DIR || 'reports',
    baselinesDir: env.GCB_BASELINES_DIR || 'baselines',
    gateConfigPath: env.GCB_GATE_CONFIG || 'gate.config.json',
  };
}
