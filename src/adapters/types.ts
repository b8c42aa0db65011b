/**
 * The one interface between the harness and a runtime: "a compiler on a piece of hardware".
 * The harness never imports a runtime; it only sees this interface and plain data.
 */

/** Which kind of hardware a compiler runs on; it picks the Vitest project / matrix it belongs to. */
export type HardwareKind = 'cpu' | 'gpu';

/** A runtime's answer to "can you run here?". Unavailable is data, never an exception. */
export type Availability = { readonly available: true } | { readonly available: false; readonly reason: string };

/** Settings recorded with every result so two runs can be told apart (threads, opt level, …). */
export type CompilerSettings = Readonly<Record<string, string | number | boolean>>;

/** A model as adapters receive it: ONNX bytes plus the runtime-neutral graph (for runtimes that cannot read ONNX). */
export interface ModelArtifact {
  /** Stable id, e.g. `blocks/resnet-basic/d=4` or `models/my-net`. */
  readonly id: string;
  /** The ONNX model, serialised. */
  readonly onnx: Uint8Array;
  /** sha256 of {@link ModelArtifact.onnx}, hex. */
  readonly hash: string;
  readonly inputName: string;
  readonly outputName: string;
  /** Input shape for one sample, without the batch dimension. */
  readonly sampleShape: readonly number[];
  /** The graph the ONNX was emitted from; absent for a user's ONNX file. */
  readonly graph?: import('../graph/ir.ts').Graph;
  /**
   * Every input the model is fed, when it is not one float32 input (a user's transformer: int64 token
   * ids and a mask). The harness then hands {@link CompiledModel.prepare} these inputs' tensors; an
   * adapter that cannot feed them says so ({@link UnavailableForModelError}) at compile.
   */
  readonly inputs?: readonly ModelInputSpec[];
  /** The outputs compared with the reference, in order; @default [outputName] */
  readonly outputNames?: readonly string[];
  /**
   * The .onnx file on disk (user models). Runtimes that can load by path do, so weights in external
   * data files beside it are found (models over 2 GB); `onnx` then holds the file's own bytes only.
   */
  readonly path?: string;
  /** External data files of the weights, relative to the folder of {@link ModelArtifact.path}; absent or empty when none. */
  readonly externalData?: readonly string[];
}

/** Element types of model inputs. */
export type TensorDtype = 'float32' | 'float16' | 'int64' | 'int32';

/** How an input's values are drawn (see `UserModelInput.values` in src/plan.ts). */
export type InputValues =
  | { readonly kind: 'normal' }
  | { readonly kind: 'integers'; readonly min: number; readonly max: number }
  | { readonly kind: 'mask' }
  | { readonly kind: 'ones' }
  | { readonly kind: 'zeros' };

/** One input of a model, resolved: concrete per-sample shape. */
export interface ModelInputSpec {
  readonly name: string;
  readonly dtype: TensorDtype;
  /** Shape of one sample, without the batch dimension. */
  readonly sampleShape: readonly number[];
  readonly values: InputValues;
}

/** An input tensor as the harness builds it: the batch dimension included; float16 as its bit patterns. */
export interface InputTensor {
  readonly name: string;
  readonly dtype: TensorDtype;
  readonly dims: readonly number[];
  readonly data: Float32Array | Uint16Array | Int32Array | BigInt64Array;
}

/** What a measured run moves across the host/device boundary. */
export type RunMode = 'end-to-end' | 'compute-only';

/** A compiled model, ready to run batches. Created by {@link CompilerAdapter.compile}. */
export interface CompiledModel {
  /**
   * Binds the input for the batch size measured (outside the timed region) and returns the function
   * the harness times. Calling it runs the model once; it resolves to nothing (outputs stay with the
   * runtime) so that the timed region holds only the runtime's work. For a model with
   * {@link ModelArtifact.inputs}, `feeds` holds every input's tensor and `input` is the first float
   * input's values (empty when it has none).
   */
  prepare(input: Float32Array, batch: number, feeds?: readonly InputTensor[]): Promise<PreparedRun>;
  /** Releases the session and every tensor it holds. Safe to call twice. */
  dispose(): Promise<void>;
}

export interface PreparedRun {
  /** How this run moves data: host tensors in and out, or kept on the device. */
  readonly mode: RunMode;
  /** One inference of the prepared batch. The timed function. */
  run(): Promise<void> | void;
  /**
   * One inference whose output is read back to the host, for the correctness check: the compared
   * outputs ({@link ModelArtifact.outputNames}) as float32, one after another.
   */
  output(): Promise<Float32Array>;
  /** Frees tensors bound by prepare. */
  release(): Promise<void> | void;
  /**
   * For a runtime in another process (a worker, docs/worker-protocol.md): k inferences, each timed by
   * the runtime itself on its device clock, in ms. When present the harness uses these times instead
   * of timing {@link PreparedRun.run} across the process boundary.
   */
  timedCalls?(calls: number): Promise<readonly number[]>;
  /**
   * The compile time as the runtime measured it (a worker's first call, where lazy compilers compile),
   * which then replaces the harness's timing of `compile()` and `prepare()`.
   */
  readonly compileMs?: number;
  /** Named parts of the compile time, ms (e.g. JAX `lowerMs`, `compileMs`). */
  readonly compilePhases?: Readonly<Record<string, number>>;
}

export interface CompilerAdapter {
  /** Stable id used in keys and flags, e.g. `ort-cpu-all`. */
  readonly id: string;
  /** Runtime family, e.g. `onnxruntime-node`, `tfjs`. */
  readonly family: string;
  readonly hardware: HardwareKind;
  /** Settings that change what is measured (recorded with each case). */
  readonly settings: CompilerSettings;
  /** Runtime package versions this adapter depends on, e.g. `{ 'onnxruntime-node': '1.30.0' }`. */
  versions(): Promise<Readonly<Record<string, string>>>;
  /** Whether this compiler can run here, and if not, why. Never throws. */
  availability(): Promise<Availability>;
  /** Loads and compiles the model; the harness times this call as compile time. */
  compile(model: ModelArtifact): Promise<CompiledModel>;
  /** Optional GPU adapter description for the fingerprint, when the adapter used a GPU. */
  gpuInfo?(): Promise<GpuInfo | null>;
  /** Optional device memory in use, in bytes, when the runtime reports it. */
  deviceMemoryBytes?(): Promise<number | null>;
}

export interface GpuInfo {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  readonly driver: string;
}

/**
 * Thrown by an adapter that cannot run this particular model (e.g. an operator its converter lacks,
 * docs/worker-protocol.md `load` answering `available: false`): the case is `unavailable` with this
 * message as its reason, not `failed`. Other models may still run under the same compiler.
 */
export class UnavailableForModelError extends Error {
  override readonly name = 'UnavailableForModelError';
}
