"""The ONNX converter op by op, on tiny graphs, against numpy: every op the fixtures emit and those of
common exported vision and transformer models, with the opset variants the planner handles. Runs on
each backend present (torch: eager on the CPU; JAX: jitted on its CPU device)."""
from __future__ import annotations

import unittest

import numpy as np

from support import HAVE_ONNX, backends, erf, model, ref_conv, ref_pool, ref_softmax, run, sample

if HAVE_ONNX:
    from onnx import TensorProto, helper

    node = helper.make_node
else:  # the whole module is skipped below
    node = None  # type: ignore[assignment]


@unittest.skipUnless(backends(), 'needs onnx and torch or jax')
class ConverterTest(unittest.TestCase):
    def check(self, nodes, inputs, expected, initializers=None, opset=17, outputs=None, rtol=1e-5, atol=1e-5):
        """Runs the graph on every backend and compares each output with numpy's."""
        outputs = outputs or [f'y{i}' if len(expected) > 1 else 'y' for i in range(len(expected))]
        path = model(nodes, {k: v.shape for k, v in inputs.items()}, outputs, initializers, opset)
        for backend in backends():
            with self.subTest(backend=backend):
                results = run(backend, path, inputs, outputs)
                self.assertEqual(len(results), len(expected))
                for got, want in zip(results, expected):
                    want = np.asarray(want)
                    self.assertEqual(tuple(got.shape), tuple(want.shape))
                    if want.dtype == np.bool_ or np.issubdtype(want.dtype, np.integer):
                        np.testing.assert_array_equal(got.astype(np.int64), want.astype(np.int64))
                    else:
                        np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)

    # ------------------------------------------------------------------ convolution and pooling

    def test_conv_symmetric_pads_with_bias(self):
        x, w, b = sample(2, 3, 5, 6), sample(4, 3, 3, 3, seed=1), sample(4, seed=2)
        self.check([node('Conv', ['x', 'w', 'b'], ['y'], pads=[1, 1, 1, 1])], {'x': x},
                   [ref_conv(x, w, b, (1, 1), (1, 1, 1, 1))], {'w': w, 'b': b})

    def test_conv_asymmetric_pads_stride_dilation(self):
        x, w = sample(1, 2, 7, 7), sample(3, 2, 3, 3, seed=1)
        self.check([node('Conv', ['x', 'w'], ['y'], pads=[0, 1, 2, 0], strides=[2, 1], dilations=[1, 2])], {'x': x},
                   [ref_conv(x, w, None, (2, 1), (0, 1, 2, 0), (1, 2))], {'w': w})

    def test_conv_depthwise_groups(self):
        x, w = sample(1, 4, 6, 6), sample(4, 1, 3, 3, seed=1)
        self.check([node('Conv', ['x', 'w'], ['y'], pads=[1, 1, 1, 1], group=4)], {'x': x},
                   [ref_conv(x, w, None, (1, 1), (1, 1, 1, 1), groups=4)], {'w': w})

    def test_conv_same_upper(self):
        x, w = sample(1, 2, 5, 5), sample(2, 2, 2, 2, seed=1)
        # SAME_UPPER with a 2×2 kernel at stride 1 pads one row and column at the end.
        self.check([node('Conv', ['x', 'w'], ['y'], auto_pad='SAME_UPPER')], {'x': x},
                   [ref_conv(x, w, None, (1, 1), (0, 0, 1, 1))], {'w': w})

    def test_conv_transpose_stride_two(self):
        x, w = sample(1, 2, 3, 3), sample(2, 3, 3, 3, seed=1)
        # Reference: scatter each input pixel's kernel-weighted contribution, then crop the pads.
        full = np.zeros((1, 3, 7, 7))
        for ci in range(2):
            for i in range(3):
                for j in range(3):
                    full[0, :, 2 * i:2 * i + 3, 2 * j:2 * j + 3] += x[0, ci, i, j] * w[ci]
        self.check([node('ConvTranspose', ['x', 'w'], ['y'], strides=[2, 2], pads=[1, 1, 1, 1], output_padding=[1, 1])], {'x': x},
                   [np.pad(full, ((0, 0), (0, 0), (0, 1), (0, 1)))[:, :, 1:7, 1:7].astype(np.float32)], {'w': w})

    def test_max_pool_pads_and_ceil_mode(self):
        x = sample(1, 2, 6, 7)
        self.check([node('MaxPool', ['x'], ['y'], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])], {'x': x},
                   [ref_pool(x, (3, 3), (2, 2), (1, 1, 1, 1), 'max')])
        self.check([node('MaxPool', ['x'], ['y'], kernel_shape=[2, 2], strides=[2, 2], ceil_mode=1)], {'x': x},
                   [ref_pool(x, (2, 2), (2, 2), (0, 0, 0, 0), 'max', ceil_mode=True)])

    def test_max_pool_asymmetric_pads(self):
        x = sample(1, 1, 5, 5)
        self.check([node('MaxPool', ['x'], ['y'], kernel_shape=[2, 2], pads=[0, 0, 1, 1])], {'x': x},
                   [ref_pool(x, (2, 2), (1, 1), (0, 0, 1, 1), 'max')])

    def test_average_pool_count_include_pad_both_ways(self):
        x = sample(1, 2, 5, 5)
        for include in (0, 1):
            with self.subTest(count_include_pad=include):
                self.check([node('AveragePool', ['x'], ['y'], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1], count_include_pad=include)],
                           {'x': x}, [ref_pool(x, (3, 3), (2, 2), (1, 1, 1, 1), 'avg', count_include_pad=bool(include))])

    def test_average_pool_asymmetric_and_ceil(self):
        x = sample(1, 1, 6, 6)
        self.check([node('AveragePool', ['x'], ['y'], kernel_shape=[3, 3], strides=[2, 2], pads=[0, 0, 1, 1], ceil_mode=1)], {'x': x},
                   [ref_pool(x, (3, 3), (2, 2), (0, 0, 1, 1), 'avg', ceil_mode=True)])

    def test_global_average_pool(self):
        x = sample(2, 3, 4, 5)
        self.check([node('GlobalAveragePool', ['x'], ['y'])], {'x': x}, [x.mean(axis=(2, 3), keepdims=True)])

    # ------------------------------------------------------------------ normalisation and activations

    def test_batch_normalization(self):
        x, scale, bias, mean, var = sample(2, 3, 4, 4), sample(3, seed=1), sample(3, seed=2), sample(3, seed=3), np.array([0.5, 1.0, 2.0], np.float32)
        want = (x - mean.reshape(1, 3, 1, 1)) / np.sqrt(var.reshape(1, 3, 1, 1) + 1e-3) * scale.reshape(1, 3, 1, 1) + bias.reshape(1, 3, 1, 1)
        self.check([node('BatchNormalization', ['x', 's', 'b', 'm', 'v'], ['y'], epsilon=1e-3)], {'x': x}, [want],
                   {'s': scale, 'b': bias, 'm': mean, 'v': var})

    def test_layer_normalization(self):
        x, gamma, beta = sample(2, 3, 8), sample(8, seed=1), sample(8, seed=2)
        mean = x.mean(-1, keepdims=True)
        want = (x - mean) / np.sqrt(((x - mean) ** 2).mean(-1, keepdims=True) + 1e-5) * gamma + beta
        self.check([node('LayerNormalization', ['x', 'g', 'b'], ['y'], axis=-1, epsilon=1e-5)], {'x': x}, [want], {'g': gamma, 'b': beta})

    def test_element_wise_activations(self):
        x = sample(3, 7) * 3
        cases = [
            ('Relu', {}, np.maximum(x, 0)),
            ('Sigmoid', {}, 1 / (1 + np.exp(-x))),
            ('Tanh', {}, np.tanh(x)),
            ('HardSigmoid', {'alpha': 0.25, 'beta': 0.4}, np.clip(0.25 * x + 0.4, 0, 1)),
            ('HardSwish', {}, x * np.clip(x / 6 + 0.5, 0, 1)),
            ('Erf', {}, erf(x)),
            ('Gelu', {}, 0.5 * x * (1 + erf(x / np.sqrt(2)))),
            ('Neg', {}, -x),
            ('LeakyRelu', {'alpha': 0.1}, np.where(x >= 0, x, 0.1 * x)),
            ('Elu', {}, np.where(x > 0, x, np.exp(x) - 1)),
            ('Softplus', {}, np.log1p(np.exp(x))),
            ('Abs', {}, np.abs(x)),
            ('Exp', {}, np.exp(x)),
        ]
        for op, attrs, want in cases:
            with self.subTest(op=op):
                self.check([node(op, ['x'], ['y'], **attrs)], {'x': x}, [want], opset=20, rtol=1e-5, atol=1e-5)

    def test_sqrt_reciprocal_on_positive_input(self):
        x = np.abs(sample(4, 5)) + 0.5
        self.check([node('Sqrt', ['x'], ['a']), node('Reciprocal', ['a'], ['y'])], {'x': x}, [1 / np.sqrt(x)])

    def test_clip_as_inputs_and_as_attributes(self):
        x = sample(4, 6) * 8
        lo, hi = np.array(0.0, np.float32), np.array(6.0, np.float32)
        self.check([node('Clip', ['x', 'lo', 'hi'], ['y'])], {'x': x}, [np.clip(x, 0, 6)], {'lo': lo, 'hi': hi}, opset=13)
        self.check([node('Clip', ['x', '', 'hi'], ['y'])], {'x': x}, [np.minimum(x, 6)], {'hi': hi}, opset=13)
        self.check([node('Clip', ['x'], ['y'], min=-1.0, max=1.0)], {'x': x}, [np.clip(x, -1, 1)], opset=6)

    def test_binary_broadcasting_and_pow(self):
        x, b = sample(2, 3, 4), sample(3, 1, seed=1)
        two = np.array(2.0, np.float32)
        self.check([node('Add', ['x', 'b'], ['s']), node('Mul', ['s', 'x'], ['m']), node('Sub', ['m', 'b'], ['d']), node('Pow', ['d', 'two'], ['y'])],
                   {'x': x}, [((x + b) * x - b) ** 2], {'b': b, 'two': two}, rtol=1e-5, atol=1e-4)
        self.check([node('Div', ['x', 'c'], ['y'])], {'x': x}, [x / np.float32(1.4142135)], {'c': np.array(1.4142135, np.float32)})

    # ------------------------------------------------------------------ linear algebra and softmax

    def test_matmul_batched(self):
        a, b = sample(2, 3, 4), sample(4, 5, seed=1)
        self.check([node('MatMul', ['x', 'b'], ['y'])], {'x': a}, [a @ b], {'b': b})

    def test_gemm_transposes_alpha_beta(self):
        a, w, c = sample(3, 4), sample(5, 4, seed=1), sample(5, seed=2)
        self.check([node('Gemm', ['x', 'w', 'c'], ['y'], transB=1)], {'x': a}, [a @ w.T + c], {'w': w, 'c': c})
        at = sample(4, 3, seed=3)
        self.check([node('Gemm', ['x', 'w', 'c'], ['y'], transA=1, transB=1, alpha=0.5, beta=2.0)], {'x': at}, [0.5 * (at.T @ w.T) + 2.0 * c], {'w': w, 'c': c})

    def test_softmax_opset_13_and_opset_11(self):
        x = sample(2, 3, 4)
        self.check([node('Softmax', ['x'], ['y'], axis=1)], {'x': x}, [ref_softmax(x, 1)], opset=13)
        # Before opset 13 the input is flattened to 2-D at the axis: softmax over the last 12 values.
        flat = ref_softmax(x.reshape(2, 12), 1).reshape(2, 3, 4)
        self.check([node('Softmax', ['x'], ['y'], axis=1)], {'x': x}, [flat], opset=11)

    def test_reduce_mean_axes_attribute_and_input(self):
        x = sample(2, 3, 4)
        self.check([node('ReduceMean', ['x'], ['y'], axes=[-1], keepdims=1)], {'x': x}, [x.mean(-1, keepdims=True)], opset=17)
        self.check([node('ReduceMean', ['x', 'axes'], ['y'], keepdims=0)], {'x': x}, [x.mean(axis=(0, 2))], {'axes': np.array([0, 2], np.int64)}, opset=18)
        self.check([node('ReduceSum', ['x', 'axes'], ['y'], keepdims=1)], {'x': x}, [x.sum(1, keepdims=True)], {'axes': np.array([1], np.int64)}, opset=13)

    # ------------------------------------------------------------------ shapes, folded for the batch

    def test_reshape_with_zero_and_minus_one_flatten_transpose(self):
        x = sample(2, 3, 4, 5)
        self.check([node('Reshape', ['x', 'shape'], ['r']), node('Transpose', ['r'], ['t'], perm=[0, 2, 1]), node('Flatten', ['t'], ['y'], axis=1)],
                   {'x': x}, [x.reshape(2, 3, 20).transpose(0, 2, 1).reshape(2, 60)], {'shape': np.array([0, 3, -1], np.int64)})

    def test_shape_gather_unsqueeze_concat_reshape_chain(self):
        # What exporters write for x.view(x.size(0), -1): the batch comes from Shape and is folded.
        x = sample(3, 2, 4)
        nodes = [
            node('Shape', ['x'], ['s']),
            node('Gather', ['s', 'zero'], ['n'], axis=0),
            node('Unsqueeze', ['n', 'axes'], ['nu']),
            node('Concat', ['nu', 'minus_one'], ['target'], axis=0),
            node('Reshape', ['x', 'target'], ['y']),
        ]
        self.check(nodes, {'x': x}, [x.reshape(3, 8)], {'zero': np.array(0, np.int64), 'axes': np.array([0], np.int64), 'minus_one': np.array([-1], np.int64)}, opset=13)

    def test_squeeze_unsqueeze_attribute_form(self):
        x = sample(2, 1, 3)
        self.check([node('Squeeze', ['x'], ['s'], axes=[1]), node('Unsqueeze', ['s'], ['y'], axes=[0, 3])], {'x': x}, [x.reshape(1, 2, 3, 1)], opset=11)

    def test_squeeze_without_axes(self):
        x = sample(1, 3, 1, 2)
        self.check([node('Squeeze', ['x'], ['y'])], {'x': x}, [x.reshape(3, 2)], opset=13)

    def test_split_by_input_by_attribute_and_equal(self):
        x = sample(2, 6)
        self.check([node('Split', ['x', 'sizes'], ['y0', 'y1'], axis=1)], {'x': x}, [x[:, :2], x[:, 2:]], {'sizes': np.array([2, 4], np.int64)}, opset=13)
        self.check([node('Split', ['x'], ['y0', 'y1'], axis=1, split=[5, 1])], {'x': x}, [x[:, :5], x[:, 5:]], opset=11)
        self.check([node('Split', ['x'], ['y0', 'y1', 'y2'], axis=1)], {'x': x}, [x[:, 0:2], x[:, 2:4], x[:, 4:6]], opset=13)

    def test_slice_steps_negative_and_attribute_form(self):
        x = sample(3, 8)
        slice_inputs = {'starts': np.array([1, -1], np.int64), 'ends': np.array([3, -9], np.int64), 'axes': np.array([0, 1], np.int64), 'steps': np.array([1, -2], np.int64)}
        self.check([node('Slice', ['x', 'starts', 'ends', 'axes', 'steps'], ['y'])], {'x': x}, [x[1:3, ::-2]], slice_inputs)
        self.check([node('Slice', ['x'], ['y'], starts=[2], ends=[100], axes=[1])], {'x': x}, [x[:, 2:]], opset=9)

    def test_slice_to_the_end_as_exporters_write_it(self):
        # INT64_MAX / INT64_MIN mean "to the end"; JAX's int32 must keep that meaning.
        x = sample(3, 8)
        big, small = np.iinfo(np.int64).max, np.iinfo(np.int64).min
        self.check([node('Slice', ['x', 's', 'e', 'a'], ['y0']), node('Slice', ['x', 's2', 'e2', 'a', 'st'], ['y1'])], {'x': x},
                   [x[:, 3:], x[:, 6::-1]],
                   {'s': np.array([3], np.int64), 'e': np.array([big], np.int64), 'a': np.array([1], np.int64),
                    's2': np.array([6], np.int64), 'e2': np.array([small], np.int64), 'st': np.array([-1], np.int64)})

    def test_gather_constant_indices(self):
        x = sample(2, 5, 3)
        self.check([node('Gather', ['x', 'idx'], ['y'], axis=1)], {'x': x}, [x[:, [4, 0, 4], :]], {'idx': np.array([-1, 0, 4], np.int64)})
        self.check([node('Gather', ['x', 'i'], ['y'], axis=1)], {'x': x}, [x[:, 2, :]], {'i': np.array(2, np.int64)})

    def test_gather_elements_and_scatter_nd(self):
        x = sample(2, 3, 4)
        idx = np.array([[[0, -1, 2, 1]], [[3, 0, 0, 2]]], np.int64)  # [2, 1, 4]: one gathered row per batch
        # out[i, j, k] = x[i, j, idx[i, j, k]], of the indices' shape (numpy's take_along_axis would broadcast them)
        gathered = np.array([[[x[i, j, k % 4] for k in row] for j, row in enumerate(block)] for i, block in enumerate(idx)], np.float32)
        self.check([node('GatherElements', ['x', 'idx'], ['y'], axis=2)], {'x': x}, [gathered], {'idx': idx})
        rows = np.array([[1, 2], [0, -3]], np.int64)  # x[1, 2, :] and x[0, 0, :] replaced (or increased)
        updates = sample(2, 4, seed=3)
        replaced = x.copy()
        replaced[1, 2], replaced[0, 0] = updates[0], updates[1]
        increased = x.copy()
        increased[1, 2] += updates[0]
        increased[0, 0] += updates[1]
        self.check([node('ScatterND', ['x', 'rows', 'upd'], ['y'])], {'x': x}, [replaced], {'rows': rows, 'upd': updates}, opset=16)
        self.check([node('ScatterND', ['x', 'rows', 'upd'], ['y'], reduction='add')], {'x': x}, [increased], {'rows': rows, 'upd': updates}, opset=16)

    def test_dropout_of_ratio_zero_in_training_mode_is_identity(self):
        x = sample(2, 4)
        nodes = [node('Dropout', ['x', 'ratio', 'training'], ['y'])]
        self.check(nodes, {'x': x}, [x], {'ratio': np.array(0.0, np.float32), 'training': np.array(True)}, opset=13)

    def test_expand_where_equal_cast(self):
        x = sample(2, 1, 3)
        self.check([node('Expand', ['x', 'shape'], ['y'])], {'x': x}, [np.broadcast_to(x, (2, 4, 3))], {'shape': np.array([1, 4, 1], np.int64)})
        zero = np.array(0.0, np.float32)
        nodes = [node('Greater', ['x', 'zero'], ['pos']), node('Cast', ['pos'], ['f'], to=TensorProto.FLOAT), node('Equal', ['f', 'zero'], ['neg']),
                 node('Where', ['neg', 'x', 'f'], ['y'])]
        self.check(nodes, {'x': x}, [np.where(x > 0, 1.0, x).astype(np.float32)], {'zero': zero})

    def test_constant_of_shape_range_constant_identity_dropout(self):
        x = sample(2, 4)
        nodes = [
            node('Shape', ['x'], ['s']),
            node('ConstantOfShape', ['s'], ['ones'], value=helper.make_tensor('v', TensorProto.FLOAT, [1], [1.0])),
            node('Constant', [], ['start'], value=helper.make_tensor('c0', TensorProto.FLOAT, [], [0.0])),
            node('Constant', [], ['limit'], value_float=4.0),
            node('Constant', [], ['delta'], value=helper.make_tensor('c2', TensorProto.FLOAT, [], [1.0])),
            node('Range', ['start', 'limit', 'delta'], ['r']),
            node('Add', ['x', 'ones'], ['a']),
            node('Mul', ['a', 'r'], ['m']),
            node('Dropout', ['m'], ['d']),
            node('Identity', ['d'], ['y']),
        ]
        self.check(nodes, {'x': x}, [(x + 1) * np.arange(4, dtype=np.float32)], opset=13)

    def test_graph_output_that_is_constant_folded(self):
        x = sample(2, 3)
        self.check([node('Shape', ['x'], ['y'])], {'x': x}, [np.array([2, 3], np.int64)])


@unittest.skipUnless(backends(), 'needs onnx and torch or jax')
class GeneratedSourceTest(unittest.TestCase):
    def test_shape_operands_become_literals_and_dead_code_is_dropped(self):
        from gcb_worker.onnx_model import load_onnx
        from gcb_worker.planner import plan_graph

        x = sample(4, 2, 3)
        path = model([
            node('Shape', ['x'], ['s']),
            node('Reshape', ['x', 's2'], ['y']),
            node('Relu', ['x'], ['unused']),
        ], {'x': x.shape}, ['y'], {'s2': np.array([0, -1], np.int64)})
        backend = backends()[0]
        if backend == 'torch':
            from gcb_worker.torch_session import TorchPlanning as Planning
        else:
            from gcb_worker.jax_session import JaxPlanning as Planning  # type: ignore[assignment]
        planning = Planning()
        with planning.plan_context():
            plan = plan_graph(load_onnx(path), planning, {'x': ((4, 2, 3), 'float32')}, ['y'])
        body = [line.strip() for line in plan.source.splitlines()[1:]]
        self.assertEqual(body, ['v1 = F.reshape(x0, (4, 6))', 'return (v1,)'])
        self.assertEqual(plan.constants, {})


if __name__ == '__main__':
    unittest.main()
