/**
 * `pnpm bench [options] [file filters…]`: plan → measure → result files → evaluate → write, once.
 *
 * 1. Plan: the spec files are collected (src/plan.ts) and every selected case is listed in one run
 *    plan; with `--compare <ref>` the base checkout is prepared beside it and its cases listed too.
 * 2. Measure: Vitest runs the spec files holding planned cases, with the bench reporter collecting; the
 *    plan is the only thing handed to the Vitest worker (GCB_PLAN).
 * 3. Confirm (single mode): when the gate's first verdict finds problems, the cases they involve are
 *    measured again; the evaluation then keeps only problems both measurements show.
 * 4. Finish (src/pipeline.ts): result files, one pure evaluation, reports written once, one exit code.
 *
 * Exit codes: 0 pass · 1 a case failed, the gate failed or was inconclusive, or the run cannot be
 * trusted · 2 usage or configuration error · 130 interrupted (results so far are written, marked
 * incomplete).
 *
 * Hidden, for the suite's own tests (not in --help): GCB_PROJECT picks the Vitest project (default
 * `bench`) and GCB_SPEC_DIR the folder spec files are found under (default `benches`), so the
 * robustness tests run the misbehaving spec files of test/fault-benches/ through this very CLI with
 * GCB_PROJECT=faults GCB_SPEC_DIR=test/fault-benches.
 */
import { existsSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createVitest, type Vitest } from 'vitest/node';
import BenchReporter from '../../reporters/bench-reporter.ts';
import { ARCHETYPE_IDS, BLOCK_IDS } from '../../fixtures/index.ts';
import { PYTHON_COMPILER_IDS } from '../adapters/python-compilers.ts';
import { COMPILER_IDS } from '../adapters/registry.ts';
import { parseSlowdowns } from '../adapters/slowed.ts';
import { PAIRED_SESSIONS } from '../compare/coordinator.ts';
import { prepareComparison, ComparisonUnavailable, workerCpus, type PreparedComparison } from '../compare/setup.ts';
import { evaluate } from '../evaluate.ts';
import { findingsOf, GateConfigError, keysToConfirm, loadGateConfig, type GateConfig } from '../gate/index.ts';
import { unknownCompilerIds } from '../gate/config.ts';
import { loadBaseline, BaselineError } from '../results/baseline.ts';
import { buildRunResult, EXIT, finish, outputDirsFromEnv, type Collected, type FinishOptions } from '../pipeline.ts';
import { collectSpecs, plainSelection, planCases, resolveGroups, specFilesUnder, writePlan, type PlannedCase, type RunPlan } from '../plan.ts';
import { benchTestSettings } from '../vitest-preset.ts';
import { selectionFilters, selectionFromEnv, SelectionError, type Selection } from '../selection.ts';

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
  --dir <folder>       find spec files under <folder> instead of benches/ (e.g. examples/user-models)
  --compare <ref>      measure the checkout of <ref> (a git commit, branch or tag, or a folder holding a
                       checkout) side by side with this one, in interleaved rounds, and gate on the
                       paired differences; the gate config and baselines then come from <ref>
  --baseline <file>    baseline to gate against (default baselines/<hardware-id>.json)
  --require-baseline   fail when this hardware has no baseline (default: say so and pass)
  --no-gate            measure and report, but do not compare with anything
  --no-confirm         fail on the gate's first findings, without measuring their cases again
  --seed <n>           seed of the paired rounds' order (default: from the two commits)
  --rounds <n>         paired runs: exactly n rounds per case instead of stopping adaptively
  --sessions <n>       sessions per case, each compiled afresh (default: the profile's, 2); in paired
                       runs session pairs, and with --rounds what pnpm bench:calibrate-paired splits
                       into sub-runs. --sessions 1 halves a run of slow compiles (the GPU matrix)
  -t <pattern>         only cases whose name matches (Vitest's test name filter)
  -h, --help           this text

Test only: GCB_TEST_SLOWDOWN='ort-cpu-all=10%' slows a compiler down (both sides of a paired run);
GCB_TEST_SLOWDOWN_HEAD slows the head side only (calibration of paired mode).

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
        compare: { type: 'string' },
        baseline: { type: 'string' },
        'require-baseline': { type: 'boolean' },
        'no-gate': { type: 'boolean' },
        'no-confirm': { type: 'boolean' },
        seed: { type: 'string' },
        rounds: { type: 'string' },
        sessions: { type: 'string' },
        dir: { type: 'string' },
        t: { type: 'string', short: 't' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    fail(`${(error as Error).message}\n\n${HELP}`, EXIT.usage);
  }
}

/** Flags win over their variables; the selection is checked against the known names. */
function selectionOf(values: ReturnType<typeof parse>['values'], root: string, specDir: string, declared: readonly string[]): Selection {
  const env = { ...process.env };
  const set = (name: string, value: string | undefined): void => {
    if (value !== undefined) env[name] = value;
  };
  set('GCB_COMPILER', values.compiler);
  set('GCB_MODEL', values.model ?? values.block);
  set('GCB_BATCH', values.batch);
  set('GCB_DEPTH', values.depth);
  set('GCB_HARDWARE', values.hardware);
  set('GCB_PROFILE', values.profile);
  set('GCB_ENGINE', values.engine);
  try {
    return selectionFromEnv(env, { compilers: COMPILER_IDS, models: [...new Set([...BLOCK_IDS, ...ARCHETYPE_IDS, ...userModelNames(root, specDir), ...declared])] });
  } catch (error) {
    if (error instanceof SelectionError) fail(error.message, EXIT.usage);
    throw error;
  }
}

/** Directory names under <specDir>/models: user models are named by their folder. */
function userModelNames(root: string, specDir: string): string[] {
  try {
    return readdirSync(join(root, specDir, 'models'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
  } catch {
    return [];
  }
}

function positiveMs(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) fail(`${name} must be a positive number of milliseconds, got "${text}"`, EXIT.usage);
  return value;
}

function ortThreads(): number | null {
  const text = process.env.GCB_ORT_THREADS;
  if (text === undefined || text === '') return null;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) fail(`GCB_ORT_THREADS must be a whole number >= 0, got "${text}"`, EXIT.usage);
  return value;
}

function slowdownSetting(name: string): string | null {
  const text = process.env[name];
  if (text === undefined || text.trim() === '') return null;
  try {
    parseSlowdowns(text);
  } catch (error) {
    fail((error as Error).message.replace('GCB_TEST_SLOWDOWN', name), EXIT.usage);
  }
  return text;
}

async function checkedGateConfig(path: string): Promise<GateConfig> {
  try {
    const config = await loadGateConfig(path);
    // The references decide what is measured alongside: a broken one is an error before any measuring.
    const unknown = unknownCompilerIds({ ...config, threshold: { ...config.threshold, byCompiler: {} } }, new Set(COMPILER_IDS));
    if (unknown.length > 0) {
      fail(`${unknown.map((u) => `${path}: ${u.option}: unknown compiler "${u.id}"`).join('\n')}\nvalid compilers: ${COMPILER_IDS.join(', ')}`, EXIT.usage);
    }
    return config;
  } catch (error) {
    if (error instanceof GateConfigError) fail(error.message, EXIT.usage);
    throw error;
  }
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const { values, positionals } = parse(argv);
  if (values.help) {
    process.stdout.write(HELP);
    return EXIT.ok;
  }
  const root = process.cwd();
  const project = process.env.GCB_PROJECT || 'bench';
  const specDir = values.dir ?? (process.env.GCB_SPEC_DIR || 'benches');
  if (values.dir !== undefined && !existsSync(join(root, values.dir))) fail(`--dir: no folder "${values.dir}" under ${root}`, EXIT.usage);
  // Spec files outside benches/ are not in the repository's Vitest bench project: they run with the preset's settings.
  const useConfig = specDir === 'benches' || (process.env.GCB_PROJECT ?? '') !== '';
  const dirs = outputDirsFromEnv();
  const headSlowdown = slowdownSetting('GCB_TEST_SLOWDOWN_HEAD');
  const bothSlowdown = slowdownSetting('GCB_TEST_SLOWDOWN');
  const seedText = values.seed;
  if (seedText !== undefined && !/^-?\d+$/.test(seedText)) fail(`--seed must be a whole number, got "${seedText}"`, EXIT.usage);
  const sessionsText = values.sessions;
  if (sessionsText !== undefined && !/^[1-9]\d*$/.test(sessionsText)) fail(`--sessions must be a positive whole number, got "${sessionsText}"`, EXIT.usage);
  const roundsText = values.rounds;
  if (roundsText !== undefined && !/^[1-9]\d*$/.test(roundsText)) fail(`--rounds must be a positive whole number, got "${roundsText}"`, EXIT.usage);

  const files = (await specFilesUnder(root, specDir)).filter(
    (file) => positionals.length === 0 || positionals.some((filter) => file.includes(filter)),
  );
  if (files.length === 0) fail('no spec file matches the selection; see --help for the valid names', EXIT.usage);
  const namePattern = values.t ?? null;
  if (namePattern !== null) {
    try {
      new RegExp(namePattern);
    } catch (error) {
      fail(`-t: "${namePattern}" is not a valid pattern (${(error as Error).message})`, EXIT.usage);
    }
  }
  const collected = await collectSpecs(root, files);
  const declaredModels = collected.specs.map(({ spec }) => (typeof spec.model === 'string' ? spec.model : spec.model.name));
  const selection = selectionOf(values, root, specDir, declaredModels);

  // Paired mode: the base checkout, its install and its worker come first; when it cannot be measured
  // the run says why and falls back to the committed baseline.
  let comparison: PreparedComparison | null = null;
  const notices: string[] = [];
  if (values.compare !== undefined && values['no-gate'] !== true) {
    try {
      comparison = await prepareComparison({
        root,
        ref: values.compare,
        list: { selection: plainSelection(selection), namePattern, fileFilters: [...positionals], specDir },
        log: (line) => process.stdout.write(`bench: ${line}\n`),
      });
    } catch (error) {
      if (!(error instanceof ComparisonUnavailable)) throw error;
      notices.push(`${error.message}; fell back to the committed baseline`);
      process.stdout.write(`bench: ${error.message}\nbench: falling back to the committed baseline\n`);
    }
  }
  // A pull request must not loosen its own gate: in paired mode the config and baselines are the base's.
  const trusted = comparison === null ? '' : comparison.base.tree;
  const gateConfigPath = process.env.GCB_GATE_CONFIG || join(trusted, 'gate.config.json');
  const baselinesDir = process.env.GCB_BASELINES_DIR || join(trusted, 'baselines');
  const config = await checkedGateConfig(gateConfigPath);
  const planned = planCases(collected.specs, { selection, namePattern, mode: comparison === null ? 'single' : 'paired' });
  const groups = resolveGroups(collected.groups, collected.specs);
  const planErrors = [...collected.errors, ...planned.errors, ...groups.errors];

  const filters: Record<string, string> = { ...selectionFilters(selection) };
  if (namePattern !== null) filters.name = namePattern;
  if (positionals.length > 0) filters.files = positionals.join(',');
  const compare: RunPlan['compare'] =
    comparison === null
      ? null
      : {
          head: comparison.head,
          base: comparison.base,
          removed: comparison.baseKeys.filter((k) => !planned.cases.some((c) => c.key === k)).sort(),
          added: planned.cases.map((c) => c.key).filter((k) => !comparison.baseKeys.includes(k)).sort(),
          workerCpus: workerCpus(),
        };
  for (const error of comparison?.baseErrors ?? []) notices.push(`the base checkout: ${error}`);
  const plan: RunPlan = {
    planVersion: 1,
    // Run through the package's command, the dispatcher says what the user typed.
    commandLine: [...(process.env.GCB_CLI_NAME?.split(' ') ?? ['pnpm', 'bench']), ...argv],
    mode: comparison === null ? 'single' : 'paired',
    profile: selection.profile,
    engine: selection.engine,
    hardware: selection.hardware,
    filters,
    selection: plainSelection(selection),
    namePattern,
    fileFilters: [...positionals],
    caseTimeoutMs: positiveMs('GCB_CASE_TIMEOUT_MS', 120_000),
    ortThreads: ortThreads(),
    testSlowdown: { head: headSlowdown ?? bothSlowdown, base: bothSlowdown },
    reference: config.reference,
    seed: seedText !== undefined ? Number(seedText) : (comparison?.seed ?? 0),
    pairedRounds: roundsText === undefined ? null : Number(roundsText),
    pairedSessions: sessionsText === undefined ? PAIRED_SESSIONS : Number(sessionsText),
    project,
    specDir,
    // Paired runs take the sessions from pairedSessions; a single run's cases from the option, where given.
    cases: comparison === null && sessionsText !== undefined ? planned.cases.map((c) => ({ ...c, sessions: Number(sessionsText) })) : planned.cases,
    comparisonGroups: groups.groups,
    compare,
  };

  const finishOptions: FinishOptions = {
    ...dirs,
    gateConfigPath,
    baselinesDir,
    gate: values['no-gate'] !== true,
    requireBaseline: values['require-baseline'] === true,
    notices,
    ...(values.baseline !== undefined ? { baselinePath: values.baseline } : {}),
  };
  const measureRun = measurer(root, useConfig);
  const first = await measureRun(plan, planErrors);
  let collectedRun: Collected = first;
  let confirmation: PlannedCase[] | null = null;
  let firstCases = undefined;
  let firstBaseCases = undefined;

  // On a noisy machine a finding fails the run only if it reproduces. Paired: the cases are measured
  // again in a fresh Vitest run, so in fresh worker processes on both sides — a case whose two session
  // pairs shared a bias of their processes (on the 2-core VM up to 30%, both pairs alike) does not
  // keep it there, and a real change does.
  if (finishOptions.gate && values['no-confirm'] !== true && first.interruptedBy === null) {
    const { keys, findings } = await findingsToConfirm(first, plan, finishOptions, config);
    if (keys.length > 0) {
      confirmation = plan.cases.filter((c) => keys.includes(c.key));
      const fresh = plan.mode === 'paired' ? ' in fresh worker processes' : '';
      process.stdout.write(`\nbench: confirming ${findings} finding(s): measuring ${confirmation.length} case(s) again${fresh}\n`);
      const again = await measureRun({ ...plan, cases: confirmation }, []);
      const remeasured = new Map(again.cases.map((c) => [c.key, c]));
      const remeasuredBase = new Map(again.baseCases.map((c) => [c.key, c]));
      firstCases = first.cases.filter((c) => remeasured.has(c.key));
      firstBaseCases = first.baseCases.filter((c) => remeasuredBase.has(c.key));
      collectedRun = {
        ...first,
        cases: first.cases.map((c) => remeasured.get(c.key) ?? c),
        baseCases: first.baseCases.map((c) => remeasuredBase.get(c.key) ?? c),
        harnessErrors: [...first.harnessErrors, ...again.harnessErrors],
        finishedAt: again.finishedAt,
        interruptedBy: again.interruptedBy,
      };
    }
  }
  const finished = await finish({
    collected: collectedRun,
    plan,
    options: finishOptions,
    ...(firstCases === undefined ? {} : { confirmation: firstCases }),
    ...(firstBaseCases === undefined ? {} : { baseConfirmation: firstBaseCases }),
  });
  return finished.exitCode;
}

/** The keys whose cases a confirming measurement would settle: none when the first verdict has no such finding. */
async function findingsToConfirm(first: Collected, plan: RunPlan, options: FinishOptions, config: GateConfig): Promise<{ keys: string[]; findings: number }> {
  const none = { keys: [], findings: 0 };
  if (first.harnessErrors.length > 0) return none;
  const run = buildRunResult(first, plan);
  if (plan.mode === 'paired') {
    // Paired: judged against the base measured alongside; the gate config is the base's (bench.ts above).
    const base = buildRunResult(first, plan, 'base');
    const { verdict, metrics } = evaluate({ run, base, baseline: undefined, config, harnessErrors: [], requireBaseline: false });
    const keys = verdict === null ? null : keysToConfirm(verdict, metrics);
    return keys === null || verdict === null ? none : { keys, findings: findingsOf(verdict) };
  }
  let baseline;
  try {
    baseline = await loadBaseline(options.baselinePath ?? join(options.baselinesDir, `${run.hardware.id}.json`));
  } catch (error) {
    // The finish step reports a broken baseline with its message and exit code.
    if (error instanceof BaselineError) return none;
    throw error;
  }
  const { verdict, metrics } = evaluate({ run, base: null, baseline, config, harnessErrors: [], requireBaseline: false });
  const keys = verdict === null ? null : keysToConfirm(verdict, metrics);
  return keys === null || verdict === null ? none : { keys, findings: findingsOf(verdict) };
}

/** A repeated stop signal sooner than this after the first is the same stop (see `measurer`). */
const SECOND_SIGNAL_AFTER_MS = 1000;

/**
 * Measures a plan with Vitest and returns what the reporter collected. Ctrl-C or a kill stops the run
 * (Vitest abandons the case in progress) and the cases that finished are kept, marked interrupted; a
 * second signal quits at once, writing nothing.
 */
function measurer(root: string, useConfig: boolean): (plan: RunPlan, planErrors: Collected['harnessErrors']) => Promise<Collected> {
  let current: { vitest: Vitest; reporter: BenchReporter } | null = null;
  let interrupted: string | null = null;
  let interruptedAt = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    // `timeout` signals its child and then the child's process group: the same stop, twice within a
    // moment. Only a signal a second or more after the first is a person asking to quit at once.
    if (interrupted !== null) {
      if (Date.now() - interruptedAt < SECOND_SIGNAL_AFTER_MS) return;
      process.exit(EXIT.interrupted);
    }
    interrupted = signal;
    interruptedAt = Date.now();
    process.stderr.write(
      `\nbench: ${signal}: stopping; the case in progress is dropped, the cases that finished are written (signal again to quit at once, writing nothing)\n`,
    );
    current?.reporter.interrupt(signal);
    void current?.vitest.cancelCurrentRun('keyboard-input');
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => onSignal(signal));
  const listenersBefore = new Set([...process.listeners('SIGINT'), ...process.listeners('SIGTERM')]);
  // Tells the Vitest worker that this process handles Ctrl-C (see src/spec.ts).
  process.env.GCB_CLI_PID = String(process.pid);
  let runs = 0;

  /**
   * A plan's cases in the Vitest passes they run in: in-process runtimes get a fresh process per spec
   * file; worker compilers (PyTorch, JAX) and paired runs share one process for the whole pass, so the
   * worker processes live from the first case to the last instead of starting again — importing torch,
   * setting up CUDA — for every spec file.
   */
  const passes = (plan: RunPlan): { cases: PlannedCase[]; isolate: boolean }[] => {
    if (plan.mode === 'paired') return [{ cases: plan.cases, isolate: false }];
    const shared = plan.cases.filter((c) => PYTHON_COMPILER_IDS.includes(c.compiler));
    const own = plan.cases.filter((c) => !PYTHON_COMPILER_IDS.includes(c.compiler));
    return [
      ...(own.length > 0 ? [{ cases: own, isolate: true }] : []),
      ...(shared.length > 0 ? [{ cases: shared, isolate: false }] : []),
    ];
  };

  return async (plan, planErrors) => {
    const startedAt = new Date();
    let merged: Collected = { cases: [], baseCases: [], harnessErrors: [...planErrors], gpu: null, startedAt, finishedAt: startedAt, interruptedBy: interrupted };
    for (const pass of passes(plan)) {
      if (interrupted !== null) break;
      const got = await runPass({ ...plan, cases: pass.cases }, pass.isolate, plan.cases.length, merged.cases.length);
      merged = {
        cases: [...merged.cases, ...got.cases],
        baseCases: [...merged.baseCases, ...got.baseCases],
        harnessErrors: [...merged.harnessErrors, ...got.harnessErrors],
        gpu: merged.gpu ?? got.gpu,
        startedAt,
        finishedAt: got.finishedAt,
        interruptedBy: got.interruptedBy ?? interrupted,
      };
    }
    return { ...merged, finishedAt: merged.cases.length === 0 ? new Date() : merged.finishedAt, interruptedBy: merged.interruptedBy ?? interrupted };
  };

  async function runPass(plan: RunPlan, isolate: boolean, plannedCases: number, done: number): Promise<Collected> {
    // The plan is a hand-over file, not a result: it lives in the temporary folder for the run's length.
    const planPath = join(tmpdir(), `gcb-plan-${process.pid}-${runs++}.json`);
    await writePlan(planPath, plan);
    process.env.GCB_PLAN = planPath;
    const reporter = new BenchReporter({ plannedCases, done });
    // Without a vitest.config of its own, a repository gets the preset's bench project.
    const hasConfig = useConfig && ['ts', 'mts', 'cts', 'js', 'mjs', 'cjs'].some((ext) => existsSync(join(root, `vitest.config.${ext}`)));
    const vitest = await createVitest('test', {
      ...(hasConfig ? { project: plan.project } : { config: false, include: [`${plan.specDir}/**/*.bench.ts`], ...benchTestSettings }),
      watch: false,
      reporters: [reporter],
      ...(isolate ? {} : { isolate: false }),
    });
    // Vitest's logger adds SIGINT/SIGTERM listeners that exit the process 1 ms later, before the results
    // are written: they are taken out so that the handler above alone decides.
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      for (const listener of process.listeners(signal)) if (!listenersBefore.has(listener)) process.off(signal, listener);
    }
    current = { vitest, reporter };
    try {
      await vitest.start([...new Set(plan.cases.map((c) => c.specFile))].map((file) => join(root, file)));
      await vitest.close();
    } finally {
      current = null;
      await rm(planPath, { force: true });
    }
    const collected = reporter.collected();
    if (collected === null) throw new Error('the bench reporter collected nothing (the run did not end)');
    return { ...collected, interruptedBy: collected.interruptedBy ?? interrupted };
  }
}

const exitCode = await main();
// Exit explicitly (Vitest can leave handles open), but only once stdout and stderr have drained: to a
// pipe (CI, `| tee`) Node writes asynchronously, and exiting at once cut off the end of a long report,
// the verdict line with it.
await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
await new Promise<void>((resolve) => process.stderr.write('', () => resolve()));
process.exit(exitCode);
