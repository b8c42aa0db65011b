"""The compilers this worker offers, and whether each can run here (with the precise reason when not).

Probing is cheap on purpose: it runs once per worker start, and a benchmark run starts a worker per
spec file. torch is imported (its CUDA device is what the fingerprint records); JAX is only looked up
(importing it and starting its GPU client costs seconds): whether it really has a GPU is settled by
the first `load` of a JAX compiler, which answers `available: false` with JAX's own error if not.
"""
from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import os
import platform
import shutil
import subprocess
import sys
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CompilerSpec:
    id: str
    hardware: str  # 'cpu' | 'gpu'
    family: str
    description: str
    framework: str  # 'torch' | 'jax' | 'tensorrt'
    device: str  # 'cuda' | 'cpu'
    # torch.compile mode ('default', 'max-autotune', 'reduce-overhead'); 'jit' for JAX; None: eager.
    compile_mode: str | None
    mode: str  # 'compute-only' | 'end-to-end'


def _gpu_pair(id_: str, family: str, description: str, framework: str, compile_mode: str | None) -> list[CompilerSpec]:
    return [
        CompilerSpec(id_, 'gpu', family, f'{description}, compute only: inputs stay on the device', framework, 'cuda', compile_mode, 'compute-only'),
        CompilerSpec(f'{id_}-e2e', 'gpu', f'{family}-e2e', f'{description}, end to end: every call copies the input in and the output out',
                     framework, 'cuda', compile_mode, 'end-to-end'),
    ]


CATALOGUE: list[CompilerSpec] = [
    *_gpu_pair('torch-eager-cuda', 'torch-cuda', 'PyTorch eager on CUDA (the vendor reference)', 'torch', None),
    *_gpu_pair('torch-inductor-cuda', 'torch-cuda', 'PyTorch torch.compile, Inductor, default mode, on CUDA', 'torch', 'default'),
    *_gpu_pair('torch-inductor-max-autotune-cuda', 'torch-cuda', 'PyTorch torch.compile, Inductor, mode "max-autotune" (autotuned kernels, CUDA graphs), on CUDA', 'torch', 'max-autotune'),
    *_gpu_pair('torch-cudagraphs-cuda', 'torch-cuda', 'PyTorch torch.compile, Inductor with CUDA graphs (mode "reduce-overhead"), on CUDA', 'torch', 'reduce-overhead'),
    *_gpu_pair('jax-xla-cuda', 'jax-cuda', 'JAX jax.jit, XLA, on CUDA', 'jax', 'jit'),
    CompilerSpec('tensorrt-cuda', 'gpu', 'tensorrt-cuda', 'NVIDIA TensorRT through the Python worker (not implemented: always unavailable)', 'tensorrt', 'cuda', None, 'compute-only'),
    CompilerSpec('torch-eager-cpu', 'cpu', 'torch-cpu', 'PyTorch eager on the CPU (the reference of torch-inductor-cpu)', 'torch', 'cpu', None, 'end-to-end'),
    CompilerSpec('torch-inductor-cpu', 'cpu', 'torch-cpu', 'PyTorch torch.compile, Inductor, default mode, on the CPU (C++/OpenMP kernels)', 'torch', 'cpu', 'default', 'end-to-end'),
]

BY_ID = {spec.id: spec for spec in CATALOGUE}


def jax_platform() -> str:
    """The JAX platform the jax-xla-cuda compilers use: the GPU, except in the worker's own tests, where
    GCB_WORKER_TEST_JAX_PLATFORM=cpu runs their whole session on JAX's CPU device (no GPU here)."""
    return os.environ.get('GCB_WORKER_TEST_JAX_PLATFORM', 'gpu')


def compile_cache_kind() -> str:
    """Where Inductor's caches live: a fresh directory per worker (every first compile is cold), or the
    persistent one named by GCB_TORCH_CACHE_DIR (warm compiles across runs)."""
    return 'persistent' if os.environ.get('GCB_TORCH_CACHE_DIR') else 'per-worker'


