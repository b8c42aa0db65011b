/**
 * TensorFlow.js as a "compiler": the graph IR executed op by op with TF.js kernels on one backend.
 *
 *  - `tfjs-cpu`: plain JavaScript kernels, the uncompiled extreme;
 *  - `tfjs-wasm`: XNNPACK compiled to WebAssembly (SIMD; single-threaded in Node, see settings);
 *  - `tfjs-webgpu` / `tfjs-webgpu-compute`: WGSL shaders on WebGPU (Dawn), end-to-end / compute-only;
 *  - `tfjs-node` / `tfjs-node-gpu`: libtensorflow through the optional `@tensorflow/tfjs-node(-gpu)`.
 *
 * Compile time = weight tensors + the first inference (batch 1): TF.js compiles kernels and shaders
 * lazily, on first use, so without that first run the first timed iteration would pay for them.
 * `prepare` runs once more at the prepared batch size (outside the timed region) because WebGPU
 * pipelines are specialised per shape.
 *
 * Run modes:
 *  - end-to-end (every backend): one run = host Float32Array → backend tensor (upload) → inference →
 *    output read back to a host Float32Array (`dataSync` on CPU/wasm, `await data()` on WebGPU);
 *  - compute-only (`tfjs-webgpu-compute`): the input tensor is uploaded once in `prepare` and stays on
 *    the GPU. One run = dispatch every kernel of the graph (TF.js's JavaScript side included: that
 *    *is* the runtime) + submit the command encoder + `await device.queue.onSubmittedWorkDone()`, i.e.
 *    until the GPU has finished all the work. The output never leaves the GPU and is freed.
 *
 * One TF.js backend is active per process (backends.ts): a run whose backend is not the active one
 * (another TF.js compiler ran in between, e.g. interleaved measurement) re-activates it first, which
 * costs that one sample a `tf.setBackend` of an already initialised backend: TF.js re-runs the kernels'
 * setup for it (~0.1 ms measured for a cpu → wasm switch, which re-binds the wasm kernel functions).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { packageVersion } from '../../harness/package-version.ts';
import {
  UnavailableForModelError,
  type Availability,
  type CompiledModel,
  type CompilerAdapter,
  type CompilerSettings,
  type GpuInfo,
  type HardwareKind,
  type ModelArtifact,
  type PreparedRun,
  type RunMode,
} from '../types.ts';
import { defaultRequestAdapter, getWebGpuAdapterInfo, probeWebGpu, webGpuPackageVersion, type RequestAdapterFn } from '../webgpu-device.ts';
import {
  activateBackend,
  isActive,
  isInstalled,
  registerBackend,
  setWebGpuRequestAdapter,
  TFJS_BACKEND_NAME,
  TFJS_BACKEND_PACKAGE,
  tfjsNodeMissingReason,
  WASM_SIMD,
  wasmBinaryName,
  type TfjsBackendKind,
} from './backends.ts';
import { TfjsGraphExecutor } from './executor.ts';

export const TFJS_ADAPTER_IDS = ['tfjs-cpu', 'tfjs-wasm', 'tfjs-webgpu', 'tfjs-webgpu-compute', 'tfjs-node', 'tfjs-node-gpu'] as const;
export type TfjsAdapterId = (typeof TFJS_ADAPTER_IDS)[number];

export interface TfjsAdapterOptions {
  readonly backend: TfjsBackendKind;
  /** Only WebGPU offers `compute-only`. @default 'end-to-end' */
  readonly mode?: RunMode;
  /** WebGPU adapter request, injectable for tests. @default Dawn's navigator.gpu.requestAdapter */
  readonly requestAdapter?: RequestAdapterFn;
  /** Package presence check, injectable for tests. @default require.resolve */
  readonly isInstalled?: (spec: string) => boolean;
}

const ADAPTER_IDS: Record<TfjsBackendKind, string> = {
  cpu: 'tfjs-cpu',
  wasm: 'tfjs-wasm',
  webgpu: 'tfjs-webgpu',
  node: 'tfjs-node',
  'node-gpu': 'tfjs-node-gpu',
};

export const TFJS_ADAPTER_DESCRIPTIONS: Readonly<Record<TfjsAdapterId, string>> = {
  'tfjs-cpu': 'TensorFlow.js CPU backend: plain JavaScript kernels, op by op (the uncompiled extreme)',
  'tfjs-wasm': 'TensorFlow.js WebAssembly backend (XNNPACK, SIMD, single-threaded in Node)',
  'tfjs-webgpu': 'TensorFlow.js WebGPU backend (Dawn), end-to-end: upload, run, read back',
  'tfjs-webgpu-compute': 'TensorFlow.js WebGPU backend (Dawn), compute-only: input resident, wait for the GPU queue',
  'tfjs-node': 'TensorFlow.js Node backend (libtensorflow, CPU)',
  'tfjs-node-gpu': 'TensorFlow.js Node GPU backend (libtensorflow with CUDA)',
};

