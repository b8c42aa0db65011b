/**
 * The one error boundary of the small CLIs: known input errors print their message and exit with
 * their code (2 for bad input); anything else is a bug and exits 1 with its stack.
 */
import { GateConfigError } from '../gate/index.ts';
import { BaselineError } from '../results/baseline.ts';
import { ResultsFileError } from '../results/run-file.ts';
import { SelectionError } from '../selection.ts';
import { MergeError } from '../metrics/cross-hardware.ts';
import { PartsError } from '../results/parts.ts';

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

const INPUT_ERRORS = [GateConfigError, BaselineError, ResultsFileError, SelectionError, MergeError, PartsError];

/**
 * This command as typed: `pnpm <script>` (or the package command's name, GCB_CLI_NAME) and its
 * arguments; recorded as the command line of what it writes (a run combined from parts).
 */
export function cliCommandLine(script: string): string[] {
  return [...(process.env.GCB_CLI_NAME?.split(' ') ?? ['pnpm', script]), ...process.argv.slice(2)];
}

export async function runCli(main: () => Promise<number>): Promise<void> {
  const name = process.env.GCB_CLI_NAME ?? process.env.npm_lifecycle_event ?? 'bench';
  try {
    process.exitCode = await main();
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`${name}: ${error.message}\n`);
      process.exitCode = error.exitCode;
    } else if (INPUT_ERRORS.some((type) => error instanceof type) || (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      process.stderr.write(`${name}: ${(error as Error).message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`${name}: unexpected error (a bug): ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 1;
    }
  }
}
