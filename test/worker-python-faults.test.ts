/**
 * A Python worker that dies, hangs or writes garbage in the middle of a case: that case fails with the
 * worker's message, and the next case gets a fresh worker and completes. A worker killed from outside
 * between cases is replaced too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../fixtures/index.ts';
import { createAdapter } from '../src/adapters/registry.ts';
import { measureCase, type CaseModel, type MeasureCaseInput } from '../src/harness/measure-case.ts';
import { TinybenchEngine } from '../src/harness/tinybench-engine.ts';
import { CaseResultSchema, type CaseResult } from '../src/results/schema.ts';
import { sharedPythonWorker } from '../src/worker/python.ts';
import { findTorchPython } from './support/python.ts';

const found = findTorchPython();
const model: CaseModel = { ...buildModel('plain-conv', { depth: 1 }), name: 'plain-conv' };
const quick = { minTimeMs: 20, minSamples: 5, warmupTimeMs: 5, warmupIterations: 2, maxSamples: 50 };

async function measure(overrides: Partial<MeasureCaseInput> = {}): Promise<CaseResult> {
  return CaseResultSchema.parse(
    await measureCase({
      suite: 'blocks',
      model,
      adapter: await createAdapter('torch-eager-cpu'),
      reference: null,
      pairedReference: await createAdapter('torch-eager-cpu'),
      batch: 1,
      engine: new TinybenchEngine(),
      measure: quick,
      timeoutMs: 60_000,
      ...overrides,
    }),
  );
}

let saved: Record<string, string | undefined> = {};
beforeAll(async () => {
  saved = { GCB_PYTHON: process.env.GCB_PYTHON, GCB_WORKER_TEST_FAULT: process.env.GCB_WORKER_TEST_FAULT };
  if (found.python !== null) process.env.GCB_PYTHON = found.python;
  await sharedPythonWorker.reset();
});
afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await sharedPythonWorker.reset();
});

/** Starts the next worker with `fault` (GCB_WORKER_TEST_FAULT) and clears it once that worker runs. */
async function withFaultyWorker(fault: string, body: () => Promise<void>): Promise<void> {
  await sharedPythonWorker.reset();
  process.env.GCB_WORKER_TEST_FAULT = fault;
  try {
    await sharedPythonWorker.get();
  } finally {
    delete process.env.GCB_WORKER_TEST_FAULT;
  }
  await body();
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(found.python === null)(`a misbehaving python worker fails its case, not the run${found.skip}`, () => {
  it('dies in the middle of a case: that case fails with the exit and stderr; the next case completes', async () => {
    await withFaultyWorker('exit-in-run', async () => {
      const failed = await measure();
      expect(failed).toMatchObject({ state: 'failed', phase: 'run' });
      if (failed.state !== 'failed') return;
      expect(failed.error).toBe(
        `python worker (${found.python}) exited with code 3; its stderr ended with: gcb-worker: test fault exit-in-run (while answering run)`,
      );
      const next = await measure();
      expect(next.state).toBe('completed');
    });
  });

  it('hangs: the case times out, and the next case kills the stuck worker and completes with a fresh one', async () => {
    await withFaultyWorker('hang-in-run', async () => {
      const stuck = sharedPythonWorker.pid as number;
      const failed = await measure({ timeoutMs: 4000 });
      expect(failed).toMatchObject({ state: 'failed', phase: 'timeout' });
      if (failed.state !== 'failed') return;
      expect(failed.error).toBe('run of blocks/plain-conv/torch-eager-cpu/b=1/d=1 did not finish within 4000 ms (per-case limit)');
      expect(alive(stuck)).toBe(true);
      const next = await measure();
      expect(next.state).toBe('completed');
      expect(sharedPythonWorker.pid).not.toBe(stuck);
      expect(alive(stuck)).toBe(false);
    });
  });

  it('writes a line that is not a protocol message: the case fails naming it', async () => {
    await withFaultyWorker('garbage-in-run', async () => {
      const failed = await measure();
      expect(failed).toMatchObject({ state: 'failed', phase: 'run' });
      if (failed.state !== 'failed') return;
      expect(failed.error).toBe(
        `python worker (${found.python}) wrote a line that is not a protocol message on stdout: "this is not a protocol message" (logs belong on stderr) (while answering run)`,
      );
      expect((await measure()).state).toBe('completed');
    });
  });

  it('is killed from outside between cases: the next case starts a new one', async () => {
    await sharedPythonWorker.reset();
    expect((await measure()).state).toBe('completed');
    const first = sharedPythonWorker.pid as number;
    process.kill(first, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await measure()).state).toBe('completed');
    expect(sharedPythonWorker.pid).not.toBe(first);
  });
});
