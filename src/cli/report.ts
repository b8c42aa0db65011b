/**
 * `pnpm bench:report <results.json …> [--out reports/pr.md] [--html reports/pr.html]`: merges runs
 * from several machines into one report — each gated against its own baseline — with cross-hardware
 * tables and reversals. Exit 1 when any machine's gate failed, 2 on bad input.
 */
import { appendFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadGateConfig } from '../gate/index.ts';
import { checkMergeable, crossHardwareReversals, crossHardwareTable } from '../metrics/cross-hardware.ts';
import { outputDirsFromEnv } from '../pipeline.ts';
import { baselinePathFor, evaluate, judge } from '../evaluate.ts';
import { loadBaseline } from '../results/baseline.ts';
import { writeFileAtomic } from '../results/atomic.ts';
import { loadRunResult } from '../results/run-file.ts';
import { buildReport, machinePassed, type ReportMachine } from '../report/build.ts';
import { renderHtml } from '../report/html.ts';
import { renderMarkdown } from '../report/markdown.ts';
import { CliError, runCli } from './run-cli.ts';

const HELP = `Usage: pnpm bench:report <results.json …> [--out reports/pr.md] [--html reports/pr.html] [--no-gate]

Merges result files from several machines into one Markdown (and HTML) report. Each run is gated
against baselines/<its hardware id>.json. Exit 1 when any gate failed, 2 on bad input.
`;

await runCli(async () => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      html: { type: 'string' },
      'no-gate': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (positionals.length === 0) throw new CliError(`no results files given\n\n${HELP}`, 2);
  const dirs = outputDirsFromEnv();
  const runs = [];
  for (const file of positionals) runs.push({ file, run: await loadRunResult(file) });
  checkMergeable(runs);

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
  process.stdout.write(`bench:report: wrote ${out} and ${htmlPath}\n`);
  return machines.every(machinePassed) ? 0 : 1;
});
