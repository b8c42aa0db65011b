/**
 * `pnpm bench:baseline [results.json ...] [--last N] [--out file]`: (re)writes the baseline of the
 * runs' hardware from one or more complete runs, atomically, and prints what changed. Explicit by
 * design: `pnpm bench` never touches a baseline. Runs of the same selection are pooled; runs of
 * disjoint selections are parts of one matrix, combined into one run first (src/results/parts.ts).
 *
 * Refuses (exit 1) an incomplete run, a run with failed cases, and a run slowed by the test-only
 * GCB_TEST_SLOWDOWN setting: none of them is a trustworthy reference. Bad input exits 2.
 */
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadGateConfig, metricsOptionsFromGateConfig } from '../gate/index.ts';
import { computeMetrics } from '../metrics/index.ts';
import { outputDirsFromEnv } from '../pipeline.ts';
import { baselinePathFor } from '../evaluate.ts';
import { baselineFromRuns, diffBaselines, formatBaselineDiff, loadBaseline, writeBaseline, BaselineError, formatSpread, RUN_TO_RUN_QUANTILE } from '../results/baseline.ts';
import { extendBaseline } from '../results/baseline-extend.ts';
import { poolOrCombine, PartsError, type BaselineRuns } from '../results/parts.ts';
import { loadRunResult } from '../results/run-file.ts';
import type { RunResult } from '../results/schema.ts';
import { cliCommandLine, runCli, CliError } from './run-cli.ts';

const HELP = `Usage: pnpm bench:baseline [results.json ...] [--last N] [--out baselines/<hardware-id>.json] [--extend baselines/<hardware-id>.json]

Writes the baseline for the runs' hardware from one or more complete runs (default
results/latest.json; --last N: the N newest results/run-*.json) and prints what changed. Made from
several runs, the baseline pools their rounds and records how far each compiler's ratios moved
between them; the gate never calls a smaller change a regression. Runs of disjoint selections of
one machine (a matrix measured in parts) are combined into one run, and the baseline records its
parts. --extend adds the runs' cases to an existing baseline instead (a matrix measured over
several sessions whose earlier results files are gone): it refuses a case already there, and a
friction or depth-gain series or a compiler's archetypes that would lie in both. Results files may be
gzipped (.json.gz). Commit the file: pull requests are gated against it.
`;

/** Why a run cannot become a baseline, or null when it can. */
export function baselineRefusal(run: RunResult): string | null {
  if (!run.complete) return `the run is incomplete${run.interruptedBy ? ` (interrupted by ${run.interruptedBy})` : ''}; run the full selection again`;
  const failed = run.cases.filter((c) => c.state === 'failed').map((c) => c.key);
  if (failed.length > 0) return `${failed.length} cases failed (${failed.slice(0, 5).join(', ')}${failed.length > 5 ? ', …' : ''}); fix them first`;
  const slowed = run.cases.filter((c) => 'testSlowdown' in c.compiler.settings).map((c) => c.key);
  if (slowed.length > 0) return `the run was slowed down on purpose (GCB_TEST_SLOWDOWN) in ${slowed.length} cases; run without it`;
  return null;
}

/** The `count` newest timestamped results files (results/run-<ISO time>.json), oldest first. */
async function newestRuns(resultsDir: string, count: number): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(resultsDir);
  } catch (error) {
    throw new CliError(`--last ${count}: cannot read ${resultsDir} (${(error as Error).message})`, 2);
  }
  const runs = names.filter((n) => /^run-.+\.json$/.test(n)).sort();
  if (runs.length < count) throw new CliError(`--last ${count}: ${resultsDir} holds ${runs.length} timestamped run file(s); run pnpm bench ${count - runs.length} more time(s)`, 2);
  return runs.slice(-count).map((n) => join(resultsDir, n));
}

