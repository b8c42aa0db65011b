import { defineConfig } from 'vitest/config';

/** Settings every benchmark project shares: one fork, one file at a time, one case at a time. */
const benchTest = {
  fileParallelism: false,
  maxWorkers: 1,
  sequence: { concurrent: false, shuffle: false },
  // The harness enforces its own per-case limit (GCB_CASE_TIMEOUT_MS) and records a timeout as a
  // failed case; Vitest's limit is only the outer safety net.
  testTimeout: 600_000,
  hookTimeout: 600_000,
};

/**
 * Three projects: `unit` (the test suite, `pnpm test`), `bench` (the spec files under benches/, run by
 * `pnpm bench`, which adds the bench reporter) and `faults` (test-only spec files under
 * test/fault-benches/ that misbehave on purpose; the robustness tests run them through the bench CLI
 * with GCB_PROJECT=faults GCB_SPEC_DIR=test/fault-benches). Benchmarks never run in parallel with each
 * other.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: { name: 'bench', include: ['benches/**/*.bench.ts'], ...benchTest },
      },
      {
        test: { name: 'faults', include: ['test/fault-benches/**/*.bench.ts'], ...benchTest },
      },
    ],
  },
});