export function tfjsAdapterOptions(id: TfjsAdapterId): TfjsAdapterOptions {
  switch (id) {
    case 'tfjs-cpu':
      return { backend: 'cpu' };
    case 'tfjs-wasm':
      return { backend: 'wasm' };
    case 'tfjs-webgpu':
      return { backend: 'webgpu', mode: 'end-to-end' };
    case 'tfjs-webgpu-compute':
      return { backend: 'webgpu', mode: 'compute-only' };
    case 'tfjs-node':
      return { backend: 'node' };
    case 'tfjs-node-gpu':
      return { backend: 'node-gpu' };
  }
}

export function createTfjsAdapter(id: TfjsAdapterId): TfjsAdapter {
  return new TfjsAdapter(tfjsAdapterOptions(id));
}

export class TfjsAdapter implements CompilerAdapter {
  readonly id: string;
  readonly family = 'tfjs';
  readonly hardware: HardwareKind;
  readonly settings: CompilerSettings;
  readonly kind: TfjsBackendKind;
  readonly mode: RunMode;
  readonly #requestAdapter: RequestAdapterFn;
  readonly #isInstalled: (spec: string) => boolean;

  constructor(options: TfjsAdapterOptions) {
    this.kind = options.backend;
    this.mode = options.mode ?? 'end-to-end';
    if (this.mode === 'compute-only' && this.kind !== 'webgpu') {
      throw new Error(`TF.js ${this.kind}: compute-only mode exists only for WebGPU (host and device memory are the same here)`);
    }
    this.id = ADAPTER_IDS[this.kind] + (this.mode === 'compute-only' ? '-compute' : '');
    this.hardware = this.kind === 'webgpu' || this.kind === 'node-gpu' ? 'gpu' : 'cpu';
    this.#requestAdapter = options.requestAdapter ?? defaultRequestAdapter;
    this.#isInstalled = options.isInstalled ?? isInstalled;
    this.settings = this.#describeSettings();
  }

