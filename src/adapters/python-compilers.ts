/**
 * The compilers of the Python worker (workers/python/, docs/compilers.md), as data: the registry lists
 * them without starting Python, and the worker's own catalogue (gcb_worker/compilers.py) must say the
 * same (test/worker-python-protocol.test.ts checks that it does).
 */
import type { HardwareKind, RunMode } from './types.ts';

export interface PythonCompilerInfo {
  readonly hardware: HardwareKind;
  /** Reference selection in gate.config.json (`reference.byFamily`) goes by this. */
  readonly family: string;
  readonly description: string;
  readonly framework: 'torch' | 'jax' | 'tensorrt';
  readonly device: 'cuda' | 'cpu';
  /** torch.compile's mode, `jit` for JAX, null for eager. */
  readonly compileMode: 'default' | 'max-autotune' | 'reduce-overhead' | 'jit' | null;
  readonly mode: RunMode;
}

type Base = Omit<PythonCompilerInfo, 'mode' | 'family' | 'description'> & { readonly family: string; readonly description: string };

function gpuPair(id: string, base: Base): Record<string, PythonCompilerInfo> {
  return {
    [id]: { ...base, description: `${base.description}, compute only: inputs stay on the device`, mode: 'compute-only' },
    [`${id}-e2e`]: {
      ...base,
      family: `${base.family}-e2e`,
      description: `${base.description}, end to end: every call copies the input in and the output out`,
      mode: 'end-to-end',
    },
  };
}

const torchCuda = { hardware: 'gpu', family: 'torch-cuda', framework: 'torch', device: 'cuda' } as const;

export const PYTHON_COMPILERS: Readonly<Record<string, PythonCompilerInfo>> = {
  ...gpuPair('torch-eager-cuda', { ...torchCuda, description: 'PyTorch eager on CUDA (the vendor reference)', compileMode: null }),
  ...gpuPair('torch-inductor-cuda', { ...torchCuda, description: 'PyTorch torch.compile, Inductor, default mode, on CUDA', compileMode: 'default' }),
  ...gpuPair('torch-inductor-max-autotune-cuda', {
    ...torchCuda,
    description: 'PyTorch torch.compile, Inductor, mode "max-autotune" (autotuned kernels, CUDA graphs), on CUDA',
    compileMode: 'max-autotune',
  }),
  ...gpuPair('torch-cudagraphs-cuda', {
    ...torchCuda,
    description: 'PyTorch torch.compile, Inductor with CUDA graphs (mode "reduce-overhead"), on CUDA',
    compileMode: 'reduce-overhead',
  }),
  ...gpuPair('jax-xla-cuda', { hardware: 'gpu', family: 'jax-cuda', framework: 'jax', device: 'cuda', description: 'JAX jax.jit, XLA, on CUDA', compileMode: 'jit' }),
  'tensorrt-cuda': {
    hardware: 'gpu',
    family: 'tensorrt-cuda',
    framework: 'tensorrt',
    device: 'cuda',
    description: 'NVIDIA TensorRT through the Python worker (not implemented: always unavailable)',
    compileMode: null,
    mode: 'compute-only',
  },
  'torch-eager-cpu': {
    hardware: 'cpu',
    family: 'torch-cpu',
    framework: 'torch',
    device: 'cpu',
    description: 'PyTorch eager on the CPU (the reference of torch-inductor-cpu)',
    compileMode: null,
    mode: 'end-to-end',
  },
  'torch-inductor-cpu': {
    hardware: 'cpu',
    family: 'torch-cpu',
    framework: 'torch',
    device: 'cpu',
    description: 'PyTorch torch.compile, Inductor, default mode, on the CPU (C++/OpenMP kernels)',
    compileMode: 'default',
    mode: 'end-to-end',
  },
};

export const PYTHON_COMPILER_IDS: readonly string[] = Object.keys(PYTHON_COMPILERS);
