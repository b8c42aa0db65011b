/**
 * `graph-compiler-bench init`: writes the starter (src/starter.ts) into the current directory. When any
 * of its files exists it writes none, names them and exits 2.
 */
import { parseArgs } from 'node:util';
import { detectPackageManager, INSTALL, StarterExistsError, writeStarter } from '../starter.ts';
import { CliError, runCli } from './run-cli.ts';

const HELP = `Usage: graph-compiler-bench init

Writes a starter into the current directory (none of these files may exist yet):
  benches/models/my-model/ort-cpu-all.bench.ts  a spec file: models/my-model.onnx on ONNX Runtime, batches 1-8
  models/my-model.onnx                          a tiny example model (one 3x3 convolution); replace it with yours
  gate.config.json                              the regression gate's settings (the defaults)
  vitest.config.ts                              the Vitest project the bench command runs (graph-compiler-bench/vitest-preset)
  .github/workflows/bench.yml                   runs the gate (quick profile) on every pull request

Then: graph-compiler-bench bench
`;

await runCli(async () => {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (positionals.length > 0) throw new CliError(`init takes no arguments, got "${positionals.join(' ')}"; it writes into the current directory\n\n${HELP}`, 2);
  let written: string[];
  try {
    written = await writeStarter(process.cwd());
  } catch (error) {
    if (error instanceof StarterExistsError) throw new CliError(error.message, 2);
    throw error;
  }
  const exec = INSTALL[detectPackageManager(process.cwd())].exec;
  process.stdout.write(
    `${written.map((path) => `wrote ${path}`).join('\n')}\n\nNext: ${exec} bench   (results/latest.json, reports/bench.md; add results/ and reports/ to .gitignore)\n`,
  );
  return 0;
});
