/**
 * The null system under test: compiles nothing and runs nothing, measurably. Measuring it gives the
 * harness's own overhead per iteration (timer, promise turn, loop), which must stay negligible against
 * the cheapest real case.
 */
import type { Availability, CompiledModel, CompilerAdapter, ModelArtifact, PreparedRun } from './types.ts';

export class NullAdapter implements CompilerAdapter {
  readonly id = 'null';
  readonly family = 'null';
  readonly hardware = 'cpu' as const;
  readonly settings = {};

  async versions(): Promise<Record<string, string>> {
    return {};
  }

  async availability(): Promise<Availability> {
    return { available: true };
  }

  async compile(model: ModelArtifact): Promise<CompiledModel> {
    const outputSize = 1;
    return {
      async prepare(_input: Float32Array, batch: number): Promise<PreparedRun> {
        return {
          mode: 'end-to-end',
          run: () => {},
          // A finite output of the right batch so the harness's checks run as for a real model.
          output: async () => new Float32Array(batch * outputSize),
          release: () => {},
        };
      },
      async dispose() {},
    };
  }
}
