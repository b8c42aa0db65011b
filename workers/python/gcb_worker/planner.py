"""ONNX graph → Python source of one forward function, for any backend (PyTorch or JAX).

The planner walks the nodes once, executing each on the backend's planning device (the CPU) with a
zero input of the real batch size. That run gives every value its concrete shape and dtype, and
decides what is constant: initializers, Constant nodes, Shape of anything (shapes are static once the
batch is fixed) and whatever is computed from constants alone. Constants are folded there and then;
what the compiled function needs of them becomes a parameter, and the integer operands of shape ops
(Reshape targets, Slice bounds, Squeeze axes, Split sizes, …) become Python literals in the source.
Every other node becomes one line `v7 = F.conv(v6, P.c3, …)` calling the backend's op module `F`.

So one op table (`OPS`, below) serves both frameworks: a plan function reads a node's attributes and
constant inputs, normalises them (opset differences, negative axes, auto_pad, …) and calls a backend
op with static arguments. The generated source has no loops, no dictionaries of ops and no guards on
Python data: a tracer (TorchDynamo, jax.jit) sees a straight line of tensor ops.
"""
from __future__ import annotations

import contextlib
import linecache
import math
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from .onnx_model import Node, OnnxGraph, UnsupportedModel, dtype_name


class Val:
    """A value during planning: its concrete tensor on the planning device, and whether it is known at
    load time (`const`) or computed at run time (then `ref` is its variable in the source)."""

    __slots__ = ('tensor', 'const', 'ref')

    def __init__(self, tensor: Any, const: bool, ref: str | None = None) -> None:
        self.tensor = tensor
        self.const = const
        self.ref = ref


@dataclass
class Line:
    outputs: list[str]
    code: str
    uses: list[str]
    consts: list[str]


@dataclass
class Plan:
    """The generated forward function and the constants it reads, on the planning device."""

    source: str
    input_names: list[str]
    output_names: list[str]
    constants: dict[str, Any]
    function_name: str = 'forward'

    def build(self, namespace: dict[str, Any], filename: str) -> Callable[..., Any]:
        """Compiles the source into a function; the source is registered with linecache so that
        tracebacks and tracers can show it."""
        code = compile(self.source, filename, 'exec')
        linecache.cache[filename] = (len(self.source), None, self.source.splitlines(True), filename)
        scope = dict(namespace)
        exec(code, scope)
        return scope[self.function_name]


class Backend:
    """What the planner needs of a framework. `ops` is the module of runtime functions (`F`)."""

    name = 'abstract'
    ops: Any = None

    def from_numpy(self, array: np.ndarray) -> Any:
        raise NotImplementedError

    def to_numpy(self, tensor: Any) -> np.ndarray:
        raise NotImplementedError

    def zeros(self, shape: Sequence[int], dtype: str) -> Any:
        raise NotImplementedError

    def shape(self, tensor: Any) -> tuple[int, ...]:
        return tuple(int(d) for d in tensor.shape)

    def dtype(self, tensor: Any) -> str:
        raise NotImplementedError

    def const_ref(self, name: str) -> str:
        """The source expression that reads constant `name` inside the forward function."""
        raise NotImplementedError

    def signature(self, inputs: list[str]) -> str:
        raise NotImplementedError

    def plan_context(self) -> Any:
        """A context the planning run happens in (JAX: its CPU device as the default)."""
        return contextlib.nullcontext()


