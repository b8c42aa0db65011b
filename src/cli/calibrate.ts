/**
 * `pnpm bench:calibrate [--profile quick|full] [--trials N] [--detect-trials N] [--sessions N] [--out docs/calibration.md]`
 *
 * Measures, on this machine, how far the measurements and the gate can be trusted:
 *  1. harness overhead: the null adapter per iteration, under each engine, against the cheapest case;
 *  2. engine agreement: tinybench and mitata on the same cases;
 *  3. A/A: each case measured as a baseline, then measured again as a run (compiled afresh, over the
 *     profile's sessions, with its reference and the anchor alongside, exactly as `pnpm bench` does),
 *     judged by the real gate — false alarms;
 *  4. detection: the run arm with the test-only slowdown of 5%, 10% and 20% on the compiler (judged
 *     against its reference) and on the reference itself (judged against the anchor).
 * Writes the figures to docs/calibration.md and results/calibration.json.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { buildModel } from '../../fixtures/index.ts';
import { NullAdapter } from '../adapters/null.ts';
import { createAdapter } from '../adapters/registry.ts';
import { SlowedAdapter } from '../adapters/slowed.ts';
import type { CompilerAdapter } from '../adapters/types.ts';
import { judgeTrial, rate, type Decision, type Rate } from '../calibration.ts';
import { loadGateConfig, thresholdFor, type GateConfig } from '../gate/index.ts';
import { DEFAULT_MEASURE_OPTIONS, type MeasureOptions, type MeasuringEngine } from '../harness/engine.ts';
import { createEngine } from '../harness/engines.ts';
import { measureCase, type CaseModel } from '../harness/measure-case.ts';
import { quantileSorted } from '../harness/summary.ts';
import { referenceFor } from '../metrics/reference.ts';
import { buildRunResult, outputDirsFromEnv } from '../pipeline.ts';
import { DEFAULT_PLAN } from '../run-case.ts';
import { getProfile, type Profile } from '../profiles.ts';
import { writeFileAtomic, writeJsonAtomic } from '../results/atomic.ts';
import { referenceRatios } from '../results/ratios.ts';
import type { CaseResult, CompletedCase } from '../results/schema.ts';
import { CliError, runCli } from './run-cli.ts';

const COMPILER = 'ort-cpu-all';
/** Cases spanning the matrix: the cheapest block case, mid-size blocks, every archetype, the heaviest block case. */
const CASES = [
  { model: 'plain-conv', depth: 1, batch: 1 },
  { model: 'resnet-basic', depth: 4, batch: 8 },
  { model: 'vit-encoder', depth: 2, batch: 4 },
  { model: 'convnext', depth: 8, batch: 16 },
  { model: 'resnet-like', depth: null, batch: 1 },
  { model: 'mobilenetv2-like', depth: null, batch: 4 },
  { model: 'vit-like', depth: null, batch: 16 },
  { model: 'mixer-like', depth: null, batch: 1 },
] as const;
type CaseSpec = (typeof CASES)[number];
const SLOWDOWNS = [0.05, 0.1, 0.2] as const;
const THRESHOLDS = [0.03, 0.05, 0.075, 0.1, 0.15];
type Metric = 'relative-latency' | 'anchored-latency';
const METRICS: readonly Metric[] = ['relative-latency', 'anchored-latency'];

const median = (xs: readonly number[]): number => quantileSorted([...xs].sort((a, b) => a - b), 0.5);
const log = (line: string): boolean => process.stdout.write(`${line}\n`);
const labelOf = (spec: CaseSpec): string => `${spec.model}${spec.depth === null ? '' : `/d=${spec.depth}`}/b=${spec.batch}`;

function caseModel(model: string, depth: number | null): CaseModel {
  return { ...buildModel(model, depth === null ? {} : { depth }), name: model };
}

function completed(result: CaseResult, what: string): CompletedCase {
  if (result.state !== 'completed') throw new Error(`${what}: ${result.state === 'failed' ? result.error : result.reason}`);
  return result;
}

interface Arms {
  readonly compiler: CompilerAdapter;
  readonly reference: CompilerAdapter;
  readonly engine: MeasuringEngine;
  readonly profile: Profile;
}

