/**
 * What happens once the cases have run, in one direction and once:
 *
 *   collected cases → result model(s) → (load config + baseline) → evaluate (pure) → render (pure)
 *   → write every file once → print → exit code (decided in one place: `exitCodeOf`).
 *
 * One error boundary: anything that goes wrong is reported with its message and decides the exit code;
 * nothing passes silently, and the results measured are written whatever the evaluation comes to.
 */
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GpuInfo } from './adapters/types.ts';
import { COMPILER_IDS } from './adapters/registry.ts';
import { evaluate, exitCodeOf, baselinePathFor, type Evaluation, type HarnessError, type Outcome } from './evaluate.ts';
import { GateConfigError, loadGateConfig, type GateConfig } from './gate/index.ts';
import { unknownCompilerIds } from './gate/config.ts';
import { hardwareFingerprint } from './harness/fingerprint.ts';
import { packageVersion } from './harness/package-version.ts';
import { outputDirsFromEnv, type OutputDirs } from './output-dirs.ts';
import type { RunPlan } from './plan.ts';
import { buildReport } from './report/build.ts';
import { green, red, renderConsole } from './report/console.ts';
import { bencherMetricFormat, githubActionBenchmarkEntries } from './report/history.ts';
import { renderHtml } from './report/html.ts';
import { renderMarkdown } from './report/markdown.ts';
import { BaselineError, loadBaseline, type Baseline } from './results/baseline.ts';
import { stableJson, writeFileAtomic } from './results/atomic.ts';
import { RunResultSchema, SCHEMA_VERSION, type CaseResult, type RunResult } from './results/schema.ts';
import { formatZodIssues } from './results/validation.ts';

export { outputDirsFromEnv };
export type { HarnessError };
export { EXIT, exitCodeOf } from './evaluate.ts';

/** What one Vitest run of the spec files collected (the bench reporter's output). */
export interface Collected {
  readonly cases: readonly CaseResult[];
  /** Paired runs: the base side's results of the same cases. */
  readonly baseCases: readonly CaseResult[];
  readonly harnessErrors: readonly HarnessError[];
  readonly gpu: GpuInfo | null;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly interruptedBy: string | null;
}

export interface FinishOptions extends OutputDirs {
  /** Compare with the baseline (single mode) or the base side (paired mode). @default true */
  readonly gate: boolean;
  /** @default baselines/<hardware-id>.json */
  readonly baselinePath?: string;
  /** No baseline for this hardware fails the run. @default false */
  readonly requireBaseline: boolean;
  /** Where the gate config and the baselines are read from when they come from the base checkout (paired mode). */
  readonly trustedFrom?: string;
  /** Printed before the verdict: why a paired comparison fell back to the committed baseline. */
  readonly notices?: readonly string[];
}

export interface FinishInput {
  readonly collected: Collected;
  readonly plan: RunPlan;
  /** First measurements of cases measured again to confirm the gate's findings (the head's in paired mode). */
  readonly confirmation?: readonly CaseResult[];
  /** Paired mode: the base side's first measurements of those cases. */
  readonly baseConfirmation?: readonly CaseResult[];
  readonly options: FinishOptions;
}

/** What the run came to, for the CLI and for tests. */
export interface Finished {
  readonly exitCode: number;
  readonly outcome: Outcome | 'usage' | 'error';
  readonly run: RunResult | null;
  readonly base: RunResult | null;
  readonly evaluation: Evaluation | null;
}

const byKey = (a: { key: string }, b: { key: string }): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** The result model of one side of the run. Pure but for reading the machine's fingerprint. */
export function buildRunResult(collected: Collected, plan: RunPlan, side: 'head' | 'base' = 'head', confirmation?: readonly CaseResult[]): RunResult {
  const cases = [...(side === 'head' ? collected.cases : collected.baseCases)].sort(byKey);
  const runtimes: Record<string, string> = {};
  for (const name of ['vitest', 'tinybench', 'mitata']) {
    const version = packageVersion(name);
    if (version !== null) runtimes[name] = version;
  }
  for (const result of cases) Object.assign(runtimes, result.compiler.versions);
  const compare = plan.compare;
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: 'graph-compiler-bench',
    startedAt: collected.startedAt.toISOString(),
    finishedAt: collected.finishedAt.toISOString(),
    complete: collected.interruptedBy === null && collected.harnessErrors.length === 0,
    interruptedBy: collected.interruptedBy,
    commandLine: [...plan.commandLine],
    profile: plan.profile,
    filters: { ...plan.filters },
    hardware: hardwareFingerprint(runtimes, collected.gpu),
    cases,
    comparisonGroups: plan.comparisonGroups.map((g) => ({ name: g.name, models: [...g.models] })),
    confirmation: confirmation === undefined || confirmation.length === 0 ? null : { firstCases: [...confirmation].sort(byKey) },
    ...(compare === null
      ? {}
      : {
          comparison: {
            side,
            head: { ref: compare.head.ref, sha: compare.head.sha },
            base: { ref: compare.base.ref, sha: compare.base.sha },
            seed: plan.seed,
            removed: [...compare.removed],
            added: [...compare.added],
            workerCpus: compare.workerCpus,
          },
        }),
  };
}

