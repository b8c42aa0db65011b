/**
 * Metrics → gate → render for a finished run: reads the gate config and the baseline, writes the
 * Markdown report (and the GitHub job summary when there is one), prints the verdict.
 */
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { COMPILER_IDS } from './adapters/registry.ts';
import { confirmVerdict, gate, gateExitCode, loadGateConfig, metricsOptionsFromGateConfig, GateConfigError, type GateConfig, type Verdict } from './gate/index.ts';
import { unknownCompilerIds } from './gate/config.ts';
import { computeMetrics, type MetricsSummary } from './metrics/index.ts';
import { BaselineError, loadBaseline, type Baseline } from './results/baseline.ts';
import { writeFileAtomic, writeJsonAtomic } from './results/atomic.ts';
import type { RunResult } from './results/schema.ts';
import { buildReport, type ReportedHarnessError } from './report/build.ts';
import { green, red, renderConsole } from './report/console.ts';
import { bencherMetricFormat, githubActionBenchmarkEntries } from './report/history.ts';
import { renderHtml } from './report/html.ts';
import { renderMarkdown } from './report/markdown.ts';

export interface EvaluateOptions {
  /** @default 'reports' */
  readonly reportsDir: string;
  /** Compare with the baseline and fail on regressions. @default true */
  readonly gate: boolean;
  /** @default baselines/<hardware-id>.json */
  readonly baselinePath?: string;
  /** @default 'gate.config.json' */
  readonly gateConfigPath: string;
  /** @default 'baselines' */
  readonly baselinesDir: string;
}

export interface Evaluation {
  readonly exitCode: number;
  readonly metrics: MetricsSummary;
  readonly verdict: Verdict | null;
  readonly markdown: string;
}

/** A problem with the user's input (config, baseline): exit 2, with the message. */
export class UsageError extends Error {
  readonly exitCode = 2;
}

/**
 * The run's metrics and, unless `baseline` is undefined (not gated), its verdict against the baseline
 * (null: none yet). When cases were measured again, a problem stands only when the gate also finds it
 * in the first measurements (see src/gate/confirm.ts).
 */
export function judge(run: RunResult, baseline: Baseline | null | undefined, config: GateConfig): { metrics: MetricsSummary; verdict: Verdict | null } {
  const options = metricsOptionsFromGateConfig(config);
  const metrics = computeMetrics(run, options);
  if (baseline === undefined) return { metrics, verdict: null };
  const verdict = gate(run, baseline, metrics, baseline?.metrics ?? null, config);
  if (run.confirmation === null) return { metrics, verdict };
  const firstRun = firstMeasurements(run);
  const first = gate(firstRun, baseline, computeMetrics(firstRun, options), baseline?.metrics ?? null, config);
  return { metrics, verdict: confirmVerdict(first, verdict, run.confirmation.firstCases.map((c) => c.key)) };
}

/** The run as first measured: the cases measured again replaced by their first measurements. */
export function firstMeasurements(run: RunResult): RunResult {
  if (run.confirmation === null) return run;
  const first = new Map(run.confirmation.firstCases.map((c) => [c.key, c]));
  return { ...run, cases: run.cases.map((c) => first.get(c.key) ?? c), confirmation: null };
}

export function baselinePathFor(run: RunResult, options: Pick<EvaluateOptions, 'baselinesDir' | 'baselinePath'>): string {
  return options.baselinePath ?? join(options.baselinesDir, `${run.hardware.id}.json`);
}

/**
 * `harnessErrors`: problems outside any case (spec files that failed to load); they go into the report,
 * which then cannot pass. The caller decides the exit code for them.
 */
export async function evaluateRun(
  run: RunResult,
  partial: Partial<EvaluateOptions>,
  harnessErrors: readonly ReportedHarnessError[] = [],
): Promise<Evaluation> {
  const options: EvaluateOptions = { reportsDir: 'reports', gate: true, gateConfigPath: 'gate.config.json', baselinesDir: 'baselines', ...partial };
  let config;
  let baseline = null;
  const baselinePath = baselinePathFor(run, options);
  try {
    config = await loadGateConfig(options.gateConfigPath);
    const known = new Set([...COMPILER_IDS, ...run.cases.map((c) => c.compiler.id)]);
    const unknown = unknownCompilerIds(config, known);
    if (unknown.length > 0) {
      throw new GateConfigError(
        `${unknown.map((u) => `${options.gateConfigPath}: ${u.option}: unknown compiler "${u.id}"`).join('\n')}\n` +
          `valid compilers: ${[...known].join(', ')}`,
      );
    }
    if (options.gate) baseline = await loadBaseline(baselinePath);
  } catch (error) {
    if (error instanceof GateConfigError || error instanceof BaselineError) throw new UsageError(error.message);
    throw error;
  }
  const { metrics, verdict } = judge(run, options.gate ? baseline : undefined, config);
  const htmlPath = join(options.reportsDir, 'bench.html');
  const baselineReversalIds = baseline?.metrics.reversals.map((r) => r.id);
  const report = buildReport({
    machines: [{ run, metrics, verdict, harnessErrors, ...(baselineReversalIds === undefined ? {} : { baselineReversalIds }) }],
    where: `${htmlPath} and the results JSON`,
  });
  const markdown = renderMarkdown(report);

  const reportPath = join(options.reportsDir, 'bench.md');
  await writeFileAtomic(reportPath, markdown);
  await writeFileAtomic(htmlPath, renderHtml(report));
  // History exports: github-action-benchmark (customSmallerIsBetter) and Bencher (BMF).
  await writeJsonAtomic(join(options.reportsDir, 'history-gab.json'), githubActionBenchmarkEntries({ run, metrics }));
  await writeJsonAtomic(join(options.reportsDir, 'bmf.json'), bencherMetricFormat({ run, metrics }));
  if (process.env.GITHUB_STEP_SUMMARY) await appendFile(process.env.GITHUB_STEP_SUMMARY, markdown);

  const out = (line = ''): boolean => process.stdout.write(`${line}\n`);
  out();
  out(renderConsole(report));
  out();
  const errorsLine = `bench: FAIL: ${harnessErrors.length} error${harnessErrors.length === 1 ? '' : 's'} outside any case (the "ERROR in" lines above); the run is incomplete`;
  if (verdict === null) {
    if (harnessErrors.length > 0) out(red(errorsLine));
    out(`bench: not gated (--no-gate); report: ${reportPath}`);
    return { exitCode: 0, metrics, verdict, markdown };
  }
  if (baseline === null) out(`bench: no baseline at ${baselinePath}; every case is new (create one with pnpm bench:baseline)`);
  // Messages already start with what they are ("regression: …", "new reversal: …").
  for (const problem of verdict.problems) out(red(`  ${problem.message}`));
  out((verdict.passed && harnessErrors.length === 0 ? green : red)(`bench: ${verdict.summaryLine}`));
  if (harnessErrors.length > 0) out(red(errorsLine));
  out(`bench: report: ${reportPath} and ${htmlPath}`);
  return { exitCode: gateExitCode(verdict), metrics, verdict, markdown };
}
