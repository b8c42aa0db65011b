"""The PyTorch runtime functions the generated forward calls (`F.<name>`). Static arguments arrive as
Python literals, so every branch below is decided at trace time: TorchDynamo sees plain tensor ops.
Written against torch 1.13 and 2.x alike."""
from __future__ import annotations

import builtins
import math

import torch
import torch.nn.functional as NF

DTYPES = {
    'float32': torch.float32, 'float16': torch.float16, 'bfloat16': torch.bfloat16, 'float64': torch.float64,
    'int64': torch.int64, 'int32': torch.int32, 'int16': torch.int16, 'int8': torch.int8, 'uint8': torch.uint8,
    'bool': torch.bool,
}

# ------------------------------------------------------------------ element-wise


def relu(x): return torch.relu(x)
def sigmoid(x): return torch.sigmoid(x)
def tanh(x): return torch.tanh(x)
def exp(x): return torch.exp(x)
def log(x): return torch.log(x)
def sqrt(x): return torch.sqrt(x)
def reciprocal(x): return torch.reciprocal(x)
def neg(x): return torch.neg(x)
def abs(x): return torch.abs(x)  # noqa: A001 (the ONNX name)
def erf(x): return torch.erf(x)
def floor(x): return torch.floor(x)
def ceil(x): return torch.ceil(x)
def round(x): return torch.round(x)  # noqa: A001 (half to even, as ONNX)
def sin(x): return torch.sin(x)
def cos(x): return torch.cos(x)
def tan(x): return torch.tan(x)
def sign(x): return torch.sign(x)
def logical_not(x): return torch.logical_not(x)
def softplus(x): return torch.log1p(torch.exp(-torch.abs(x))) + torch.clamp(x, min=0)
def softsign(x): return x / (1 + torch.abs(x))
def hardswish(x): return x * torch.clamp(x * (1.0 / 6.0) + 0.5, 0.0, 1.0)
def isnan(x): return torch.isnan(x)
def mish(x): return x * torch.tanh(softplus(x))
def leaky_relu(x, alpha): return NF.leaky_relu(x, alpha)
def elu(x, alpha): return NF.elu(x, alpha)
def celu(x, alpha): return NF.celu(x, alpha)
def selu(x, alpha, gamma): return gamma * torch.where(x > 0, x, alpha * (torch.exp(x) - 1))
def hard_sigmoid(x, alpha, beta): return torch.clamp(x * alpha + beta, 0.0, 1.0)
def thresholded_relu(x, alpha): return torch.where(x > alpha, x, torch.zeros_like(x))
def gelu(x, approximate): return NF.gelu(x, approximate=approximate)


def clip(x, lo, hi):
    if lo is None and hi is None:
        return x
    return torch.clamp(x, lo, hi)


def clip_tensor(x, lo, hi):
    if lo is not None:
        x = torch.maximum(x, lo)
    if hi is not None:
        x = torch.minimum(x, hi)
    return x


def add(a, b): return a + b
def sub(a, b): return a - b
def mul(a, b): return a * b


def div(a, b):
    if not a.dtype.is_floating_point and not b.dtype.is_floating_point:
        return torch.div(a, b, rounding_mode='trunc')
    return a / b


def pow(a, b):  # noqa: A001
    y = torch.pow(a, b)
    return y if y.dtype == a.dtype else y.to(a.dtype)


def equal(a, b): return torch.eq(a, b)
def less(a, b): return torch.lt(a, b)
def less_equal(a, b): return torch.le(a, b)
def greater(a, b): return torch.gt(a, b)
def greater_equal(a, b): return torch.ge(a, b)
def logical_and(a, b): return torch.logical_and(a, b)
def logical_or(a, b): return torch.logical_or(a, b)
def logical_xor(a, b): return torch.logical_xor(a, b)
def bitwise_and(a, b): return torch.bitwise_and(a, b)
def bitwise_or(a, b): return torch.bitwise_or(a, b)
def maximum(a, b): return torch.maximum(a, b)
def minimum(a, b): return torch.minimum(a, b)
def prelu(x, slope): return torch.where(x < 0, x * slope, x)
def mod(a, b, fmod): return torch.fmod(a, b) if fmod else torch.remainder(a, b)
def where(c, a, b): return torch.where(c, a, b)
def cast(x, dtype): return x.to(DTYPES[dtype])

# ------------------------------------------------------------------ constants (folded at load time)


def full(shape, value, dtype): return torch.full(shape, value, dtype=DTYPES[dtype])
def arange(start, limit, delta, dtype): return torch.arange(start, limit, delta, dtype=DTYPES[dtype])

