/**
 * `pnpm bench [options] [file filters…]`: runs the spec files under benches/ through Vitest with the
 * bench reporter. Flags become GCB_* variables (see src/selection.ts), so spec files see the same
 * selection when Vitest runs them in its worker.
 *
 * Exit codes: 0 pass · 1 a case failed, the gate failed or the run cannot be trusted · 2 usage or
 * configuration error · 130 interrupted (results so far are written, marked incomplete).
 *
 * Hidden, for the suite's own tests (not in --help): GCB_PROJECT picks the Vitest project (default
 * `bench`) and GCB_SPEC_DIR the folder spec files are found under (default `benches`), so the
 * robustness tests run the misbehaving spec files of test/fault-benches/ through this very CLI with
 * GCB_PROJECT=faults GCB_SPEC_DIR=test/fault-benches.
 */
import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { createVitest, type Vitest } from 'vitest/node';
import BenchReporter from '../../reporters/bench-reporter.ts';
import { ARCHETYPE_IDS, BLOCK_IDS } from '../../fixtures/index.ts';
import { COMPILER_IDS, compilerHardware } from '../adapters/registry.ts';
import { GateConfigError, loadGateConfig, unknownCompilerIds } from '../gate/config.ts';
import { outputDirsFromEnv } from '../output-dirs.ts';
import { EXIT, finish, type FinishInput } from '../pipeline.ts';
import { keysToConfirm } from '../gate/confirm.ts';
import { selectionFromEnv, SelectionError } from '../selection.ts';

const HELP = `Usage: pnpm bench [options] [-- file filters]

Runs the benchmark matrix (spec files under benches/) and writes results/latest.json and reports/bench.md.

Options (each also settable as the variable in brackets):
  --compiler <ids>     compilers to run, comma-separated [GCB_COMPILER]
  --model <ids>        blocks, archetypes or user models, comma-separated (alias --block) [GCB_MODEL]
  --batch <sizes>      batch sizes, e.g. 1,8 [GCB_BATCH]
  --depth <depths>     block depths, e.g. 1,4 [GCB_DEPTH]
  --hardware <kind>    cpu (default), gpu or all: which compilers run [GCB_HARDWARE]
  --profile <name>     default, quick (PR gate) or full (nightly) [GCB_PROFILE]
  --engine <name>      tinybench (default) or mitata [GCB_ENGINE]
  --baseline <file>    baseline to gate against (default baselines/<hardware-id>.json)
  --no-gate            measure and report, but do not compare with a baseline
  --no-confirm         fail on the gate's first findings, without measuring their cases again
  -t <pattern>         only cases whose name matches (Vitest's test name filter)
  -h, --help           this text

Compilers: ${COMPILER_IDS.join(', ')}
Blocks: ${BLOCK_IDS.join(', ')}
Archetypes: ${ARCHETYPE_IDS.join(', ')}
`;

function fail(message: string, code: number): never {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(code);
}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        compiler: { type: 'string' },
        model: { type: 'string' },
        block: { type: 'string' },
        batch: { type: 'string' },
        depth: { type: 'string' },
        hardware: { type: 'string' },
        profile: { type: 'string' },
        engine: { type: 'string' },
        baseline: { type: 'string' },
        'no-gate': { type: 'boolean' },
        'no-confirm': { type: 'boolean' },
        t: { type: 'string', short: 't' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    fail(`${(error as Error).message}\n\n${HELP}`, EXIT.usage);
  }
}

/** Spec files, as paths relative to the project root. */
function specFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.bench.ts')) found.push(relative(root, path));
    }
  };
  walk(join(root, specDir()));
  return found.sort();
}

/**
 * Narrows the files to those the selection can touch, by their path
 * (`benches/<suite>/<model>/<compiler>.bench.ts`). The spec files apply the same selection again.
 */
function selectFiles(files: string[], selection: ReturnType<typeof selectionFromEnv>): string[] {
  return files.filter((file) => {
    const parts = file.split(sep);
    const compiler = (parts.at(-1) ?? '').replace(/\.bench\.ts$/, '');
    const model = parts.at(-2) ?? '';
    if (selection.compilers !== null && !selection.compilers.includes(compiler)) return false;
    if (selection.models !== null && !selection.models.includes(model)) return false;
    if (selection.hardware !== 'all' && COMPILER_IDS.includes(compiler) && compilerHardware(compiler) !== selection.hardware) {
      return false;
    }
    return true;
  });
}

