"""The worker's state and its answers to each op of protocol v1 (docs/worker-protocol.md).

Handles are the harness's: `load` creates one (a compiled model with its settings), `dispose`
releases it. What several handles of one case share is cached here: the plan of a (model, batch) and,
per compiler, the generated module class (TorchDynamo's compiled code hangs on its forward) or JAX's
executable, so that the later sessions of a case do not compile again. Only the first session's
compile time is recorded by the harness, and it is always a real one. When a load names another
model or batch, what no live handle uses is dropped: torch._dynamo.reset(), jax.clear_caches(),
empty_cache(), so compiled graphs do not pile up across the hundreds of cases of a run.
"""
from __future__ import annotations

import base64
import gc
import math
import os
import sys
import traceback
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import __version__
from .compilers import BY_ID, CATALOGUE, CompilerSpec, Probe, default_settings

PROTOCOL_VERSION = 1
WIRE_DTYPES = {'float32': '<f4', 'float16': '<f2', 'int64': '<i8', 'int32': '<i4'}


class ProtocolError(Exception):
    """A request this worker cannot take (unknown op, handle or field)."""


class PhaseError(Exception):
    def __init__(self, phase: str, message: str) -> None:
        super().__init__(message)
        self.phase = phase


@dataclass
class Handle:
    spec: CompilerSpec
    session: Any
    model_key: tuple[Any, ...]
    inputs: list[dict[str, Any]]
    outputs: list[str]
    settings: dict[str, Any]
    bound: bool = False
    compiled: bool = False


@dataclass
class ModelEntry:
    """A planned (model, batch) for one framework, and what each compiler built from it."""

    plan: Any
    built: dict[str, Any] = field(default_factory=dict)
    compiled_with: set[str] = field(default_factory=set)


def encode_tensor(name: str, array: np.ndarray) -> dict[str, Any]:
    if array.dtype == np.float16:
        wire, array = 'float16', array.astype('<f2')
    elif array.dtype.kind == 'f':
        wire, array = 'float32', array.astype('<f4')
    elif array.dtype == np.int64:
        wire, array = 'int64', array.astype('<i8')
    else:
        wire, array = 'int32', array.astype('<i4')
    return {'name': name, 'dtype': wire, 'shape': [int(d) for d in array.shape], 'data': base64.b64encode(array.tobytes(order='C')).decode('ascii')}


def decode_tensor(tensor: dict[str, Any]) -> np.ndarray:
    dtype = tensor.get('dtype')
    if dtype not in WIRE_DTYPES:
        raise ProtocolError(f'input {tensor.get("name")}: dtype {dtype!r} is not one of {", ".join(WIRE_DTYPES)}')
    shape = tensor.get('shape')
    if not isinstance(shape, list) or not all(isinstance(d, int) and d >= 0 for d in shape):
        raise ProtocolError(f'input {tensor.get("name")}: shape must be a list of whole numbers, got {shape!r}')
    data = base64.b64decode(tensor.get('data', ''), validate=True)
    array = np.frombuffer(data, dtype=WIRE_DTYPES[dtype])
    count = int(np.prod(shape, dtype=np.int64))
    if array.size != count:
        raise ProtocolError(f'input {tensor.get("name")}: {len(data)} bytes for shape {shape} of {dtype}')
    return array.reshape(shape).astype(array.dtype.newbyteorder('='))


def _is_oom(error: BaseException) -> bool:
    torch = sys.modules.get('torch')
    oom_type = getattr(getattr(torch, 'cuda', None), 'OutOfMemoryError', None) if torch else None
    if oom_type is not None and isinstance(error, oom_type):
        return True
    text = str(error)
    return 'out of memory' in text.lower() or 'RESOURCE_EXHAUSTED' in text


def _message(error: BaseException) -> str:
    text = f'{type(error).__name__}: {error}' if not isinstance(error, (PhaseError, ProtocolError)) else str(error)
    return text if len(text) <= 4000 else text[:4000] + ' …'