# ------------------------------------------------------------------ layout


def reshape(x, shape): return x.reshape(shape)
def transpose(x, perm): return x.permute(perm)
def concat(xs, axis): return torch.cat(list(xs), dim=axis)
def split(x, axis, sizes): return torch.split(x, list(sizes), dim=axis)


def slice(x, flips, index):  # noqa: A001
    if flips:
        x = torch.flip(x, flips)
    return x[tuple(_slice(a, b, s) for a, b, s in index)]


_slice = builtins.slice


def select(x, axis, i): return x.select(axis, i)


def take(x, idx, axis):
    """Gather with indices already in range (normalised when they were constants)."""
    out = torch.index_select(x, axis, idx.reshape(-1))
    return out.reshape(tuple(x.shape[:axis]) + tuple(idx.shape) + tuple(x.shape[axis + 1:]))


def gather(x, idx, axis):
    idx = idx.to(torch.int64)
    idx = torch.where(idx < 0, idx + x.shape[axis], idx)
    return take(x, idx, axis)


def gather_elements(x, idx, axis):
    idx = idx.to(torch.int64)
    return torch.gather(x, axis, torch.where(idx < 0, idx + x.shape[axis], idx))


def scatter_nd(data, idx, updates, reduction):
    """ONNX ScatterND: `data` with the slices addressed by the last axis of `idx` replaced by (or, with
    reduction "add", increased by) `updates`; the input itself is left as it was."""
    idx = idx.to(torch.int64)
    key = tuple(torch.where(idx[..., i] < 0, idx[..., i] + data.shape[i], idx[..., i]) for i in range(idx.shape[-1]))
    return data.index_put(key, updates.to(data.dtype), accumulate=reduction == 'add')


def expand(x, shape):
    return x.reshape((1,) * (len(shape) - x.dim()) + tuple(x.shape)).expand(shape)


def tile(x, repeats): return x.repeat(repeats)


def pad(x, pairs, mode, value):
    flat = []
    pairs = list(pairs)
    while pairs and pairs[0] == (0, 0):
        pairs = pairs[1:]
    for lo, hi in reversed(pairs):
        flat.extend((lo, hi))
    if not flat:
        return x
    if mode == 'constant':
        return NF.pad(x, flat, mode='constant', value=value)
    return NF.pad(x, flat, mode='reflect' if mode == 'reflect' else 'replicate')


def trilu(x, k, upper): return torch.triu(x, k) if upper else torch.tril(x, k)

# ------------------------------------------------------------------ linear algebra


def matmul(a, b): return torch.matmul(a, b)


def gemm(a, b, c, alpha, beta, trans_a, trans_b):
    if trans_a:
        a = a.t()
    if trans_b and alpha == 1.0 and beta == 1.0 and (c is None or (c.dim() == 1 and c.shape[0] == b.shape[0])):
        return NF.linear(a, b, c)  # what nn.Linear runs: b is [out, in]
    if trans_b:
        b = b.t()
    y = torch.matmul(a, b)
    if alpha != 1.0:
        y = y * alpha
    if c is not None:
        y = y + (c * beta if beta != 1.0 else c)
    return y


def einsum(equation, xs): return torch.einsum(equation, *xs)

# ------------------------------------------------------------------ convolution and pooling

_CONV = {1: NF.conv1d, 2: NF.conv2d, 3: NF.conv3d}
_CONV_T = {1: NF.conv_transpose1d, 2: NF.conv_transpose2d, 3: NF.conv_transpose3d}
_MAX_POOL = {1: NF.max_pool1d, 2: NF.max_pool2d, 3: NF.max_pool3d}
_AVG_POOL = {1: NF.avg_pool1d, 2: NF.avg_pool2d, 3: NF.avg_pool3d}


def _flat_pads(pairs):
    flat = []
    for lo, hi in reversed(pairs):
        flat.extend((lo, hi))
    return flat


def conv(x, w, b, strides, pads, dilations, groups):
    if all(lo == hi for lo, hi in pads):
        padding = tuple(lo for lo, _ in pads)
    else:
        x = NF.pad(x, _flat_pads(pads))
        padding = 0
    return _CONV[len(strides)](x, w, b, strides, padding, dilations, groups)


