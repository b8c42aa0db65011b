"""PyTorch: the planning backend, the generated nn.Module, and one handle's session (eager or
torch.compile, CUDA or CPU, compute-only or end-to-end) with its timed loop.

Timing. On CUDA each call is bracketed by a pair of torch.cuda.Event(enable_timing=True) recorded on
the current stream, and the host waits for the end event before the next call starts: a call's time
is the device-clock time from the start event to the end of its last kernel (or copy), which includes
the host's launch work whenever the GPU waits for it (the cost a compiler removes on small models).
On the CPU each call is timed with perf_counter_ns. The garbage collector is off while timing.
"""
from __future__ import annotations

import time
from typing import Any, Callable, Sequence

import numpy as np
import torch

from . import torch_ops
from .compilers import CompilerSpec
from .planner import Backend, Plan
from .timing import Slowdown, no_gc

_TORCH_DTYPE_NAMES = {v: k for k, v in torch_ops.DTYPES.items()}
CUDA_GRAPH_MODES = ('reduce-overhead', 'max-autotune')


class TorchPlanning(Backend):
    """Plans on the CPU: constants are folded there, shapes come from running the ops once."""

    name = 'torch'
    ops = torch_ops

    def from_numpy(self, array: np.ndarray) -> Any:
        return torch.from_numpy(np.array(array, copy=True))

    def to_numpy(self, tensor: Any) -> np.ndarray:
        return tensor.detach().cpu().numpy()

    def zeros(self, shape: Sequence[int], dtype: str) -> Any:
        return torch.zeros(tuple(shape), dtype=torch_ops.DTYPES[dtype])

    def dtype(self, tensor: Any) -> str:
        return _TORCH_DTYPE_NAMES[tensor.dtype]

    def const_ref(self, name: str) -> str:
        return f'self.{name}'

    def signature(self, inputs: list[str]) -> str:
        return ', '.join(['self', *inputs])


def module_class(plan: Plan, label: str) -> type:
    """An nn.Module class whose forward is the plan's source. One class per (model, batch): later
    sessions of a case make new instances (new weights on the device) of the same class, so that
    TorchDynamo finds the code it already compiled."""
    forward = plan.build({'F': torch_ops, 'torch': torch}, filename=f'<gcb-generated {label}>')

    def __init__(self: torch.nn.Module, constants: dict[str, torch.Tensor]) -> None:
        torch.nn.Module.__init__(self)
        for key, tensor in constants.items():
            if tensor.is_floating_point():
                self.register_parameter(key, torch.nn.Parameter(tensor, requires_grad=False))
            else:
                self.register_buffer(key, tensor)

    return type(f'GcbGenerated_{abs(hash(label)) % 10**8}', (torch.nn.Module,), {'__init__': __init__, 'forward': forward})


_primed: set[tuple[str, str]] = set()


def prime_inductor(mode: str, device: str) -> None:
    """Pays the process's one-time costs of torch.compile (importing Inductor, starting its compile
    workers, Triton and CUDA-graph set-up) on a two-op function, so that they do not land in the first
    model's compile time. Once per mode and device per worker."""
    if (mode, device) in _primed:
        return
    _primed.add((mode, device))
    fn = torch.compile(lambda a, b: torch.relu(a @ b + 1.0), mode=None if mode == 'default' else mode, fullgraph=True, dynamic=False)
    a = torch.ones(16, 16, device=device)
    with torch.no_grad():
        for _ in range(3):
            fn(a, a)
    if device == 'cuda':
        torch.cuda.synchronize()
    # No torch._dynamo.reset() here: it would drop the compiled code of handles already loaded.
    del fn


_device_warm = False


def warm_device() -> None:
    """Creates the CUDA context's library handles (cuBLAS, cuDNN) with a small matmul and convolution,
    once per worker, so that the first case's first call is not charged for them."""
    global _device_warm
    if _device_warm:
        return
    _device_warm = True
    with torch.no_grad():
        x = torch.ones(1, 4, 8, 8, device='cuda')
        torch.nn.functional.conv2d(x, torch.ones(4, 4, 3, 3, device='cuda'), padding=1)
        torch.ones(8, 8, device='cuda') @ torch.ones(8, 8, device='cuda')
    torch.cuda.synchronize()


def set_precision(tf32: bool, cudnn_benchmark: bool) -> None:
    """float32 math stays float32 unless asked: TF32 off for cuBLAS and cuDNN, matmul precision
    'highest' (the legacy switches only: mixing them with torch ≥ 2.9's fp32_precision API is an error)."""
    torch.backends.cuda.matmul.allow_tf32 = tf32
    torch.backends.cudnn.allow_tf32 = tf32
    torch.set_float32_matmul_precision('high' if tf32 else 'highest')
    torch.backends.cudnn.benchmark = cudnn_benchmark


def _cudagraph_skips() -> int:
    try:
        from torch._dynamo.utils import counters

        return int(counters['inductor'].get('cudagraph_skips', 0))
    except Exception:  # noqa: BLE001
        return 0


