/**
 * A compiled ONNX Runtime session, shared by onnxruntime-node and onnxruntime-web: both expose the same
 * InferenceSession and Tensor API (onnxruntime-common), so binding inputs and reading outputs is one code.
 */
import { float16Value } from '../harness/input.ts';
import type { CompiledModel, InputTensor, ModelArtifact, PreparedRun, RunMode, TensorDtype } from './types.ts';

/** Makes a runtime tensor: the runtime's own `new Tensor(type, data, dims)`. */
export type OrtTensorFactory = (dtype: TensorDtype, data: InputTensor['data'], dims: number[]) => OrtTensorLike;

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
    private readonly makeTensor: OrtTensorFactory,
    private readonly session: OrtSessionLike,
    private readonly model: ModelArtifact,
    /** Both runtimes copy inputs in and outputs out on every run. */
    private readonly mode: RunMode = 'end-to-end',
  ) {}

  async prepare(input: Float32Array, batch: number, given?: readonly InputTensor[]): Promise<PreparedRun> {
    const tensors =
      given === undefined
        ? [{ name: this.model.inputName, tensor: this.makeTensor('float32', input, [batch, ...this.model.sampleShape]) }]
        : given.map((feed) => ({ name: feed.name, tensor: this.makeTensor(feed.dtype, feed.data, [...feed.dims]) }));
    const feeds = Object.fromEntries(tensors.map(({ name, tensor }) => [name, tensor]));
    const session = this.session;
    const outputNames = this.model.outputNames ?? [this.model.outputName];
    return {
      mode: this.mode,
      run: async () => {
        await session.run(feeds);
      },
      output: async () => {
        const outputs = await session.run(feeds);
        return concatenated(outputNames.map((name) => floatValues(name, outputs[name])));
      },
      release: () => {
        for (const { tensor } of tensors) tensor.dispose();
      },
    };
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.session.release();
  }
}

/** An output's values as float32, whatever numeric type the model gives it (the correctness check compares floats). */
function floatValues(name: string, out: OrtTensorLike | undefined): Float32Array {
  if (out === undefined) throw new Error(`model has no output named "${name}"`);
  const data = out.data;
  if (data instanceof Float32Array) return data;
  if (out.type === 'float16' && data instanceof Uint16Array) return Float32Array.from(data, float16Value);
  if (data instanceof Float64Array || data instanceof Int32Array || data instanceof Uint8Array || data instanceof Int8Array) return Float32Array.from(data);
  if (data instanceof BigInt64Array) return Float32Array.from(data, (v) => Number(v));
  throw new Error(`output "${name}" is ${out.type}, which the correctness check cannot compare`);
}

function concatenated(parts: readonly Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0] as Float32Array;
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * ONNX Runtime's thread pools spin for a while after each run, waiting for more work. Measured in rounds
 * next to another arm, those spinning threads take the cores from it: on a 16-core host the reference
 * ran up to 2.7× slower next to ort-cpu-all than on its own. So pools block as soon as they are idle.
 */
export const NO_SPINNING = { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } } as const;
