/**
 * The one Python worker (workers/python/) a Node process shares among all its Python compilers:
 * started on first use, restarted on the next use after it died, killed when the process exits.
 *
 * Finding Python: `GCB_PYTHON` when set (that interpreter only); else the first of `python3`,
 * `/usr/bin/python3` whose worker offers at least one available compiler (so that a `python3` on PATH
 * without torch does not hide the system's Python with it). When none offers any, the first that could
 * say hello is kept: its reasons (torch missing, …) are what the compilers report.
 *
 * Requests go one at a time (the protocol's rule) through a queue. A handle belongs to the worker
 * that loaded it: after a restart its requests fail at once instead of reaching a worker that never
 * heard of it.
 */
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import type { z } from 'zod';
import { WorkerClient, WorkerError } from './client.ts';
import type { HelloAnswer } from './protocol.ts';

/**
 * workers/python/ at the package's root: two folders up from this source file, three from its build
 * (dist/src/worker/python.js).
 */
export const PYTHON_WORKER_DIR = fileURLToPath(
  existsSync(fileURLToPath(new URL('../../workers/python/gcb_worker', import.meta.url))) ? new URL('../../workers/python/', import.meta.url) : new URL('../../../workers/python/', import.meta.url),
);

const DEFAULT_CANDIDATES = ['python3', '/usr/bin/python3'] as const;

export interface StartedWorker {
  readonly client: WorkerClient;
  readonly generation: number;
  /** The interpreter as it was named (`python3`, a path, GCB_PYTHON's value). */
  readonly python: string;
  readonly hello: HelloAnswer;
  /** The interpreters tried and why each was passed over, for reasons that name them. */
  readonly tried: readonly string[];
}

/** Why no worker could be started; reported by every Python compiler's availability. */
export class PythonWorkerStartError extends Error {
  override readonly name = 'PythonWorkerStartError';
}

function caseTimeoutMs(): number {
  const value = Number(process.env.GCB_CASE_TIMEOUT_MS);
  return Number.isFinite(value) && value > 0 ? value : 120_000;
}

function startTimeoutMs(): number {
  const value = Number(process.env.GCB_PYTHON_START_TIMEOUT_MS);
  return Number.isFinite(value) && value > 0 ? value : 120_000;
}

async function startOne(python: string): Promise<WorkerClient> {
  const pythonPath = process.env.PYTHONPATH;
  const client = await WorkerClient.start({
    name: `python worker (${python})`,
    command: python,
    args: ['-m', 'gcb_worker'],
    cwd: PYTHON_WORKER_DIR,
    env: { ...process.env, PYTHONPATH: pythonPath ? `${PYTHON_WORKER_DIR}:${pythonPath}` : PYTHON_WORKER_DIR, PYTHONUNBUFFERED: '1' },
    // Importing torch, opening the CUDA device and probing take seconds.
    startTimeoutMs: startTimeoutMs(),
    requestTimeoutMs: caseTimeoutMs(),
  });
  client.unref();
  return client;
}

/** Starts the worker with the first suitable interpreter (see the module comment). */
export async function discoverPythonWorker(): Promise<{ client: WorkerClient; python: string; tried: string[] }> {
  const explicit = process.env.GCB_PYTHON;
  const candidates = explicit !== undefined && explicit !== '' ? [explicit] : [...DEFAULT_CANDIDATES];
  const tried: string[] = [];
  let fallback: { client: WorkerClient; python: string } | null = null;
  for (const python of candidates) {
    let client: WorkerClient;
    try {
      client = await startOne(python);
    } catch (error) {
      tried.push(`${python} (${error instanceof Error ? error.message : String(error)})`);
      continue;
    }
    if (candidates.length === 1 || client.hello.compilers.some((c) => c.available)) {
      if (fallback !== null) await fallback.client.close();
      return { client, python, tried };
    }
    tried.push(`${python} (no compiler available there)`);
    if (fallback === null) fallback = { client, python };
    else await client.close();
  }
  if (fallback !== null) {
    const kept = fallback.python;
    return { ...fallback, tried: tried.filter((entry) => !entry.startsWith(`${kept} (`)) };
  }
  const what = explicit ? `GCB_PYTHON=${explicit}` : candidates.join(', ');
  throw new PythonWorkerStartError(`no Python could run the worker (tried ${what}): ${tried.join('; ')}`);
}

/** A started worker and its queue of requests. */
interface Live {
  readonly started: StartedWorker;
  tail: Promise<void>;
  /** Requests sent or waiting to be sent. */
  busy: number;
}

class SharedPythonWorker {
  #live: Live | null = null;
  #starting: Promise<StartedWorker> | null = null;
  #startFailure: PythonWorkerStartError | null = null;
  #generation = 0;

  /** The running worker, started (or restarted after it died) as needed. */
  async get(): Promise<StartedWorker> {
    const live = this.#live;
    if (live !== null && live.started.client.deadReason === null) return live.started;
    if (this.#startFailure !== null) throw this.#startFailure;
    this.#starting ??= (async () => {
      try {
        const found = await discoverPythonWorker();
        this.#generation += 1;
        const started: StartedWorker = { client: found.client, generation: this.#generation, python: found.python, hello: found.client.hello, tried: found.tried };
        this.#live = { started, tail: Promise.resolve(), busy: 0 };
        return started;
      } catch (error) {
        this.#startFailure =
          error instanceof PythonWorkerStartError ? error : new PythonWorkerStartError(error instanceof Error ? error.message : String(error));
        throw this.#startFailure;
      } finally {
        this.#starting = null;
      }
    })();
    return this.#starting;
  }

  /** Sends one request on behalf of a handle loaded by worker `generation`, after those queued before it. */
  request<S extends z.ZodType>(generation: number, op: string, fields: Record<string, unknown>, schema: S): Promise<z.infer<S>> {
    const live = this.#live;
    if (live === null || live.started.generation !== generation) {
      return Promise.reject(
        new WorkerError(`the python worker was restarted after this model was loaded in it (an earlier request failed); ${op} was not sent`, 'died'),
      );
    }
    live.busy += 1;
    const send = async (): Promise<z.infer<S>> => {
      try {
        return await live.started.client.request(op, fields, schema);
      } finally {
        live.busy -= 1;
      }
    };
    const result = live.tail.then(send, send);
    live.tail = result.then(
      () => {},
      () => {},
    );
    return result;
  }

  /**
   * Called when a case begins: a request still unanswered then belongs to a case the harness gave up
   * on (its time limit passed), and a worker stuck in it cannot serve this case. It is killed (its
   * queue is left behind with it) and the next use starts a fresh one.
   */
  abandonIfBusy(): boolean {
    const live = this.#live;
    if (live === null || live.busy === 0) return false;
    live.started.client.kill();
    this.#live = null;
    return true;
  }

  /** Ends the worker and forgets a start failure: the next use starts afresh (tests, changed environment). */
  async reset(): Promise<void> {
    const live = this.#live;
    this.#live = null;
    this.#startFailure = null;
    if (live !== null) await live.started.client.close();
  }

  /** Whether worker `generation` is the one running, and alive. */
  isLive(generation: number): boolean {
    const live = this.#live;
    return live !== null && live.started.generation === generation && live.started.client.deadReason === null;
  }

  /** The running worker's process id, if one runs (tests). */
  get pid(): number | undefined {
    return this.#live?.started.client.pid;
  }

  killNow(): void {
    this.#live?.started.client.kill();
  }
}

export const sharedPythonWorker = new SharedPythonWorker();

// The worker must not outlive the harness (a hung one would hold the GPU).
process.once('exit', () => sharedPythonWorker.killNow());