class TorchSession:
    def __init__(self, spec: CompilerSpec, cls: type, plan: Plan, settings: dict[str, Any]) -> None:
        self.spec = spec
        self.mode = spec.mode
        self.cuda = spec.device == 'cuda'
        self.device = torch.device('cuda' if self.cuda else 'cpu')
        self.slowdown = Slowdown(settings.get('testSlowdown'))
        with torch.no_grad():
            # A copy per session (also on the CPU): each session places its own weights.
            constants = {name: t.to(self.device, copy=True) for name, t in plan.constants.items()}
            self.module = cls(constants).eval()
        self.compiled = spec.compile_mode is not None
        if self.compiled:
            mode = None if spec.compile_mode == 'default' else spec.compile_mode
            self.fn: Callable[..., Any] = torch.compile(self.module, mode=mode, fullgraph=True, dynamic=False)
        else:
            self.fn = self.module
        # "reduce-overhead" and "max-autotune" both replay CUDA graphs (torch.compile's definition of the modes).
        self.cuda_graphs = self.cuda and spec.compile_mode in CUDA_GRAPH_MODES
        self.mark_step = getattr(getattr(torch, 'compiler', None), 'cudagraph_mark_step_begin', None) if self.cuda_graphs else None
        self.inputs_host: list[torch.Tensor] = []
        self.inputs_device: list[torch.Tensor] = []

    # ------------------------------------------------------------------ inputs and calls

    def bind(self, arrays: list[np.ndarray]) -> None:
        self.inputs_host = [torch.from_numpy(np.array(a, copy=True)) for a in arrays]
        # Compute-only: copied to the device once, here. End-to-end: copied in every call.
        self.inputs_device = [t.to(self.device) for t in self.inputs_host] if self.mode == 'compute-only' else []
        self._sync()

    def _sync(self) -> None:
        if self.cuda:
            torch.cuda.synchronize()

    def _invoke(self) -> tuple[torch.Tensor, ...]:
        if self.mode == 'compute-only' or not self.cuda:
            return self.fn(*(self.inputs_device if self.mode == 'compute-only' else self.inputs_host))
        outputs = self.fn(*(t.to(self.device) for t in self.inputs_host))
        return tuple(o.to('cpu') for o in outputs)

    def first_call(self) -> tuple[float, dict[str, float]]:
        """The first call, timed: where torch.compile traces, compiles (and autotunes); with CUDA graphs
        also the calls that record them."""
        skips = _cudagraph_skips()
        with torch.no_grad():
            self._sync()
            if self.mark_step is not None:
                self.mark_step()
            start = time.perf_counter_ns()
            out = self._invoke()
            self._sync()
            first_ms = (time.perf_counter_ns() - start) / 1e6
            del out
            if not self.cuda_graphs:
                return first_ms, {}
            # CUDA graph trees run the first call as a warm-up, record on the second and replay from
            # the third: the recording is part of what this compiler costs before it runs at speed.
            start = time.perf_counter_ns()
            for _ in range(2):
                if self.mark_step is not None:
                    self.mark_step()
                out = self._invoke()
                self._sync()
                del out
            capture_ms = (time.perf_counter_ns() - start) / 1e6
        if _cudagraph_skips() > skips:
            raise RuntimeError(f'torch.compile(mode="{self.spec.compile_mode}") skipped CUDA graphs for this model '
                               '(see the worker\'s stderr for the reason): it would be measured as plain Inductor')
        return first_ms + capture_ms, {'firstCallMs': first_ms, 'captureMs': capture_ms}

    def timed(self, calls: int) -> list[float]:
        with torch.no_grad(), no_gc():
            if self.cuda:
                return self._timed_cuda(calls)
            return self._timed_cpu(calls)

    def _timed_cuda(self, calls: int) -> list[float]:
        pairs = [(torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)) for _ in range(calls)]
        slowdown = self.slowdown
        for start, end in pairs:
            if self.mark_step is not None:
                self.mark_step()
            began = time.perf_counter_ns()
            start.record()
            out = self._invoke()
            if slowdown:
                slowdown.wait(began)
            end.record()
            end.synchronize()
            del out
        return [start.elapsed_time(end) for start, end in pairs]

    def _timed_cpu(self, calls: int) -> list[float]:
        times = []
        slowdown = self.slowdown
        for _ in range(calls):
            start = time.perf_counter_ns()
            out = self._invoke()
            if slowdown:
                slowdown.wait(start)
            times.append((time.perf_counter_ns() - start) / 1e6)
            del out
        return times

    def output(self) -> list[np.ndarray]:
        with torch.no_grad():
            if self.mark_step is not None:
                self.mark_step()
            outputs = self._invoke()
            arrays = [o.detach().to('cpu').contiguous().numpy().copy() for o in outputs]
        return arrays

    def close(self) -> None:
        self.fn = None  # type: ignore[assignment]
        self.module = None  # type: ignore[assignment]
        self.inputs_host = []
        self.inputs_device = []
