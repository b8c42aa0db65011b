"""JAX: the planning backend and one handle's session (jax.jit on the GPU, compute-only or
end-to-end).

Compile. The first call is done ahead of time, in its parts: `jit(f).lower(params, x)` (tracing to
a jaxpr and lowering to StableHLO: `lowerMs`), `.compile()` (XLA's optimisation and code generation,
autotuning included: `compileMs`), then one execution (`firstRunMs`). The compile time is their sum.
Every timed call runs the compiled executable.

Timing. JAX launches its work on its own CUDA streams, which torch.cuda.Event (on torch's stream)
does not order against, so a call is timed on the host: perf_counter_ns around the call and
`block_until_ready` on its outputs. That is the same span the CUDA events of the torch compilers
measure (launch work and device execution of one synchronised call), plus the wake-up of the waiting
host thread, a few microseconds.
"""
from __future__ import annotations

import os
import time
from typing import Any, Sequence

import numpy as np

from .compilers import CompilerSpec
from .planner import Backend, Plan
from .timing import Slowdown, no_gc


def configure_environment() -> None:
    """Before JAX is first imported: no preallocation of 75% of the GPU (torch shares the device
    in this process), and quiet XLA logs."""
    os.environ['XLA_PYTHON_CLIENT_PREALLOCATE'] = 'false'
    os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')


def import_jax() -> Any:
    configure_environment()
    import jax

    jax.config.update('jax_default_matmul_precision', 'highest')
    return jax


_primed = False


def prime_jax() -> None:
    """Pays JAX's one-time costs (its GPU client's first compile and the cuBLAS/cuDNN handles XLA
    creates) on a tiny jitted matmul and convolution, once per worker, so the first model's compile
    time is its own."""
    global _primed
    if _primed:
        return
    _primed = True
    jax = import_jax()
    from jax import lax

    from .compilers import jax_platform

    device = jax.devices(jax_platform())[0]

    def tiny(a: Any, w: Any) -> Any:
        y = lax.conv_general_dilated(a, w, (1, 1), [(1, 1), (1, 1)], dimension_numbers=('NCHW', 'OIHW', 'NCHW'))
        return jax.numpy.tanh(y.reshape(4, -1) @ y.reshape(4, -1).T)

    a = jax.device_put(np.ones((1, 4, 8, 8), np.float32), device)
    w = jax.device_put(np.ones((4, 4, 3, 3), np.float32), device)
    jax.block_until_ready(jax.jit(tiny)(a, w))


class JaxPlanning(Backend):
    """Plans on JAX's CPU device; the constants move to the GPU per session."""

    name = 'jax'

    def __init__(self) -> None:
        jax = import_jax()
        from . import jax_ops

        self.jax = jax
        self.jnp = jax.numpy
        self.ops = jax_ops
        self.cpu = jax.devices('cpu')[0]

    def from_numpy(self, array: np.ndarray) -> Any:
        array = np.asarray(array)
        if array.dtype == np.int64:
            # JAX runs 64-bit integers as int32. Exporters write INT64_MAX/MIN as "to the end" in Slice
            # bounds: clipped, they keep that meaning (a bound past the dimension is clamped anyway).
            info = np.iinfo(np.int32)
            array = np.clip(array, info.min, info.max).astype(np.int32)
        elif array.dtype == np.float64:
            array = array.astype(np.float32)
        return self.jax.device_put(array, self.cpu)

    def to_numpy(self, tensor: Any) -> np.ndarray:
        return np.asarray(tensor)

    def zeros(self, shape: Sequence[int], dtype: str) -> Any:
        return self.jax.device_put(np.zeros(tuple(shape), dtype=np.dtype(dtype)), self.cpu)

    def dtype(self, tensor: Any) -> str:
        return str(tensor.dtype)

    def const_ref(self, name: str) -> str:
        return f"P['{name}']"

    def signature(self, inputs: list[str]) -> str:
        return ', '.join(['P', *inputs])

    def plan_context(self) -> Any:
        return self.jax.default_device(self.cpu)


class JaxEntry:
    """What sessions of one (compiler, model, batch) share: the jitted function and, after the first
    session's compile, its executable."""

    def __init__(self, jax: Any, plan: Plan, label: str) -> None:
        from . import jax_ops

        self.plan = plan
        self.forward = plan.build({'F': jax_ops}, filename=f'<gcb-generated {label}>')
        self.jitted = jax.jit(self.forward)
        self.executable: Any = None


class JaxSession:
    def __init__(self, spec: CompilerSpec, entry: JaxEntry, settings: dict[str, Any]) -> None:
        jax = import_jax()
        self.jax = jax
        self.spec = spec
        self.mode = spec.mode
        self.entry = entry
        self.slowdown = Slowdown(settings.get('testSlowdown'))
        from .compilers import jax_platform

        self.device = jax.devices(jax_platform())[0]
        self.params = {name: jax.device_put(np.asarray(t), self.device) for name, t in entry.plan.constants.items()}
        jax.block_until_ready(self.params)
        self.inputs_host: list[np.ndarray] = []
        self.inputs_device: list[Any] = []

    def bind(self, arrays: list[np.ndarray]) -> None:
        self.inputs_host = [np.array(a, order="C", copy=True) for a in arrays]
        if self.mode == 'compute-only':
            self.inputs_device = [self.jax.device_put(a, self.device) for a in self.inputs_host]
            self.jax.block_until_ready(self.inputs_device)

    def _invoke(self) -> Any:
        executable = self.entry.executable
        if self.mode == 'compute-only':
            return self.jax.block_until_ready(executable(self.params, *self.inputs_device))
        inputs = [self.jax.device_put(a, self.device) for a in self.inputs_host]
        return [np.asarray(o) for o in executable(self.params, *inputs)]

    def first_call(self) -> tuple[float, dict[str, float]]:
        start = time.perf_counter_ns()
        if self.entry.executable is None:
            example = self.inputs_device if self.mode == 'compute-only' else [self.jax.device_put(a, self.device) for a in self.inputs_host]
            lowered = self.entry.jitted.lower(self.params, *example)
            lowered_at = time.perf_counter_ns()
            self.entry.executable = lowered.compile()
            compiled_at = time.perf_counter_ns()
            self._invoke()
            done = time.perf_counter_ns()
            phases = {'lowerMs': (lowered_at - start) / 1e6, 'compileMs': (compiled_at - lowered_at) / 1e6, 'firstRunMs': (done - compiled_at) / 1e6}
            return (done - start) / 1e6, phases
        # A later session of the same case reuses the executable: its first call is a plain call.
        self._invoke()
        return (time.perf_counter_ns() - start) / 1e6, {}

    def timed(self, calls: int) -> list[float]:
        times = []
        slowdown = self.slowdown
        with no_gc():
            for _ in range(calls):
                start = time.perf_counter_ns()
                out = self._invoke()
                if slowdown:
                    slowdown.wait(start)
                times.append((time.perf_counter_ns() - start) / 1e6)
                del out
        return times

    def output(self) -> list[np.ndarray]:
        return [np.array(o, copy=True) for o in self._invoke()]

    def close(self) -> None:
        self.params = {}
        self.inputs_device = []
        self.inputs_host = []