def literal(value: Any) -> str:
    """Python source for a static argument."""
    if value is None or isinstance(value, (bool, str)):
        return repr(value)
    if isinstance(value, (np.integer,)):
        return repr(int(value))
    if isinstance(value, (np.floating,)):
        value = float(value)
    if isinstance(value, int):
        return repr(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "float('nan')"
        if math.isinf(value):
            return "float('inf')" if value > 0 else "float('-inf')"
        return repr(value)
    raise TypeError(f'not a static argument: {value!r}')


class Ctx:
    """One node being planned: its inputs, attributes and the planner's services."""

    def __init__(self, planner: 'Planner', node: Node) -> None:
        self.planner = planner
        self.node = node
        self.opset = planner.graph.opset
        self.backend = planner.backend

    # ------------------------------------------------------------------ inputs and attributes

    def attr(self, name: str, default: Any = None) -> Any:
        return self.node.attrs.get(name, default)

    def has(self, i: int) -> bool:
        return i < len(self.node.inputs) and self.node.inputs[i] != ''

    def val(self, i: int) -> Val:
        if not self.has(i):
            raise self.unsupported(f'input {i} is missing')
        return self.planner.env[self.node.inputs[i]]

    def vals(self) -> list[Val]:
        return [self.planner.env[name] for name in self.node.inputs if name != '']

    def shape(self, i: int) -> tuple[int, ...]:
        return self.backend.shape(self.val(i).tensor)

    def rank(self, i: int) -> int:
        return len(self.shape(i))

    def dtype(self, i: int) -> str:
        return self.backend.dtype(self.val(i).tensor)

    def np(self, i: int, what: str) -> np.ndarray:
        """Input i's value at load time; a run-time value is a feature the converter does not have."""
        value = self.val(i)
        if not value.const:
            raise self.unsupported(f'{what} (input {i}) is computed at run time')
        return self.backend.to_numpy(value.tensor)

    def ints(self, i: int, what: str) -> list[int]:
        return [int(v) for v in self.np(i, what).reshape(-1)]

    def scalar(self, i: int, what: str) -> float | int:
        array = self.np(i, what).reshape(-1)
        if array.size != 1:
            raise self.unsupported(f'{what} must be a single value, got {array.size}')
        item = array[0]
        return int(item) if np.issubdtype(array.dtype, np.integer) else float(item)

    def output_used(self, j: int) -> bool:
        return j < len(self.node.outputs) and self.node.outputs[j] != '' and self.node.outputs[j] in self.planner.used

    def unsupported(self, what: str) -> UnsupportedModel:
        label = f' ({self.node.name})' if self.node.name else ''
        return UnsupportedModel(f'{self.node.qualified_op}{label}: {what}')

    def axis(self, axis: int, rank: int) -> int:
        if not -rank <= axis < rank:
            raise self.unsupported(f'axis {axis} is out of range for rank {rank}')
        return axis + rank if axis < 0 else axis

    # ------------------------------------------------------------------ producing values

    def call(self, fn: str, *args: Any) -> Val:
        return self.planner.call(fn, args, multi=False)[0]

    def call_multi(self, fn: str, *args: Any) -> list[Val]:
        return self.planner.call(fn, args, multi=True)

    def const(self, array: np.ndarray) -> Val:
        return Val(self.backend.from_numpy(np.array(array, copy=True)), const=True)

    def reshape(self, value: Val, shape: Sequence[int]) -> Val:
        if self.backend.shape(value.tensor) == tuple(shape):
            return value
        return self.call('reshape', value, tuple(int(d) for d in shape))


class Planner:
    def __init__(self, graph: OnnxGraph, backend: Backend, inputs: dict[str, tuple[tuple[int, ...], str]], outputs: list[str]) -> None:
        self.graph = graph
        self.backend = backend
        self.env: dict[str, Val] = {}
        self.lines: list[Line] = []
        self.const_names: dict[int, str] = {}
        self.constants: dict[str, Any] = {}
        self.counter = 0
        self.requested_outputs = outputs
        self.used = {name for node in graph.nodes for name in node.inputs if name != ''} | set(graph.outputs) | set(outputs)
        self.input_refs: list[str] = []
        for index, (name, (shape, dtype)) in enumerate(inputs.items()):
            ref = f'x{index}'
            self.input_refs.append(ref)
            self.env[name] = Val(backend.zeros(shape, dtype), const=False, ref=ref)
        for name, array in graph.initializers.items():
            if name not in self.env:
                self.env[name] = Val(backend.from_numpy(np.array(array, copy=True)), const=True)

    # ------------------------------------------------------------------ code emission

    def _var(self) -> str:
        self.counter += 1
        return f'v{self.counter}'

    def _const_name(self, value: Val) -> str:
        name = self.const_names.get(id(value))
        if name is None:
            name = f'c{len(self.const_names)}'
            self.const_names[id(value)] = name
            self.constants[name] = value.tensor
        return name

    def _render(self, arg: Any, uses: list[str], consts: list[str]) -> str:
        if isinstance(arg, Val):
            if arg.const:
                name = self._const_name(arg)
                consts.append(name)
                return self.backend.const_ref(name)
            uses.append(arg.ref)  # type: ignore[arg-type]
            return arg.ref  # type: ignore[return-value]
        if isinstance(arg, tuple):
            inner = ', '.join(self._render(a, uses, consts) for a in arg)
            return f'({inner},)' if len(arg) == 1 else f'({inner})'
        if isinstance(arg, list):
            return '[' + ', '.join(self._render(a, uses, consts) for a in arg) + ']'
        return literal(arg)

    @staticmethod
    def _concrete(arg: Any) -> Any:
        if isinstance(arg, Val):
            return arg.tensor
        if isinstance(arg, tuple):
            return tuple(Planner._concrete(a) for a in arg)
        if isinstance(arg, list):
            return [Planner._concrete(a) for a in arg]
        return arg

    @staticmethod
    def _values(arg: Any) -> list[Val]:
        if isinstance(arg, Val):
            return [arg]
        if isinstance(arg, (tuple, list)):
            return [v for a in arg for v in Planner._values(a)]
        return []

    def call(self, fn: str, args: tuple[Any, ...], multi: bool) -> list[Val]:
        function = getattr(self.backend.ops, fn)
        result = function(*self._concrete(args))
        results = list(result) if multi else [result]
        dynamic = any(not v.const for v in self._values(args))
        if not dynamic:
            return [Val(r, const=True) for r in results]
        outputs = [Val(r, const=False, ref=self._var()) for r in results]
        uses: list[str] = []
        consts: list[str] = []
        rendered = ', '.join(self._render(a, uses, consts) for a in args)
        refs = [o.ref for o in outputs]
        target = ', '.join(refs) + (',' if multi and len(refs) == 1 else '')  # type: ignore[arg-type]
        self.lines.append(Line(outputs=refs, code=f'{target} = F.{fn}({rendered})', uses=uses, consts=consts))  # type: ignore[arg-type]
        return outputs

    # ------------------------------------------------------------------ the walk

    def run(self) -> Plan:
        for node in self.graph.nodes:
            plan = OPS[node.qualified_op]
            ctx = Ctx(self, node)
            produced = plan(ctx)
            if isinstance(produced, Val):
                produced = [produced]
            for name, value in zip(node.outputs, produced):
                if name != '':
                    self.env[name] = value
            missing = [name for name in node.outputs[len(produced):] if name != '' and name in self.used]
            if missing:
                raise ctx.unsupported(f'output {missing[0]} is not produced by the converter')
        return self._finish()

    def _finish(self) -> Plan:
        results: list[str] = []
        for name in self.requested_outputs:
            if name not in self.env:
                raise UnsupportedModel(f'the model has no value named {name}')
            value = self.env[name]
            results.append(self.backend.const_ref(self._const_name(value)) if value.const else value.ref)  # type: ignore[arg-type]
        # Dead code: keep only lines that lead to an output.
        needed = {r for r in results}
        kept: list[Line] = []
        for line in reversed(self.lines):
            if any(o in needed for o in line.outputs):
                kept.append(line)
                needed.update(line.uses)
        kept.reverse()
        used_consts = {c for line in kept for c in line.consts} | {
            n for n in self.constants if self.backend.const_ref(n) in results
        }
        constants = {n: t for n, t in self.constants.items() if n in used_consts}
        # Free each intermediate after its last use, as eager code would.
        last_use: dict[str, int] = {}
        for index, line in enumerate(kept):
            for ref in line.uses:
                last_use[ref] = index
        keep_alive = set(self.input_refs) | set(results)
        body: list[str] = []
        for index, line in enumerate(kept):
            body.append(line.code)
            dead = sorted({r for r in line.uses if last_use.get(r) == index and r not in keep_alive}, key=lambda r: int(r[1:]))
            for output in line.outputs:
                if output not in needed and output not in keep_alive:
                    dead.append(output)
            if dead:
                body.append('del ' + ', '.join(dead))
        returned = ', '.join(results) + (',' if len(results) == 1 else '')
        body.append(f'return ({returned})')
        source = f'def forward({self.backend.signature(self.input_refs)}):\n' + ''.join(f'    {line}\n' for line in body)
        return Plan(source=source, input_names=list(self.env_inputs()), output_names=list(self.requested_outputs), constants=constants)

    def env_inputs(self) -> list[str]:
        return [name for name in self.graph.inputs]


def unsupported_ops(graph: OnnxGraph) -> list[str]:
    return sorted({node.qualified_op for node in graph.nodes if node.qualified_op not in OPS})


def plan_graph(graph: OnnxGraph, backend: Backend, inputs: dict[str, tuple[tuple[int, ...], str]], outputs: list[str]) -> Plan:
    """Plans `graph` for `backend` with the given input shapes; raises UnsupportedModel naming every
    op it cannot convert (or the first unsupported feature of a supported op)."""
    missing = unsupported_ops(graph)
    if missing:
        raise UnsupportedModel(f'unsupported op{"s" if len(missing) > 1 else ""} {", ".join(missing)}')
    for name in inputs:
        if name not in graph.inputs:
            raise UnsupportedModel(f'the model has no input named {name}; its inputs are {", ".join(graph.inputs)}')
    unbound = [name for name in graph.inputs if name not in inputs]
    if unbound:
        raise UnsupportedModel(f'inputs {", ".join(unbound)} are not given (the harness feeds one input)')
    return Planner(graph, backend, inputs, outputs).run()


# ====================================================================================== the op table

OPS: dict[str, Callable[[Ctx], Any]] = {}


def op(*names: str) -> Callable[[Callable[[Ctx], Any]], Callable[[Ctx], Any]]:
    def register(fn: Callable[[Ctx], Any]) -> Callable[[Ctx], Any]:
        for name in names:
            OPS[name] = fn
        return fn

    return register


def broadcast_shapes(*shapes: Sequence[int]) -> tuple[int, ...]:
    rank = max(len(s) for s in shapes)
    out = []
    for i in range(rank):
        dims = [s[i - rank + len(s)] for s in shapes if i - rank + len(s) >= 0]
        size = 1
        for d in dims:
            if d != 1:
                if size not in (1, d):
                    raise UnsupportedModel(f'shapes {list(map(list, shapes))} do not broadcast')
                size = d
        out.append(size)
    return tuple(out)


# ---------------------------------------------------------------------------------- element-wise

UNARY = {
    'Relu': 'relu', 'Sigmoid': 'sigmoid', 'Tanh': 'tanh', 'Exp': 'exp', 'Log': 'log', 'Sqrt': 'sqrt',
    'Reciprocal': 'reciprocal', 'Neg': 'neg', 'Abs': 'abs', 'Erf': 'erf', 'Floor': 'floor', 'Ceil': 'ceil',
    'Round': 'round', 'Sin': 'sin', 'Cos': 'cos', 'Tan': 'tan', 'Sign': 'sign', 'Not': 'logical_not',
    'Softplus': 'softplus', 'Softsign': 'softsign', 'HardSwish': 'hardswish', 'IsNaN': 'isnan', 'Mish': 'mish',
}


def _unary(fn: str) -> Callable[[Ctx], Any]:
    return lambda c: c.call(fn, c.val(0))


for _onnx, _fn in UNARY.items():
    OPS[_onnx] = _unary(_fn)


@op('LeakyRelu')
def _leaky_relu(c: Ctx) -> Val:
    return c.call('leaky_relu', c.val(0), float(c.attr('alpha', 0.01)))


@op('Elu')
def _elu(c: Ctx) -> Val:
    return c.call('elu', c.val(0), float(c.attr('alpha', 1.0)))


@op('Celu')
def _celu(c: Ctx) -> Val:
    return c.call('celu', c.val(0), float(c.attr('alpha', 1.0)))


@op('Selu')
def _selu(c: Ctx) -> Val:
    return c.call('selu', c.val(0), float(c.attr('alpha', 1.67326319217681884765625)), float(c.attr('gamma', 1.05070102214813232421875)))


@op('HardSigmoid')
def _hard_sigmoid(c: Ctx) -> Val:
    return c.call('hard_sigmoid', c.val(0), float(c.attr('alpha', 0.2)), float(c.attr('beta', 0.5)))


@op('ThresholdedRelu')
def _thresholded_relu(c: Ctx) -> Val:
    return c.call('thresholded_relu', c.val(0), float(c.attr('alpha', 1.0)))


@op('Gelu')
def _gelu(c: Ctx) -> Val:
    approximate = c.attr('approximate', 'none')
    if approximate not in ('none', 'tanh'):
        raise c.unsupported(f'approximate="{approximate}"')
    return c.call('gelu', c.val(0), approximate)


@op('Clip')
def _clip(c: Ctx) -> Val:
    x = c.val(0)
    if c.opset < 11:
        lo, hi = c.attr('min'), c.attr('max')
        return c.call('clip', x, None if lo is None else float(lo), None if hi is None else float(hi))
    bounds: list[Any] = []
    for i in (1, 2):
        if not c.has(i):
            bounds.append(None)
        elif c.val(i).const:
            bounds.append(c.scalar(i, 'a bound'))
        else:
            bounds.append(c.val(i))
    if any(isinstance(b, Val) for b in bounds):
        return c.call('clip_tensor', x, bounds[0], bounds[1])
    if c.dtype(0).startswith('float') or c.dtype(0) == 'bfloat16':
        bounds = [None if b is None else float(b) for b in bounds]
    return c.call('clip', x, bounds[0], bounds[1])


BINARY = {
    'Add': 'add', 'Sub': 'sub', 'Mul': 'mul', 'Div': 'div', 'Pow': 'pow', 'Equal': 'equal', 'Less': 'less',
    'LessOrEqual': 'less_equal', 'Greater': 'greater', 'GreaterOrEqual': 'greater_equal', 'And': 'logical_and',
    'Or': 'logical_or', 'Xor': 'logical_xor', 'PRelu': 'prelu', 'BitwiseAnd': 'bitwise_and', 'BitwiseOr': 'bitwise_or',
}


def _binary(fn: str) -> Callable[[Ctx], Any]:
    def plan(c: Ctx) -> Val:
        if c.attr('broadcast') is not None and c.attr('axis') is not None:
            raise c.unsupported('legacy broadcasting with an axis (opset < 7)')
        return c.call(fn, c.val(0), c.val(1))

    return plan


for _onnx, _fn in BINARY.items():
    OPS[_onnx] = _binary(_fn)


@op('Mod')
def _mod(c: Ctx) -> Val:
    return c.call('mod', c.val(0), c.val(1), bool(c.attr('fmod', 0)))


@op('Sum', 'Mean', 'Max', 'Min')
def _variadic(c: Ctx) -> Val:
    fn = {'Sum': 'add', 'Mean': 'add', 'Max': 'maximum', 'Min': 'minimum'}[c.node.op]
    values = c.vals()
    result = values[0]
    for value in values[1:]:
        result = c.call(fn, result, value)
    if c.node.op == 'Mean' and len(values) > 1:
        result = c.call('div', result, c.const(np.array(len(values), dtype=_np_dtype(c.backend.dtype(result.tensor)))))
    return result


@op('Where')
def _where(c: Ctx) -> Val:
    return c.call('where', c.val(0), c.val(1), c.val(2))


def _np_dtype(name: str) -> Any:
    return np.float32 if name == 'bfloat16' else np.dtype(name)


@op('Cast')
def _cast(c: Ctx) -> Val:
    return c.call('cast', c.val(0), dtype_name(c.attr('to')))


@op('CastLike')
def _cast_like(c: Ctx) -> Val:
    return c.call('cast', c.val(0), c.dtype(1))


@op('Identity', 'Dropout')
def _identity(c: Ctx) -> Val:
    if c.node.op == 'Dropout':
        if c.output_used(1):
            raise c.unsupported('the mask output is used (training mode)')
        # A ratio of 0 drops nothing, in training mode too (torchvision's Swin exports its attention so).
        drops = not (c.has(1) and c.val(1).const and float(c.np(1, 'ratio').reshape(-1)[0]) == 0.0)
        if drops and c.has(2) and c.val(2).const and bool(c.np(2, 'training_mode').reshape(-1)[0]):
            raise c.unsupported('training_mode is true')
    return c.val(0)


# ---------------------------------------------------------------------------------- constants and shapes

@op('Constant')
def _constant(c: Ctx) -> Val:
    attrs = c.node.attrs
    if 'value' in attrs:
        return c.const(np.asarray(attrs['value']))
    if 'value_float' in attrs:
        return c.const(np.array(attrs['value_float'], dtype=np.float32))
    if 'value_floats' in attrs:
        return c.const(np.array(attrs['value_floats'], dtype=np.float32))
    if 'value_int' in attrs:
        return c.const(np.array(attrs['value_int'], dtype=np.int64))
    if 'value_ints' in attrs:
        return c.const(np.array(attrs['value_ints'], dtype=np.int64))
    raise c.unsupported(f'attribute {", ".join(attrs) or "(none)"}')


@op('Shape')
def _shape(c: Ctx) -> Val:
    shape = list(c.shape(0))
    start = c.attr('start', 0)
    end = c.attr('end', len(shape))
    return c.const(np.array(shape[start:end], dtype=np.int64))


@op('Size')
def _size(c: Ctx) -> Val:
    return c.const(np.array(int(np.prod(c.shape(0), dtype=np.int64)), dtype=np.int64))


@op('ConstantOfShape')
def _constant_of_shape(c: Ctx) -> Val:
    shape = tuple(c.ints(0, 'the shape'))
    value = c.attr('value')
    array = np.zeros(1, dtype=np.float32) if value is None else np.asarray(value).reshape(-1)
    fill = array[0].item()
    return c.call('full', shape, fill, str(array.dtype))


@op('Range')
def _range(c: Ctx) -> Val:
    start, limit, delta = (c.scalar(i, name) for i, name in ((0, 'start'), (1, 'limit'), (2, 'delta')))
    return c.call('arange', start, limit, delta, c.dtype(0))


@op('Reshape')
def _reshape(c: Ctx) -> Val:
    shape_in = c.shape(0)
    target = c.ints(1, 'the target shape')
    allowzero = int(c.attr('allowzero', 0))
    out = []
    for i, d in enumerate(target):
        if d == 0 and not allowzero:
            if i >= len(shape_in):
                raise c.unsupported(f'0 at position {i} has no input dimension to copy')
            out.append(shape_in[i])
        else:
            out.append(d)
    if out.count(-1) > 1:
        raise c.unsupported('more than one -1 in the target shape')
    if -1 in out:
        known = int(np.prod([d for d in out if d != -1], dtype=np.int64))
        total = int(np.prod(shape_in, dtype=np.int64))
        out[out.index(-1)] = total // known if known else 0
    return c.reshape(c.val(0), out)


@op('Flatten')
def _flatten(c: Ctx) -> Val:
    shape = c.shape(0)
    axis = c.attr('axis', 1)
    axis = axis + len(shape) if axis < 0 else axis
    outer = int(np.prod(shape[:axis], dtype=np.int64))
    inner = int(np.prod(shape[axis:], dtype=np.int64))
    return c.reshape(c.val(0), (outer, inner))


def _axes(c: Ctx, input_index: int, opset_input: int) -> list[int] | None:
    """Axes as attribute (older opsets) or as input (from `opset_input`)."""
    if c.opset >= opset_input:
        return c.ints(input_index, 'axes') if c.has(input_index) else None
    axes = c.attr('axes')
    return None if axes is None else [int(a) for a in axes]


@op('Squeeze')
def _squeeze(c: Ctx) -> Val:
    shape = c.shape(0)
    axes = _axes(c, 1, 13)
    if axes is None:
        out = [d for d in shape if d != 1]
    else:
        drop = {c.axis(a, len(shape)) for a in axes}
        for a in drop:
            if shape[a] != 1:
                raise c.unsupported(f'axis {a} has size {shape[a]}, not 1')
        out = [d for i, d in enumerate(shape) if i not in drop]
    return c.reshape(c.val(0), out)


@op('Unsqueeze')
def _unsqueeze(c: Ctx) -> Val:
    shape = list(c.shape(0))
    axes = _axes(c, 1, 13)
    if axes is None:
        raise c.unsupported('no axes')
    rank = len(shape) + len(axes)
    insert = sorted(c.axis(a, rank) for a in axes)
    out = list(shape)
    for a in insert:
        out.insert(a, 1)
    return c.reshape(c.val(0), out)


@op('Transpose')
def _transpose(c: Ctx) -> Val:
    rank = c.rank(0)
    perm = c.attr('perm')
    perm = list(range(rank))[::-1] if perm is None else [c.axis(p, rank) for p in perm]
    if perm == list(range(rank)):
        return c.val(0)
    return c.call('transpose', c.val(0), tuple(perm))


@op('Concat')
def _concat(c: Ctx) -> Val:
    values = c.vals()
    rank = c.backend.shape(values[0].tensor).__len__()
    axis = c.axis(c.attr('axis'), rank)
    values = [v for v in values if c.backend.shape(v.tensor)[axis] != 0 or len(values) == 1]
    if len(values) == 1:
        return values[0]
    return c.call('concat', tuple(values), axis)


@op('Split')
def _split(c: Ctx) -> list[Val]:
    shape = c.shape(0)
    axis = c.axis(c.attr('axis', 0), len(shape))
    count = len(c.node.outputs)
    if c.opset >= 13 and c.has(1):
        sizes = c.ints(1, 'split sizes')
    elif c.opset < 13 and c.attr('split') is not None:
        sizes = [int(s) for s in c.attr('split')]
    else:
        parts = int(c.attr('num_outputs', count))
        size = -(-shape[axis] // parts)
        sizes = [size] * (parts - 1) + [shape[axis] - size * (parts - 1)]
    if sum(sizes) != shape[axis]:
        raise c.unsupported(f'split sizes {sizes} do not add up to {shape[axis]}')
    return c.call_multi('split', c.val(0), axis, tuple(sizes))


@op('Slice')
def _slice(c: Ctx) -> Val:
    shape = c.shape(0)
    rank = len(shape)
    if c.opset < 10:
        starts = [int(v) for v in c.attr('starts')]
        ends = [int(v) for v in c.attr('ends')]
        axes = [int(v) for v in c.attr('axes', list(range(len(starts))))]
        steps = [1] * len(starts)
    else:
        starts = c.ints(1, 'starts')
        ends = c.ints(2, 'ends')
        axes = c.ints(3, 'axes') if c.has(3) else list(range(len(starts)))
        steps = c.ints(4, 'steps') if c.has(4) else [1] * len(starts)
    index = [(0, d, 1) for d in shape]
    flips: list[int] = []
    for start, end, axis, step in zip(starts, ends, axes, steps):
        axis = c.axis(axis, rank)
        dim = shape[axis]
        if step == 0:
            raise c.unsupported('step 0')
        if start < 0:
            start += dim
        if end < 0:
            end += dim
        if step > 0:
            start = min(max(start, 0), dim)
            end = min(max(end, 0), dim)
            index[axis] = (start, max(start, end), step)
        else:
            start = min(max(start, -1), dim - 1)
            end = min(max(end, -1), dim - 1)
            # Elements start, start+step, … down to end+1: on the flipped axis they run upwards.
            flips.append(axis)
            lo = dim - 1 - start
            hi = dim - 1 - end
            index[axis] = (lo, max(lo, hi), -step)
    if not flips and all(s == (0, d, 1) for s, d in zip(index, shape)):
        return c.val(0)
    return c.call('slice', c.val(0), tuple(sorted(flips)), tuple(index))


@op('Gather')
def _gather(c: Ctx) -> Val:
    shape = c.shape(0)
    axis = c.axis(c.attr('axis', 0), len(shape))
    dim = shape[axis]
    if c.val(1).const:
        indices = c.np(1, 'indices').astype(np.int64)
        if ((indices < -dim) | (indices >= dim)).any():
            raise c.unsupported(f'an index is out of range for a dimension of {dim}')
        indices = np.where(indices < 0, indices + dim, indices)
        if indices.ndim == 0:
            return c.call('select', c.val(0), axis, int(indices))
        return c.call('take', c.val(0), c.const(indices), axis)
    return c.call('gather', c.val(0), c.val(1), axis)


@op('GatherElements')
def _gather_elements(c: Ctx) -> Val:
    return c.call('gather_elements', c.val(0), c.val(1), c.axis(c.attr('axis', 0), c.rank(0)))


@op('ScatterND')
def _scatter_nd(c: Ctx) -> Val:
    reduction = c.attr('reduction', 'none')
    if reduction not in ('none', 'add'):
        raise c.unsupported(f'reduction "{reduction}"')
    return c.call('scatter_nd', c.val(0), c.val(1), c.val(2), reduction)


@op('Expand')
def _expand(c: Ctx) -> Val:
    shape = c.shape(0)
    target = broadcast_shapes(shape, c.ints(1, 'the shape'))
    if target == shape:
        return c.val(0)
    return c.call('expand', c.val(0), target)


@op('Tile')
def _tile(c: Ctx) -> Val:
    return c.call('tile', c.val(0), tuple(c.ints(1, 'repeats')))


@op('Pad')
def _pad(c: Ctx) -> Val:
    rank = c.rank(0)
    mode = c.attr('mode', 'constant')
    if mode not in ('constant', 'reflect', 'edge'):
        raise c.unsupported(f'mode "{mode}"')
    if c.opset < 11:
        pads = [int(p) for p in c.attr('pads', c.attr('paddings'))]
        value = float(c.attr('value', 0.0))
        axes = list(range(rank))
    else:
        pads = c.ints(1, 'pads')
        value = c.scalar(2, 'the constant value') if c.has(2) else 0
        axes = [c.axis(a, rank) for a in c.ints(3, 'axes')] if c.has(3) else list(range(rank))
    pairs = [(0, 0)] * rank
    n = len(axes)
    for k, a in enumerate(axes):
        pairs[a] = (pads[k], pads[k + n])
    if any(lo < 0 or hi < 0 for lo, hi in pairs):
        raise c.unsupported('negative pads')
    return c.call('pad', c.val(0), tuple(pairs), mode, value)


@op('Trilu')
def _trilu(c: Ctx) -> Val:
    k = c.scalar(1, 'k') if c.has(1) else 0
    return c.call('trilu', c.val(0), int(k), bool(c.attr('upper', 1)))


@op('DepthToSpace')
def _depth_to_space(c: Ctx) -> Val:
    n, ch, h, w = c.shape(0)
    b = int(c.attr('blocksize'))
    mode = c.attr('mode', 'DCR')
    if mode == 'DCR':
        x = c.reshape(c.val(0), (n, b, b, ch // (b * b), h, w))
        x = c.call('transpose', x, (0, 3, 4, 1, 5, 2))
    else:
        x = c.reshape(c.val(0), (n, ch // (b * b), b, b, h, w))
        x = c.call('transpose', x, (0, 1, 4, 2, 5, 3))
    return c.reshape(x, (n, ch // (b * b), h * b, w * b))


@op('SpaceToDepth')
def _space_to_depth(c: Ctx) -> Val:
    n, ch, h, w = c.shape(0)
    b = int(c.attr('blocksize'))
    x = c.reshape(c.val(0), (n, ch, h // b, b, w // b, b))
    x = c.call('transpose', x, (0, 3, 5, 1, 2, 4))
    return c.reshape(x, (n, ch * b * b, h // b, w // b))


# ---------------------------------------------------------------------------------- linear algebra

@op('MatMul')
def _matmul(c: Ctx) -> Val:
    return c.call('matmul', c.val(0), c.val(1))


@op('Gemm')
def _gemm(c: Ctx) -> Val:
    if c.attr('broadcast') is not None and c.opset < 7 and not c.attr('broadcast'):
        raise c.unsupported('legacy Gemm without broadcasting')
    bias = c.val(2) if c.has(2) else None
    return c.call('gemm', c.val(0), c.val(1), bias, float(c.attr('alpha', 1.0)), float(c.attr('beta', 1.0)),
                  bool(c.attr('transA', 0)), bool(c.attr('transB', 0)))


@op('Einsum')
def _einsum(c: Ctx) -> Val:
    return c.call('einsum', c.attr('equation'), tuple(c.vals()))


# ---------------------------------------------------------------------------------- convolution and pooling

def _spatial_pads(c: Ctx, in_sizes: Sequence[int], kernel: Sequence[int], strides: Sequence[int], dilations: Sequence[int]) -> list[tuple[int, int]]:
    n = len(in_sizes)
    auto_pad = c.attr('auto_pad', 'NOTSET')
    if auto_pad in ('NOTSET', ''):
        pads = [int(p) for p in c.attr('pads', [0] * (2 * n))]
        return [(pads[i], pads[i + n]) for i in range(n)]
    if auto_pad == 'VALID':
        return [(0, 0)] * n
    if auto_pad in ('SAME_UPPER', 'SAME_LOWER'):
        out = []
        for size, k, s, d in zip(in_sizes, kernel, strides, dilations):
            target = -(-size // s)
            total = max(0, (target - 1) * s + (k - 1) * d + 1 - size)
            small = total // 2
            out.append((small, total - small) if auto_pad == 'SAME_UPPER' else (total - small, small))
        return out
    raise c.unsupported(f'auto_pad "{auto_pad}"')


@op('Conv')
def _conv(c: Ctx) -> Val:
    x_shape = c.shape(0)
    w_shape = c.shape(1)
    n = len(x_shape) - 2
    if n not in (1, 2, 3):
        raise c.unsupported(f'{n}-D convolution')
    kernel = [int(k) for k in c.attr('kernel_shape', w_shape[2:])]
    strides = [int(s) for s in c.attr('strides', [1] * n)]
    dilations = [int(d) for d in c.attr('dilations', [1] * n)]
    pads = _spatial_pads(c, x_shape[2:], kernel, strides, dilations)
    bias = c.val(2) if c.has(2) else None
    return c.call('conv', c.val(0), c.val(1), bias, tuple(strides), tuple(pads), tuple(dilations), int(c.attr('group', 1)))


@op('ConvTranspose')
def _conv_transpose(c: Ctx) -> Val:
    x_shape = c.shape(0)
    w_shape = c.shape(1)
    n = len(x_shape) - 2
    if n not in (1, 2, 3):
        raise c.unsupported(f'{n}-D transposed convolution')
    kernel = [int(k) for k in c.attr('kernel_shape', w_shape[2:])]
    strides = [int(s) for s in c.attr('strides', [1] * n)]
    dilations = [int(d) for d in c.attr('dilations', [1] * n)]
    output_padding = [int(p) for p in c.attr('output_padding', [0] * n)]
    auto_pad = c.attr('auto_pad', 'NOTSET')
    output_shape = c.attr('output_shape')
    if output_shape is not None or auto_pad in ('SAME_UPPER', 'SAME_LOWER'):
        sizes = [int(s) for s in output_shape[-n:]] if output_shape is not None else [x * s for x, s in zip(x_shape[2:], strides)]
        pads = []
        for i in range(n):
            total = strides[i] * (x_shape[2 + i] - 1) + output_padding[i] + (kernel[i] - 1) * dilations[i] + 1 - sizes[i]
            if total < 0:
                raise c.unsupported('output_shape larger than the full transposed convolution')
            small = total // 2
            pads.append((total - small, small) if auto_pad == 'SAME_LOWER' else (small, total - small))
    elif auto_pad == 'VALID':
        pads = [(0, 0)] * n
    else:
        flat = [int(p) for p in c.attr('pads', [0] * (2 * n))]
        pads = [(flat[i], flat[i + n]) for i in range(n)]
    bias = c.val(2) if c.has(2) else None
    return c.call('conv_transpose', c.val(0), c.val(1), bias, tuple(strides), tuple(pads), tuple(dilations),
                  int(c.attr('group', 1)), tuple(output_padding))


def _pool_geometry(c: Ctx, dilated: bool) -> tuple[tuple[int, ...], tuple[int, ...], tuple[tuple[int, int], ...], tuple[int, ...], tuple[int, ...]]:
    """kernel, strides, explicit pads, dilations, and the extra high-side padding ceil_mode needs."""
    x_shape = c.shape(0)
    n = len(x_shape) - 2
    kernel = [int(k) for k in c.attr('kernel_shape')]
    strides = [int(s) for s in c.attr('strides', [1] * n)]
    dilations = [int(d) for d in c.attr('dilations', [1] * n)] if dilated else [1] * n
    if not dilated and any(d != 1 for d in c.attr('dilations', [1] * n)):
        raise c.unsupported('dilations')
    pads = _spatial_pads(c, x_shape[2:], kernel, strides, dilations)
    ceil_mode = bool(c.attr('ceil_mode', 0))
    extra = []
    for size, k, s, d, (lo, hi) in zip(x_shape[2:], kernel, strides, dilations, pads):
        span = size + lo + hi - ((k - 1) * d + 1)
        out = span // s + 1
        if ceil_mode and span % s != 0:
            # The last window must start inside the input or its left padding (as PyTorch and ONNX Runtime).
            if out * s < size + lo:
                out += 1
        extra.append(max(0, (out - 1) * s + (k - 1) * d + 1 - (size + lo + hi)))
    return tuple(kernel), tuple(strides), tuple(pads), tuple(dilations), tuple(extra)


@op('MaxPool')
def _max_pool(c: Ctx) -> Val:
    if c.output_used(1):
        raise c.unsupported('the Indices output is used')
    if int(c.attr('storage_order', 0)) != 0:
        raise c.unsupported('storage_order 1')
    kernel, strides, pads, dilations, extra = _pool_geometry(c, dilated=True)
    return c.call('max_pool', c.val(0), kernel, strides, pads, dilations, extra)


@op('AveragePool')
def _avg_pool(c: Ctx) -> Val:
    kernel, strides, pads, _, extra = _pool_geometry(c, dilated=False)
    return c.call('avg_pool', c.val(0), kernel, strides, pads, extra, bool(c.attr('count_include_pad', 0)))


@op('GlobalAveragePool')
def _global_avg_pool(c: Ctx) -> Val:
    return c.call('reduce', c.val(0), 'mean', tuple(range(2, c.rank(0))), True)


@op('GlobalMaxPool')
def _global_max_pool(c: Ctx) -> Val:
    return c.call('reduce', c.val(0), 'max', tuple(range(2, c.rank(0))), True)


# ---------------------------------------------------------------------------------- normalisation

@op('BatchNormalization')
def _batch_norm(c: Ctx) -> Val:
    if any(c.output_used(j) for j in range(1, 5)) or int(c.attr('training_mode', 0)):
        raise c.unsupported('training mode (running statistics are outputs)')
    return c.call('batch_norm', c.val(0), c.val(1), c.val(2), c.val(3), c.val(4), float(c.attr('epsilon', 1e-5)))


@op('LayerNormalization')
def _layer_norm(c: Ctx) -> Val:
    if c.output_used(1) or c.output_used(2):
        raise c.unsupported('the Mean or InvStdDev output is used')
    rank = c.rank(0)
    axis = c.axis(c.attr('axis', -1), rank)
    bias = c.val(2) if c.has(2) else None
    return c.call('layer_norm', c.val(0), c.val(1), bias, axis, float(c.attr('epsilon', 1e-5)))


@op('InstanceNormalization')
def _instance_norm(c: Ctx) -> Val:
    return c.call('instance_norm', c.val(0), c.val(1), c.val(2), float(c.attr('epsilon', 1e-5)))


# ---------------------------------------------------------------------------------- softmax and reductions

def _softmax(fn: str) -> Callable[[Ctx], Any]:
    def plan(c: Ctx) -> Val:
        shape = c.shape(0)
        rank = len(shape)
        if c.opset >= 13:
            return c.call(fn, c.val(0), c.axis(c.attr('axis', -1), rank))
        # Before opset 13 the input is seen as 2-D: dimensions before `axis` and from `axis` on.
        axis = c.axis(c.attr('axis', 1), rank)
        if axis == rank - 1:
            return c.call(fn, c.val(0), axis)
        outer = int(np.prod(shape[:axis], dtype=np.int64))
        flat = c.reshape(c.val(0), (outer, -1 if outer == 0 else int(np.prod(shape[axis:], dtype=np.int64))))
        return c.reshape(c.call(fn, flat, 1), shape)

    return plan


OPS['Softmax'] = _softmax('softmax')
OPS['LogSoftmax'] = _softmax('log_softmax')

REDUCE = {
    'ReduceMean': 'mean', 'ReduceSum': 'sum', 'ReduceMax': 'max', 'ReduceMin': 'min', 'ReduceProd': 'prod',
    'ReduceL1': 'l1', 'ReduceL2': 'l2', 'ReduceSumSquare': 'sumsquare', 'ReduceLogSumExp': 'logsumexp',
}


def _reduce(kind: str, onnx_name: str) -> Callable[[Ctx], Any]:
    axes_input_from = 13 if onnx_name == 'ReduceSum' else 18

    def plan(c: Ctx) -> Val:
        rank = c.rank(0)
        axes = _axes(c, 1, axes_input_from)
        if axes is None or len(axes) == 0:
            if int(c.attr('noop_with_empty_axes', 0)):
                return c.val(0)
            axes = list(range(rank))
        keepdims = bool(c.attr('keepdims', 1))
        return c.call('reduce', c.val(0), kind, tuple(sorted({c.axis(a, rank) for a in axes})), keepdims)

    return plan


for _onnx, _kind in REDUCE.items():
    OPS[_onnx] = _reduce(_kind, _onnx)


def _arg(fn: str) -> Callable[[Ctx], Any]:
    def plan(c: Ctx) -> Val:
        if int(c.attr('select_last_index', 0)):
            raise c.unsupported('select_last_index')
        return c.call(fn, c.val(0), c.axis(c.attr('axis', 0), c.rank(0)), bool(c.attr('keepdims', 1)))

    return plan


OPS['ArgMax'] = _arg('argmax')
OPS['ArgMin'] = _arg('argmin')