async function main(): Promise<void> {
  const { values, positionals } = parse(process.argv.slice(2));
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const env = process.env;
  const setEnv = (name: string, value: string | undefined): void => {
    if (value !== undefined) env[name] = value;
  };
  setEnv('GCB_COMPILER', values.compiler);
  setEnv('GCB_MODEL', values.model ?? values.block);
  setEnv('GCB_BATCH', values.batch);
  setEnv('GCB_DEPTH', values.depth);
  setEnv('GCB_HARDWARE', values.hardware);
  setEnv('GCB_PROFILE', values.profile);
  setEnv('GCB_ENGINE', values.engine);
  env.GCB_COMMAND_LINE = ['pnpm', 'bench', ...process.argv.slice(2)].join(' ');
  // Tells the Vitest worker that this process handles Ctrl-C (see src/spec.ts).
  env.GCB_CLI_PID = String(process.pid);

  let selection;
  try {
    selection = selectionFromEnv(env, { compilers: COMPILER_IDS, models: [...BLOCK_IDS, ...ARCHETYPE_IDS, ...userModelNames()] });
  } catch (error) {
    if (error instanceof SelectionError) fail(error.message, EXIT.usage);
    throw error;
  }

  // The gate config names the reference each compiler is measured alongside, so it decides what is
  // measured: a broken one is an error before any measuring, not after minutes of it.
  const gateConfigPath = outputDirsFromEnv(env).gateConfigPath;
  try {
    const config = await loadGateConfig(gateConfigPath);
    const unknown = unknownCompilerIds({ ...config, threshold: { ...config.threshold, byCompiler: {} } }, new Set(COMPILER_IDS));
    if (unknown.length > 0) {
      fail(
        `${unknown.map((u) => `${gateConfigPath}: ${u.option}: unknown compiler "${u.id}"`).join('\n')}\nvalid compilers: ${COMPILER_IDS.join(', ')}`,
        EXIT.usage,
      );
    }
  } catch (error) {
    if (error instanceof GateConfigError) fail(error.message, EXIT.usage);
    throw error;
  }

  const root = process.cwd();
  const files = selectFiles(specFiles(root), selection).filter(
    (file) => positionals.length === 0 || positionals.some((filter) => file.includes(filter)),
  );
  if (files.length === 0) fail('no spec file matches the selection; see --help for the valid names', EXIT.usage);

  const gateOptions = {
    gate: values['no-gate'] !== true,
    ...(values.baseline !== undefined ? { baselinePath: values.baseline } : {}),
  };
  let current: Vitest | null = null;

  // Ctrl-C or a kill: stop the run (Vitest abandons the case in progress); the cases that finished are
  // written, marked incomplete. A second signal quits at once, writing nothing.
  // Vitest's logger adds its own SIGINT/SIGTERM listeners that exit the process 1 ms later, before the
  // results are written: they are taken out after each Vitest is created, so that this handler alone decides.
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interrupted) process.exit(EXIT.interrupted);
    interrupted = true;
    env.GCB_INTERRUPTED_BY = signal;
    process.stderr.write(
      `\nbench: ${signal}: stopping; the case in progress is dropped, the cases that finished are written (signal again to quit at once, writing nothing)\n`,
    );
    void current?.cancelCurrentRun('keyboard-input');
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => onSignal(signal));
  const listenersBefore = new Set([...process.listeners('SIGINT'), ...process.listeners('SIGTERM')]);

  /** One Vitest run of `runFiles` (only the cases matching `pattern`, when given); what it collected. */
  const measure = async (runFiles: string[], pattern: string | undefined): Promise<FinishInput> => {
    const reporter = new BenchReporter({ ...gateOptions, defer: true });
    const vitest = await createVitest('test', {
      project: process.env.GCB_PROJECT || 'bench',
      watch: false,
      reporters: [reporter],
      ...(pattern !== undefined ? { testNamePattern: pattern } : {}),
    });
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      for (const listener of process.listeners(signal)) if (!listenersBefore.has(listener)) process.off(signal, listener);
    }
    current = vitest;
    await vitest.start(runFiles);
    await vitest.close();
    current = null;
    const collected = reporter.collected();
    if (collected === null) throw new Error('the bench reporter collected nothing (the run did not end)');
    return collected;
  };

  const first = await measure(files, values.t);
  const finished = await finish(first);
  let exitCode = finished.exitCode;
  const verdict = finished.evaluation?.verdict ?? null;
  const keys = verdict === null || interrupted || values['no-confirm'] === true || finished.evaluation === null ? null : keysToConfirm(verdict, finished.evaluation.metrics);
  if (exitCode === EXIT.failed && keys !== null && keys.length > 0) {
    // A finding fails the run only if it reproduces: measure the cases it involves again.
    process.stdout.write(`\nbench: confirming ${verdict?.problems.length} finding(s): measuring ${keys.length} case(s) again\n`);
    const again = await measure(filesOf(keys, files), keyPattern(keys));
    const remeasured = new Map(again.cases.map((c) => [c.key, c]));
    const firstCases = first.cases.filter((c) => remeasured.has(c.key));
    exitCode = (
      await finish({
        ...first,
        cases: first.cases.map((c) => remeasured.get(c.key) ?? c),
        confirmation: firstCases,
        harnessErrors: [...first.harnessErrors, ...again.harnessErrors],
        finishedAt: again.finishedAt,
        interruptedBy: again.interruptedBy,
      })
    ).exitCode;
  }
  process.exit(exitCode);
}

/** The spec files (of those run) that hold the cases of `keys` (`suite/model/compiler/…`). */
function filesOf(keys: readonly string[], files: readonly string[]): string[] {
  const wanted = new Set(keys.map((k) => k.split('/').slice(0, 3).join(sep)));
  return files.filter((file) => wanted.has(file.replace(/\.bench\.ts$/, '').split(sep).slice(-3).join(sep)));
}

/** A Vitest test-name pattern matching exactly the cases of `keys` (their names end with the key). */
function keyPattern(keys: readonly string[]): string {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return `(?:^|\\s)(?:${keys.map(escape).join('|')})$`;
}

/** Where spec files live: benches/, or GCB_SPEC_DIR (tests only). */
function specDir(): string {
  return process.env.GCB_SPEC_DIR || 'benches';
}

/** Directory names under benches/models/: user models are named by their folder. */
function userModelNames(): string[] {
  try {
    return readdirSync(join(process.cwd(), specDir(), 'models'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
  } catch {
    return [];
  }
}

await main();
