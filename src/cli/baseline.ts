/**
 * `pnpm bench:baseline [results.json] [--out file]`: (re)writes the baseline of the run's hardware
 * from a complete run, atomically, and prints what changed. Explicit by design: `pnpm bench` never
 * touches a baseline.
 *
 * Refuses (exit 1) an incomplete run, a run with failed cases, and a run slowed by the test-only
 * GCB_TEST_SLOWDOWN setting: none of them is a trustworthy reference. Bad input exits 2.
 */
import { parseArgs } from 'node:util';
import { loadGateConfig, metricsOptionsFromGateConfig } from '../gate/index.ts';
import { computeMetrics } from '../metrics/index.ts';
import { outputDirsFromEnv } from '../pipeline.ts';
import { baselinePathFor } from '../evaluate.ts';
import { baselineFromRun, diffBaselines, formatBaselineDiff, loadBaseline, writeBaseline, BaselineError } from '../results/baseline.ts';
import { loadRunResult } from '../results/run-file.ts';
import type { RunResult } from '../results/schema.ts';
import { runCli, CliError } from './run-cli.ts';

const HELP = `Usage: pnpm bench:baseline [results.json] [--out baselines/<hardware-id>.json]

Writes the baseline for the run's hardware from a complete run (default results/latest.json) and
prints what changed. Commit the file: pull requests are gated against it.
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

await runCli(async () => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (positionals.length > 1) throw new CliError(`expected at most one results file, got ${positionals.length}\n\n${HELP}`, 2);
  const dirs = outputDirsFromEnv();
  const resultsPath = positionals[0] ?? `${dirs.resultsDir}/latest.json`;
  const run = await loadRunResult(resultsPath);
  const refusal = baselineRefusal(run);
  if (refusal !== null) throw new CliError(`not writing a baseline from ${resultsPath}: ${refusal}`, 1);

  const config = await loadGateConfig(dirs.gateConfigPath);
  const metrics = computeMetrics(run, metricsOptionsFromGateConfig(config));
  const baseline = baselineFromRun(run, metrics);
  const path = baselinePathFor(run, { baselinesDir: dirs.baselinesDir, ...(values.out ? { baselinePath: values.out } : {}) });

  let previous = null;
  try {
    previous = await loadBaseline(path);
  } catch (error) {
    // The old file is being replaced; say that it was unreadable rather than stopping.
    if (!(error instanceof BaselineError)) throw error;
    process.stdout.write(`bench:baseline: the previous baseline was unreadable and is replaced:\n${error.message}\n`);
  }
  await writeBaseline(path, baseline);
  const lines = previous === null ? [`new baseline with ${baseline.cases.length} cases`] : formatBaselineDiff(diffBaselines(previous, baseline));
  process.stdout.write(`${lines.join('\n')}\nbench:baseline: wrote ${path} (hardware ${run.hardware.id}, ${baseline.cases.length} cases)\n`);
  return 0;
});
