/**
 * `pnpm bench:calibrate-paired <head.json> <base.json> [more pairs…] [--rounds-per-run 8] [--out docs/calibration-paired.md]`:
 * false alarms and detection of the paired gate, from recorded A/A paired runs (`pnpm bench --profile quick
 * --compare HEAD --rounds 48`), split into sub-runs of the profile's rounds (see src/calibration-paired.ts).
 * Measures nothing: re-run it on recorded runs at will.
 */
import { parseArgs } from 'node:util';
import { calibratePaired, splitPaired } from '../calibration-paired.ts';
import type { Rate } from '../calibration.ts';
import { loadGateConfig } from '../gate/index.ts';
import { outputDirsFromEnv } from '../pipeline.ts';
import { writeFileAtomic } from '../results/atomic.ts';
import { loadRunResult } from '../results/run-file.ts';
import { CliError, runCli } from './run-cli.ts';

const HELP = `Usage: pnpm bench:calibrate-paired <head.json> <base.json> [<head.json> <base.json> …] [--sessions-per-run N] [--out docs/calibration-paired.md]

From A/A paired runs measured with many session pairs per case (the same code on both sides;
pnpm bench --profile quick --compare HEAD --sessions 8 --rounds 40 writes results/latest.json and
results/base.json), each case's session pairs are split into sub-runs of N pairs (default 2, as a run
has); every sub-run is judged by the paired gate as recorded (false alarms) and with slowdowns injected
into its head side (detection). Measures nothing.
`;
const FACTORS = [1.03, 1.05, 1.1] as const;
const pct = (r: Rate) => `${(r.rate * 100).toFixed(1)}% (${r.count}/${r.total}; 95% CI ${(r.low * 100).toFixed(1)}–${(r.high * 100).toFixed(1)}%)`;

await runCli(async () => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { out: { type: 'string', default: 'docs/calibration-paired.md' }, 'sessions-per-run': { type: 'string', default: '2' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (positionals.length < 2 || positionals.length % 2 !== 0) throw new CliError(`needs pairs of head and base results files, got ${positionals.length} files\n\n${HELP}`, 2);
  const started = Date.now();
  const config = await loadGateConfig(outputDirsFromEnv().gateConfigPath);
  const subRuns = [];
  const sources: string[] = [];
  let profileName = 'quick';
  for (let i = 0; i < positionals.length; i += 2) {
    const head = await loadRunResult(positionals[i] as string);
    const base = await loadRunResult(positionals[i + 1] as string);
    if (head.comparison?.side !== 'head' || base.comparison?.side !== 'base') {
      throw new CliError(`${positionals[i]} and ${positionals[i + 1]} must be the head and base files of one paired run (pnpm bench --compare)`, 2);
    }
    profileName = head.profile;
    const perRun = Number(values['sessions-per-run']);
    if (!Number.isInteger(perRun) || perRun < 1) throw new CliError(`--sessions-per-run must be a whole number >= 1, got "${values['sessions-per-run']}"`, 2);
    const split = splitPaired(head, base, perRun);
    subRuns.push(...split);
    sources.push(`\`${positionals[i]}\` (${head.startedAt}, ${head.cases.length} cases, split into ${split.length} sub-runs of ${perRun} session pairs)`);
  }
  process.stdout.write(`bench:calibrate-paired: ${subRuns.length} sub-runs; judging…\n`);
  // Detection runs judge cases and aggregates; their series metrics do not need the full bootstrap.
  const result = calibratePaired(subRuns, config, FACTORS);
  const first = subRuns[0]?.head;
  const hardware = first?.hardware;
  const meets = (r: Rate, goal: number, atMost: boolean) => (atMost ? r.rate <= goal : r.rate >= goal) ? 'met' : '**not met**';
  const lines = [
    '# Calibration of the paired gate (`pnpm bench --compare`)',
    '',
    `Written by \`pnpm bench:calibrate-paired\` on ${new Date().toISOString().slice(0, 10)} in ${Math.round((Date.now() - started) / 1000)} s, from ${sources.join('; ')}.`,
    '',
    `Machine: \`${hardware?.id}\` — ${hardware?.cpu.model}, ${hardware?.cpu.cores} cores, Node ${hardware?.node}. Profile \`${profileName}\`.`,
    `Gate: per case a one-sided Student-t minimum-effect test on the per-round log-ratios head/base (threshold ${(config.paired.caseThreshold * 100).toFixed(0)}%), ` +
      `Benjamini–Hochberg over the cases; per compiler, model and hardware the geometric mean of the case ratios (threshold ${(config.paired.aggregateThreshold * 100).toFixed(0)}%), Holm over the aggregates; ` +
      `friction, depth gain and new reversals from the paired ratios, Benjamini–Hochberg; run-level false-alarm budget ${(config.paired.falseAlarmRate * 100).toFixed(0)}%.`,
    '',
    '## How the runs were made',
    '',
    'One long paired session of the same code on both sides (A/A) measures every case with many session pairs (each compiled afresh on both sides); each',
    `case's session pairs are then cut into groups of two, as a run has, and group j of every case together is sub-run j: a complete paired run of ${result.casesPerRun} cases. Each sub-run is judged`,
    'by the real paired gate as recorded — every finding is a false alarm — and again with the head side\'s samples of one compiler (or one model) scaled by',
    '1.03, 1.05 or 1.10, which is a slowdown of the head only on exactly the noise the machine made. Caveat: the sub-runs share the two worker',
    'processes, so a bias of a process is common to them; independent runs are the acceptance runs quoted in docs/paired.md.',
    '',
    '## Goals',
    '',
    '| goal | measured | |',
    '|---|---|---|',
    `| whole-run false alarms ≤ 1% of A/A runs | ${pct(result.falseAlarmRuns)} of sub-runs had a finding; ${pct(result.falseAlarmCases)} of case tests | ${meets(result.falseAlarmRuns, 0.01, true)} |`,
    `| ≤ 2% of cases not judged (A/A) | ${pct(result.unjudgedCases)} | ${meets(result.unjudgedCases, 0.02, true)} |`,
    `| one compiler 10% slower: ≥ 90% of its cases detected | ${pct(result.caseDetection10)} | ${meets(result.caseDetection10, 0.9, false)} |`,
    `| one compiler 5% slower: detected at the compiler level in ≥ 95% of runs | ${pct(result.compilerDetection.get(1.05) as Rate)} | ${meets(result.compilerDetection.get(1.05) as Rate, 0.95, false)} |`,
    `| one compiler 3% slower: detected at the compiler level in ≥ 80% of runs | ${pct(result.compilerDetection.get(1.03) as Rate)} | ${meets(result.compilerDetection.get(1.03) as Rate, 0.8, false)} |`,
    `| one model 10% slower: detected at the model level in ≥ 90% of runs | ${pct(result.modelDetection10)} | ${meets(result.modelDetection10, 0.9, false)} |`,
    '',
    `Compiler level at 10%: ${pct(result.compilerDetection.get(1.1) as Rate)}.`,
    '',
    '## The A/A findings',
    '',
    result.falseAlarms.length === 0 ? 'None.' : result.falseAlarms.map((m) => `- ${m}`).join('\n'),
    '',
  ];
  await writeFileAtomic(values.out, `${lines.join('\n')}\n`);
  process.stdout.write(`${lines.slice(lines.indexOf('## Goals'), lines.indexOf('## The A/A findings')).join('\n')}\nbench:calibrate-paired: wrote ${values.out}\n`);
  return 0;
});