/**
 * One arm of a trial: every case under the compiler (with its reference alongside) and under the
 * reference (with the anchor), as `pnpm bench` measures them. `slow` slows one of the two down.
 */
async function measureArm(arms: Arms, slow: { who: 'compiler' | 'reference'; fraction: number } | null): Promise<CaseResult[]> {
  const out: CaseResult[] = [];
  const slowed = (a: CompilerAdapter) => new SlowedAdapter(a, { kind: 'relative', fraction: slow?.fraction ?? 0 });
  for (const spec of CASES) {
    const model = caseModel(spec.model, spec.depth);
    const common = {
      suite: spec.depth === null ? ('archetypes' as const) : ('blocks' as const),
      model,
      batch: spec.batch,
      engine: arms.engine,
      measure: arms.profile.measure,
      sessions: arms.profile.sessions,
      reference: null,
    };
    const compiler = slow?.who === 'compiler' ? slowed(arms.compiler) : arms.compiler;
    const reference = slow?.who === 'reference' ? slowed(arms.reference) : arms.reference;
    // The slowdown's settings mark the case; the gate would call that stale, so the key's identity is kept.
    out.push(unmark(completed(await measureCase({ ...common, adapter: compiler, pairedReference: arms.reference }), labelOf(spec)), arms.compiler));
    out.push(unmark(completed(await measureCase({ ...common, adapter: reference, pairedReference: null }), labelOf(spec)), arms.reference));
  }
  return out;
}

/** The case as if measured by `adapter` itself: a slowed adapter records its slowdown in settings and id. */
function unmark(c: CompletedCase, adapter: CompilerAdapter): CompletedCase {
  return { ...c, compiler: { ...c.compiler, id: adapter.id, settings: { ...adapter.settings } } };
}

