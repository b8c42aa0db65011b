/**
 * A test-only compiler that misbehaves on purpose: throws, hangs, returns NaN, claims to run out of
 * memory, or disagrees with the reference. It proves that every failure mode ends as data with a
 * clear message, never as a crash, a hang or a pass.
 *
 * On its own it ignores the model and returns `batch × 4` copies of `value`. Given `inner` (a real
 * compiler), it runs the model on that compiler and injects the fault into it: that is what a real
 * bench run needs, where the output is checked against the uncompiled ONNX Runtime reference.
 */
import type { Availability, CompiledModel, CompilerAdapter, ModelArtifact, PreparedRun } from '../../src/adapters/types.ts';

export type Fault =
  | 'none'
  | 'unavailable'
  | 'throw-on-compile'
  | 'throw-on-run'
  | 'hang-on-compile'
  | 'hang-on-run'
  | 'nan-output'
  | 'inf-output'
  | 'out-of-memory'
  | 'wrong-output';

export interface FaultAdapterOptions {
  readonly fault: Fault;
  /** Only batches at or above this size misbehave (a sweep that breaks at large batches). @default 1 */
  readonly fromBatch?: number;
  /** Value of every output element when it behaves. @default 1 */
  readonly value?: number;
  readonly id?: string;
  readonly hardware?: 'cpu' | 'gpu';
  /** A real compiler to run the model on; the fault is injected into its results. */
  readonly inner?: CompilerAdapter;
}

const never = (): Promise<never> => new Promise<never>(() => {});

export class FaultAdapter implements CompilerAdapter {
  readonly id: string;
  readonly family = 'test-fault';
  readonly hardware: 'cpu' | 'gpu';
  readonly settings: Record<string, string>;

  constructor(private readonly options: FaultAdapterOptions) {
    this.id = options.id ?? `fault-${options.fault}`;
    this.hardware = options.hardware ?? 'cpu';
    this.settings = { fault: options.fault };
  }

  async versions(): Promise<Record<string, string>> {
    return { ...(await this.options.inner?.versions()), 'test-fault': '1.0.0' };
  }

  async availability(): Promise<Availability> {
    if (this.options.fault === 'unavailable') return { available: false, reason: 'test-fault: this compiler is never available' };
    return this.options.inner?.availability() ?? { available: true };
  }

  async compile(model: ModelArtifact): Promise<CompiledModel> {
    const { fault, fromBatch = 1, value = 1, inner } = this.options;
    if (fault === 'throw-on-compile') throw new Error('test-fault: unsupported operator Foo in node 3');
    if (fault === 'hang-on-compile') await never();
    const compiled = inner === undefined ? null : await inner.compile(model);
    return {
      async prepare(input: Float32Array, batch: number): Promise<PreparedRun> {
        const faulty = batch >= fromBatch;
        if (faulty && fault === 'out-of-memory') {
          throw new Error(`test-fault: failed to allocate ${batch * 4096} MiB: out of memory`);
        }
        const real = compiled === null ? null : await compiled.prepare(input, batch);
        const output = async (): Promise<Float32Array> => {
          const values = real === null ? new Float32Array(batch * 4).fill(value) : Float32Array.from(await real.output());
          if (faulty && fault === 'wrong-output') values.forEach((v, i) => (values[i] = real === null ? value * 2 : v * 2));
          if (faulty && fault === 'nan-output') values[1] = Number.NaN;
          if (faulty && fault === 'inf-output') values[2] = Number.NEGATIVE_INFINITY;
          return values;
        };
        return {
          mode: real?.mode ?? 'end-to-end',
          run: async () => {
            if (faulty && fault === 'throw-on-run') throw new Error('test-fault: kernel launch failed');
            if (faulty && fault === 'hang-on-run') await never();
            await real?.run();
          },
          output,
          release: () => real?.release(),
        };
      },
      async dispose() {
        await compiled?.dispose();
      },
    };
  }
}
