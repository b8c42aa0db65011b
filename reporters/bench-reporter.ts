/**
 * The bench reporter: collect → result model → (metrics → gate → render) → write → exit code.
 *
 * It stays thin: it reads CaseResults from the cases' meta (never mutating Vitest's task objects),
 * builds the RunResult, and hands it to `finishRun`, which does the rest. Only this file and the CLI
 * touch the disk or the exit code; `process.exitCode` is set once, at the end.
 */
import { relative } from 'node:path';
import type { Reporter, TestCase, TestModule, TestRunEndReason, TestSpecification, Vitest } from 'vitest/node';
import type { SerializedError } from 'vitest';
import { finishRun, type FinishInput, type HarnessError, type FinishOptions } from '../src/pipeline.ts';
import type { GpuInfo } from '../src/adapters/types.ts';
import type { CaseResult } from '../src/results/schema.ts';
import { formatDuration } from '../src/report/format.ts';
import '../src/spec.ts';

export interface BenchReporterOptions extends Partial<FinishOptions> {
  /** Prints one line per finished case. @default true */
  readonly progress?: boolean;
  /**
   * Only collect: at the end of the run keep what `finishRun` needs (see {@link BenchReporter.collected})
   * and leave finishing to the caller — the bench CLI, which may measure cases again to confirm the
   * gate's findings before it finishes.
   * @default false
   */
  readonly defer?: boolean;
}

export default class BenchReporter implements Reporter {
  readonly #options: BenchReporterOptions;
  readonly #cases = new Map<string, CaseResult>();
  readonly #harnessErrors: HarnessError[] = [];
  /**
   * Cases already reported. A cancelled run (Ctrl-C) reports every case of the file a second time: a
   * result is kept whenever one comes with the case, the progress line and a harness error only once.
   */
  readonly #seen = new Set<string>();
  #gpu: GpuInfo | null = null;
  #startedAt = new Date();
  #totalFiles = 0;
  #filesDone = 0;
  #collected = 0;
  #finished = 0;
  /** The exit code `finishRun` decided, for the CLI; also set on process.exitCode. */
  exitCode = 0;
  #finishInput: FinishInput | null = null;

  constructor(options: BenchReporterOptions = {}) {
    this.#options = options;
  }

  onInit(_vitest: Vitest): void {
    this.#startedAt = new Date();
  }

  onTestRunStart(specifications: ReadonlyArray<TestSpecification>): void {
    this.#totalFiles = specifications.length;
  }

  onTestModuleCollected(module: TestModule): void {
    for (const _ of module.children.allTests()) this.#collected += 1;
  }

  onTestModuleEnd(module: TestModule): void {
    this.#filesDone += 1;
    for (const error of module.errors()) {
      this.#harnessErrors.push({ where: relative(process.cwd(), module.moduleId), message: error.message ?? String(error) });
    }
  }

  onTestCaseResult(testCase: TestCase): void {
    const meta = testCase.meta();
    const result = testCase.result();
    const again = this.#seen.has(testCase.id);
    this.#seen.add(testCase.id);
    if (meta.caseResult !== undefined) {
      this.#cases.set(meta.caseResult.key, meta.caseResult);
      if (meta.gpu) this.#gpu ??= meta.gpu;
    }
    if (again) return;
    this.#finished += 1;
    if (meta.caseResult === undefined && result.state === 'failed') {
      // The case threw before the harness produced a result (a fixture that fails to build, a bad spec).
      const message = result.errors?.map((e) => e.message).join('; ') ?? 'failed without a result';
      this.#harnessErrors.push({ where: testCase.fullName, message });
    }
    if (this.#options.progress !== false) this.#printProgress(testCase.name, meta.caseResult);
  }

  /** What the run collected, in `defer` mode once it has ended; null before. */
  collected(): FinishInput | null {
    return this.#finishInput;
  }

  #printProgress(name: string, result: CaseResult | undefined): void {
    const elapsedMs = Date.now() - this.#startedAt.getTime();
    // Files are collected one at a time, so the total is estimated from the files seen so far.
    const perFile = this.#filesDone > 0 ? this.#collected / Math.max(this.#filesDone, 1) : this.#collected;
    const remainingFiles = Math.max(0, this.#totalFiles - this.#filesDone - 1);
    const estimatedTotal = Math.max(this.#collected, Math.round(this.#collected + remainingFiles * perFile));
    const fraction = estimatedTotal > 0 ? this.#finished / estimatedTotal : 0;
    const left = fraction > 0 ? (elapsedMs / fraction) * (1 - fraction) : 0;
    const status =
      result === undefined
        ? 'skipped'
        : result.state === 'completed'
          ? `${result.latency.median.toFixed(3)} ms`
          : result.state === 'failed'
            ? `FAILED (${result.phase})`
            : 'unavailable';
    process.stdout.write(
      `[${this.#finished}/~${estimatedTotal}] ${name} ${status}  · ${formatDuration(elapsedMs)} elapsed, ~${formatDuration(left)} left\n`,
    );
  }

  async onTestRunEnd(
    _modules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
    reason: TestRunEndReason,
  ): Promise<void> {
    for (const error of unhandledErrors) {
      this.#harnessErrors.push({ where: 'unhandled error', message: error.message ?? String(error) });
    }
    const input: FinishInput = {
      cases: [...this.#cases.values()],
      harnessErrors: this.#harnessErrors,
      gpu: this.#gpu,
      startedAt: this.#startedAt,
      finishedAt: new Date(),
      interruptedBy: reason === 'interrupted' ? (process.env.GCB_INTERRUPTED_BY ?? 'interrupted') : null,
      options: this.#options,
    };
    if (this.#options.defer === true) {
      this.#finishInput = input;
      return;
    }
    this.exitCode = await finishRun(input);
    if (this.exitCode !== 0) process.exitCode = this.exitCode;
  }
}