def conv_transpose(x, w, b, strides, pads, dilations, groups, output_padding):
    n = len(strides)
    if all(lo == hi for lo, hi in pads):
        return _CONV_T[n](x, w, b, strides, tuple(lo for lo, _ in pads), output_padding, groups, dilations)
    y = _CONV_T[n](x, w, b, strides, 0, output_padding, groups, dilations)
    index = [_slice(None), _slice(None)]
    for i, (lo, hi) in enumerate(pads):
        index.append(_slice(lo, y.shape[2 + i] - hi))
    return y[tuple(index)]


def _simple_pool(kernel, pads):
    return all(lo == hi and 2 * lo <= k for (lo, hi), k in zip(pads, kernel))


def max_pool(x, kernel, strides, pads, dilations, extra):
    n = len(kernel)
    if _simple_pool(kernel, pads) and all(d == 1 for d in dilations):
        return _MAX_POOL[n](x, kernel, strides, tuple(lo for lo, _ in pads), 1, any(e > 0 for e in extra))
    x = NF.pad(x, _flat_pads([(lo, hi + e) for (lo, hi), e in zip(pads, extra)]), value=-math.inf)
    return _MAX_POOL[n](x, kernel, strides, 0, dilations, False)


def avg_pool(x, kernel, strides, pads, extra, count_include_pad):
    n = len(kernel)
    if _simple_pool(kernel, pads):
        return _AVG_POOL[n](x, kernel, strides, tuple(lo for lo, _ in pads), any(e > 0 for e in extra), count_include_pad)
    # Sum over each window divided by the number of elements it counts: the real ones, and the
    # explicit padding when count_include_pad; never the extra padding of ceil_mode.
    spatial = tuple(x.shape[2:])
    full_pads = [(lo, hi + e) for (lo, hi), e in zip(pads, extra)]
    xp = NF.pad(x, _flat_pads(full_pads))
    if count_include_pad:
        ones = torch.ones((1, 1) + tuple(s + lo + hi for s, (lo, hi) in zip(spatial, pads)), dtype=x.dtype, device=x.device)
        mask = NF.pad(ones, _flat_pads([(0, e) for e in extra]))
    else:
        mask = NF.pad(torch.ones((1, 1) + spatial, dtype=x.dtype, device=x.device), _flat_pads(full_pads))
    return _AVG_POOL[n](xp, kernel, strides) / _AVG_POOL[n](mask, kernel, strides)

# ------------------------------------------------------------------ normalisation, softmax, reductions


def batch_norm(x, scale, bias, mean, var, eps):
    return NF.batch_norm(x, mean, var, scale, bias, False, 0.0, eps)


def layer_norm(x, scale, bias, axis, eps):
    normalized = tuple(x.shape[axis:])
    if tuple(scale.shape) == normalized and (bias is None or tuple(bias.shape) == normalized):
        return NF.layer_norm(x, normalized, scale, bias, eps)
    dims = tuple(range(axis, x.dim()))
    mean = x.mean(dim=dims, keepdim=True)
    centred = x - mean
    y = centred / torch.sqrt((centred * centred).mean(dim=dims, keepdim=True) + eps) * scale
    return y if bias is None else y + bias


def instance_norm(x, scale, bias, eps): return NF.instance_norm(x, weight=scale, bias=bias, eps=eps)
def softmax(x, axis): return torch.softmax(x, axis)
def log_softmax(x, axis): return torch.log_softmax(x, axis)


def reduce(x, kind, axes, keepdims):
    if kind == 'mean':
        return torch.mean(x, dim=axes, keepdim=keepdims)
    if kind == 'sum':
        return torch.sum(x, dim=axes, keepdim=keepdims)
    if kind == 'max':
        return torch.amax(x, dim=axes, keepdim=keepdims)
    if kind == 'min':
        return torch.amin(x, dim=axes, keepdim=keepdims)
    if kind == 'prod':
        for axis in sorted(axes, reverse=True):
            x = torch.prod(x, dim=axis, keepdim=keepdims)
        return x
    if kind == 'l1':
        return torch.sum(torch.abs(x), dim=axes, keepdim=keepdims)
    if kind == 'l2':
        return torch.sqrt(torch.sum(x * x, dim=axes, keepdim=keepdims))
    if kind == 'sumsquare':
        return torch.sum(x * x, dim=axes, keepdim=keepdims)
    if kind == 'logsumexp':
        return torch.logsumexp(x, dim=axes, keepdim=keepdims)
    raise ValueError(kind)


def argmax(x, axis, keepdims): return torch.argmax(x, dim=axis, keepdim=keepdims)
def argmin(x, axis, keepdims): return torch.argmin(x, dim=axis, keepdim=keepdims)
