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
}

/** What a measured run moves across the host/device boundary. */
export type RunMode = 'end-to-end' | 'compute-only';

/** A compiled model, ready to run batches. Created by {@link CompilerAdapter.compile}. */
export interface CompiledModel {
  /**
   * Binds the input for the batch size measured (outside the timed region) and returns the function
   * the harness times. Calling it runs the model once; it resolves to nothing (outputs stay with the
   * runtime) so that the timed region holds only the runtime's work.
   */
  prepare(input: Float32Array, batch: number): Promise<PreparedRun>;
  /** Releases the session and every tensor it holds. Safe to call twice. */
  dispose(): Promise<void>;
}

export interface PreparedRun {
  /** How this run moves data: host tensors in and out, or kept on the device. */
  readonly mode: RunMode;
  /** One inference of the prepared batch. The timed function. */
  run(): Promise<void> | void;
  /** One inference whose output is read back to the host, for the correctness check. */
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