def default_settings(spec: CompilerSpec) -> dict[str, Any]:
    """Every setting in force for `spec`, defaults included; `load` echoes them."""
    settings: dict[str, Any] = {'dtype': 'float32', 'mode': spec.mode}
    if spec.framework == 'torch':
        if spec.device == 'cuda':
            settings.update(tf32=False, cudnnBenchmark=False, matmulPrecision='highest')
        else:
            settings.update(threads=_torch_threads(), threadSpinning=False)
        if spec.compile_mode is not None:
            settings.update(compileMode=spec.compile_mode, fullGraph=True, dynamicShapes=False, compileCache=compile_cache_kind())
            if spec.device == 'cuda':
                settings.update(cudaGraphs=spec.compile_mode in ('reduce-overhead', 'max-autotune'))
    elif spec.framework == 'jax':
        settings.update(matmulPrecision='highest', memoryPreallocation=False)
    return settings


def _torch_threads() -> int:
    try:
        import torch

        return int(torch.get_num_threads())
    except Exception:  # noqa: BLE001 (torch missing: the compiler is unavailable anyway)
        return 1


def python_label() -> str:
    return f'{sys.executable} (Python {platform.python_version()})'


def _version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def _import_error(module: str) -> str | None:
    try:
        importlib.import_module(module)
        return None
    except Exception as error:  # noqa: BLE001 (any import failure is a reason)
        return f'{type(error).__name__}: {error}'


