import { configDefaults, defineConfig } from 'vitest/config';
import { benchProject, defineBenchConfig } from './src/vitest-preset.ts';

/** Test files whose verdicts rest on timings measured in the test itself. */
const TIMED = ['test/gate-confirm-cli.test.ts', 'test/harness-measure-case.test.ts'];

/**
 * Five projects: `unit` (the test suite), `timed` (the tests that judge timings, one file at a time),
 * `package` (test/consumer.test.ts; `pnpm test` runs these three in turn),
 * `bench` (the spec files under benches/, run by `pnpm bench`, which adds the bench reporter; the same
 * settings a consumer gets from `graph-compiler-bench/vitest-preset`) and `faults` (test-only spec
 * files under test/fault-benches/ that misbehave on purpose; the robustness tests run them through the
 * bench CLI with GCB_PROJECT=faults GCB_SPEC_DIR=test/fault-benches). Benchmarks never run in parallel
 * with each other.
 */
export default defineConfig(
  defineBenchConfig({
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/consumer.test.ts', ...TIMED],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      // Tests that time real cases against each other and judge the difference: run after `unit`, one
      // file at a time, so that the other test files' load does not decide them (a 60% slowdown once went
      // unconfirmed when it ran beside them).
      { test: { name: 'timed', include: [...TIMED], fileParallelism: false, testTimeout: 120_000, hookTimeout: 120_000 } },
      // Packs the package (a full tsc build) and runs a consumer's bench: on its own, after `unit`, so
      // that its load does not slow the unit tests that run real cases under short time limits.
      { test: { name: 'package', include: ['test/consumer.test.ts'], testTimeout: 240_000, hookTimeout: 240_000 } },
      benchProject({ name: 'faults', include: ['test/fault-benches/**/*.bench.ts'] }),
    ],
  }),
);
