/**
 * What happens once the cases have run: result model → write → metrics → gate → render → write.
 * One error boundary: anything that goes wrong here is reported with its message and decides the exit
 * code; nothing passes silently.
 */
import { join } from 'node:path';
import type { GpuInfo } from './adapters/types.ts';
import { hardwareFingerprint } from './harness/fingerprint.ts';
import { packageVersion } from './harness/package-version.ts';
import { selectionFilters, selectionFromEnv } from './selection.ts';
import { writeJsonAtomic } from './results/atomic.ts';
import { RunResultSchema, SCHEMA_VERSION, type CaseResult, type RunResult } from './results/schema.ts';
import { formatZodIssues } from './results/validation.ts';
import { evaluateRun, type EvaluateOptions, type Evaluation } from './evaluate.ts';
import { outputDirsFromEnv } from './output-dirs.ts';

export { outputDirsFromEnv };

/** A problem outside any case's result: a spec file that failed to load, a case that threw early. */
export interface HarnessError {
  readonly where: string;
  readonly message: string;
}

export interface FinishOptions extends EvaluateOptions {
  /** @default 'results' */
  readonly resultsDir: string;
}

export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

export interface FinishInput {
  readonly cases: readonly CaseResult[];
  readonly harnessErrors: readonly HarnessError[];
  readonly gpu: GpuInfo | null;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly interruptedBy: string | null;
  readonly options: Partial<FinishOptions>;
  /** First measurements of cases measured again to confirm the gate's findings (see src/gate/confirm.ts). */
  readonly confirmation?: readonly CaseResult[];
}

/** What a finished run came to: its exit code, and (when it got that far) the run and its evaluation. */
export interface Finished {
  readonly exitCode: number;
  readonly run: RunResult | null;
  readonly evaluation: Evaluation | null;
}

function log(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** Builds the RunResult from the collected cases and the environment. Pure but for reading env/os. */
export function buildRunResult(input: FinishInput): RunResult {
  const selection = selectionFromEnv();
  const runtimes: Record<string, string> = {};
  for (const name of ['vitest', 'tinybench', 'mitata']) {
    const version = packageVersion(name);
    if (version !== null) runtimes[name] = version;
  }
  for (const result of input.cases) Object.assign(runtimes, result.compiler.versions);
  const cases = [...input.cases].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: 'graph-compiler-bench',
    startedAt: input.startedAt.toISOString(),
    finishedAt: input.finishedAt.toISOString(),
    complete: input.interruptedBy === null && input.harnessErrors.length === 0,
    interruptedBy: input.interruptedBy,
    commandLine: (process.env.GCB_COMMAND_LINE ?? process.argv.join(' ')).split(' '),
    profile: selection.profile,
    filters: selectionFilters(selection),
    hardware: hardwareFingerprint(runtimes, input.gpu),
    cases,
    confirmation:
      input.confirmation === undefined || input.confirmation.length === 0
        ? null
        : { firstCases: [...input.confirmation].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)) },
  };
}

export async function finishRun(input: FinishInput): Promise<number> {
  return (await finish(input)).exitCode;
}

/** As {@link finishRun}, returning the run and its evaluation too (the CLI decides on confirming with them). */
export async function finish(input: FinishInput): Promise<Finished> {
  const done = (exitCode: number, run: RunResult | null = null, evaluation: Evaluation | null = null): Finished => ({ exitCode, run, evaluation });
  const options: FinishOptions = { ...outputDirsFromEnv(), ...input.options } as FinishOptions;
  try {
    const candidate = buildRunResult(input);
    const parsed = RunResultSchema.safeParse(candidate);
    if (!parsed.success) {
      // A bug in the suite, not in the user's input: say exactly what is wrong and fail.
      log(`bench: the run result does not match its schema (a bug):\n${formatZodIssues('run result', parsed.error, candidate, 'key', 20)}`);
      return done(EXIT.failed);
    }
    const run = parsed.data;
    const stamp = run.startedAt.replace(/[:.]/g, '-');
    await writeJsonAtomic(join(options.resultsDir, `run-${stamp}.json`), run);
    await writeJsonAtomic(join(options.resultsDir, 'latest.json'), run);
    log(`\nbench: wrote ${join(options.resultsDir, 'latest.json')} (${run.cases.length} cases${run.complete ? '' : ', INCOMPLETE'})`);

    const failed = run.cases.filter((c) => c.state === 'failed');
    // Sorted: spec files run in an order Vitest chooses (its cache), the report must not depend on it.
    const harnessErrors = [...input.harnessErrors].sort((a, b) => (a.where < b.where ? -1 : a.where > b.where ? 1 : 0));
    for (const error of harnessErrors) log(`bench: ERROR in ${error.where}: ${error.message}`);
    for (const result of failed) {
      if (result.state === 'failed') log(`bench: FAILED ${result.key} (${result.phase}): ${result.error}`);
    }
    if (run.cases.length === 0 && input.harnessErrors.length === 0 && input.interruptedBy === null) {
      log('bench: no case ran: check the filters (--compiler, --model, --batch, --depth, --hardware)');
      return done(EXIT.failed, run);
    }

    const evaluation = await evaluateRun(run, options, harnessErrors);
    if (input.interruptedBy !== null) {
      log(`bench: run interrupted (${input.interruptedBy}): results so far are written and marked incomplete`);
      return done(EXIT.interrupted, run, evaluation);
    }
    if (failed.length > 0 || input.harnessErrors.length > 0) return done(EXIT.failed, run, evaluation);
    return done(evaluation.exitCode, run, evaluation);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log(`bench: ${message}`);
    return done((error as { exitCode?: number }).exitCode ?? EXIT.failed);
  }
}