class Probe:
    """What this interpreter has: versions, the CUDA device, and each compiler's availability."""

    def __init__(self) -> None:
        self.python = python_label()
        self.runtimes: dict[str, str] = {'python': platform.python_version()}
        self.device: dict[str, str] | None = None
        self.reasons: dict[str, str | None] = {}
        self._probe()

    def available(self, compiler_id: str) -> tuple[bool, str | None]:
        reason = self.reasons.get(compiler_id)
        return reason is None, reason

    def _probe(self) -> None:
        # The framework first: "torch is not installed" says more than a missing helper package.
        torch_reason = self._torch_reason()
        jax_reason = self._jax_reason()
        base = self._base_reason()
        torch_reason = torch_reason or base
        cuda_reason = torch_reason or self._cuda_reason()
        compile_reason = torch_reason or self._torch_compile_reason()
        triton_reason = self._triton_reason()
        cxx_reason = self._cxx_reason()
        jax_reason = jax_reason or base
        tensorrt_reason = self._tensorrt_reason()
        for spec in CATALOGUE:
            if spec.framework == 'tensorrt':
                reason: str | None = tensorrt_reason
            elif spec.framework == 'jax':
                reason = jax_reason
            elif spec.device == 'cuda':
                reason = cuda_reason or (compile_reason if spec.compile_mode else None) or (triton_reason if spec.compile_mode else None)
            else:
                reason = torch_reason or (compile_reason if spec.compile_mode else None) or (cxx_reason if spec.compile_mode else None)
            self.reasons[spec.id] = reason

    def _base_reason(self) -> str | None:
        for module, why in (('numpy', ''), ('onnx', ' (the worker reads models with it)')):
            error = _import_error(module)
            if error is not None:
                if 'No module named' in error:
                    return f'{module} is not installed for {self.python}{why}'
                return f'{module} failed to import for {self.python}: {error}'
            self.runtimes[module] = importlib.import_module(module).__version__
        return None

    def _torch_reason(self) -> str | None:
        error = _import_error('torch')
        if error is not None:
            if "No module named 'torch'" in error:
                return f'torch is not installed for {self.python}'
            return f'torch failed to import for {self.python}: {error}'
        import torch

        self.runtimes['torch'] = torch.__version__
        return None

    def _cuda_reason(self) -> str | None:
        import torch

        version = torch.__version__
        if torch.version.cuda is None and getattr(torch.version, 'hip', None) is None:
            return f'torch {version} is built without CUDA: there is no CUDA device for it'
        self.runtimes['cuda'] = str(torch.version.cuda or torch.version.hip)
        try:
            available = torch.cuda.is_available()
        except Exception as error:  # noqa: BLE001
            return f'torch {version} (CUDA {torch.version.cuda}) cannot use CUDA: {type(error).__name__}: {error}'
        if not available:
            return f'torch {version} (CUDA {torch.version.cuda}) sees no CUDA device (torch.cuda.is_available() is False)'
        try:
            props = torch.cuda.get_device_properties(0)
        except Exception as error:  # noqa: BLE001
            return f'torch {version} cannot open CUDA device 0: {type(error).__name__}: {error}'
        cudnn = torch.backends.cudnn.version() if torch.backends.cudnn.is_available() else None
        if cudnn is not None:
            self.runtimes['cudnn'] = str(cudnn)
        self.device = {
            'vendor': 'amd' if getattr(torch.version, 'hip', None) else 'nvidia',
            'architecture': f'sm_{props.major}{props.minor}',
            'device': props.name,
            'description': f'{props.name}, {props.total_memory / 2**30:.0f} GiB, compute capability {props.major}.{props.minor}, '
                           f'CUDA runtime {torch.version.cuda}',
            'driver': _nvidia_driver(),
        }
        return None

    def _torch_compile_reason(self) -> str | None:
        import torch

        if not hasattr(torch, 'compile'):
            return f'torch {torch.__version__} has no torch.compile (needs torch ≥ 2.0)'
        return None

    def _triton_reason(self) -> str | None:
        if importlib.util.find_spec('triton') is None:
            return f"triton is not installed for {self.python}: torch.compile's Inductor generates Triton kernels for CUDA"
        version = _version('triton') or _version('pytorch-triton')
        if version:
            self.runtimes['triton'] = version
        return None

    def _cxx_reason(self) -> str | None:
        candidates = [os.environ['CXX']] if os.environ.get('CXX') else ['g++', 'c++', 'clang++']
        if not any(shutil.which(c) for c in candidates):
            return f"no C++ compiler ({', '.join(candidates)}) on PATH: Inductor's CPU backend compiles C++ kernels"
        return None

    def _jax_reason(self) -> str | None:
        if importlib.util.find_spec('jax') is None:
            return f'jax is not installed for {self.python}'
        version = _version('jax') or 'unknown'
        self.runtimes['jax'] = version
        jaxlib = _version('jaxlib')
        if jaxlib:
            self.runtimes['jaxlib'] = jaxlib
        if jax_platform() != 'gpu':
            return None  # tests: the JAX compilers run on another platform (see jax_platform)
        plugins = [d for d in ('jax-cuda12-plugin', 'jax-cuda13-plugin', 'jax-cuda11-plugin') if _version(d)]
        if plugins:
            self.runtimes[plugins[0]] = _version(plugins[0]) or ''
            return None
        modules = ('jax_cuda12_plugin', 'jax_cuda13_plugin', 'jax_plugins.xla_cuda12', 'jax_plugins.xla_cuda13', 'jaxlib.cuda')
        for module in modules:
            try:
                if importlib.util.find_spec(module) is not None:
                    return None
            except (ImportError, ValueError):
                continue
        return f'jax {version} has no GPU backend: no CUDA plugin (jax-cuda12-plugin or jax-cuda13-plugin) is installed for {self.python}'

    def _tensorrt_reason(self) -> str:
        found = [m for m in ('tensorrt', 'torch_tensorrt') if importlib.util.find_spec(m) is not None]
        if not found:
            return f'neither tensorrt nor torch_tensorrt is installed for {self.python}'
        errors = [f'{m}: {e}' for m in found if (e := _import_error(m)) is not None]
        if errors:
            return f'{" and ".join(found)} failed to import: {"; ".join(errors)}'
        versions = ', '.join(f'{m} {_version(m.replace("_", "-")) or "?"}' for m in found)
        return f'{versions} installed, but this worker has no TensorRT path yet (tensorrt-cuda is always unavailable)'


def _nvidia_driver() -> str:
    try:
        done = subprocess.run(['nvidia-smi', '--query-gpu=driver_version', '--format=csv,noheader'],
                              capture_output=True, text=True, timeout=10, check=False)
        line = done.stdout.strip().splitlines()
        if done.returncode == 0 and line:
            return line[0].strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return ''
