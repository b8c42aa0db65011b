/**
 * A test-only wrapper that makes a compiler slower by a known amount, to prove that the gate catches a
 * regression and to calibrate how small a slowdown it detects. Enabled only by GCB_TEST_SLOWDOWN
 * (see {@link parseSlowdowns}); never active in a normal run. The delay is a busy wait, not a timer,
 * so it is exact to the microsecond and costs CPU time like real work would.
 */
import type { CompiledModel, CompilerAdapter, ModelArtifact, PreparedRun } from './types.ts';

export type Slowdown = { readonly kind: 'fixed'; readonly ms: number } | { readonly kind: 'relative'; readonly fraction: number };

/**
 * Parses `GCB_TEST_SLOWDOWN`, a comma-separated list of `compiler=amount` where amount is `0.5ms`
 * (a fixed delay per inference) or `10%` (a delay of that fraction of each inference's own time).
 * `*` matches every compiler. Throws with the offending entry on anything else.
 */
export function parseSlowdowns(text: string | undefined): ReadonlyMap<string, Slowdown> {
  const slowdowns = new Map<string, Slowdown>();
  if (text === undefined || text.trim() === '') return slowdowns;
  for (const entry of text.split(',')) {
    const match = /^\s*((?:model:)?[A-Za-z0-9*_.-]+)\s*=\s*([0-9]*\.?[0-9]+)\s*(ms|%)\s*$/.exec(entry);
    if (match === null) {
      throw new Error(`GCB_TEST_SLOWDOWN: "${entry}" is not "compiler=<number>ms", "compiler=<number>%" or "model:<name>=<number>%"`);
    }
    const [, compiler, amount, unit] = match as unknown as [string, string, string, 'ms' | '%'];
    const value = Number(amount);
    slowdowns.set(compiler, unit === 'ms' ? { kind: 'fixed', ms: value } : { kind: 'relative', fraction: value / 100 });
  }
  return slowdowns;
}

/**
 * The slowdown of a compiler (by id, or `*`), or — with `modelName` — of one model under every
 * compiler (`model:vit-like=10%`, to calibrate the gate's model-level aggregate).
 */
export function slowdownFor(slowdowns: ReadonlyMap<string, Slowdown>, compilerId: string, modelName?: string): Slowdown | undefined {
  return slowdowns.get(compilerId) ?? (modelName === undefined ? undefined : slowdowns.get(`model:${modelName}`)) ?? slowdowns.get('*');
}

/** Whether any slowdown names a model rather than a compiler. */
export const slowsModels = (slowdowns: ReadonlyMap<string, Slowdown>): boolean => [...slowdowns.keys()].some((k) => k.startsWith('model:'));

export function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin: a timer would round to a millisecond and yield the CPU.
  }
}

/** The function, slowed down: after each call, a busy wait of the fixed delay or of that fraction of the call's time. */
export function slowFunction(fn: () => Promise<void> | void, slowdown: Slowdown): () => Promise<void> {
  return async () => {
    const start = performance.now();
    await fn();
    busyWait(slowdown.kind === 'fixed' ? slowdown.ms : (performance.now() - start) * slowdown.fraction);
  };
}

/** A self-timed arm's times, slowed down: each grows by the delay, and the delays are waited out (busy). */
export function slowTimes(times: readonly number[], slowdown: Slowdown): number[] {
  const slowed = times.map((t) => t + (slowdown.kind === 'fixed' ? slowdown.ms : t * slowdown.fraction));
  busyWait(slowed.reduce((sum, t, i) => sum + t - (times[i] as number), 0));
  return slowed;
}

export class SlowedAdapter implements CompilerAdapter {
  readonly id: string;
  readonly family: string;
  readonly hardware: CompilerAdapter['hardware'];
  readonly settings: CompilerAdapter['settings'];

  /** `slowdown`: one for every model, or per model (undefined: that model runs at its own speed). */
  constructor(
    private readonly inner: CompilerAdapter,
    private readonly slowdown: Slowdown | ((model: ModelArtifact) => Slowdown | undefined),
  ) {
    this.id = inner.id;
    this.family = inner.family;
    this.hardware = inner.hardware;
    // Recorded so a slowed run can never be mistaken for a real one.
    this.settings = {
      ...inner.settings,
      testSlowdown: typeof slowdown === 'function' ? 'per model' : slowdown.kind === 'fixed' ? `${slowdown.ms}ms` : `${slowdown.fraction * 100}%`,
    };
  }

  versions(): ReturnType<CompilerAdapter['versions']> {
    return this.inner.versions();
  }
  availability(): ReturnType<CompilerAdapter['availability']> {
    return this.inner.availability();
  }

  async compile(model: ModelArtifact): Promise<CompiledModel> {
    const compiled = await this.inner.compile(model);
    const slowdown = typeof this.slowdown === 'function' ? this.slowdown(model) : this.slowdown;
    if (slowdown === undefined) return compiled;
    return {
      async prepare(input, batch): Promise<PreparedRun> {
        const prepared = await compiled.prepare(input, batch);
        const timedCalls = prepared.timedCalls;
        return {
          mode: prepared.mode,
          run: slowFunction(() => prepared.run(), slowdown),
          output: () => prepared.output(),
          release: () => prepared.release(),
          // A worker times its own calls: each of its times grows by the delay, which is waited out here.
          ...(timedCalls === undefined ? {} : { timedCalls: async (calls: number) => slowTimes(await timedCalls.call(prepared, calls), slowdown) }),
          ...(prepared.compileMs === undefined ? {} : { compileMs: prepared.compileMs }),
          ...(prepared.compilePhases === undefined ? {} : { compilePhases: prepared.compilePhases }),
        };
      },
      dispose: () => compiled.dispose(),
    };
  }
}
