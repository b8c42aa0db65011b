/**
 * A test-only compiler that misbehaves on purpose: throws, hangs, returns NaN, claims to run out of
 * memory, or disagrees with the reference. It proves that every failure mode ends as data with a
 * clear message, never as a crash, a hang or a pass.
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
    return { 'test-fault': '1.0.0' };
  }

  async availability(): Promise<Availability> {
    return this.options.fault === 'unavailable'
      ? { available: false, reason: 'test-fault: this compiler is never available' }
      : { available: true };
  }

  async compile(_model: ModelArtifact): Promise<CompiledModel> {
    const { fault, fromBatch = 1, value = 1 } = this.options;
    if (fault === 'throw-on-compile') throw new Error('test-fault: unsupported operator Foo in node 3');
    if (fault === 'hang-on-compile') await never();
    return {
      async prepare(_input: Float32Array, batch: number): Promise<PreparedRun> {
        const faulty = batch >= fromBatch;
        if (faulty && fault === 'out-of-memory') {
          throw new Error(`test-fault: failed to allocate ${batch * 4096} MiB: out of memory`);
        }
        const output = new Float32Array(batch * 4).fill(faulty && fault === 'wrong-output' ? value * 2 : value);
        if (faulty && fault === 'nan-output') output[1] = Number.NaN;
        return {
          mode: 'end-to-end',
          run: async () => {
            if (faulty && fault === 'throw-on-run') throw new Error('test-fault: kernel launch failed');
            if (faulty && fault === 'hang-on-run') await never();
          },
          output: async () => output,
          release: () => {},
        };
      },
      async dispose() {},
    };
  }
}
