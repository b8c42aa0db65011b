import { configDefaults, defineConfig } from 'vitest/config';
import { benchProject, defineBenchConfig } from './src/vitest-preset.ts';

/**
 * Four projects: `unit` (the test suite), `package` (test/consumer.test.ts; `pnpm test` runs both),
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
          exclude: [...configDefaults.exclude, 'test/consumer.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      // Packs the package (a full tsc build) and runs a consumer's bench: on its own, after `unit`, so
      // that its load does not slow the unit tests that run real cases under short time limits.
      { test: { name: 'package', include: ['test/consumer.test.ts'], testTimeout: 240_000, hookTimeout: 240_000 } },
      benchProject({ name: 'faults', include: ['test/fault-benches/**/*.bench.ts'] }),
    ],
  }),
);
