/**
 * The bench reporter: collects what a Vitest run of the spec files measured — every case's CaseResult
 * (and, in paired mode, the base side's), problems outside any case, the GPU used — and prints one
 * progress line per case. It decides nothing and writes nothing: the CLI turns what it collected into
 * result files, evaluates them and writes the reports, once (src/pipeline.ts).
 */
import { relative } from 'node:path';
import type { Reporter, TestCase, TestModule, TestRunEndReason, TestSpecification, Vitest } from 'vitest/node';
import type { SerializedError } from 'vitest';
import type { Collected, HarnessError } from '../src/pipeline.ts';
import type { GpuInfo } from '../src/adapters/types.ts';
import type { CaseResult } from '../src/results/schema.ts';
import { formatDuration } from '../src/report/format.ts';
import '../src/spec.ts';

export interface BenchReporterOptions {
  /** Prints one line per finished case. @default true */
  readonly progress?: boolean;
  /** Cases the plan holds, for the progress line's total. */
  readonly plannedCases?: number;
  /** Cases an earlier pass of the same run measured, for the progress line's count. */
  readonly done?: number;
}

export default class BenchReporter implements Reporter {
  readonly #options: BenchReporterOptions;
  readonly #cases = new Map<string, CaseResult>();
  readonly #baseCases = new Map<string, CaseResult>();
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
  #interruptedBy: string | null = null;
  #result: Collected | null = null;

  constructor(options: BenchReporterOptions = {}) {
    this.#options = options;
  }

  /** Set by the CLI's signal handler: the run then ends as interrupted by this signal. */
  interrupt(signal: string): void {
    this.#interruptedBy = signal;
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
      if (meta.baseCaseResult) this.#baseCases.set(meta.baseCaseResult.key, meta.baseCaseResult);
      if (meta.gpu) this.#gpu ??= meta.gpu;
    }
    if (again) return;
    // A planned run's placeholders (a file's other pairings the selection left out, a comparison group)
    // are no cases: they are neither counted nor shown.
    if (meta.caseResult === undefined && result.state === 'skipped' && this.#options.plannedCases !== undefined) return;
    this.#finished += 1;
    if (meta.caseResult === undefined && result.state === 'failed') {
      // The case threw before the harness produced a result (a fixture that fails to build, a bad spec).
      const message = result.errors?.map((e) => e.message).join('; ') ?? 'failed without a result';
      this.#harnessErrors.push({ where: testCase.fullName, message });
    }
    if (this.#options.progress !== false) this.#printProgress(testCase.name, meta.caseResult, meta.baseCaseResult ?? null);
  }

  /** What the run collected, once it has ended; null before. */
  collected(): Collected | null {
    return this.#result;
  }

  #printProgress(name: string, result: CaseResult | undefined, base: CaseResult | null): void {
    const elapsedMs = Date.now() - this.#startedAt.getTime();
    // Without a plan, files are collected one at a time and the total is estimated from those seen so far.
    const perFile = this.#filesDone > 0 ? this.#collected / Math.max(this.#filesDone, 1) : this.#collected;
    const remainingFiles = Math.max(0, this.#totalFiles - this.#filesDone - 1);
    const estimatedTotal = this.#options.plannedCases ?? Math.max(this.#collected, Math.round(this.#collected + remainingFiles * perFile));
    const finished = this.#finished + (this.#options.done ?? 0);
    const fraction = estimatedTotal > 0 ? finished / estimatedTotal : 0;
    const left = fraction > 0 ? (elapsedMs / fraction) * (1 - fraction) : 0;
    const state = (r: CaseResult | undefined | null): string =>
      r === undefined || r === null
        ? 'skipped'
        : r.state === 'completed'
          ? `${r.latency.median.toFixed(3)} ms`
          : r.state === 'failed'
            ? `FAILED (${r.phase})`
            : 'unavailable';
    const status = base === null ? state(result) : `${state(result)} (base ${state(base)})`;
    const total = this.#options.plannedCases === undefined ? `~${estimatedTotal}` : String(estimatedTotal);
    process.stdout.write(`[${finished}/${total}] ${name} ${status}  · ${formatDuration(elapsedMs)} elapsed, ~${formatDuration(left)} left\n`);
  }

  async onTestRunEnd(
    _modules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
    reason: TestRunEndReason,
  ): Promise<void> {
    for (const error of unhandledErrors) {
      this.#harnessErrors.push({ where: 'unhandled error', message: error.message ?? String(error) });
    }
    this.#result = {
      cases: [...this.#cases.values()],
      baseCases: [...this.#baseCases.values()],
      harnessErrors: this.#harnessErrors,
      gpu: this.#gpu,
      startedAt: this.#startedAt,
      finishedAt: new Date(),
      interruptedBy: this.#interruptedBy ?? (reason === 'interrupted' ? 'interrupted' : null),
    };
  }
}