  #describeSettings(): CompilerSettings {
    const common = {
      backend: TFJS_BACKEND_NAME[this.kind],
      mode: this.mode,
      executor: 'graph-ir interpreter, convolutions NHWC with tracked layouts',
      compileIncludesFirstInference: true,
      prodMode: true,
    };
    switch (this.kind) {
      case 'cpu':
        return common;
      case 'wasm':
        // tfjs-backend-wasm disables threads under Node (WASM_HAS_MULTITHREAD_SUPPORT is false when IS_NODE).
        return { ...common, threads: 1, simd: WASM_SIMD, wasmBinary: wasmBinaryName() };
      case 'webgpu':
        return { ...common, cpuForward: false, deferredSubmitBatchSize: 15 };
      case 'node':
      case 'node-gpu':
        return common;
    }
  }

  async versions(): Promise<Record<string, string>> {
    const out: Record<string, string> = { '@tensorflow/tfjs-core': tf.version_core };
    const pkg = TFJS_BACKEND_PACKAGE[this.kind];
    out[pkg] = packageVersion(pkg) ?? 'not installed';
    if (this.kind === 'webgpu') out.webgpu = webGpuPackageVersion() ?? 'not installed';
    return out;
  }

  async availability(): Promise<Availability> {
    try {
      switch (this.kind) {
        case 'cpu':
        case 'wasm':
          await registerBackend(this.kind);
          return { available: true };
        case 'webgpu': {
          const probe = await probeWebGpu(this.#requestAdapter);
          return probe.available ? { available: true } : { available: false, reason: probe.reason };
        }
        case 'node':
        case 'node-gpu': {
          if (!this.#isInstalled(TFJS_BACKEND_PACKAGE[this.kind])) return { available: false, reason: tfjsNodeMissingReason(this.kind) };
          await registerBackend(this.kind);
          return { available: true };
        }
      }
    } catch (error) {
      return { available: false, reason: `${TFJS_BACKEND_PACKAGE[this.kind]}: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  async gpuInfo(): Promise<GpuInfo | null> {
    return this.kind === 'webgpu' ? getWebGpuAdapterInfo(this.#requestAdapter) : null;
  }

  async deviceMemoryBytes(): Promise<number | null> {
    if (this.kind !== 'webgpu') return null;
    const backend = tf.engine().registry.webgpu as WebGPUBackend | undefined;
    if (backend === undefined) return null;
    return backend.memory().numBytesAllocatedInGPU;
  }

  async activate(): Promise<void> {
    if (this.kind === 'webgpu') setWebGpuRequestAdapter(this.#requestAdapter);
    await activateBackend(this.kind);
  }

  async compile(model: ModelArtifact): Promise<CompiledModel> {
    const graph = model.graph;
    if (graph === undefined) {
      // Not a failure of this case: TF.js runs this suite's graph IR, and an ONNX file has none (no ONNX
      // importer exists for TF.js). The case is reported unavailable with this reason.
      throw new UnavailableForModelError(
        `${this.id} runs models built from this suite's graph IR only (fixtures/); "${model.id}" is an ONNX file, which TF.js cannot load (it has no ONNX importer)`,
      );
    }
    const sampleShape = graph.input.shape.slice(1);
    if (graph.input.shape[0] !== 'N' || sampleShape.some((d, i) => d !== model.sampleShape[i]) || sampleShape.length !== model.sampleShape.length) {
      throw new Error(`${this.id}: graph input [${graph.input.shape.join(', ')}] does not match the sample shape [${model.sampleShape.join(', ')}]`);
    }
    await this.activate();
    const executor = TfjsGraphExecutor.compile(graph);
    try {
      // First inference: TF.js builds kernels/shaders on first use (counted as compile time).
      const x = tf.zeros([1, ...model.sampleShape]);
      const y = executor.run(x);
      await y.data();
      x.dispose();
      y.dispose();
    } catch (error) {
      executor.dispose();
      throw error;
    }
    return new TfjsCompiledModel(this, executor, [...model.sampleShape]);
  }
}

class TfjsCompiledModel implements CompiledModel {
  readonly #adapter: TfjsAdapter;
  readonly #executor: TfjsGraphExecutor;
  readonly #sampleShape: number[];
  readonly #prepared = new Set<{ release(): void }>();
  #disposed = false;

  constructor(adapter: TfjsAdapter, executor: TfjsGraphExecutor, sampleShape: number[]) {
    this.#adapter = adapter;
    this.#executor = executor;
    this.#sampleShape = sampleShape;
  }

  async prepare(input: Float32Array, batch: number): Promise<PreparedRun> {
    if (this.#disposed) throw new Error(`${this.#adapter.id}: prepare after dispose`);
    const shape = [batch, ...this.#sampleShape];
    const size = shape.reduce((p, d) => p * d, 1);
    if (input.length !== size) throw new Error(`${this.#adapter.id}: input has ${input.length} values, batch ${batch} needs ${size}`);
    const adapter = this.#adapter;
    const executor = this.#executor;
    await adapter.activate();
    const ensureActive = (): Promise<void> | undefined => (isActive(adapter.kind) ? undefined : adapter.activate());

    let resident: tf.Tensor | null = null;
    const release = (): void => {
      resident?.dispose();
      resident = null;
      this.#prepared.delete(handle);
    };
    const handle = { release };
    this.#prepared.add(handle);

    /** Runs on a fresh host copy of the input; returns the output read back to the host. */
    const endToEndAsync = async (): Promise<Float32Array> => {
      const x = tf.tensor(input, shape, 'float32');
      const y = executor.run(x);
      x.dispose();
      try {
        return (await y.data()) as Float32Array;
      } finally {
        y.dispose();
      }
    };
    const endToEndSync = (): Float32Array => {
      const x = tf.tensor(input, shape, 'float32');
      const y = executor.run(x);
      x.dispose();
      try {
        return y.dataSync() as Float32Array;
      } finally {
        y.dispose();
      }
    };

    if (adapter.mode === 'compute-only') {
      resident = tf.tensor(input, shape, 'float32');
      const x = resident;
      // Uploads the input (it stays on the GPU) and builds this batch size's pipelines.
      const warm = executor.run(x);
      await warm.data();
      warm.dispose();
      const computeOnce = async (): Promise<void> => {
        const y = executor.run(x);
        await gpuQueueDone();
        y.dispose();
      };
      return {
        mode: 'compute-only',
        run: () => {
          const switching = ensureActive();
          return switching === undefined ? computeOnce() : switching.then(computeOnce);
        },
        output: async () => {
          await ensureActive();
          const y = executor.run(x);
          try {
            return ((await y.data()) as Float32Array).slice();
          } finally {
            y.dispose();
          }
        },
        release,
      };
    }

    // End-to-end. WebGPU reads back asynchronously; CPU-side backends synchronously.
    const asyncRead = adapter.kind === 'webgpu' || adapter.kind === 'node-gpu';
    if (asyncRead) await endToEndAsync();
    else endToEndSync();
    return {
      mode: 'end-to-end',
      run: asyncRead
        ? () => {
            const switching = ensureActive();
            return switching === undefined ? endToEndAsync().then(() => undefined) : switching.then(endToEndAsync).then(() => undefined);
          }
        : () => {
            const switching = ensureActive();
            if (switching === undefined) {
              endToEndSync();
              return;
            }
            return switching.then(() => {
              endToEndSync();
            });
          },
      output: async () => {
        await ensureActive();
        // A copy: on the CPU backend dataSync hands out the tensor's own storage.
        return (asyncRead ? await endToEndAsync() : endToEndSync()).slice();
      },
      release,
    };
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const prepared of [...this.#prepared]) prepared.release();
    this.#executor.dispose();
  }
}

/**
 * Submits whatever TF.js's WebGPU backend has recorded and waits until the GPU queue has finished
 * all submitted work. No data is read back.
 */
async function gpuQueueDone(): Promise<void> {
  const backend = tf.backend() as WebGPUBackend;
  backend.ensureCommandEncoderReady();
  backend.endComputePassEncoder();
  backend.submitQueue();
  await backend.device.queue.onSubmittedWorkDone();
}
