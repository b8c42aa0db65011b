/**
 * Every compiler the suite knows, by id. Runtimes load lazily: naming a compiler costs nothing until
 * it is created, and a runtime that is not installed shows up as unavailable, not as a crash.
 */
import { ORT_OPT_LEVELS, OrtNodeAdapter } from './ort-node.ts';
import type { CompilerAdapter, HardwareKind } from './types.ts';

interface CompilerEntry {
  readonly hardware: HardwareKind;
  readonly description: string;
  readonly create: () => Promise<CompilerAdapter>;
}

const ortCpu = Object.fromEntries(
  ORT_OPT_LEVELS.map((level) => [
    `ort-cpu-${level}`,
    {
      hardware: 'cpu',
      description:
        level === 'disabled'
          ? 'ONNX Runtime CPU, graph optimisations off: the uncompiled reference'
          : `ONNX Runtime CPU, graph optimisation level "${level}"`,
      create: async () => new OrtNodeAdapter({ provider: 'cpu', optLevel: level }),
    } satisfies CompilerEntry,
  ]),
);

const COMPILERS: Readonly<Record<string, CompilerEntry>> = {
  ...ortCpu,
  'ort-webgpu-disabled': {
    hardware: 'gpu',
    description: 'ONNX Runtime WebGPU execution provider (Dawn), graph optimisations off',
    create: async () => new OrtNodeAdapter({ provider: 'webgpu', optLevel: 'disabled' }),
  },
  'ort-webgpu-all': {
    hardware: 'gpu',
    description: 'ONNX Runtime WebGPU execution provider (Dawn), all graph optimisations',
    create: async () => new OrtNodeAdapter({ provider: 'webgpu', optLevel: 'all' }),
  },
  'ort-cuda-all': {
    hardware: 'gpu',
    description: 'ONNX Runtime CUDA execution provider (vendor compiler), all graph optimisations',
    create: async () => new OrtNodeAdapter({ provider: 'cuda', optLevel: 'all' }),
  },
  'ort-tensorrt-all': {
    hardware: 'gpu',
    description: 'ONNX Runtime TensorRT execution provider (vendor compiler)',
    create: async () => new OrtNodeAdapter({ provider: 'tensorrt', optLevel: 'all' }),
  },
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

export function createAdapter(id: string): Promise<CompilerAdapter> {
  return entry(id).create();
}
