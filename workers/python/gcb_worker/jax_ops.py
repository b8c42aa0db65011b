"""The JAX runtime functions the generated forward calls (`F.<name>`): jax.numpy, with
lax.conv_general_dilated for convolutions and lax.reduce_window for pooling. Static arguments are
Python literals, so jax.jit traces one straight line of ops. Matrix products and convolutions ask for
Precision.HIGHEST: float32 throughout, no TF32 (XLA's default on Ampere and later GPUs).
64-bit integers run as int32 (JAX's default, x64 off): they only ever index or count here."""
from __future__ import annotations

import builtins

import jax
import jax.numpy as jnp
import jax.scipy.special
from jax import lax

HIGHEST = lax.Precision.HIGHEST

DTYPES = {
    'float32': jnp.float32, 'float16': jnp.float16, 'bfloat16': jnp.bfloat16, 'float64': jnp.float32,
    'int64': jnp.int32, 'int32': jnp.int32, 'int16': jnp.int16, 'int8': jnp.int8, 'uint8': jnp.uint8,
    'bool': jnp.bool_,
}

_slice = builtins.slice

# ------------------------------------------------------------------ element-wise


def relu(x): return jnp.maximum(x, 0)
def sigmoid(x): return jax.nn.sigmoid(x)
def tanh(x): return jnp.tanh(x)
def exp(x): return jnp.exp(x)
def log(x): return jnp.log(x)
def sqrt(x): return jnp.sqrt(x)
def reciprocal(x): return 1 / x
def neg(x): return -x
def abs(x): return jnp.abs(x)  # noqa: A001
def erf(x): return lax.erf(x)
def floor(x): return jnp.floor(x)
def ceil(x): return jnp.ceil(x)
def round(x): return jnp.round(x)  # noqa: A001 (half to even)
def sin(x): return jnp.sin(x)
def cos(x): return jnp.cos(x)
def tan(x): return jnp.tan(x)
def sign(x): return jnp.sign(x)
def logical_not(x): return jnp.logical_not(x)
def softplus(x): return jnp.log1p(jnp.exp(-jnp.abs(x))) + jnp.maximum(x, 0)
def softsign(x): return x / (1 + jnp.abs(x))
def hardswish(x): return x * jnp.clip(x * (1.0 / 6.0) + 0.5, 0.0, 1.0)
def isnan(x): return jnp.isnan(x)
def mish(x): return x * jnp.tanh(softplus(x))
def leaky_relu(x, alpha): return jnp.where(x >= 0, x, x * alpha)
def elu(x, alpha): return jnp.where(x > 0, x, alpha * jnp.expm1(x))
def celu(x, alpha): return jnp.maximum(x, 0) + jnp.minimum(0, alpha * jnp.expm1(x / alpha))
def selu(x, alpha, gamma): return gamma * jnp.where(x > 0, x, alpha * jnp.expm1(x))
def hard_sigmoid(x, alpha, beta): return jnp.clip(x * alpha + beta, 0.0, 1.0)
def thresholded_relu(x, alpha): return jnp.where(x > alpha, x, 0)
def gelu(x, approximate): return jax.nn.gelu(x, approximate=approximate == 'tanh')


def clip(x, lo, hi):
    if lo is not None:
        x = jnp.maximum(x, lo)
    if hi is not None:
        x = jnp.minimum(x, hi)
    return x


def clip_tensor(x, lo, hi): return clip(x, lo, hi)
def add(a, b): return a + b
def sub(a, b): return a - b
def mul(a, b): return a * b


def div(a, b):
    if jnp.issubdtype(a.dtype, jnp.integer) and jnp.issubdtype(b.dtype, jnp.integer):
        return lax.div(a, b)  # truncates toward zero, as ONNX
    return a / b


def pow(a, b):  # noqa: A001
    return jnp.power(a, b).astype(a.dtype)


def equal(a, b): return a == b
def less(a, b): return a < b
def less_equal(a, b): return a <= b
def greater(a, b): return a > b
def greater_equal(a, b): return a >= b
def logical_and(a, b): return jnp.logical_and(a, b)
def logical_or(a, b): return jnp.logical_or(a, b)
def logical_xor(a, b): return jnp.logical_xor(a, b)
def bitwise_and(a, b): return jnp.bitwise_and(a, b)
def bitwise_or(a, b): return jnp.bitwise_or(a, b)
def maximum(a, b): return jnp.maximum(a, b)
def minimum(a, b): return jnp.minimum(a, b)
def prelu(x, slope): return jnp.where(x < 0, x * slope, x)
def mod(a, b, fmod): return jnp.fmod(a, b) if fmod else jnp.remainder(a, b)
def where(c, a, b): return jnp.where(c, a, b)
def cast(x, dtype): return x.astype(DTYPES[dtype])

