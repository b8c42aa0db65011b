#!/usr/bin/env node
/**
 * `graph-compiler-bench <command> [options]`: the package's one command. Each command is one of the
 * CLIs beside this file, run in this process with the remaining arguments, exactly as
 * `pnpm bench`, `pnpm bench:baseline`, … run them in this repository.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The commands, each the module that runs it on import (they read process.argv). */
const COMMANDS = {
  bench: { run: () => import('./bench.ts'), summary: 'measure the spec files under benches/, write results/ and reports/, gate against baselines/' },
  baseline: { run: () => import('./baseline.ts'), summary: 'write baselines/<hardware-id>.json from complete runs' },
  report: { run: () => import('./report.ts'), summary: "merge several machines' results into one report" },
  calibrate: { run: () => import('./calibrate.ts'), summary: "measure the gate's false-alarm and detection rates on this machine" },
  'calibrate-runs': { run: () => import('./calibrate-runs.ts'), summary: 'judge the gate across recorded runs (leave-one-out)' },
  init: { run: () => import('./init.ts'), summary: 'write a starter (spec file, model, gate config, vitest config, workflow) here' },
} as const satisfies Record<string, { run: () => Promise<unknown>; summary: string }>;
type CommandName = keyof typeof COMMANDS;

const NAME = 'graph-compiler-bench';

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`);
  return `Usage: ${NAME} <command> [options]   (${NAME} <command> --help for its options)

Commands:
${lines.join('\n')}

  --version  the package's version
`;
}

/** This package's version, from the package.json above this file (src/cli/ here, dist/src/cli/ installed). */
function ownVersion(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (manifest.name === NAME && typeof manifest.version === 'string') return manifest.version;
    } catch {
      // no manifest here; keep walking up
    }
    const parent = dirname(directory);
    if (parent === directory) return 'unknown';
    directory = parent;
  }
}

function isCommand(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}

const [command, ...rest] = process.argv.slice(2);
if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
  process.stdout.write(usage());
  process.exitCode = command === undefined ? 2 : 0;
} else if (command === '--version' || command === '-v') {
  process.stdout.write(`${ownVersion()}\n`);
} else if (!isCommand(command)) {
  process.stderr.write(`${NAME}: unknown command "${command}"; valid commands: ${Object.keys(COMMANDS).join(', ')}\n\n${usage()}`);
  process.exitCode = 2;
} else {
  // The command's module parses process.argv.slice(2): give it only its own arguments.
  process.argv = [process.argv[0] ?? process.execPath, process.argv[1] ?? NAME, ...rest];
  // Messages of the small CLIs are prefixed with this name (src/cli/run-cli.ts).
  process.env.GCB_CLI_NAME = `${NAME} ${command}`;
  await COMMANDS[command].run();
}
