"""Reads an ONNX file into plain Python data: nodes with decoded attributes, initializers as numpy
arrays, the default-domain opset. Nothing here knows a framework; the planner turns this into code."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


class UnsupportedModel(Exception):
    """The model uses something the converter does not implement: the compiler is unavailable for it
    (answered by `load` as `available: false`), never a crash."""


@dataclass
class Node:
    op: str
    name: str
    inputs: list[str]
    outputs: list[str]
    attrs: dict[str, Any] = field(default_factory=dict)
    domain: str = ''

    @property
    def qualified_op(self) -> str:
        return self.op if self.domain in ('', 'ai.onnx') else f'{self.domain}.{self.op}'


@dataclass
class OnnxGraph:
    nodes: list[Node]
    initializers: dict[str, np.ndarray]
    inputs: list[str]
    outputs: list[str]
    opset: int


# ONNX TensorProto.DataType → the dtype names the backends understand.
ONNX_DTYPES: dict[int, str] = {
    1: 'float32',
    2: 'uint8',
    3: 'int8',
    5: 'int16',
    6: 'int32',
    7: 'int64',
    9: 'bool',
    10: 'float16',
    11: 'float64',
    16: 'bfloat16',
}


def dtype_name(onnx_type: int) -> str:
    name = ONNX_DTYPES.get(int(onnx_type))
    if name is None:
        raise UnsupportedModel(f'ONNX data type {onnx_type} is not supported')
    return name


def _attribute_value(attribute: Any) -> Any:
    import onnx
    from onnx import numpy_helper

    kind = attribute.type
    A = onnx.AttributeProto
    if kind == A.FLOAT:
        return float(attribute.f)
    if kind == A.INT:
        return int(attribute.i)
    if kind == A.STRING:
        return attribute.s.decode('utf-8')
    if kind == A.TENSOR:
        return numpy_helper.to_array(attribute.t)
    if kind == A.FLOATS:
        return [float(v) for v in attribute.floats]
    if kind == A.INTS:
        return [int(v) for v in attribute.ints]
    if kind == A.STRINGS:
        return [s.decode('utf-8') for s in attribute.strings]
    if kind in (A.GRAPH, A.GRAPHS):
        # Control flow (If, Loop, Scan) is not converted; the op is reported as unsupported first.
        return _Subgraph()
    return _Unknown(kind)


class _Subgraph:
    pass


@dataclass
class _Unknown:
    kind: int


def load_onnx(path: str) -> OnnxGraph:
    """Parses the ONNX file at `path` (external data beside it is loaded too)."""
    import onnx
    from onnx import numpy_helper

    model = onnx.load(path)
    graph = model.graph
    opset = 0
    for entry in model.opset_import:
        if entry.domain in ('', 'ai.onnx'):
            opset = int(entry.version)
    if opset == 0:
        raise UnsupportedModel('the model imports no default-domain (ai.onnx) opset')
    initializers = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    nodes = [
        Node(
            op=n.op_type,
            name=n.name,
            inputs=list(n.input),
            outputs=list(n.output),
            attrs={a.name: _attribute_value(a) for a in n.attribute},
            domain=n.domain,
        )
        for n in graph.node
    ]
    inputs = [v.name for v in graph.input if v.name not in initializers]
    outputs = [v.name for v in graph.output]
    return OnnxGraph(nodes=nodes, initializers=initializers, inputs=inputs, outputs=outputs, opset=opset)
