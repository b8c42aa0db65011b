/**
 * ONNX Runtime for Node.js. One adapter per (execution provider, graph optimisation level): the
 * optimisation level *is* the graph compiler being measured, `disabled` is the uncompiled reference.
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import type * as OrtTypes from 'onnxruntime-node';
import { packageVersion } from '../harness/package-version.ts';
import { NO_SPINNING, OrtCompiledModel, type OrtSessionLike } from './ort-session.ts';
import type {
  Availability,
  CompiledModel,
  CompilerAdapter,
  CompilerSettings,
  GpuInfo,
  ModelArtifact,
} from './types.ts';

export const ORT_OPT_LEVELS = ['disabled', 'basic', 'extended', 'all'] as const;
export type OrtOptLevel = (typeof ORT_OPT_LEVELS)[number];

export const ORT_NODE_PROVIDERS = ['cpu', 'webgpu', 'cuda', 'tensorrt'] as const;
export type OrtNodeProvider = (typeof ORT_NODE_PROVIDERS)[number];

export interface OrtNodeOptions {
  provider: OrtNodeProvider;
  optLevel: OrtOptLevel;
  /**
   * Intra-op threads. 0 lets ONNX Runtime choose (one per physical core).
   * @default GCB_ORT_THREADS when set; else 1 on machines with at most 2 cores, 0 (ONNX Runtime's choice) above
   */
  threads?: number;
}

const require = createRequire(import.meta.url);
type Ort = typeof OrtTypes;
let ortModule: Ort | Error | undefined;

/** Loads onnxruntime-node once; a load failure is kept as data so availability can report it. */
function loadOrt(): Ort | Error {
  if (ortModule === undefined) {
    try {
      ortModule = require('onnxruntime-node') as Ort;
    } catch (error) {
      ortModule = error instanceof Error ? error : new Error(String(error));
    }
  }
  return ortModule;
}

function ortVersion(): string {
  return packageVersion('onnxruntime-node') ?? 'unknown';
}

function defaultThreads(): number {
  const fromEnv = process.env.GCB_ORT_THREADS;
  if (fromEnv !== undefined && fromEnv !== '') {
    const parsed = Number(fromEnv);
    if (!Number.isInteger(parsed) || parsed < 0) {
      throw new Error(`GCB_ORT_THREADS must be a whole number >= 0, got "${fromEnv}"`);
    }
    return parsed;
  }
  // On a machine of two cores or fewer, a second intra-op thread competes with the harness's own
  // process for the cores, and latencies swing by 2–4× between runs whenever anything else runs;
  // one thread keeps them within a few percent. With more cores, ONNX Runtime chooses (0).
  return os.availableParallelism() <= 2 ? 1 : 0;
}

const PROVIDER_HARDWARE: Record<OrtNodeProvider, 'cpu' | 'gpu'> = {
  cpu: 'cpu',
  webgpu: 'gpu',
  cuda: 'gpu',
  tensorrt: 'gpu',
};

const UNBUNDLED_REASON: Partial<Record<OrtNodeProvider, string>> = {
  cuda:
    'onnxruntime-node ships without the CUDA provider here: its install script downloads it ' +
    '(ONNXRUNTIME_NODE_INSTALL=cuda12) from a host this machine cannot reach',
  tensorrt:
    'onnxruntime-node ships without the TensorRT provider here: it needs the CUDA provider package ' +
    '(ONNXRUNTIME_NODE_INSTALL=cuda12) and TensorRT libraries, neither installed',
};

export class OrtNodeAdapter implements CompilerAdapter {
  readonly id: string;
  readonly family = 'onnxruntime-node';
  readonly hardware: 'cpu' | 'gpu';
  readonly settings: CompilerSettings;
  readonly #options: Required<OrtNodeOptions>;

  constructor(options: OrtNodeOptions) {
    this.#options = { threads: options.threads ?? defaultThreads(), ...options };
    this.id = `ort-${options.provider}-${options.optLevel}`;
    this.hardware = PROVIDER_HARDWARE[options.provider];
    this.settings = {
      executionProvider: options.provider,
      graphOptimizationLevel: options.optLevel,
      intraOpNumThreads: this.#options.threads,
      executionMode: 'sequential',
      threadSpinning: false,
    };
  }

  async versions(): Promise<Record<string, string>> {
    return { 'onnxruntime-node': ortVersion() };
  }

  async availability(): Promise<Availability> {
    const ort = loadOrt();
    if (ort instanceof Error) return { available: false, reason: `onnxruntime-node failed to load: ${ort.message}` };
    const backends = (ort as Ort & { listSupportedBackends?: () => { name: string; bundled: boolean }[] })
      .listSupportedBackends?.() ?? [{ name: 'cpu', bundled: true }];
    const entry = backends.find((b) => b.name === this.#options.provider);
    if (entry === undefined) {
      return { available: false, reason: `onnxruntime-node ${ortVersion()} has no ${this.#options.provider} execution provider` };
    }
    if (!entry.bundled) {
      return {
        available: false,
        reason: UNBUNDLED_REASON[this.#options.provider] ?? `${this.#options.provider} execution provider is not bundled`,
      };
    }
    if (this.#options.provider === 'webgpu') {
      const { probeWebGpu } = await import('./webgpu-device.ts');
      const probe = await probeWebGpu();
      if (!probe.available) return { available: false, reason: probe.reason };
    }
    return { available: true };
  }

  async gpuInfo(): Promise<GpuInfo | null> {
    if (this.hardware !== 'gpu') return null;
    const { getWebGpuAdapterInfo } = await import('./webgpu-device.ts');
    return getWebGpuAdapterInfo();
  }

  async compile(model: ModelArtifact): Promise<CompiledModel> {
    const ort = loadOrt();
    if (ort instanceof Error) throw ort;
    // By path when the model is a file: ONNX Runtime then finds external data beside it (models over 2 GB).
    const source = model.path ?? Buffer.from(model.onnx);
    const options = {
      executionProviders: [this.#options.provider],
      graphOptimizationLevel: this.#options.optLevel,
      intraOpNumThreads: this.#options.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      extra: NO_SPINNING,
    } as const;
    const session = typeof source === 'string' ? await ort.InferenceSession.create(source, options) : await ort.InferenceSession.create(source, options);
    return new OrtCompiledModel((dtype, data, dims) => new ort.Tensor(dtype, data, dims), session as unknown as OrtSessionLike, model);
  }
}
