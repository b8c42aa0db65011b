/**
 * Robustness: a bench run whose baseline file is broken. A truncated file passed with --baseline, and a
 * hand-edited one in the default place (baselines/<hardware-id>.json) with an unknown key and a deleted
 * field: both runs measure and write their results, then stop with exit 2 and a message naming the file
 * (and the fields). Never a silent "no baseline" pass.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hardwareFingerprint } from '../src/harness/fingerprint.ts';
import { computeMetrics } from '../src/metrics/compute.ts';
import { stableJson } from '../src/results/atomic.ts';
import { baselineFromRun } from '../src/results/baseline.ts';
import { runBench, type BenchChildResult } from './support/bench-child.ts';
import { makeRun } from './support/synthetic-run.ts';

const HARDWARE_ID = hardwareFingerprint({}, null).id;

/** A valid baseline for this machine and the fault-benches case, as an object. */
function validBaseline(): Record<string, unknown> {
  const run = makeRun([{ model: 'plain-conv', compiler: 'fault-none', batch: 1, depth: 1 }], { hardwareId: HARDWARE_ID });
  return JSON.parse(stableJson(baselineFromRun(run, computeMetrics(run, { bootstrap: { resamples: 200 } })))) as Record<string, unknown>;
}

const own = mkdtempSync(join(tmpdir(), 'gcb-baseline-file-'));
const truncatedPath = join(own, 'my-baseline.json');
let truncated: BenchChildResult;
let handEdited: BenchChildResult;
let handEditedPath = '';

beforeAll(async () => {
  const text = stableJson(validBaseline());
  writeFileSync(truncatedPath, text.slice(0, Math.floor(text.length * 0.6)));
  [truncated, handEdited] = await Promise.all([
    runBench({ args: ['--baseline', truncatedPath, 'faults/'] }),
    runBench({
      args: ['faults/'],
      prepare: ({ baselinesDir }) => {
        const edited = validBaseline() as { cases: Record<string, unknown>[] };
        edited.cases[0]!.note = 'checked by hand';
        delete edited.cases[0]!.median;
        mkdirSync(baselinesDir, { recursive: true });
        handEditedPath = join(baselinesDir, `${HARDWARE_ID}.json`);
        writeFileSync(handEditedPath, JSON.stringify(edited, null, 2));
      },
    }),
  ]);
}, 60_000);
afterAll(() => {
  truncated?.cleanup();
  handEdited?.cleanup();
  rmSync(own, { recursive: true, force: true });
});

describe('a malformed baseline in a bench run', () => {
  it('truncated (--baseline): exit 2, the message names the file and says it looks truncated', async () => {
    expect(truncated.code).toBe(2);
    expect(truncated.stdout).toMatch(
      new RegExp(`^bench: ${truncatedPath.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: not valid JSON \\(.*\\); the file looks truncated$`, 'm'),
    );
    // The measurements are not lost: the results were written before the baseline was read.
    expect((await truncated.latest()).cases.map((c) => c.state)).toEqual(['completed']);
  });

  it('hand-edited (default place): exit 2, the message names the file and each bad field', async () => {
    expect(handEdited.code).toBe(2);
    expect(handEdited.stdout).toContain(
      `bench: ${handEditedPath}: cases[0].median: missing (expected number)\n${handEditedPath}: cases[0]: unknown key "note"\n`,
    );
    expect((await handEdited.latest()).cases).toHaveLength(1);
  });

  it('neither run leaves a report that could pass for this run', () => {
    expect(truncated.hasReport()).toBe(false);
    expect(handEdited.hasReport()).toBe(false);
  });
});
