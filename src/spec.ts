/**
 * The helper a spec file calls. A spec file names a model, a compiler and the sweep:
 *
 * ```ts
 * // benches/blocks/resnet-basic/ort-cpu-all.bench.ts
 * import { benchSpec } from '../../../src/spec.ts';
 * benchSpec({ model: 'resnet-basic', compiler: 'ort-cpu-all', batches: [1, 2, 4, 8], depths: [1, 2, 4] });
 * ```
 *
 * What `benchSpec` does depends on who imports the file:
 * - the CLI (and a worker of another checkout) collects specs to plan the run (src/plan.ts);
 * - under Vitest it registers one ordinary case per planned batch × depth — the run plan the CLI handed
 *   over (GCB_PLAN) says which — and each case measures and attaches its CaseResult to the case's meta,
 *   where the bench reporter collects it. Without a plan (a bare `vitest run --project bench`) every
 *   case of the default profile is registered.
 */
import { describe, test } from 'vitest';
import type { GpuInfo } from './adapters/types.ts';
import {
  expandSpec,
  recordGroup,
  recordSpec,
  specIdentity,
  splitSpec,
  titleOf,
  type BenchGroup,
  type BenchSpec,
  type PlannedCase,
  type RunPlan,
  type SingleCompilerSpec,
} from './plan.ts';
import { activePlan, DEFAULT_PLAN, measurePlanned } from './run-case.ts';
import type { CaseResult } from './results/schema.ts';

export type { BenchGroup, BenchSpec, InputDtype, UserModelInput, UserModelRef } from './plan.ts';

declare module 'vitest' {
  interface TaskMeta {
    /** The measured result of a bench case, collected by the bench reporter. */
    caseResult?: CaseResult;
    /** Paired mode: the base side's result of the same case. */
    baseCaseResult?: CaseResult | null;
    /** The GPU adapter a GPU compiler ran on, for the hardware fingerprint. */
    gpu?: GpuInfo | null;
  }
}

// Ctrl-C in a terminal signals the whole process group, the Vitest worker running the cases included.
// Under the bench CLI, which then stops the run and writes the cases that finished, the worker must not
// die first (the run would end in a "Worker forks emitted error"): it ignores SIGINT and leaves the
// stopping to the CLI (Vitest itself stops its workers with SIGTERM).
if (process.env.GCB_CLI_PID !== undefined && process.env.GCB_CLI_PID !== String(process.pid)) {
  process.on('SIGINT', () => {});
}

export function benchSpec(spec: BenchSpec): void {
  if (recordSpec(spec)) return;
  // A user model's spec may list several compilers: each is registered as if it had a file of its own.
  for (const single of splitSpec(spec)) registerSpec(single);
}

/**
 * Declares a comparison group: the models whose orderings and reversals are computed, gated and
 * reported, as the built-in archetypes' are. Call it in any spec file (e.g. `benches/models/groups.bench.ts`
 * beside a spec, or in one of the models' spec files):
 *
 * ```ts
 * benchGroup({ name: 'vision-4.5gflop', models: ['convnext-t', 'vit-s16'] });
 * ```
 */
export function benchGroup(group: BenchGroup): void {
  if (recordGroup(group)) return;
  // Under Vitest groups play no part (the CLI recorded them in the plan); a file holding only groups
  // still needs a case for Vitest not to fail it.
  test.skip(`comparison group ${group.name}: ${group.models.join(', ')} (compared by the reporter)`, () => {});
}

function registerSpec(spec: SingleCompilerSpec): void {
  const given = activePlan();
  const plan = given ?? DEFAULT_PLAN;
  const title = titleOf(specIdentity(spec)); // throws, listing the valid ids, for an unknown model or compiler
  const cases: PlannedCase[] = given === null ? defaultCases(spec, plan) : plan.cases.filter((c) => c.title === title);
  if (cases.length === 0) {
    // Vitest fails a file without cases; a skipped one says why nothing ran.
    test.skip(`${title}: not selected by the current filters`, () => {});
    return;
  }
  describe(title, () => {
    for (const planned of cases) {
      test(planned.key, async ({ task, skip }) => {
        const { result, baseResult, gpu } = await measurePlanned(planned, spec, plan);
        task.meta.caseResult = result;
        task.meta.baseCaseResult = baseResult;
        task.meta.gpu = gpu;
        if (result.state === 'failed') throw new Error(`${result.key} failed in ${result.phase}: ${result.error}`);
        if (result.state === 'unavailable') skip(`unavailable: ${result.reason}`);
      });
    }
  });
}

/** Without a plan from the CLI: every case of the spec under the default profile. */
function defaultCases(spec: SingleCompilerSpec, plan: RunPlan): PlannedCase[] {
  return expandSpec(spec, '(no plan)', {
    selection: { compilers: null, models: null, batches: null, depths: null, hardware: 'all', profile: plan.profile, engine: plan.engine },
    namePattern: null,
  });
}
