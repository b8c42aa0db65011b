import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (the test suite, `pnpm test`) and `bench` (the spec files under benches/,
 * run by `pnpm bench`, which adds the bench reporter). Benchmarks never run in parallel with each
 * other: one fork, one file at a time, one case at a time.
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
        test: {
          name: 'bench',
          include: ['benches/**/*.bench.ts'],
          fileParallelism: false,
          maxWorkers: 1,
          sequence: { concurrent: false, shuffle: false },
          // The harness enforces its own per-case limit (GCB_CASE_TIMEOUT_MS) and records a timeout as a
          // failed case; Vitest's limit is only the outer safety net.
          testTimeout: 600_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
