"""Shared helpers of the worker's unit tests: tiny ONNX graphs built with onnx.helper, run through the
converter on each available backend, and numpy references to check them against."""
from __future__ import annotations

import importlib.util
import math
import os
import sys
import tempfile
from typing import Any

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))

import numpy as np  # noqa: E402

HAVE_ONNX = importlib.util.find_spec('onnx') is not None
HAVE_TORCH = importlib.util.find_spec('torch') is not None
HAVE_JAX = importlib.util.find_spec('jax') is not None


def model(nodes: list[Any], inputs: dict[str, tuple[int, ...]], outputs: list[str], initializers: dict[str, np.ndarray] | None = None, opset: int = 17) -> str:
    """Writes a one-graph ONNX model to a temporary file and returns its path."""
    from onnx import TensorProto, helper, numpy_helper

    graph = helper.make_graph(
        nodes,
        'test',
        [helper.make_tensor_value_info(name, TensorProto.FLOAT, list(shape)) for name, shape in inputs.items()],
        [helper.make_tensor_value_info(name, TensorProto.UNDEFINED, None) for name in outputs],
        [numpy_helper.from_array(np.asarray(value), name) for name, value in (initializers or {}).items()],
    )
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid('', opset)])
    proto.ir_version = 8
    handle, path = tempfile.mkstemp(suffix='.onnx')
    os.close(handle)
    with open(path, 'wb') as f:
        f.write(proto.SerializeToString())
    return path


def backends() -> list[str]:
    found = []
    if HAVE_ONNX and HAVE_TORCH:
        found.append('torch')
    if HAVE_ONNX and HAVE_JAX:
        found.append('jax')
    return found


def run(backend: str, path: str, inputs: dict[str, np.ndarray], outputs: list[str]) -> list[np.ndarray]:
    """Converts the model at `path` for `backend` and runs it once (eagerly for torch, jitted for JAX)."""
    from gcb_worker.onnx_model import load_onnx
    from gcb_worker.planner import plan_graph

    graph = load_onnx(path)
    shapes = {name: (tuple(array.shape), 'float32') for name, array in inputs.items()}
    if backend == 'torch':
        import torch

        from gcb_worker.torch_session import TorchPlanning, module_class

        planning = TorchPlanning()
        plan = plan_graph(graph, planning, shapes, outputs)
        module = module_class(plan, path)(dict(plan.constants)).eval()
        with torch.no_grad():
            result = module(*(torch.from_numpy(inputs[name]) for name in graph.inputs))
        return [r.numpy() for r in result]
    from gcb_worker.jax_session import JaxEntry, JaxPlanning, import_jax

    jax = import_jax()
    planning = JaxPlanning()
    with planning.plan_context():
        plan = plan_graph(graph, planning, shapes, outputs)
    entry = JaxEntry(jax, plan, path)
    params = {name: jax.device_put(np.asarray(value), planning.cpu) for name, value in plan.constants.items()}
    with planning.plan_context():
        result = entry.jitted(params, *(inputs[name] for name in graph.inputs))
    return [np.asarray(r) for r in result]


def sample(*shape: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


# ------------------------------------------------------------------ numpy references (deliberately naive)


def ref_conv(x: np.ndarray, w: np.ndarray, b: np.ndarray | None, strides: tuple[int, int], pads: tuple[int, int, int, int],
             dilations: tuple[int, int] = (1, 1), groups: int = 1) -> np.ndarray:
    n, c, h, wd = x.shape
    m, cg, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    oh = (h + pads[0] + pads[2] - (dilations[0] * (kh - 1) + 1)) // strides[0] + 1
    ow = (wd + pads[1] + pads[3] - (dilations[1] * (kw - 1) + 1)) // strides[1] + 1
    out = np.zeros((n, m, oh, ow), dtype=np.float64)
    per_group = m // groups
    for o in range(m):
        g = o // per_group
        for i in range(oh):
            for j in range(ow):
                patch = xp[:, g * cg:(g + 1) * cg,
                           i * strides[0]: i * strides[0] + dilations[0] * (kh - 1) + 1: dilations[0],
                           j * strides[1]: j * strides[1] + dilations[1] * (kw - 1) + 1: dilations[1]]
                out[:, o, i, j] = (patch * w[o]).sum(axis=(1, 2, 3))
    if b is not None:
        out += b.reshape(1, -1, 1, 1)
    return out.astype(np.float32)


def ref_pool(x: np.ndarray, kernel: tuple[int, int], strides: tuple[int, int], pads: tuple[int, int, int, int], kind: str,
             ceil_mode: bool = False, count_include_pad: bool = False) -> np.ndarray:
    """2-D max or average pooling, by the ONNX definitions, one window at a time."""
    n, c, h, w = x.shape
    sizes = []
    for size, k, s, lo, hi in ((h, kernel[0], strides[0], pads[0], pads[2]), (w, kernel[1], strides[1], pads[1], pads[3])):
        span = size + lo + hi - k
        out = (math.ceil(span / s) if ceil_mode else span // s) + 1
        if ceil_mode and (out - 1) * s >= size + lo:
            out -= 1
        sizes.append(out)
    out = np.zeros((n, c, sizes[0], sizes[1]), dtype=np.float64)
    for i in range(sizes[0]):
        for j in range(sizes[1]):
            r0, c0 = i * strides[0] - pads[0], j * strides[1] - pads[1]
            r1, c1 = r0 + kernel[0], c0 + kernel[1]
            rr0, cc0, rr1, cc1 = max(r0, 0), max(c0, 0), min(r1, h), min(c1, w)
            window = x[:, :, rr0:rr1, cc0:cc1]
            if kind == 'max':
                out[:, :, i, j] = window.max(axis=(2, 3))
            else:
                if count_include_pad:
                    count = (min(r1, h + pads[2]) - r0) * (min(c1, w + pads[3]) - c0)
                else:
                    count = (rr1 - rr0) * (cc1 - cc0)
                out[:, :, i, j] = window.sum(axis=(2, 3)) / count
    return out.astype(np.float32)


erf = np.vectorize(math.erf, otypes=[np.float64])


def ref_softmax(x: np.ndarray, axis: int) -> np.ndarray:
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)
