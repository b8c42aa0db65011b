/**
 * The Vitest settings of the `bench` project, for this repository's vitest.config.ts and for a
 * consumer's (`graph-compiler-bench/vitest-preset`):
 *
 * ```ts
 * // vitest.config.ts
 * import { defineBenchConfig } from 'graph-compiler-bench/vitest-preset';
 * export default defineBenchConfig();
 * ```
 *
 * `graph-compiler-bench bench` runs the Vitest project named {@link BENCH_PROJECT} of the
 * vitest.config.* in the current directory. Types only from Vitest, so importing this loads nothing.
 */
import type { TestProjectInlineConfiguration, ViteUserConfig } from 'vitest/config';

/** The Vitest project the bench CLI runs. */
export const BENCH_PROJECT = 'bench';

/** Where spec files are found, relative to the project root. */
export const BENCH_INCLUDE: readonly string[] = ['benches/**/*.bench.ts'];

/**
 * Settings every benchmark project shares: one fork, one file at a time, one case at a time, so that
 * no two measurements share the machine.
 */
export const benchTestSettings = {
  fileParallelism: false,
  maxWorkers: 1,
  sequence: { concurrent: false, shuffle: false },
  // The harness enforces its own per-case limit (GCB_CASE_TIMEOUT_MS) and records a timeout as a
  // failed case; Vitest's limit is only the outer safety net.
  testTimeout: 600_000,
  hookTimeout: 600_000,
} as const satisfies NonNullable<TestProjectInlineConfiguration['test']>;

export interface BenchProjectOptions {
  /** Project name. @default 'bench' (what the bench CLI runs) */
  readonly name?: string;
  /** Spec file globs. @default ['benches/**\/*.bench.ts'] */
  readonly include?: readonly string[];
}

/** One Vitest project of spec files with {@link benchTestSettings}. */
export function benchProject(options: BenchProjectOptions = {}): TestProjectInlineConfiguration {
  return { test: { name: options.name ?? BENCH_PROJECT, include: [...(options.include ?? BENCH_INCLUDE)], ...benchTestSettings } };
}

export interface BenchConfigOptions extends Omit<BenchProjectOptions, 'name'> {
  /** More Vitest projects beside `bench`, e.g. the repository's own unit tests. */
  readonly projects?: readonly TestProjectInlineConfiguration[];
}

/** A whole vitest.config: the `bench` project (and any others given). */
export function defineBenchConfig(options: BenchConfigOptions = {}): ViteUserConfig {
  return { test: { projects: [benchProject(options.include ? { include: options.include } : {}), ...(options.projects ?? [])] } };
}