# ------------------------------------------------------------------ constants (folded at load time)


def full(shape, value, dtype): return jnp.full(shape, value, dtype=DTYPES[dtype])
def arange(start, limit, delta, dtype): return jnp.arange(start, limit, delta, dtype=DTYPES[dtype])

# ------------------------------------------------------------------ layout


def reshape(x, shape): return jnp.reshape(x, shape)
def transpose(x, perm): return jnp.transpose(x, perm)
def concat(xs, axis): return jnp.concatenate(list(xs), axis=axis)


def split(x, axis, sizes):
    out, start = [], 0
    for size in sizes:
        out.append(lax.slice_in_dim(x, start, start + size, axis=axis))
        start += size
    return tuple(out)


def slice(x, flips, index):  # noqa: A001
    if flips:
        x = jnp.flip(x, flips)
    return x[tuple(_slice(a, b, s) for a, b, s in index)]


def select(x, axis, i): return lax.index_in_dim(x, i, axis=axis, keepdims=False)
def take(x, idx, axis): return jnp.take(x, idx, axis=axis, mode='clip')


def gather(x, idx, axis):
    idx = idx.astype(jnp.int32)
    idx = jnp.where(idx < 0, idx + x.shape[axis], idx)
    return jnp.take(x, idx, axis=axis, mode='clip')


def gather_elements(x, idx, axis):
    idx = idx.astype(jnp.int32)
    return jnp.take_along_axis(x, jnp.where(idx < 0, idx + x.shape[axis], idx), axis=axis)


def scatter_nd(data, idx, updates, reduction):
    """ONNX ScatterND (see the PyTorch op of the same name)."""
    idx = idx.astype(jnp.int32)
    key = tuple(jnp.where(idx[..., i] < 0, idx[..., i] + data.shape[i], idx[..., i]) for i in range(idx.shape[-1]))
    at = data.at[key]
    return at.add(updates.astype(data.dtype)) if reduction == 'add' else at.set(updates.astype(data.dtype))


def expand(x, shape): return jnp.broadcast_to(x, shape)
def tile(x, repeats): return jnp.tile(x, repeats)


def pad(x, pairs, mode, value):
    if mode == 'constant':
        return jnp.pad(x, pairs, mode='constant', constant_values=value)
    return jnp.pad(x, pairs, mode='reflect' if mode == 'reflect' else 'edge')


def trilu(x, k, upper): return jnp.triu(x, k) if upper else jnp.tril(x, k)

# ------------------------------------------------------------------ linear algebra


def matmul(a, b): return jnp.matmul(a, b, precision=HIGHEST)


def gemm(a, b, c, alpha, beta, trans_a, trans_b):
    if trans_a:
        a = a.T
    if trans_b:
        b = b.T
    y = jnp.matmul(a, b, precision=HIGHEST)
    if alpha != 1.0:
        y = y * alpha
    if c is not None:
        y = y + (c * beta if beta != 1.0 else c)
    return y


def einsum(equation, xs): return jnp.einsum(equation, *xs, precision=HIGHEST)

# ------------------------------------------------------------------ convolution and pooling

_LAYOUT = {1: ('NCH', 'OIH', 'NCH'), 2: ('NCHW', 'OIHW', 'NCHW'), 3: ('NCDHW', 'OIDHW', 'NCDHW')}


def _bias(y, b):
    return y if b is None else y + b.reshape((1, -1) + (1,) * (y.ndim - 2))


def conv(x, w, b, strides, pads, dilations, groups):
    y = lax.conv_general_dilated(
        x, w, window_strides=strides, padding=list(pads), rhs_dilation=dilations,
        dimension_numbers=_LAYOUT[len(strides)], feature_group_count=groups, precision=HIGHEST,
    )
    return _bias(y, b)


