/**
 * Every compiler the suite knows, by id. Runtimes load lazily: naming a compiler costs nothing until
 * it is created, and a runtime that is not installed shows up as unavailable, not as a crash.
 */
import { ORT_OPT_LEVELS, OrtNodeAdapter } from './ort-node.ts';
import { PYTHON_COMPILERS } from './python-compilers.ts';
import type { CompilerAdapter, HardwareKind } from './types.ts';

/** Settings a run resolves once (the run plan) and hands to every adapter it creates. */
export interface AdapterOptions {
  /** ONNX Runtime intra-op threads; undefined or null: the adapter's default for this machine. */
  readonly ortThreads?: number | null;
}

interface CompilerEntry {
  readonly hardware: HardwareKind;
  readonly description: string;
  readonly create: (options: AdapterOptions) => Promise<CompilerAdapter>;
}

const ortThreadsOf = (options: AdapterOptions): { threads?: number } =>
  options.ortThreads === undefined || options.ortThreads === null ? {} : { threads: options.ortThreads };

const ortCpu = Object.fromEntries(
  ORT_OPT_LEVELS.map((level) => [
    `ort-cpu-${level}`,
    {
      hardware: 'cpu',
      description:
        level === 'disabled'
          ? 'ONNX Runtime CPU, graph optimisations off: the uncompiled reference'
          : `ONNX Runtime CPU, graph optimisation level "${level}"`,
      create: async (options) => new OrtNodeAdapter({ provider: 'cpu', optLevel: level, ...ortThreadsOf(options) }),
    } satisfies CompilerEntry,
  ]),
);

// TF.js and onnxruntime-web are imported only when one of their compilers is created: importing
// tfjs-core alone costs ~100 ms.
const TFJS_ENTRIES: Readonly<Record<string, { hardware: HardwareKind; description: string }>> = {
  'tfjs-cpu': { hardware: 'cpu', description: 'TensorFlow.js plain-JavaScript CPU kernels: the uncompiled extreme' },
  'tfjs-wasm': { hardware: 'cpu', description: 'TensorFlow.js WebAssembly backend (XNNPACK), one thread' },
  'tfjs-webgpu': { hardware: 'gpu', description: 'TensorFlow.js WebGPU backend (Dawn), end to end: host input in, host output out' },
  'tfjs-webgpu-compute': { hardware: 'gpu', description: 'TensorFlow.js WebGPU backend (Dawn), compute only: tensors stay on the device' },
  'tfjs-node': { hardware: 'cpu', description: 'TensorFlow.js with libtensorflow (@tensorflow/tfjs-node), optional' },
  'tfjs-node-gpu': { hardware: 'gpu', description: 'TensorFlow.js with libtensorflow CUDA (@tensorflow/tfjs-node-gpu), optional' },
};
const tfjs = Object.fromEntries(
  Object.entries(TFJS_ENTRIES).map(([id, entry]) => [
    id,
    {
      ...entry,
      create: async () => {
        const { createTfjsAdapter } = await import('./tfjs/adapter.ts');
        return createTfjsAdapter(id as Parameters<typeof createTfjsAdapter>[0]);
      },
    } satisfies CompilerEntry,
  ]),
);
const ortWeb = Object.fromEntries(
  (['ort-wasm-t1', 'ort-wasm-t2'] as const).map((id) => [
    id,
    {
      hardware: 'cpu',
      description: `onnxruntime-web WebAssembly backend, ${id.endsWith('t1') ? 'one thread' : 'two threads'}, all graph optimisations`,
      create: async () => {
        const { createOrtWebAdapter } = await import('./ort-web.ts');
        return createOrtWebAdapter(id);
      },
    } satisfies CompilerEntry,
  ]),
);

// PyTorch and JAX in the shared Python worker (docs/compilers.md); Python starts on first use.
const python = Object.fromEntries(
  Object.entries(PYTHON_COMPILERS).map(([id, info]) => [
    id,
    {
      hardware: info.hardware,
      description: info.description,
      create: async () => {
        const { createPythonWorkerAdapter } = await import('./python-worker.ts');
        return createPythonWorkerAdapter(id);
      },
    } satisfies CompilerEntry,
  ]),
);

const COMPILERS: Readonly<Record<string, CompilerEntry>> = {
  ...ortCpu,
  ...ortWeb,
  ...tfjs,
  'ort-webgpu-disabled': {
    hardware: 'gpu',
    description: 'ONNX Runtime WebGPU execution provider (Dawn), graph optimisations off',
    create: async (options) => new OrtNodeAdapter({ provider: 'webgpu', optLevel: 'disabled', ...ortThreadsOf(options) }),
  },
  'ort-webgpu-all': {
    hardware: 'gpu',
    description: 'ONNX Runtime WebGPU execution provider (Dawn), all graph optimisations',
    create: async (options) => new OrtNodeAdapter({ provider: 'webgpu', optLevel: 'all', ...ortThreadsOf(options) }),
  },
  'ort-cuda-all': {
    hardware: 'gpu',
    description: 'ONNX Runtime CUDA execution provider (vendor compiler), all graph optimisations',
    create: async (options) => new OrtNodeAdapter({ provider: 'cuda', optLevel: 'all', ...ortThreadsOf(options) }),
  },
  'ort-tensorrt-all': {
    hardware: 'gpu',
    description: 'ONNX Runtime TensorRT execution provider (vendor compiler)',
    create: async (options) => new OrtNodeAdapter({ provider: 'tensorrt', optLevel: 'all', ...ortThreadsOf(options) }),
  },
  ...python,
};

/** The compiler every other one is checked against and compared with. */
export const REFERENCE_COMPILER = 'ort-cpu-disabled';

export const COMPILER_IDS: readonly string[] = Object.keys(COMPILERS);

export class UnknownCompilerError extends Error {
  override readonly name = 'UnknownCompilerError';
}

function entry(id: string): CompilerEntry {
  const found = COMPILERS[id];
  if (found === undefined) {
    throw new UnknownCompilerError(`unknown compiler "${id}"; valid compilers: ${COMPILER_IDS.join(', ')}`);
  }
  return found;
}

export function compilerHardware(id: string): HardwareKind {
  return entry(id).hardware;
}

export function compilerDescription(id: string): string {
  return entry(id).description;
}

export function createAdapter(id: string, options: AdapterOptions = {}): Promise<CompilerAdapter> {
  return entry(id).create(options);
}