await runCli(async () => {
  const { values } = parseArgs({
    options: {
      profile: { type: 'string', default: 'quick' },
      trials: { type: 'string', default: '20' },
      'detect-trials': { type: 'string', default: '10' },
      sessions: { type: 'string' },
      out: { type: 'string', default: 'docs/calibration.md' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    log('Usage: pnpm bench:calibrate [--profile quick|full] [--trials 20] [--detect-trials 10] [--sessions N] [--out docs/calibration.md]');
    return 0;
  }
  const named = getProfile(values.profile);
  const sessions = values.sessions === undefined ? named.sessions : Number(values.sessions);
  if (!Number.isInteger(sessions) || sessions < 1) throw new CliError(`--sessions must be a positive whole number, got "${values.sessions}"`, 2);
  const profile = { ...named, sessions };
  const trials = Number(values.trials);
  const detectTrials = Number(values['detect-trials']);
  for (const [name, n] of [['--trials', trials], ['--detect-trials', detectTrials]] as const) {
    if (!Number.isInteger(n) || n < 1) throw new CliError(`${name} must be a positive whole number, got "${name === '--trials' ? values.trials : values['detect-trials']}"`, 2);
  }
  if (detectTrials > trials) throw new CliError(`--detect-trials (${detectTrials}) cannot exceed --trials (${trials}): detection reuses the A/A baselines`, 2);
  const dirs = outputDirsFromEnv();
  const config = await loadGateConfig(dirs.gateConfigPath);
  const measure: MeasureOptions = { ...DEFAULT_MEASURE_OPTIONS, ...profile.measure };
  const started = Date.now();
  const tinybench = await createEngine('tinybench');
  const mitata = await createEngine('mitata');
  const compiler = await createAdapter(COMPILER);
  const referenceId = referenceFor(compiler, config.reference);
  if (referenceId === null || referenceId === COMPILER) throw new CliError(`${dirs.gateConfigPath} names no reference for ${COMPILER}; calibration compares it with one`, 2);
  const reference = await createAdapter(referenceId);

  // 1. Harness overhead: a no-op, interleaved with the anchor as every case is.
  const overhead: Record<string, number> = {};
  for (const engine of [tinybench, mitata]) {
    const result = await measureCase({
      suite: 'models',
      model: { ...caseModel('plain-conv', 1), name: 'null' },
      adapter: new NullAdapter(),
      reference: null,
      batch: 1,
      engine,
      measure: { ...DEFAULT_MEASURE_OPTIONS, maxSamples: 20_000 },
    });
    overhead[engine.name] = completed(result, 'null adapter').latency.median;
  }
  log(`overhead per iteration: tinybench ${(overhead.tinybench! * 1e6).toFixed(0)} ns, mitata ${(overhead.mitata! * 1e6).toFixed(0)} ns`);

  // 2. Engine agreement, alternating the engines over 5 measurements each, the compiler measured
  //    alongside its reference as in a run. Raw medians carry the machine's drift between two
  //    measurements; the ratio to the reference measured alongside — what the gate compares — does not.
  const agreement: { label: string; tinybench: number; mitata: number; raw: number; relative: number }[] = [];
  for (const spec of CASES) {
    const model = caseModel(spec.model, spec.depth);
    const ms: Record<'tinybench' | 'mitata', number[]> = { tinybench: [], mitata: [] };
    const relative: Record<'tinybench' | 'mitata', number[]> = { tinybench: [], mitata: [] };
    for (let round = 0; round < 5; round++) {
      for (const engine of round % 2 === 0 ? [tinybench, mitata] : [mitata, tinybench]) {
        const c = completed(
          await measureCase({
            suite: spec.depth === null ? 'archetypes' : 'blocks',
            model,
            adapter: compiler,
            pairedReference: reference,
            reference: null,
            batch: spec.batch,
            engine,
            measure: DEFAULT_MEASURE_OPTIONS,
          }),
          labelOf(spec),
        );
        const ratios = referenceRatios(c);
        if (ratios === null || ratios.length === 0) {
          throw new CliError(`${labelOf(spec)}: ${referenceId} could not be measured alongside ${COMPILER} (${c.interleaving.referenceNote ?? 'no ratio'})`, 1);
        }
        ms[engine.name].push(c.latency.median);
        relative[engine.name].push(median(ratios));
      }
    }
    const t = median(ms.tinybench);
    const m = median(ms.mitata);
    const row = { label: labelOf(spec), tinybench: t, mitata: m, raw: m / t - 1, relative: median(relative.mitata) / median(relative.tinybench) - 1 };
    agreement.push(row);
    log(`engines ${row.label}: tinybench ${t.toFixed(4)} ms, mitata ${m.toFixed(4)} ms (raw ${(row.raw * 100).toFixed(2)}%, relative to ${referenceId} ${(row.relative * 100).toFixed(2)}%)`);
  }
  const cheapest = Math.min(...agreement.map((a) => a.tinybench));

  // 3 and 4. Trials. Each trial measures a baseline arm and, later, an A/A run arm; the first
  // `detectTrials` also measure slowed run arms against the same baseline arm.
  const shell = buildRunResult({ cases: [], baseCases: [], harnessErrors: [], gpu: null, startedAt: new Date(), finishedAt: new Date(), interruptedBy: null }, { ...DEFAULT_PLAN, profile: profile.name });
  const arms: Arms = { compiler, reference, engine: tinybench, profile };
  const trialsByMode: Record<string, { baseline: CaseResult[]; run: CaseResult[] }[]> = { aa: [] };
  for (const who of ['compiler', 'reference'] as const) for (const s of SLOWDOWNS) trialsByMode[`${who}-${s}`] = [];
  // One arm measured and thrown away first: a process's first measurements of a model run colder than
  // later ones. In \`pnpm bench\` a baseline and a run both measure each case early in a fresh process;
  // here a cold baseline arm against a warm run arm would exaggerate the differences.
  await measureArm(arms, null);
  log(`warm-up arm · ${Math.round((Date.now() - started) / 1000)} s`);
  for (let t = 0; t < trials; t++) {
    const baseline = await measureArm(arms, null);
    trialsByMode.aa!.push({ baseline, run: await measureArm(arms, null) });
    if (t < detectTrials) {
      for (const who of ['compiler', 'reference'] as const) {
        for (const fraction of SLOWDOWNS) trialsByMode[`${who}-${fraction}`]!.push({ baseline, run: await measureArm(arms, { who, fraction }) });
      }
    }
    log(`trial ${t + 1}/${trials} · ${Math.round((Date.now() - started) / 1000)} s`);
  }

  // The same measurements judged at several practical thresholds: how the threshold trades false
  // alarms against detection on this machine, separately for the two kinds of comparison.
  const judgeAt = (threshold: number) => {
    const at: GateConfig = {
      ...config,
      threshold: { ...config.threshold, byCompiler: {}, byMetric: { ...config.threshold.byMetric, 'relative-latency': threshold, 'anchored-latency': threshold } },
    };
    const decide = (mode: string): Decision[][] => trialsByMode[mode]!.map((trial) => judgeTrial(shell, trial.baseline, trial.run, at));
    const rates = (mode: string, metric: Metric, key?: (d: Decision) => boolean): Rate =>
      rate(decide(mode).flat().filter((d) => d.against === metric && (key?.(d) ?? true)).map((d) => d.kind), 'regression');
    // A trial is a whole gate run: it fails when any of its cases is a regression.
    const runs = (mode: string): Rate => rate(decide(mode).map((ds) => (ds.some((d) => d.kind === 'regression') ? 'regression' : 'pass')), 'regression');
    return {
      threshold,
      // Decisions the gate declined to make (the machine in another state in the run than in the baseline).
      unjudged: rate(decide('aa').flat().map((d) => d.kind), 'unjudged'),
      falseAlarms: Object.fromEntries(METRICS.map((m) => [m, rates('aa', m)])) as Record<Metric, Rate>,
      failedRuns: runs('aa'),
      detection: {
        'relative-latency': Object.fromEntries(SLOWDOWNS.map((s) => [s, rates(`compiler-${s}`, 'relative-latency')])),
        'anchored-latency': Object.fromEntries(SLOWDOWNS.map((s) => [s, rates(`reference-${s}`, 'anchored-latency')])),
      } as Record<Metric, Record<string, Rate>>,
    };
  };
  const configured = Object.fromEntries(METRICS.map((m) => [m, thresholdFor(config, m, m === 'relative-latency' ? COMPILER : referenceId)])) as Record<Metric, number>;
  const sweep = [...new Set([...THRESHOLDS, ...Object.values(configured)])].sort((a, b) => a - b).map(judgeAt);
  const at = (m: Metric) => sweep.find((j) => j.threshold === configured[m])!;
  const summary: Summary = {
    machine: { id: shell.hardware.id, cpu: os.cpus()[0]?.model ?? 'unknown', cores: shell.hardware.cpu.cores, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    date: new Date().toISOString(),
    profile: profile.name,
    measure,
    sessions: profile.sessions,
    compiler: COMPILER,
    reference: referenceId,
    gate: { confidence: config.confidence, thresholds: configured, resamples: config.bootstrap.resamples, machineStateTolerance: config.machineStateTolerance },
    cases: CASES.map(labelOf),
    trials,
    detectTrials,
    overheadMs: overhead,
    cheapestCaseMs: cheapest,
    agreement,
    falseAlarms: { 'relative-latency': at('relative-latency').falseAlarms['relative-latency'], 'anchored-latency': at('anchored-latency').falseAlarms['anchored-latency'] },
    unjudged: at('relative-latency').unjudged,
    // Whole A/A gate runs (every case of a trial) judged with the configured thresholds.
    failedRuns: rate(
      trialsByMode.aa!.map((trial) => (judgeTrial(shell, trial.baseline, trial.run, config).some((d) => d.kind === 'regression') ? 'regression' : 'pass')),
      'regression',
    ),
    detection: { 'relative-latency': at('relative-latency').detection['relative-latency'], 'anchored-latency': at('anchored-latency').detection['anchored-latency'] },
    sweep,
    wallSeconds: Math.round((Date.now() - started) / 1000),
  };
  await writeJsonAtomic(`${dirs.resultsDir}/calibration.json`, summary);
  // Every trial's cases, for analyses beyond the gate's own (large: samples of every arm).
  await writeJsonAtomic(`${dirs.resultsDir}/calibration-trials.json`, trialsByMode);
  await writeFileAtomic(values.out, renderCalibration(summary));
  for (const m of METRICS) {
    log(`${m}: false alarms ${fmtRate(summary.falseAlarms[m])}; detection ${SLOWDOWNS.map((s) => `${s * 100}%: ${pct(summary.detection[m][s]!)}`).join(', ')}`);
  }
  log(`wrote ${values.out} and ${dirs.resultsDir}/calibration.json in ${summary.wallSeconds} s`);
  return 0;
});

function pct(r: Rate): string {
  return `${(r.rate * 100).toFixed(1)}%`;
}

function fmtRate(r: Rate): string {
  return `${(r.rate * 100).toFixed(1)}% (${r.count}/${r.total}; 95% CI ${(r.low * 100).toFixed(1)}–${(r.high * 100).toFixed(1)}%)`;
}

interface SweepPoint {
  threshold: number;
  unjudged: Rate;
  falseAlarms: Record<Metric, Rate>;
  failedRuns: Rate;
  detection: Record<Metric, Record<string, Rate>>;
}

interface Summary {
  machine: { id: string; cpu: string; cores: number; memoryGiB: number; node: string };
  date: string;
  profile: string;
  measure: MeasureOptions;
  sessions: number;
  compiler: string;
  reference: string;
  gate: { confidence: number; thresholds: Record<Metric, number>; resamples: number; machineStateTolerance: number };
  cases: string[];
  trials: number;
  detectTrials: number;
  overheadMs: Record<string, number>;
  cheapestCaseMs: number;
  agreement: { label: string; tinybench: number; mitata: number; raw: number; relative: number }[];
  falseAlarms: Record<Metric, Rate>;
  /** A/A decisions not made: the machine was in another state in the run than in the baseline. */
  unjudged: Rate;
  /** Trials (whole gate runs over every case, the configured thresholds) with any false alarm. */
  failedRuns: Rate;
  detection: Record<Metric, Record<string, Rate>>;
  sweep: SweepPoint[];
  wallSeconds: number;
}

function renderCalibration(s: Summary): string {
  const goal = (ok: boolean) => (ok ? '**met**' : '**not met**');
  const worstRelative = Math.max(...s.agreement.map((a) => Math.abs(a.relative)));
  const worstRaw = Math.max(...s.agreement.map((a) => Math.abs(a.raw)));
  const fa = s.falseAlarms;
  const rel10 = s.detection['relative-latency']['0.1']!;
  const anc10 = s.detection['anchored-latency']['0.1']!;
  const t = s.gate.thresholds;
  const perCase = `${s.cases.length} cases × 2 (${s.compiler} against ${s.reference}; ${s.reference} against the anchor)`;
  return `# Calibration

Written by \`pnpm bench:calibrate --profile ${s.profile} --trials ${s.trials} --detect-trials ${s.detectTrials}\` on ${s.date.slice(0, 10)}, in ${s.wallSeconds} s.

Machine: \`${s.machine.id}\` — ${s.machine.cpu}, ${s.machine.cores} cores, ${s.machine.memoryGiB} GiB, Node ${s.machine.node}.
Cases: ${perCase}: ${s.cases.map((c) => `\`${c}\``).join(', ')}.
Profile \`${s.profile}\`: ${s.sessions} sessions per case; minimum ${s.measure.minTimeMs} ms and ${s.measure.minSamples} samples${s.measure.targetRelativeCi === null ? '' : `, adaptive to ±${s.measure.targetRelativeCi * 100}% of the judged ratio's median, capped at ${s.measure.maxTimeMs} ms`}.
Gate: ${s.gate.confidence * 100}% bootstrap CI (${s.gate.resamples} resamples) of the change in the median per-round ratio must lie above 1 **and** the change exceed the practical threshold: ${pct1(t['relative-latency'])} for \`relative-latency\` (a compiler against its reference measured alongside), ${pct1(t['anchored-latency'])} for \`anchored-latency\` (the reference against the anchor).

Each trial measures every case as a baseline and then again as a run — compiled afresh, over the profile's sessions, as \`pnpm bench\` measures it, seconds to minutes apart — and asks the real gate. (One arm is measured first and thrown away: a process's first measurements run colder.) Detection trials measure the run with the test-only slowdown (a busy wait of that fraction of each inference) on ${s.compiler} or on ${s.reference}. Nothing else ran on the machine meanwhile.

These trials are within one process, minutes apart. Between separate runs (processes) of the whole matrix a case's ratios move further; that, and the gate judged across runs, is in [run-to-run.md](run-to-run.md) (\`pnpm bench:calibrate-runs\`).

## Goals

| goal | measured | |
|---|---|---|
| false-alarm rate ≤ 1% in A/A runs | ${fmtRate(fa['relative-latency'])} of \`relative-latency\` decisions; ${fmtRate(fa['anchored-latency'])} of \`anchored-latency\` decisions; A/A gate runs (${s.cases.length * 2} cases each) failed: ${fmtRate(s.failedRuns)} | ${goal(fa['relative-latency'].rate <= 0.01 && fa['anchored-latency'].rate <= 0.01)} |
| detect an injected 10% slowdown ≥ 95% (${s.profile} profile) | ${fmtRate(rel10)} on ${s.compiler} (relative); ${fmtRate(anc10)} on ${s.reference} (anchored) | ${goal(rel10.rate >= 0.95 && anc10.rate >= 0.95)} |
| tinybench and mitata medians within 3% | worst case ${(worstRelative * 100).toFixed(2)}% in the ratio to ${s.reference} measured alongside (what the gate compares); ${(worstRaw * 100).toFixed(2)}% in raw medians taken seconds apart | ${goal(worstRelative <= 0.03)} |

A/A case decisions the gate did not make because the machine was in another state in the run than in the baseline (quiet anchor speeds more than ${pct1(s.gate.machineStateTolerance)} apart; reported as *not judged*): ${fmtRate(s.unjudged)}.

## Harness overhead

| engine | null adapter, median per iteration | share of the cheapest real case (${s.cheapestCaseMs.toFixed(4)} ms) |
|---|---|---|
${Object.entries(s.overheadMs).map(([engine, ms]) => `| ${engine} | ${(ms * 1e6).toFixed(0)} ns | ${((ms / s.cheapestCaseMs) * 100).toFixed(2)}% |`).join('\n')}

## Engine agreement (${s.compiler} with ${s.reference} alongside, medians of 5 alternating measurements each)

Raw medians of two measurements taken seconds apart carry whatever the machine's speed did in
between; the ratio to the reference measured alongside in each, which is what the gate compares, does not.

| case | tinybench ms | mitata ms | difference, raw | difference, ratio to ${s.reference} |
|---|---|---|---|---|
${s.agreement.map((a) => `| ${a.label} | ${a.tinybench.toFixed(4)} | ${a.mitata.toFixed(4)} | ${(a.raw * 100).toFixed(2)}% | ${(a.relative * 100).toFixed(2)}% |`).join('\n')}

## Detection of injected slowdowns

| slowdown | ${s.compiler}, judged against ${s.reference} (threshold ${pct1(t['relative-latency'])}) | ${s.reference}, judged against the anchor (threshold ${pct1(t['anchored-latency'])}) |
|---|---|---|
${SLOWDOWNS.map((f) => `| ${f * 100}% | ${fmtRate(s.detection['relative-latency'][f]!)} | ${fmtRate(s.detection['anchored-latency'][f]!)} |`).join('\n')}

A slowdown smaller than the practical threshold is *meant* not to fail the gate.

## The practical threshold, swept over the same measurements

| threshold | false alarms, relative | false alarms, anchored | A/A gate runs failed | relative: 5% / 10% / 20% detected | anchored: 5% / 10% / 20% detected |
|---|---|---|---|---|---|
${s.sweep
  .map((j) => {
    const mark = [t['relative-latency'] === j.threshold ? 'relative' : '', t['anchored-latency'] === j.threshold ? 'anchored' : ''].filter((x) => x !== '').join(', ');
    const det = (m: Metric) => SLOWDOWNS.map((f) => pct(j.detection[m][f]!)).join(' / ');
    return `| ${pct1(j.threshold)}${mark === '' ? '' : ` (configured: ${mark})`} | ${pct(j.falseAlarms['relative-latency'])} | ${pct(j.falseAlarms['anchored-latency'])} | ${pct(j.failedRuns)} | ${det('relative-latency')} | ${det('anchored-latency')} |`;
  })
  .join('\n')}
`;
}

function pct1(x: number): string {
  return `${(x * 100).toFixed(1).replace(/\.0$/, '')}%`;
}