await runCli(async () => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { out: { type: 'string' }, last: { type: 'string' }, extend: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const dirs = outputDirsFromEnv();
  let paths: string[];
  if (values.last !== undefined) {
    const count = Number(values.last);
    if (!Number.isInteger(count) || count < 1) throw new CliError(`--last must be a positive whole number of runs, got "${values.last}"`, 2);
    if (positionals.length > 0) throw new CliError(`give results files or --last, not both\n\n${HELP}`, 2);
    paths = await newestRuns(dirs.resultsDir, count);
  } else {
    paths = positionals.length > 0 ? positionals : [`${dirs.resultsDir}/latest.json`];
  }
  if (new Set(paths.map((p) => resolve(p))).size !== paths.length) throw new CliError(`a results file is named twice (${paths.join(', ')}): each run counts once`, 2);
  const files: { file: string; run: RunResult }[] = [];
  for (const path of paths) {
    const run = await loadRunResult(path);
    const refusal = baselineRefusal(run);
    if (refusal !== null) throw new CliError(`not writing a baseline from ${path}: ${refusal}`, 1);
    files.push({ file: path, run });
  }

  const config = await loadGateConfig(dirs.gateConfigPath);
  const options = metricsOptionsFromGateConfig(config);
  let baseline;
  let made: BaselineRuns;
  try {
    made = poolOrCombine(files, { commandLine: cliCommandLine('bench:baseline') });
    const runs = made.kind === 'pooled' ? made.runs : [made.run];
    // Metrics over each run's cases, a run combined from parts included: as for a run measured whole.
    baseline = baselineFromRuns(runs.map((run) => ({ run, metrics: computeMetrics(run, options) })));
  } catch (error) {
    if (error instanceof BaselineError || error instanceof PartsError) throw new CliError(`not writing a baseline from ${paths.join(', ')}: ${error.message}`, 1);
    throw error;
  }
  const runs = made.kind === 'pooled' ? made.runs : [made.run];
  const outPath = values.out ?? values.extend;
  const path = baselinePathFor(runs[0] as RunResult, { baselinesDir: dirs.baselinesDir, ...(outPath === undefined ? {} : { baselinePath: outPath }) });

  let previous = null;
  if (values.extend !== undefined) {
    // The baseline extended must be sound: unlike one being replaced, an unreadable one stops the run.
    let existing;
    try {
      existing = await loadBaseline(values.extend);
    } catch (error) {
      if (error instanceof BaselineError) throw new CliError(`--extend ${values.extend}: ${error.message}`, 2);
      throw error;
    }
    if (existing === null) throw new CliError(`--extend ${values.extend}: no such baseline`, 2);
    try {
      baseline = extendBaseline(existing, baseline, { existing: values.extend, addition: paths.join(', ') });
    } catch (error) {
      if (error instanceof BaselineError) throw new CliError(`not writing a baseline: ${error.message}`, 1);
      throw error;
    }
    previous = path === values.extend ? existing : null;
  } else {
    try {
      previous = await loadBaseline(path);
    } catch (error) {
      // The old file is being replaced; say that it was unreadable rather than stopping.
      if (!(error instanceof BaselineError)) throw error;
      process.stdout.write(`bench:baseline: the previous baseline was unreadable and is replaced:\n${error.message}\n`);
    }
  }
  await writeBaseline(path, baseline);
  const lines = previous === null ? [`new baseline with ${baseline.cases.length} cases`] : formatBaselineDiff(diffBaselines(previous, baseline));
  const spreads = Object.entries(baseline.runToRun.spread).map(([key, s]) => `  ${key}: ${formatSpread(key, s.spread)} (${s.pairs} run pairs × cases)`);
  if (spreads.length > 0) lines.push(`run-to-run spread over ${runs.length} runs (p${RUN_TO_RUN_QUANTILE * 100} of |change|; the gate's smallest believable change where above the threshold):`, ...spreads);
  const measured = made.kind === 'parts' ? `one run measured in ${made.run.parts?.length ?? 1} parts` : `${runs.length} run${runs.length === 1 ? '' : 's'}`;
  const from = values.extend === undefined ? `from ${measured}` : `${values.extend} extended with ${measured}`;
  process.stdout.write(`${lines.join('\n')}\nbench:baseline: wrote ${path} (hardware ${baseline.hardwareId}, ${baseline.cases.length} cases, ${from})\n`);
  return 0;
});
