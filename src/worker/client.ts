/**
 * The harness's end of the worker protocol (docs/worker-protocol.md): starts a worker process, sends
 * one request at a time and checks each answer against its schema. A worker that dies, hangs, or
 * writes something that is not an answer turns into a {@link WorkerError} naming what happened and the
 * tail of its stderr; the client is then dead and the caller starts a fresh one for the next case.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { z } from 'zod';
import { formatZodIssues } from '../results/validation.ts';
import { ErrorAnswerSchema, HelloAnswerSchema, PROTOCOL_VERSION, type HelloAnswer, type WorkerPhase } from './protocol.ts';

export class WorkerError extends Error {
  override readonly name = 'WorkerError';
  constructor(
    message: string,
    readonly phase: WorkerPhase,
  ) {
    super(message);
  }
}

export interface WorkerStartOptions {
  /** Names the worker in messages, e.g. `python worker` or `base worker (a1b2c3d)`. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Limit for `hello`, which includes the worker's start (importing torch takes seconds). @default 60000 */
  readonly startTimeoutMs?: number;
  /** Default limit for every other request. @default 120000 */
  readonly requestTimeoutMs?: number;
}

const STDERR_TAIL = 2000;

interface Pending {
  readonly id: number;
  readonly op: string;
  readonly resolve: (value: Record<string, unknown>) => void;
  readonly reject: (error: WorkerError) => void;
  readonly timer: NodeJS.Timeout;
}

export class WorkerClient {
  readonly name: string;
  #child: ChildProcessWithoutNullStreams;
  #nextId = 1;
  #pending: Pending | null = null;
  #stderr = '';
  #dead: WorkerError | null = null;
  readonly #requestTimeoutMs: number;
  #hello: HelloAnswer | null = null;

  private constructor(options: WorkerStartOptions) {
    this.name = options.name;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 120_000;
    this.#child = spawn(options.command, [...options.args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.#child.stderr.setEncoding('utf8');
    this.#child.stderr.on('data', (chunk: string) => {
      this.#stderr = (this.#stderr + chunk).slice(-STDERR_TAIL);
    });
    // A write to a worker that just died must not crash the harness: the exit handler reports it.
    this.#child.stdin.on('error', () => {});
    this.#child.on('error', (error) => this.#die(new WorkerError(`${this.name} could not be started: ${error.message}`, 'died')));
    this.#child.on('exit', (code, signal) => {
      const how = signal !== null ? `was killed by ${signal}` : `exited with code ${code}`;
      this.#die(new WorkerError(`${this.name} ${how}${this.#stderrText()}`, 'died'));
    });
    const lines = createInterface({ input: this.#child.stdout });
    lines.on('line', (line) => this.#onLine(line));
  }

  /** Starts the worker and says hello; throws a WorkerError when it cannot. */
  static async start(options: WorkerStartOptions): Promise<WorkerClient> {
    const client = new WorkerClient(options);
    try {
      const answer = await client.request('hello', { protocol: PROTOCOL_VERSION }, HelloAnswerSchema, options.startTimeoutMs ?? 60_000);
      if (answer.protocol > PROTOCOL_VERSION || answer.protocol < 1) {
        throw new WorkerError(`${options.name} answered hello with protocol ${answer.protocol}; this harness speaks 1 to ${PROTOCOL_VERSION}`, 'protocol');
      }
      client.#hello = answer;
      return client;
    } catch (error) {
      client.kill();
      throw error;
    }
  }

  get hello(): HelloAnswer {
    if (this.#hello === null) throw new Error(`${this.name}: hello has not been answered`);
    return this.#hello;
  }

  /** Null while the worker is alive; else why it is not. */
  get deadReason(): WorkerError | null {
    return this.#dead;
  }

  /** Sends one request and resolves to its checked answer. */
  async request<S extends z.ZodType>(op: string, fields: Record<string, unknown>, schema: S, timeoutMs = this.#requestTimeoutMs): Promise<z.infer<S>> {
    if (this.#dead !== null) throw this.#dead;
    if (this.#pending !== null) throw new Error(`${this.name}: ${op} sent while ${this.#pending.op} is unanswered (one request at a time)`);
    const id = this.#nextId++;
    const raw = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending = null;
        const error = new WorkerError(`${this.name} did not answer ${op} within ${timeoutMs} ms; it was stopped${this.#stderrText()}`, 'timeout');
        this.kill();
        this.#dead = error;
        reject(error);
      }, timeoutMs);
      this.#pending = { id, op, resolve, reject, timer };
      this.#child.stdin.write(`${JSON.stringify({ id, op, ...fields })}\n`);
    });
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const error = new WorkerError(`${this.name} answered ${op} with a malformed message:\n${formatZodIssues('answer', parsed.error, raw, 'field')}`, 'protocol');
      this.kill();
      this.#dead = error;
      throw error;
    }
    return parsed.data;
  }

  /** Asks the worker to exit; kills it when it has not within `graceMs`. */
  async close(graceMs = 2000): Promise<void> {
    if (this.#dead !== null) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    try {
      this.#child.stdin.write(`${JSON.stringify({ id: this.#nextId++, op: 'shutdown' })}\n`);
      this.#child.stdin.end();
    } catch {
      // already gone
    }
    const timer = setTimeout(() => this.kill(), graceMs);
    await exited;
    clearTimeout(timer);
  }

  /**
   * Lets the harness's process exit while this worker lives (a long-lived shared worker is killed at
   * exit instead); a request in flight still keeps the process alive through its timer.
   */
  unref(): void {
    this.#child.unref();
    for (const stream of [this.#child.stdin, this.#child.stdout, this.#child.stderr]) {
      (stream as unknown as { unref?: () => void }).unref?.();
    }
  }

  /** The worker's process id, while it runs. */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  kill(): void {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGKILL');
  }

  #stderrText(): string {
    const tail = this.#stderr.trim();
    return tail === '' ? '' : `; its stderr ended with: ${tail.split('\n').slice(-6).join(' | ')}`;
  }

  #die(error: WorkerError): void {
    if (this.#dead === null) this.#dead = error;
    const pending = this.#pending;
    if (pending !== null) {
      this.#pending = null;
      clearTimeout(pending.timer);
      pending.reject(new WorkerError(`${this.#dead.message} (while answering ${pending.op})`, this.#dead.phase));
    }
  }

  #onLine(line: string): void {
    if (line.trim() === '') return;
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      this.kill();
      this.#die(new WorkerError(`${this.name} wrote a line that is not a protocol message on stdout: ${JSON.stringify(line.slice(0, 200))} (logs belong on stderr)`, 'protocol'));
      return;
    }
    const pending = this.#pending;
    const id = (message as { id?: unknown })?.id;
    if (pending === null || id !== pending.id) {
      // A shutdown's answer, or a worker answering out of turn.
      if (pending !== null) {
        this.kill();
        this.#die(new WorkerError(`${this.name} answered request ${String(id)} while ${pending.id} (${pending.op}) was pending`, 'protocol'));
      }
      return;
    }
    this.#pending = null;
    clearTimeout(pending.timer);
    const failed = ErrorAnswerSchema.safeParse(message);
    if (failed.success) {
      const phase = failed.data.error.phase ?? 'run';
      pending.reject(new WorkerError(failed.data.error.message, phase));
      return;
    }
    if ((message as { ok?: unknown }).ok !== true) {
      pending.reject(new WorkerError(`${this.name} answered ${pending.op} without "ok": ${line.slice(0, 200)}`, 'protocol'));
      return;
    }
    const { id: _id, ok: _ok, ...fields } = message as Record<string, unknown>;
    pending.resolve(fields);
  }
}