function log(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** A problem with the user's input (config, baseline): exit 2, with the message. */
class UsageError extends Error {}

async function loadInputs(run: RunResult, options: FinishOptions, paired: boolean): Promise<{ config: GateConfig; baseline: Baseline | null | undefined; baselinePath: string }> {
  const baselinePath = baselinePathFor(run, options);
  try {
    const config = await loadGateConfig(options.gateConfigPath);
    const known = new Set([...COMPILER_IDS, ...run.cases.map((c) => c.compiler.id)]);
    const unknown = unknownCompilerIds(config, known);
    if (unknown.length > 0) {
      throw new GateConfigError(
        `${unknown.map((u) => `${options.gateConfigPath}: ${u.option}: unknown compiler "${u.id}"`).join('\n')}\nvalid compilers: ${[...known].join(', ')}`,
      );
    }
    const baseline = !options.gate || paired ? undefined : await loadBaseline(baselinePath);
    return { config, baseline, baselinePath };
  } catch (error) {
    if (error instanceof GateConfigError || error instanceof BaselineError) throw new UsageError(error.message);
    throw error;
  }
}

/** Everything the run writes, rendered before anything is written. */
interface Outputs {
  readonly files: readonly { readonly path: string; readonly contents: string }[];
  readonly summary: string | null;
}

/** The one writer: every file whole (atomically), then the job summary, once. */
async function writeOutputs(outputs: Outputs): Promise<void> {
  for (const file of outputs.files) await writeFileAtomic(file.path, file.contents);
  if (outputs.summary !== null && process.env.GITHUB_STEP_SUMMARY) await appendFile(process.env.GITHUB_STEP_SUMMARY, outputs.summary);
}

function resultFiles(run: RunResult, base: RunResult | null, options: FinishOptions): Outputs['files'] {
  const stamp = run.startedAt.replace(/[:.]/g, '-');
  const runJson = stableJson(run);
  return [
    { path: join(options.resultsDir, `run-${stamp}.json`), contents: runJson },
    { path: join(options.resultsDir, 'latest.json'), contents: runJson },
    ...(base === null
      ? []
      : [
          { path: join(options.resultsDir, `run-${stamp}-base.json`), contents: stableJson(base) },
          { path: join(options.resultsDir, 'base.json'), contents: stableJson(base) },
        ]),
  ];
}

function checked(candidate: RunResult, what: string): RunResult {
  const parsed = RunResultSchema.safeParse(candidate);
  if (!parsed.success) {
    // A bug in the suite, not in the user's input: say exactly what is wrong and fail.
    throw new Error(`the ${what} result does not match its schema (a bug):\n${formatZodIssues(`${what} result`, parsed.error, candidate, 'key', 20)}`);
  }
  return parsed.data;
}

export async function finish(input: FinishInput): Promise<Finished> {
  const { collected, plan, options } = input;
  const paired = plan.mode === 'paired';
  let run: RunResult | null = null;
  let base: RunResult | null = null;
  try {
    run = checked(buildRunResult(collected, plan, 'head', input.confirmation), 'run');
    base = paired ? checked(buildRunResult(collected, plan, 'base', input.baseConfirmation), 'base') : null;
  } catch (error) {
    log(`bench: ${(error as Error).message}`);
    return { exitCode: exitCodeOf('incomplete'), outcome: 'error', run: null, base: null, evaluation: null };
  }
  const harnessErrors = [...collected.harnessErrors].sort((a, b) => (a.where < b.where ? -1 : a.where > b.where ? 1 : 0));
  const lines: string[] = [];
  for (const error of harnessErrors) lines.push(`bench: ERROR in ${error.where}: ${error.message}`);
  for (const result of run.cases) if (result.state === 'failed') lines.push(`bench: FAILED ${result.key} (${result.phase}): ${result.error}`);
  for (const notice of options.notices ?? []) lines.push(`bench: ${notice}`);

  let evaluation: Evaluation | null = null;
  let report: ReturnType<typeof buildReport> | null = null;
  let usage: string | null = null;
  let reportFiles: Outputs['files'] = [];
  let summary: string | null = null;
  let baselinePath = baselinePathFor(run, options);
  if (run.cases.length === 0 && harnessErrors.length === 0 && run.interruptedBy === null) {
    lines.push('bench: no case ran: check the filters (--compiler, --model, --batch, --depth, --hardware, -t)');
  } else {
    try {
      const inputs = await loadInputs(run, options, paired);
      baselinePath = inputs.baselinePath;
      evaluation = evaluate({
        run,
        base,
        baseline: inputs.baseline,
        config: inputs.config,
        harnessErrors,
        requireBaseline: options.requireBaseline,
      });
      const htmlPath = join(options.reportsDir, 'bench.html');
      const baselineReversalIds = inputs.baseline?.metrics.reversals.map((r) => r.id);
      report = buildReport({
        machines: [{ run, metrics: evaluation.metrics, verdict: evaluation.verdict, harnessErrors, ...(baselineReversalIds === undefined ? {} : { baselineReversalIds }) }],
        where: `${htmlPath} and the results JSON`,
      });
      const markdown = renderMarkdown(report);
      const history = { run, metrics: evaluation.metrics };
      reportFiles = [
        { path: join(options.reportsDir, 'bench.md'), contents: markdown },
        { path: htmlPath, contents: renderHtml(report) },
        // History exports: github-action-benchmark (customSmallerIsBetter) and Bencher (BMF).
        { path: join(options.reportsDir, 'history-gab.json'), contents: stableJson(githubActionBenchmarkEntries(history)) },
        { path: join(options.reportsDir, 'bmf.json'), contents: stableJson(bencherMetricFormat(history)) },
      ];
      summary = markdown;
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      usage = error.message;
    }
  }

  await writeOutputs({ files: [...resultFiles(run, base, options), ...reportFiles], summary });
  log(`\nbench: wrote ${join(options.resultsDir, 'latest.json')}${base === null ? '' : ` and ${join(options.resultsDir, 'base.json')}`} (${run.cases.length} cases${run.complete ? '' : ', INCOMPLETE'})`);
  for (const line of lines) log(line);
  if (usage !== null) {
    log(`bench: ${usage}`);
    return { exitCode: exitCodeOf('usage'), outcome: 'usage', run, base, evaluation: null };
  }
  if (evaluation === null) return { exitCode: exitCodeOf('incomplete'), outcome: 'incomplete', run, base, evaluation: null };
  printVerdict(evaluation, report, harnessErrors, baselinePath, options);
  if (evaluation.outcome === 'interrupted') log(`bench: run interrupted (${run.interruptedBy}): results so far are written and marked incomplete`);
  return { exitCode: exitCodeOf(evaluation.outcome, options.requireBaseline), outcome: evaluation.outcome, run, base, evaluation };
}

function printVerdict(evaluation: Evaluation, report: ReturnType<typeof buildReport> | null, harnessErrors: readonly HarnessError[], baselinePath: string, options: FinishOptions): void {
  const { verdict, outcome } = evaluation;
  log();
  if (report !== null) log(renderConsole(report));
  log();
  const errorsLine = `bench: FAIL: ${harnessErrors.length} error${harnessErrors.length === 1 ? '' : 's'} outside any case (the "ERROR in" lines above); the run is incomplete`;
  const reports = `${join(options.reportsDir, 'bench.md')} and ${join(options.reportsDir, 'bench.html')}`;
  if (verdict === null) {
    if (harnessErrors.length > 0) log(red(errorsLine));
    log(`bench: not gated (--no-gate); report: ${reports}`);
    return;
  }
  if (verdict.status === 'no-baseline') {
    // Through the package's command the dispatcher names it (`graph-compiler-bench bench`).
    const cli = process.env.GCB_CLI_NAME?.replace(/ bench$/, '') ?? null;
    const how = cli === null ? 'pnpm bench --no-gate, then pnpm bench:baseline' : `${cli} bench --no-gate, then ${cli} baseline`;
    log(`bench: no baseline at ${baselinePath}; make one on this machine: ${how}`);
  }
  // Messages already start with what they are ("regression: …", "new reversal: …").
  for (const problem of verdict.problems) log(red(`  ${problem.message}`));
  const good = outcome === 'pass' || (outcome === 'no-baseline' && !options.requireBaseline);
  // An interrupted run judged only what finished: its line must not read as a pass of the selection.
  const line = outcome === 'interrupted' ? `INTERRUPTED: only the cases that finished were judged (${verdict.summaryLine})` : verdict.summaryLine;
  log((good ? green : red)(`bench: ${line}`));
  if (outcome === 'no-baseline' && options.requireBaseline) log(red('bench: FAIL: --require-baseline: this hardware has no baseline'));
  if (harnessErrors.length > 0) log(red(errorsLine));
  log(`bench: report: ${reports}`);
}