class Worker:
    def __init__(self) -> None:
        self.probe: Probe | None = None
        self.handles: dict[str, Handle] = {}
        self.models: dict[tuple[Any, ...], ModelEntry] = {}
        self.global_settings: dict[str, Any] = {}
        self.shutdown_requested = False

    # ------------------------------------------------------------------ dispatch

    def handle(self, request: Any) -> dict[str, Any]:
        """One request → one answer (never raises)."""
        request_id = request.get('id') if isinstance(request, dict) else None
        if not isinstance(request_id, int) or isinstance(request_id, bool):
            return {'id': -1, 'ok': False, 'error': {'message': f'request without an integer id: {str(request)[:200]}', 'phase': 'protocol'}}
        op = request.get('op')
        method = getattr(self, f'op_{op}', None) if isinstance(op, str) else None
        if method is None:
            return {'id': request_id, 'ok': False, 'error': {'message': f'unknown op {op!r}', 'phase': 'protocol'}}
        phase = {'load': 'load', 'prepare': 'load', 'compile': 'compile', 'run': 'run', 'output': 'output', 'dispose': 'run'}.get(op, 'protocol')
        try:
            answer = method(request)
        except ProtocolError as error:
            return {'id': request_id, 'ok': False, 'error': {'message': _message(error), 'phase': 'protocol'}}
        except PhaseError as error:
            return {'id': request_id, 'ok': False, 'error': {'message': _message(error), 'phase': error.phase}}
        except BaseException as error:  # noqa: BLE001 (every failure is an answer, not a dead worker)
            if isinstance(error, (KeyboardInterrupt, SystemExit)):
                raise
            traceback.print_exc(file=sys.stderr)
            if _is_oom(error):
                self._free_memory()
                message = _message(error)
                if 'out of memory' not in message.lower():
                    message = f'out of memory: {message}'
                return {'id': request_id, 'ok': False, 'error': {'message': message, 'phase': 'out-of-memory'}}
            return {'id': request_id, 'ok': False, 'error': {'message': _message(error), 'phase': phase}}
        return {'id': request_id, 'ok': True, **answer}

    def _probe(self) -> Probe:
        if self.probe is None:
            self.probe = Probe()
            self.probe.runtimes['gcb-worker'] = __version__
        return self.probe

    # ------------------------------------------------------------------ ops

    def op_hello(self, request: dict[str, Any]) -> dict[str, Any]:
        wanted = request.get('protocol')
        if not isinstance(wanted, int) or wanted < 1:
            raise ProtocolError(f'hello: this worker speaks protocol {PROTOCOL_VERSION}; the harness offers {wanted!r}')
        probe = self._probe()
        compilers = []
        for spec in CATALOGUE:
            ok, reason = probe.available(spec.id)
            entry: dict[str, Any] = {'id': spec.id, 'hardware': spec.hardware, 'family': spec.family, 'description': spec.description, 'available': ok}
            if reason is not None:
                entry['reason'] = reason
            compilers.append(entry)
        return {
            'protocol': min(wanted, PROTOCOL_VERSION),
            'worker': {'name': 'gcb-python-worker', 'version': __version__},
            'runtimes': dict(probe.runtimes),
            'compilers': compilers,
            'device': probe.device,
        }

    def op_load(self, request: dict[str, Any]) -> dict[str, Any]:
        handle = self._field(request, 'handle', str)
        if handle in self.handles:
            raise ProtocolError(f'handle {handle!r} is already loaded')
        compiler_id = self._field(request, 'compiler', str)
        spec = BY_ID.get(compiler_id)
        if spec is None:
            raise ProtocolError(f'unknown compiler {compiler_id!r}; this worker offers {", ".join(BY_ID)}')
        batch = self._field(request, 'batch', int)
        model = self._field(request, 'model', dict)
        ok, reason = self._probe().available(spec.id)
        if not ok:
            return {'available': False, 'reason': reason}
        settings = self._settings(spec, request.get('settings') or {})
        path = model.get('path')
        if not isinstance(path, str) or not os.path.isabs(path):
            raise ProtocolError(f'model.path must be an absolute path, got {path!r}')
        if not os.path.isfile(path):
            raise PhaseError('load', f'model file {path} does not exist')
        inputs = model.get('inputs')
        outputs = model.get('outputs')
        if not isinstance(inputs, list) or not inputs or not isinstance(outputs, list) or not outputs:
            raise ProtocolError('model needs "inputs" ([{name, dtype, shape}]) and "outputs" ([names])')
        for value in inputs:
            shape = value.get('shape') if isinstance(value, dict) else None
            if not isinstance(shape, list) or not shape or shape[0] != batch:
                raise ProtocolError(f'input {value!r}: its shape must start with the batch size {batch}')
        from .onnx_model import UnsupportedModel

        try:
            if spec.framework == 'jax':
                session = self._load_jax(spec, path, batch, inputs, outputs, settings)
            else:
                session = self._load_torch(spec, path, batch, inputs, outputs, settings)
        except UnsupportedModel as error:
            return {'available': False, 'reason': str(error)}
        except _Unavailable as error:
            return {'available': False, 'reason': str(error)}
        key = self._model_key(spec.framework, path, batch, inputs, outputs)
        self.handles[handle] = Handle(spec=spec, session=session, model_key=key, inputs=inputs, outputs=list(outputs), settings=settings)
        return {
            'available': True,
            'compiler': {'id': spec.id, 'family': spec.family, 'hardware': spec.hardware, 'settings': settings, 'versions': self.versions(spec)},
            'mode': spec.mode,
        }

    def op_prepare(self, request: dict[str, Any]) -> dict[str, Any]:
        handle = self._handle(request)
        given = self._field(request, 'inputs', list)
        by_name = {t.get('name'): t for t in given if isinstance(t, dict)}
        arrays = []
        for declared in handle.inputs:
            tensor = by_name.get(declared['name'])
            if tensor is None:
                raise ProtocolError(f'prepare: input {declared["name"]!r} is missing')
            array = decode_tensor(tensor)
            if list(array.shape) != list(declared['shape']):
                raise ProtocolError(f'prepare: input {declared["name"]} has shape {list(array.shape)}, the model was loaded for {declared["shape"]}')
            arrays.append(array)
        handle.session.bind(arrays)
        handle.bound = True
        return {}

    def op_compile(self, request: dict[str, Any]) -> dict[str, Any]:
        handle = self._handle(request)
        if not handle.bound:
            raise ProtocolError('compile before prepare: the first call needs the input')
        compile_ms, phases = handle.session.first_call()
        handle.compiled = True
        entry = self.models.get(handle.model_key)
        if entry is not None and handle.spec.compile_mode is not None:
            entry.compiled_with.add(handle.spec.framework)
        answer: dict[str, Any] = {'compileMs': compile_ms}
        if phases:
            answer['phases'] = phases
        return answer

    def op_run(self, request: dict[str, Any]) -> dict[str, Any]:
        handle = self._handle(request)
        calls = self._field(request, 'calls', int)
        if calls < 1:
            raise ProtocolError(f'run: calls must be at least 1, got {calls}')
        if not handle.compiled:
            raise ProtocolError('run before compile')
        _test_fault('run')
        times = handle.session.timed(calls)
        bad = [t for t in times if not (isinstance(t, float) and math.isfinite(t) and t >= 0)]
        if bad:
            raise PhaseError('run', f'the timer gave {bad[0]!r}')
        return {'times': times}

    def op_output(self, request: dict[str, Any]) -> dict[str, Any]:
        handle = self._handle(request)
        if not handle.compiled:
            raise ProtocolError('output before compile')
        arrays = handle.session.output()
        return {'outputs': [encode_tensor(name, array) for name, array in zip(handle.outputs, arrays)]}

    def op_dispose(self, request: dict[str, Any]) -> dict[str, Any]:
        name = self._field(request, 'handle', str)
        handle = self.handles.pop(name, None)
        if handle is not None:
            handle.session.close()
            handle.session = None
            self._free_memory()
        return {}

    def op_shutdown(self, request: dict[str, Any]) -> dict[str, Any]:
        self.shutdown_requested = True
        return {}

    # ------------------------------------------------------------------ loading

    def _load_torch(self, spec: CompilerSpec, path: str, batch: int, inputs: list[dict[str, Any]], outputs: list[str], settings: dict[str, Any]) -> Any:
        import torch

        from .torch_session import TorchPlanning, TorchSession, module_class, prime_inductor, set_precision, warm_device

        if spec.device == 'cuda':
            set_precision(bool(settings['tf32']), bool(settings['cudnnBenchmark']))
            warm_device()
        else:
            torch.set_num_threads(int(settings['threads']))
        entry = self._entry('torch', path, batch, inputs, outputs, TorchPlanning)
        cls = entry.built.get(spec.id)
        if cls is None:
            cls = module_class(entry.plan, f'{spec.id} {os.path.basename(path)} b={batch}')
            entry.built[spec.id] = cls
        if spec.compile_mode is not None:
            prime_inductor(spec.compile_mode, spec.device)
        return TorchSession(spec, cls, entry.plan, settings)

    def _load_jax(self, spec: CompilerSpec, path: str, batch: int, inputs: list[dict[str, Any]], outputs: list[str], settings: dict[str, Any]) -> Any:
        try:
            from .jax_session import JaxEntry, JaxPlanning, JaxSession, import_jax  # noqa: F401

            jax = import_jax()
        except Exception as error:  # noqa: BLE001
            raise _Unavailable(f'jax failed to import: {type(error).__name__}: {error}') from error
        from .compilers import jax_platform

        try:
            jax.devices(jax_platform())
        except Exception as error:  # noqa: BLE001
            raise _Unavailable(f'jax {jax.__version__} has no GPU backend: {type(error).__name__}: {error}') from error
        from .jax_session import prime_jax

        prime_jax()
        entry = self._entry('jax', path, batch, inputs, outputs, JaxPlanning)
        built = entry.built.get(spec.id)
        if built is None:
            built = JaxEntry(jax, entry.plan, f'{spec.id} {os.path.basename(path)} b={batch}')
            entry.built[spec.id] = built
        return JaxSession(spec, built, settings)

    def _model_key(self, framework: str, path: str, batch: int, inputs: list[dict[str, Any]], outputs: list[str]) -> tuple[Any, ...]:
        stat = os.stat(path)
        return (framework, path, stat.st_size, stat.st_mtime_ns, batch, tuple((i['name'], tuple(i['shape']), i.get('dtype', 'float32')) for i in inputs), tuple(outputs))

    def _entry(self, framework: str, path: str, batch: int, inputs: list[dict[str, Any]], outputs: list[str], planning: Any) -> ModelEntry:
        key = self._model_key(framework, path, batch, inputs, outputs)
        entry = self.models.get(key)
        if entry is not None:
            return entry
        self._evict(keep=key)
        from .onnx_model import load_onnx
        from .planner import plan_graph

        backend = planning()
        graph = load_onnx(path)
        with backend.plan_context():
            plan = plan_graph(graph, backend, {i['name']: (tuple(i['shape']), i.get('dtype', 'float32')) for i in inputs}, list(outputs))
        entry = ModelEntry(plan=plan)
        self.models[key] = entry
        return entry

    def _evict(self, keep: tuple[Any, ...]) -> None:
        """Drops the plans, classes and compiled code of models no live handle uses."""
        live = {h.model_key for h in self.handles.values()}
        dropped = [k for k in self.models if k != keep and k not in live]
        frameworks: set[str] = set()
        for key in dropped:
            frameworks |= self.models.pop(key).compiled_with
        if 'torch' in frameworks and not any(h.spec.framework == 'torch' and h.spec.compile_mode for h in self.handles.values()):
            import torch

            torch._dynamo.reset()
            trees = getattr(getattr(torch, '_inductor', None), 'cudagraph_trees', None)
            if trees is not None and hasattr(trees, 'reset_cudagraph_trees'):
                trees.reset_cudagraph_trees()
        if 'jax' in frameworks and 'jax' in sys.modules:
            sys.modules['jax'].clear_caches()
        if dropped:
            self._free_memory()

    # ------------------------------------------------------------------ settings and helpers

    def _settings(self, spec: CompilerSpec, requested: Any) -> dict[str, Any]:
        if not isinstance(requested, dict):
            raise ProtocolError(f'settings must be an object, got {requested!r}')
        settings = default_settings(spec)
        for key, value in requested.items():
            if key == 'testSlowdown':
                from .timing import Slowdown

                try:
                    Slowdown(value)
                except ValueError as error:
                    raise PhaseError('load', str(error)) from error
                settings[key] = value
                continue
            if key not in settings:
                raise PhaseError('load', f'{spec.id} has no setting {key!r}; its settings are {", ".join(sorted(settings))}')
            if key in ('tf32', 'cudnnBenchmark'):
                if not isinstance(value, bool):
                    raise PhaseError('load', f'setting {key} must be true or false, got {value!r}')
            elif key == 'threads':
                if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                    raise PhaseError('load', f'setting threads must be a whole number >= 1, got {value!r}')
            elif value != settings[key]:
                raise PhaseError('load', f'{spec.id} runs with {key}={settings[key]!r}; {value!r} is not offered')
            settings[key] = value
        # Process-wide switches must agree with every live handle's.
        for key in ('tf32', 'cudnnBenchmark', 'threads'):
            if key not in settings:
                continue
            current = self.global_settings.get(key)
            if current is not None and current != settings[key] and any(key in h.settings for h in self.handles.values()):
                raise PhaseError('load', f'{key}={settings[key]!r} conflicts with {key}={current!r} of a loaded handle (a process-wide setting)')
            self.global_settings[key] = settings[key]
        return settings

    def versions(self, spec: CompilerSpec) -> dict[str, str]:
        runtimes = self._probe().runtimes
        keys = ['python', 'numpy', 'onnx', 'gcb-worker']
        if spec.framework == 'torch':
            keys += ['torch'] + (['cuda', 'cudnn'] if spec.device == 'cuda' else []) + (['triton'] if spec.compile_mode and spec.device == 'cuda' else [])
        elif spec.framework == 'jax':
            keys += ['jax', 'jaxlib'] + [k for k in runtimes if k.startswith('jax-cuda')]
        return {k: runtimes[k] for k in keys if k in runtimes}

    def _handle(self, request: dict[str, Any]) -> Handle:
        name = self._field(request, 'handle', str)
        handle = self.handles.get(name)
        if handle is None:
            raise ProtocolError(f'unknown handle {name!r}')
        return handle

    @staticmethod
    def _field(request: dict[str, Any], name: str, kind: type) -> Any:
        value = request.get(name)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ProtocolError(f'{request.get("op")}: field {name!r} must be {kind.__name__}, got {value!r}')
        return value

    def _free_memory(self) -> None:
        gc.collect()
        torch = sys.modules.get('torch')
        if torch is not None and torch.cuda.is_available() and torch.cuda.is_initialized():
            torch.cuda.empty_cache()


class _Unavailable(Exception):
    """The compiler cannot run here after all (found out at load, e.g. JAX without a GPU)."""


def _test_fault(where: str) -> None:
    """Test only: GCB_WORKER_TEST_FAULT=exit-in-run | hang-in-run | garbage-in-run makes the worker
    misbehave during `run`, so the harness's handling of a dead, hung or babbling worker can be tested."""
    fault = os.environ.get('GCB_WORKER_TEST_FAULT', '')
    if fault != f'exit-in-{where}' and fault != f'hang-in-{where}' and fault != f'garbage-in-{where}':
        return
    print(f'gcb-worker: test fault {fault}', file=sys.stderr, flush=True)
    if fault.startswith('exit'):
        os._exit(3)
    if fault.startswith('hang'):
        import time

        while True:
            time.sleep(3600)
    from . import protocol

    protocol.write_raw('this is not a protocol message')
