/**
 * A compiled ONNX Runtime session, shared by onnxruntime-node and onnxruntime-web: both expose the same
 * InferenceSession and Tensor API (onnxruntime-common), so binding inputs and reading outputs is one code.
 */
import type { CompiledModel, ModelArtifact, PreparedRun, RunMode } from './types.ts';

/** The part of an ONNX Runtime tensor this code uses. */
export interface OrtTensorLike {
  readonly data: unknown;
  readonly type: string;
  dispose(): void;
}

/** The part of an ONNX Runtime InferenceSession this code uses. */
export interface OrtSessionLike {
  run(feeds: Record<string, OrtTensorLike>): Promise<Record<string, OrtTensorLike | undefined>>;
  release(): Promise<void>;
}

export class OrtCompiledModel implements CompiledModel {
  #disposed = false;

  constructor(
    private readonly makeTensor: (data: Float32Array, dims: number[]) => OrtTensorLike,
    private readonly session: OrtSessionLike,
    private readonly model: ModelArtifact,
    /** Both runtimes copy inputs in and outputs out on every run. */
    private readonly mode: RunMode = 'end-to-end',
  ) {}

  async prepare(input: Float32Array, batch: number): Promise<PreparedRun> {
    const tensor = this.makeTensor(input, [batch, ...this.model.sampleShape]);
    const feeds = { [this.model.inputName]: tensor };
    const session = this.session;
    const outputName = this.model.outputName;
    return {
      mode: this.mode,
      run: async () => {
        await session.run(feeds);
      },
      output: async () => {
        const outputs = await session.run(feeds);
        const out = outputs[outputName];
        if (out === undefined) throw new Error(`model has no output named "${outputName}"`);
        if (!(out.data instanceof Float32Array)) throw new Error(`output "${outputName}" is ${out.type}, expected float32`);
        return out.data;
      },
      release: () => {
        tensor.dispose();
      },
    };
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.session.release();
  }
}

/**
 * ONNX Runtime's thread pools spin for a while after each run, waiting for more work. Measured in rounds
 * next to another arm, those spinning threads take the cores from it: on a 16-core host the reference
 * ran up to 2.7× slower next to ort-cpu-all than on its own. So pools block as soon as they are idle.
 */
export const NO_SPINNING = { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } } as const;
