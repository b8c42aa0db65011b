/**
 * `pnpm bench:report <results.json …> [--out reports/pr.md] [--html reports/pr.html] [--combined run.json]`:
 * merges runs from several machines into one report — each gated against its own baseline — with
 * cross-hardware tables and reversals. Several files of one machine are parts of one matrix, combined
 * into one run first (src/results/parts.ts); `--combined` writes that run. Exit 1 when any machine's
 * gate failed, 2 on bad input (parts that overlap among it).
 */
import { appendFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadGateConfig } from '../gate/index.ts';
import { checkMergeable, crossHardwareReversals, crossHardwareTable } from '../metrics/cross-hardware.ts';
import { outputDirsFromEnv } from '../pipeline.ts';
import { baselinePathFor, evaluate, judge } from '../evaluate.ts';
import { loadBaseline } from '../results/baseline.ts';
import { writeFileAtomic, writeJsonAtomic } from '../results/atomic.ts';
import { combinePerMachine, type RunFile } from '../results/parts.ts';
import { loadRunResult } from '../results/run-file.ts';
import { RunResultSchema } from '../results/schema.ts';
import { buildReport, machinePassed, type ReportMachine } from '../report/build.ts';
import { renderHtml } from '../report/html.ts';
import { renderMarkdown } from '../report/markdown.ts';
import { cliCommandLine, CliError, runCli } from './run-cli.ts';

const HELP = `Usage: pnpm bench:report <results.json …> [--out reports/pr.md] [--html reports/pr.html] [--no-gate] [--combined run.json]

Merges result files from several machines into one Markdown (and HTML) report. Each run is gated
against baselines/<its hardware id>.json. Several files of one machine are parts of one matrix
(complete runs of disjoint selections): they are combined into one run, and the report says so;
--combined writes that run (one machine's parts) as a results file. Exit 1 when any gate failed,
2 on bad input (parts that overlap among it).
`;

await runCli(async () => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      html: { type: 'string' },
      'no-gate': { type: 'boolean' },
      combined: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (positionals.length === 0) throw new CliError(`no results files given\n\n${HELP}`, 2);
  const dirs = outputDirsFromEnv();
  const files: RunFile[] = [];
  for (const file of positionals) files.push({ file, run: await loadRunResult(file) });
  const runs = combinePerMachine(files, { commandLine: cliCommandLine('bench:report') });
  checkMergeable(runs);
  if (values.combined !== undefined) {
    const combined = runs.filter((r) => r.parts);
    if (combined.length !== 1) {
      throw new CliError(`--combined writes the run of one machine measured in parts; ${combined.length === 0 ? 'no machine was given in several files' : `${combined.length} machines were (${combined.map((r) => r.run.hardware.id).join(', ')})`}`, 2);
    }
    await writeJsonAtomic(values.combined, RunResultSchema.parse((combined[0] as (typeof combined)[number]).run));
  }

  const config = await loadGateConfig(dirs.gateConfigPath);
  const machines: ReportMachine[] = [];
  for (const { file, run } of runs) {
    if (run.comparison?.side === 'head' && values['no-gate'] !== true) {
      // A paired run is judged from its two sides: the base's results are beside the head's.
      const basePath = join(dirname(file), 'base.json');
      const base = await loadRunResult(basePath).catch((error: unknown) => {
        throw new CliError(`${file} is the head side of a paired run, but its base side ${basePath} cannot be read: ${(error as Error).message}`, 2);
      });
      const { metrics, verdict } = evaluate({ run, base, baseline: undefined, config, harnessErrors: [], requireBaseline: false });
      machines.push({ run, metrics, verdict });
      continue;
    }
    const baseline = values['no-gate'] ? undefined : await loadBaseline(baselinePathFor(run, { baselinesDir: dirs.baselinesDir }));
    const baselineReversalIds = baseline?.metrics.reversals.map((r) => r.id);
    machines.push({ run, ...judge(run, baseline, config), ...(baselineReversalIds === undefined ? {} : { baselineReversalIds }) });
  }
  const out = values.out ?? `${dirs.reportsDir}/pr.md`;
  const htmlPath = values.html ?? `${dirs.reportsDir}/pr.html`;
  const crossHardware = { table: crossHardwareTable(machines), reversals: crossHardwareReversals(machines) };
  const report = buildReport({ title: 'graph-compiler-bench: merged report', machines, crossHardware, where: `${htmlPath} and the results files` });
  const markdown = renderMarkdown(report);
  await writeFileAtomic(out, markdown);
  await writeFileAtomic(htmlPath, renderHtml(report));
  if (process.env.GITHUB_STEP_SUMMARY) await appendFile(process.env.GITHUB_STEP_SUMMARY, markdown);

  process.stdout.write(`${markdown.split('\n')[2]}\n`);
  for (const reversal of crossHardware.reversals) process.stdout.write(`cross-hardware reversal: ${reversal.message}\n`);
  for (const r of runs) if (r.parts) process.stdout.write(`${r.run.hardware.id}: ${r.run.cases.length} cases measured in ${r.run.parts?.length ?? 0} parts\n`);
  process.stdout.write(`bench:report: wrote ${out} and ${htmlPath}${values.combined === undefined ? '' : ` and ${values.combined}`}\n`);
  return machines.every(machinePassed) ? 0 : 1;
});