def conv_transpose(x, w, b, strides, pads, dilations, groups, output_padding):
    """A transposed convolution as the convolution of the input dilated by the strides with the kernel
    flipped and its in/out channels swapped (per group). ONNX's weight is [C_in, C_out/groups, k…]."""
    n = len(strides)
    c_in = w.shape[0]
    c_out_g = w.shape[1]
    kernel = w.shape[2:]
    w = w.reshape((groups, c_in // groups, c_out_g) + tuple(kernel))
    w = jnp.swapaxes(w, 1, 2).reshape((groups * c_out_g, c_in // groups) + tuple(kernel))
    w = jnp.flip(w, tuple(range(2, 2 + n)))
    padding = []
    for (lo, hi), k, d, op in zip(pads, kernel, dilations, output_padding):
        full = d * (k - 1)
        padding.append((full - lo, full - hi + op))
    y = lax.conv_general_dilated(
        x, w, window_strides=(1,) * n, padding=padding, lhs_dilation=strides, rhs_dilation=dilations,
        dimension_numbers=_LAYOUT[n], feature_group_count=groups, precision=HIGHEST,
    )
    return _bias(y, b)


def _window(kernel):
    return (1, 1) + tuple(kernel)


def max_pool(x, kernel, strides, pads, dilations, extra):
    padding = ((0, 0), (0, 0)) + tuple((lo, hi + e) for (lo, hi), e in zip(pads, extra))
    init = -jnp.inf if jnp.issubdtype(x.dtype, jnp.floating) else jnp.iinfo(x.dtype).min
    return lax.reduce_window(x, jnp.array(init, x.dtype), lax.max, _window(kernel), (1, 1) + tuple(strides), padding,
                             window_dilation=(1, 1) + tuple(dilations))


def avg_pool(x, kernel, strides, pads, extra, count_include_pad):
    spatial = x.shape[2:]
    padding = ((0, 0), (0, 0)) + tuple((lo, hi + e) for (lo, hi), e in zip(pads, extra))
    window, step = _window(kernel), (1, 1) + tuple(strides)
    total = lax.reduce_window(x, jnp.array(0, x.dtype), lax.add, window, step, padding)
    if count_include_pad:
        ones = jnp.ones((1, 1) + tuple(s + lo + hi for s, (lo, hi) in zip(spatial, pads)), x.dtype)
        count_padding = ((0, 0), (0, 0)) + tuple((0, e) for e in extra)
    else:
        ones = jnp.ones((1, 1) + tuple(spatial), x.dtype)
        count_padding = padding
    count = lax.reduce_window(ones, jnp.array(0, x.dtype), lax.add, window, step, count_padding)
    return total / count

# ------------------------------------------------------------------ normalisation, softmax, reductions


def _channel(v, ndim):
    return v.reshape((1, -1) + (1,) * (ndim - 2))


def batch_norm(x, scale, bias, mean, var, eps):
    inv = scale / jnp.sqrt(var + eps)
    return (x - _channel(mean, x.ndim)) * _channel(inv, x.ndim) + _channel(bias, x.ndim)


def layer_norm(x, scale, bias, axis, eps):
    dims = tuple(range(axis, x.ndim))
    mean = jnp.mean(x, axis=dims, keepdims=True)
    centred = x - mean
    y = centred / jnp.sqrt(jnp.mean(centred * centred, axis=dims, keepdims=True) + eps) * scale
    return y if bias is None else y + bias


def instance_norm(x, scale, bias, eps):
    dims = tuple(range(2, x.ndim))
    mean = jnp.mean(x, axis=dims, keepdims=True)
    centred = x - mean
    y = centred / jnp.sqrt(jnp.mean(centred * centred, axis=dims, keepdims=True) + eps)
    return y * _channel(scale, x.ndim) + _channel(bias, x.ndim)


def softmax(x, axis): return jax.nn.softmax(x, axis=axis)
def log_softmax(x, axis): return jax.nn.log_softmax(x, axis=axis)


def reduce(x, kind, axes, keepdims):
    if kind == 'mean':
        return jnp.mean(x, axis=axes, keepdims=keepdims)
    if kind == 'sum':
        return jnp.sum(x, axis=axes, keepdims=keepdims)
    if kind == 'max':
        return jnp.max(x, axis=axes, keepdims=keepdims)
    if kind == 'min':
        return jnp.min(x, axis=axes, keepdims=keepdims)
    if kind == 'prod':
        return jnp.prod(x, axis=axes, keepdims=keepdims)
    if kind == 'l1':
        return jnp.sum(jnp.abs(x), axis=axes, keepdims=keepdims)
    if kind == 'l2':
        return jnp.sqrt(jnp.sum(x * x, axis=axes, keepdims=keepdims))
    if kind == 'sumsquare':
        return jnp.sum(x * x, axis=axes, keepdims=keepdims)
    if kind == 'logsumexp':
        return jax.scipy.special.logsumexp(x, axis=axes, keepdims=keepdims)
    raise ValueError(kind)


def argmax(x, axis, keepdims): return jnp.argmax(x, axis=axis, keepdims=keepdims)
def argmin(x, axis, keepdims): return jnp.argmin(x, axis=axis, keepdims=keepdims)

