/**
 * `pnpm bench:calibrate [--profile quick|full] [--trials N] [--detect-trials N] [--out docs/calibration.md]`
 *
 * Measures, on this machine, how far the measurements and the gate can be trusted:
 *  1. harness overhead: the null adapter per iteration, under each engine, against the cheapest case;
 *  2. engine agreement: tinybench and mitata medians on the same cases;
 *  3. A/A: the gate on repeated measurements of unchanged code — false alarms, both interleaved in
 *     one session and as separate sessions one after the other (as a baseline and a later run are);
 *  4. detection: the gate on injected slowdowns of 5%, 10% and 20% (the test-only slowdown).
 * Writes the figures to docs/calibration.md and results/calibration.json.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { buildModel } from '../../fixtures/index.ts';
import { NullAdapter } from '../adapters/null.ts';
import { createAdapter } from '../adapters/registry.ts';
import { slowFunction } from '../adapters/slowed.ts';
import type { CompilerAdapter } from '../adapters/types.ts';
import { judgeTrial, rate, type ArmPair } from '../calibration.ts';
import { loadGateConfig, thresholdFor, type GateConfig } from '../gate/index.ts';
import { DEFAULT_MEASURE_OPTIONS, sessionShare, type MeasureOptions } from '../harness/engine.ts';
import { createEngine } from '../harness/engines.ts';
import { deterministicInput } from '../harness/input.ts';
import { measureInterleaved } from '../harness/interleave.ts';
import { measureCase, type CaseModel } from '../harness/measure-case.ts';
import { quantileSorted } from '../harness/summary.ts';
import { buildRunResult, outputDirsFromEnv } from '../pipeline.ts';
import { getProfile } from '../profiles.ts';
import { writeFileAtomic, writeJsonAtomic } from '../results/atomic.ts';
import type { CompletedCase } from '../results/schema.ts';
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
const SLOWDOWNS = [0.05, 0.1, 0.2] as const;

const median = (xs: readonly number[]): number => quantileSorted([...xs].sort((a, b) => a - b), 0.5);
const log = (line: string): boolean => process.stdout.write(`${line}\n`);

interface Prepared {
  readonly label: string;
  readonly model: CaseModel;
  readonly batch: number;
  readonly input: Float32Array;
  readonly run: () => Promise<void> | void;
  readonly release: () => Promise<void>;
  template: CompletedCase;
}

function caseModel(model: string, depth: number | null): CaseModel {
  return { ...buildModel(model, depth === null ? {} : { depth }), name: model };
}

async function prepare(adapter: CompilerAdapter, model: CaseModel, batch: number, input: Float32Array) {
  const compiled = await adapter.compile(model);
  const run = await compiled.prepare(input, batch);
  return {
    run: () => run.run(),
    release: async () => {
      await run.release();
      await compiled.dispose();
    },
  };
}

await runCli(async () => {
  const { values } = parseArgs({
    options: {
      profile: { type: 'string', default: 'quick' },
      trials: { type: 'string', default: '30' },
      'detect-trials': { type: 'string', default: '12' },
      out: { type: 'string', default: 'docs/calibration.md' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    log('Usage: pnpm bench:calibrate [--profile quick|full] [--trials 30] [--detect-trials 12] [--out docs/calibration.md]');
    return 0;
  }
  const profile = getProfile(values.profile);
  const trials = Number(values.trials);
  const detectTrials = Number(values['detect-trials']);
  for (const [name, n] of [['--trials', trials], ['--detect-trials', detectTrials]] as const) {
    if (!Number.isInteger(n) || n < 1) throw new CliError(`${name} must be a positive whole number, got "${name === '--trials' ? values.trials : values['detect-trials']}"`, 2);
  }
  const dirs = outputDirsFromEnv();
  const config = await loadGateConfig(dirs.gateConfigPath);
  const measure: MeasureOptions = { ...DEFAULT_MEASURE_OPTIONS, ...profile.measure };
  const started = Date.now();
  const tinybench = await createEngine('tinybench');
  const mitata = await createEngine('mitata');
  const adapter = await createAdapter(COMPILER);

  // 1. Harness overhead.
  const overhead: Record<string, number> = {};
  for (const engine of [tinybench, mitata]) {
    const result = await measureCase({
      suite: 'models',
      model: { ...caseModel('plain-conv', 1), name: 'null' },
      adapter: new NullAdapter(),
      reference: null,
      batch: 1,
      engine,
      measure: { ...DEFAULT_MEASURE_OPTIONS, maxSamples: 5000 },
    });
    if (result.state !== 'completed') throw new Error(`null adapter: ${result.state}`);
    overhead[engine.name] = result.latency.median;
  }
  log(`overhead per iteration: tinybench ${(overhead.tinybench! * 1e6).toFixed(0)} ns, mitata ${(overhead.mitata! * 1e6).toFixed(0)} ns`);

  // 2. Engine agreement, interleaving the engines in rounds; also yields each case's metadata.
  const prepared: Prepared[] = [];
  const agreement: { label: string; tinybench: number; mitata: number; difference: number }[] = [];
  for (const spec of CASES) {
    const model = caseModel(spec.model, spec.depth);
    const label = `${spec.model}${spec.depth === null ? '' : `/d=${spec.depth}`}/b=${spec.batch}`;
    const medians: Record<'tinybench' | 'mitata', number[]> = { tinybench: [], mitata: [] };
    let template: CompletedCase | undefined;
    for (let round = 0; round < 3; round++) {
      for (const engine of round % 2 === 0 ? [tinybench, mitata] : [mitata, tinybench]) {
        const result = await measureCase({ suite: spec.depth === null ? 'archetypes' : 'blocks', model, adapter, reference: null, batch: spec.batch, engine, measure: { ...DEFAULT_MEASURE_OPTIONS } });
        if (result.state !== 'completed') throw new Error(`${label}: ${result.state === 'failed' ? result.error : result.reason}`);
        medians[engine.name].push(result.latency.median);
        template ??= result;
      }
    }
    const t = median(medians.tinybench);
    const m = median(medians.mitata);
    agreement.push({ label, tinybench: t, mitata: m, difference: m / t - 1 });
    log(`engines ${label}: tinybench ${t.toFixed(4)} ms, mitata ${m.toFixed(4)} ms (${((m / t - 1) * 100).toFixed(2)}%)`);
    const input = deterministicInput(spec.batch * model.sampleShape.reduce((a, b) => a * b, 1));
    const session = await prepare(adapter, model, spec.batch, input);
    prepared.push({ label, model, batch: spec.batch, input, ...session, template: template! });
  }
  const cheapest = Math.min(...agreement.map((a) => a.tinybench));

  // 3 and 4. Trials: each trial measures every case once per mode; the gate judges each trial.
  const interleave = { minTimeMs: measure.minTimeMs * 2, minSamples: measure.minSamples, warmupIterations: measure.warmupIterations };
  const shell = buildRunResult({ cases: [], harnessErrors: [], gpu: null, startedAt: new Date(), finishedAt: new Date(), interruptedBy: null, options: {} });
  const trialsByMode: Record<string, ArmPair[][]> = { 'aa-interleaved': [], 'aa-sessions': [] };
  for (const s of SLOWDOWNS) trialsByMode[`slow-${s}`] = [];
  const record = (mode: string, pairs: ArmPair[]): void => {
    trialsByMode[mode]!.push(pairs);
  };
  const totalTrials = trials * 2 + detectTrials * SLOWDOWNS.length;
  let done = 0;
  const progress = (mode: string): void => {
    done += 1;
    if (done % 5 === 0 || done === totalTrials) log(`trial ${done}/${totalTrials} (${mode}) · ${Math.round((Date.now() - started) / 1000)} s`);
  };
  for (let t = 0; t < Math.max(trials, detectTrials); t++) {
    if (t < trials) {
      const pairs: ArmPair[] = [];
      for (const p of prepared) {
        const m = await measureInterleaved(p.run, p.run, interleave);
        pairs.push({ template: p.template, baselineSamples: m.a.samples, runSamples: m.b.samples });
      }
      record('aa-interleaved', pairs);
      progress('A/A interleaved');
      const sessionPairs: ArmPair[] = [];
      for (const p of prepared) {
        // Each arm as a case is measured in a run: the profile's sessions, each its share of the time.
        const arms: number[][] = [];
        const share = sessionShare(measure, profile.sessions);
        for (let arm = 0; arm < 2; arm++) {
          const samples: number[] = [];
          for (let s = 0; s < profile.sessions; s++) {
            const session = await prepare(adapter, p.model, p.batch, p.input);
            samples.push(...(await tinybench.measure(session.run, share)).samples);
            await session.release();
          }
          arms.push(samples);
        }
        sessionPairs.push({ template: p.template, baselineSamples: arms[0]!, runSamples: arms[1]! });
      }
      record('aa-sessions', sessionPairs);
      progress('A/A sessions');
    }
    if (t < detectTrials) {
      for (const fraction of SLOWDOWNS) {
        const pairs: ArmPair[] = [];
        for (const p of prepared) {
          const m = await measureInterleaved(p.run, slowFunction(p.run, { kind: 'relative', fraction }), interleave);
          pairs.push({ template: p.template, baselineSamples: m.a.samples, runSamples: m.b.samples });
        }
        record(`slow-${fraction}`, pairs);
        progress(`slowdown ${fraction * 100}%`);
      }
    }
  }
  for (const p of prepared) await p.release();

  // The same measurements judged at several practical thresholds: how the threshold trades false
  // alarms against detection on this machine.
  const judgeAt = (threshold: number) => {
    const at: GateConfig = { ...config, threshold: { ...config.threshold, default: threshold, byMetric: { ...config.threshold.byMetric, latency: threshold } } };
    const decide = (mode: string) => trialsByMode[mode]!.flatMap((pairs) => [...judgeTrial(shell, pairs, at).values()]);
    return {
      threshold,
      falseAlarms: { interleaved: rate(decide('aa-interleaved'), 'regression'), sessions: rate(decide('aa-sessions'), 'regression') },
      detection: Object.fromEntries(SLOWDOWNS.map((s) => [s, rate(decide(`slow-${s}`), 'regression')])) as Record<string, ReturnType<typeof rate>>,
    };
  };
  const configured = thresholdFor(config, 'latency', COMPILER);
  const sweep = [...new Set([0.05, 0.1, 0.15, 0.2, 0.25, 0.3, configured])].sort((a, b) => a - b).map(judgeAt);
  const { falseAlarms, detection } = sweep.find((j) => j.threshold === configured)!;
  const summary = {
    machine: { id: shell.hardware.id, cpu: os.cpus()[0]?.model ?? 'unknown', cores: shell.hardware.cpu.cores, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    date: new Date().toISOString(),
    profile: profile.name,
    measure,
    gate: { confidence: config.confidence, threshold: configured, resamples: config.bootstrap.resamples },
    cases: CASES.length,
    trials,
    detectTrials,
    overheadMs: overhead,
    cheapestCaseMs: cheapest,
    agreement,
    falseAlarms,
    detection,
    sweep,
    wallSeconds: Math.round((Date.now() - started) / 1000),
  };
  await writeJsonAtomic(`${dirs.resultsDir}/calibration.json`, summary);
  await writeFileAtomic(values.out, renderCalibration(summary));
  log(`false alarms: interleaved ${fmtRate(falseAlarms.interleaved)}, separate sessions ${fmtRate(falseAlarms.sessions)}`);
  for (const s of SLOWDOWNS) log(`detection of ${s * 100}%: ${fmtRate(detection[s]!)}`);
  log(`wrote ${values.out} and ${dirs.resultsDir}/calibration.json in ${summary.wallSeconds} s`);
  return 0;
});

function pct(r: ReturnType<typeof rate>): string {
  return `${(r.rate * 100).toFixed(1)}%`;
}

function fmtRate(r: ReturnType<typeof rate>): string {
  return `${(r.rate * 100).toFixed(1)}% (${r.count}/${r.total}; 95% CI ${(r.low * 100).toFixed(1)}–${(r.high * 100).toFixed(1)}%)`;
}

type Summary = {
  machine: { id: string; cpu: string; cores: number; memoryGiB: number; node: string };
  date: string;
  profile: string;
  measure: MeasureOptions;
  gate: { confidence: number; threshold: number; resamples: number };
  cases: number;
  trials: number;
  detectTrials: number;
  overheadMs: Record<string, number>;
  cheapestCaseMs: number;
  agreement: { label: string; tinybench: number; mitata: number; difference: number }[];
  falseAlarms: { interleaved: ReturnType<typeof rate>; sessions: ReturnType<typeof rate> };
  detection: Record<string, ReturnType<typeof rate>>;
  sweep: { threshold: number; falseAlarms: Summary['falseAlarms']; detection: Record<string, ReturnType<typeof rate>> }[];
  wallSeconds: number;
};

function renderCalibration(s: Summary): string {
  const goal = (ok: boolean) => (ok ? '**met**' : '**not met**');
  const worstAgreement = Math.max(...s.agreement.map((a) => Math.abs(a.difference)));
  const fa = s.falseAlarms.sessions.rate;
  const tenPercent = s.detection['0.1']!;
  return `# Calibration

Written by \`pnpm bench:calibrate --profile ${s.profile} --trials ${s.trials} --detect-trials ${s.detectTrials}\` on ${s.date.slice(0, 10)}, in ${s.wallSeconds} s.

Machine: \`${s.machine.id}\` — ${s.machine.cpu}, ${s.machine.cores} cores, ${s.machine.memoryGiB} GiB, Node ${s.machine.node}.
Compiler: \`${COMPILER}\`; ${s.cases} cases spanning the matrix (cheapest block case to the heaviest, every archetype).
Gate: ${s.gate.confidence * 100}% bootstrap CI of the ratio of medians (${s.gate.resamples} resamples) must lie above 1 **and** the ratio above 1 + ${s.gate.threshold * 100}%.
Profile \`${s.profile}\` measuring options: minimum ${s.measure.minTimeMs} ms and ${s.measure.minSamples} samples${s.measure.targetRelativeCi === null ? '' : `, adaptive to ±${s.measure.targetRelativeCi * 100}% of the median, capped at ${s.measure.maxTimeMs} ms`}.

## Goals

| goal | measured | |
|---|---|---|
| false-alarm rate ≤ 1% in A/A runs | ${fmtRate(s.falseAlarms.sessions)} (separate sessions); ${fmtRate(s.falseAlarms.interleaved)} (interleaved) | ${goal(fa <= 0.01 && s.falseAlarms.interleaved.rate <= 0.01)} |
| detect an injected 10% slowdown ≥ 95% (quick profile) | ${fmtRate(tenPercent)} | ${goal(tenPercent.rate >= 0.95)} |
| tinybench and mitata medians within 3% | worst case ${(worstAgreement * 100).toFixed(2)}% | ${goal(worstAgreement <= 0.03)} |

## Harness overhead

| engine | null adapter, median per iteration | share of the cheapest real case (${s.cheapestCaseMs.toFixed(4)} ms) |
|---|---|---|
${Object.entries(s.overheadMs).map(([engine, ms]) => `| ${engine} | ${(ms * 1e6).toFixed(0)} ns | ${((ms / s.cheapestCaseMs) * 100).toFixed(2)}% |`).join('\n')}

## Engine agreement (median of 3 interleaved rounds each)

| case | tinybench ms | mitata ms | difference |
|---|---|---|---|
${s.agreement.map((a) => `| ${a.label} | ${a.tinybench.toFixed(4)} | ${a.mitata.toFixed(4)} | ${(a.difference * 100).toFixed(2)}% |`).join('\n')}

## False alarms (A/A: the same code measured twice)

- **Interleaved** (both arms in ABBA blocks in one session, as the gate's drift control measures): ${fmtRate(s.falseAlarms.interleaved)} of case decisions were regressions.
- **Separate sessions** (each arm compiled and measured afresh over the profile's sessions — as a baseline and a later run are): ${fmtRate(s.falseAlarms.sessions)}.

## Detection of injected slowdowns (interleaved)

| slowdown | detected as regression |
|---|---|
${Object.entries(s.detection).map(([f, r]) => `| ${Number(f) * 100}% | ${fmtRate(r)} |`).join('\n')}

A slowdown smaller than the practical threshold is *meant* not to fail the gate.

## The practical threshold, swept over the same measurements

| threshold | false alarms (sessions) | false alarms (interleaved) | 5% detected | 10% detected | 20% detected |
|---|---|---|---|---|---|
${s.sweep.map((j) => `| ${(j.threshold * 100).toFixed(1)}%${j.threshold === s.gate.threshold ? ' (configured)' : ''} | ${pct(j.falseAlarms.sessions)} | ${pct(j.falseAlarms.interleaved)} | ${pct(j.detection['0.05']!)} | ${pct(j.detection['0.1']!)} | ${pct(j.detection['0.2']!)} |`).join('\n')}

## What this justifies

- **quick** (pull requests): smallest, middle and largest batch and depth, adaptive sampling to ±1% of the median capped at 400 ms per case; the figures above are for it when run with \`--profile quick\`.
- **full** (nightly, baselines): every batch and depth, adaptive to ±0.5% capped at 3 s.
- The practical threshold (10%) is what keeps separate-session drift from failing pull requests; the statistical test alone would flag it.
`;
}
