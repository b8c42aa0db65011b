"""Protocol v1 framing and answers, through `serve` on in-memory streams (a fake stdin/stdout
session), and what `load` says about models the converter cannot take."""
from __future__ import annotations

import base64
import importlib.util
import io
import json
import os
import unittest

import numpy as np

from support import HAVE_ONNX, HAVE_TORCH, model, sample

from gcb_worker.protocol import serve
from gcb_worker.worker import Worker


def session(requests: list, worker: Worker | None = None) -> list[dict]:
    """Sends each request (a dict, or a raw line) and returns the answers, one per line written."""
    lines = [r if isinstance(r, str) else json.dumps(r) for r in requests]
    stdin = io.StringIO(''.join(f'{line}\n' for line in lines))
    stdout = io.StringIO()
    serve(stdin, stdout, worker)
    text = stdout.getvalue()
    assert text.endswith('\n') or text == ''
    return [json.loads(line) for line in text.splitlines()]


def wire(name: str, array: np.ndarray) -> dict:
    return {'name': name, 'dtype': 'float32', 'shape': list(array.shape), 'data': base64.b64encode(array.astype('<f4').tobytes()).decode()}


class FramingTest(unittest.TestCase):
    def test_hello_names_the_worker_and_every_compiler(self):
        [answer] = session([{'id': 1, 'op': 'hello', 'protocol': 1}])
        self.assertEqual(answer['id'], 1)
        self.assertTrue(answer['ok'])
        self.assertEqual(answer['protocol'], 1)
        self.assertEqual(answer['worker']['name'], 'gcb-python-worker')
        ids = [c['id'] for c in answer['compilers']]
        self.assertEqual(ids, [
            'torch-eager-cuda', 'torch-eager-cuda-e2e', 'torch-inductor-cuda', 'torch-inductor-cuda-e2e',
            'torch-inductor-max-autotune-cuda', 'torch-inductor-max-autotune-cuda-e2e', 'torch-cudagraphs-cuda',
            'torch-cudagraphs-cuda-e2e', 'jax-xla-cuda', 'jax-xla-cuda-e2e', 'tensorrt-cuda', 'torch-eager-cpu', 'torch-inductor-cpu',
        ])
        for compiler in answer['compilers']:
            self.assertEqual('reason' in compiler, not compiler['available'], compiler)
        tensorrt = next(c for c in answer['compilers'] if c['id'] == 'tensorrt-cuda')
        self.assertFalse(tensorrt['available'])
        self.assertIn('python', answer['runtimes'])

    def test_hello_answers_the_lower_protocol_and_refuses_none(self):
        [higher, zero] = session([{'id': 1, 'op': 'hello', 'protocol': 7}, {'id': 2, 'op': 'hello', 'protocol': 0}])
        self.assertEqual(higher['protocol'], 1)
        self.assertEqual(zero, {'id': 2, 'ok': False, 'error': {'message': "hello: this worker speaks protocol 1; the harness offers 0", 'phase': 'protocol'}})

    def test_bad_requests_are_answered_with_protocol_errors_in_order(self):
        answers = session(['this is not json', {'op': 'hello'}, {'id': 3, 'op': 'fly'}, {'id': 4, 'op': 'run', 'handle': 'nope', 'calls': 1}])
        self.assertEqual([a['id'] for a in answers], [-1, -1, 3, 4])
        self.assertTrue(all(a['ok'] is False and a['error']['phase'] == 'protocol' for a in answers))
        self.assertEqual(answers[2]['error']['message'], "unknown op 'fly'")
        self.assertEqual(answers[3]['error']['message'], "unknown handle 'nope'")

    def test_blank_lines_are_skipped_and_shutdown_ends_the_session(self):
        answers = session(['', {'id': 1, 'op': 'shutdown'}, {'id': 2, 'op': 'hello', 'protocol': 1}])
        self.assertEqual(answers, [{'id': 1, 'ok': True}])

    def test_unknown_compiler_and_relative_path(self):
        answers = session([
            {'id': 1, 'op': 'load', 'handle': 'h', 'compiler': 'nope', 'batch': 1, 'model': {}},
            {'id': 2, 'op': 'load', 'handle': 'h', 'compiler': 'torch-eager-cpu', 'batch': 1,
             'model': {'path': 'relative.onnx', 'inputs': [{'name': 'x', 'dtype': 'float32', 'shape': [1]}], 'outputs': ['y']}},
        ])
        self.assertEqual(answers[0]['error']['phase'], 'protocol')
        self.assertTrue(answers[0]['error']['message'].startswith("unknown compiler 'nope'; this worker offers torch-eager-cuda, "))
        if answers[1]['ok']:  # torch missing here: the compiler is unavailable before the path is looked at
            self.assertEqual(answers[1]['available'], False)
        else:
            self.assertEqual(answers[1]['error'], {'message': "model.path must be an absolute path, got 'relative.onnx'", 'phase': 'protocol'})

    def test_tensorrt_load_is_unavailable_with_its_reason(self):
        [hello, load] = session([
            {'id': 1, 'op': 'hello', 'protocol': 1},
            {'id': 2, 'op': 'load', 'handle': 'h', 'compiler': 'tensorrt-cuda', 'batch': 1, 'model': {}},
        ])
        reason = next(c['reason'] for c in hello['compilers'] if c['id'] == 'tensorrt-cuda')
        self.assertEqual(load, {'id': 2, 'ok': True, 'available': False, 'reason': reason})


@unittest.skipUnless(HAVE_ONNX and HAVE_TORCH, 'needs onnx and torch')
class TorchCpuSessionTest(unittest.TestCase):
    def setUp(self):
        from onnx import helper

        self.w = sample(3, 4, seed=1)
        self.path = model([helper.make_node('MatMul', ['x', 'w'], ['m']), helper.make_node('Relu', ['m'], ['y'])], {'x': (2, 3)}, ['y'], {'w': self.w})
        self.load = {'id': 2, 'op': 'load', 'handle': 'h1', 'compiler': 'torch-eager-cpu', 'batch': 2,
                     'model': {'path': self.path, 'inputs': [{'name': 'x', 'dtype': 'float32', 'shape': [2, 3]}], 'outputs': ['y']}}

    def test_a_whole_case_load_prepare_compile_run_output_dispose(self):
        x = sample(2, 3)
        answers = session([
            {'id': 1, 'op': 'hello', 'protocol': 1},
            {**self.load, 'settings': {'threads': 1}},
            {'id': 3, 'op': 'prepare', 'handle': 'h1', 'inputs': [wire('x', x)]},
            {'id': 4, 'op': 'compile', 'handle': 'h1'},
            {'id': 5, 'op': 'run', 'handle': 'h1', 'calls': 4},
            {'id': 6, 'op': 'output', 'handle': 'h1'},
            {'id': 7, 'op': 'dispose', 'handle': 'h1'},
            {'id': 8, 'op': 'run', 'handle': 'h1', 'calls': 1},
        ])
        self.assertEqual([a['id'] for a in answers], [1, 2, 3, 4, 5, 6, 7, 8])
        load = answers[1]
        self.assertEqual(load['available'], True)
        self.assertEqual(load['mode'], 'end-to-end')
        self.assertEqual(load['compiler']['settings'], {'dtype': 'float32', 'mode': 'end-to-end', 'threads': 1, 'threadSpinning': False})
        self.assertEqual(answers[2], {'id': 3, 'ok': True})
        self.assertGreaterEqual(answers[3]['compileMs'], 0)
        self.assertEqual(len(answers[4]['times']), 4)
        [out] = answers[5]['outputs']
        self.assertEqual((out['name'], out['dtype'], out['shape']), ('y', 'float32', [2, 4]))
        got = np.frombuffer(base64.b64decode(out['data']), '<f4').reshape(2, 4)
        np.testing.assert_allclose(got, np.maximum(x @ self.w, 0), rtol=1e-6, atol=1e-6)
        self.assertEqual(answers[6], {'id': 7, 'ok': True})
        self.assertEqual(answers[7]['error'], {'message': "unknown handle 'h1'", 'phase': 'protocol'})

    def test_a_setting_other_than_offered_fails_load(self):
        [answer] = session([{**self.load, 'settings': {'dtype': 'float16'}}])
        self.assertEqual(answer['error'], {'message': "torch-eager-cpu runs with dtype='float32'; 'float16' is not offered", 'phase': 'load'})
        [answer] = session([{**self.load, 'settings': {'tf32': False}}])
        self.assertEqual(answer['error']['phase'], 'load')
        self.assertTrue(answer['error']['message'].startswith("torch-eager-cpu has no setting 'tf32'"))

    def test_a_wrongly_shaped_input_is_refused(self):
        answers = session([self.load, {'id': 3, 'op': 'prepare', 'handle': 'h1', 'inputs': [wire('x', sample(3, 3))]}])
        self.assertEqual(answers[1]['error'], {'message': 'prepare: input x has shape [3, 3], the model was loaded for [2, 3]', 'phase': 'protocol'})

    def test_a_failing_call_is_an_error_answer_not_a_dead_worker(self):
        from onnx import helper

        # A MatMul whose operands do not fit fails while the plan runs: a load error, and the worker answers on.
        path = model([helper.make_node('MatMul', ['x', 'w'], ['y'])], {'x': (2, 3)}, ['y'], {'w': sample(5, 4)})
        answers = session([{**self.load, 'model': {**self.load['model'], 'path': path}}, {'id': 9, 'op': 'hello', 'protocol': 1}])
        self.assertEqual(answers[0]['ok'], False)
        self.assertEqual(answers[0]['error']['phase'], 'load')
        self.assertIn('RuntimeError', answers[0]['error']['message'])
        self.assertEqual(answers[1]['ok'], True)


@unittest.skipUnless(HAVE_ONNX and HAVE_TORCH, 'needs onnx and torch')
class UnsupportedModelTest(unittest.TestCase):
    def load(self, path: str, inputs=None) -> dict:
        [answer] = session([{'id': 1, 'op': 'load', 'handle': 'h', 'compiler': 'torch-eager-cpu', 'batch': 1,
                             'model': {'path': path, 'inputs': inputs or [{'name': 'x', 'dtype': 'float32', 'shape': [1, 4]}], 'outputs': ['y']}}])
        return answer

    def test_every_unsupported_op_is_named(self):
        from onnx import helper

        path = model([
            helper.make_node('NonZero', ['x'], ['a']),
            helper.make_node('Relu', ['x'], ['r']),
            helper.make_node('Resize', ['r'], ['b']),
            helper.make_node('NonZero', ['r'], ['y']),
        ], {'x': (1, 4)}, ['y'])
        self.assertEqual(self.load(path), {'id': 1, 'ok': True, 'available': False, 'reason': 'unsupported ops NonZero, Resize'})

    def test_one_unsupported_op_and_another_domain(self):
        from onnx import helper

        path = model([helper.make_node('FusedGelu', ['x'], ['y'], domain='com.microsoft')], {'x': (1, 4)}, ['y'])
        self.assertEqual(self.load(path)['reason'], 'unsupported op com.microsoft.FusedGelu')

    def test_an_unsupported_feature_of_a_supported_op(self):
        from onnx import helper

        # The Reshape target is computed from the input's values, not its shape: not known at load time.
        path = model([helper.make_node('Cast', ['x'], ['i'], to=7), helper.make_node('Reshape', ['x', 'i'], ['y'])], {'x': (1, 4)}, ['y'])
        self.assertEqual(self.load(path)['reason'], 'Reshape: the target shape (input 1) is computed at run time')

    def test_an_input_the_model_does_not_have(self):
        from onnx import helper

        path = model([helper.make_node('Relu', ['x'], ['y'])], {'x': (1, 4)}, ['y'])
        answer = self.load(path, [{'name': 'pixels', 'dtype': 'float32', 'shape': [1, 4]}])
        self.assertEqual(answer['reason'], 'the model has no input named pixels; its inputs are x')


if __name__ == '__main__':
    unittest.main()


@unittest.skipUnless(HAVE_ONNX and importlib.util.find_spec('jax') is not None, 'needs onnx and jax')
class JaxSessionTest(unittest.TestCase):
    """A whole jax-xla-cuda case through the protocol, on JAX's CPU device (GCB_WORKER_TEST_JAX_PLATFORM)."""

    def setUp(self):
        os.environ['GCB_WORKER_TEST_JAX_PLATFORM'] = 'cpu'

    def tearDown(self):
        del os.environ['GCB_WORKER_TEST_JAX_PLATFORM']

    def test_both_modes_compile_ahead_of_time_and_time_every_call(self):
        from onnx import helper

        w = sample(3, 4, seed=1)
        path = model([helper.make_node('MatMul', ['x', 'w'], ['m']), helper.make_node('Tanh', ['m'], ['y'])], {'x': (2, 3)}, ['y'], {'w': w})
        x = sample(2, 3)
        for compiler, mode in (('jax-xla-cuda', 'compute-only'), ('jax-xla-cuda-e2e', 'end-to-end')):
            with self.subTest(compiler=compiler):
                load = {'id': 2, 'op': 'load', 'handle': 'j', 'compiler': compiler, 'batch': 2,
                        'model': {'path': path, 'inputs': [{'name': 'x', 'dtype': 'float32', 'shape': [2, 3]}], 'outputs': ['y']}}
                answers = session([
                    {'id': 1, 'op': 'hello', 'protocol': 1}, load,
                    {'id': 3, 'op': 'prepare', 'handle': 'j', 'inputs': [wire('x', x)]},
                    {'id': 4, 'op': 'compile', 'handle': 'j'},
                    {'id': 5, 'op': 'run', 'handle': 'j', 'calls': 3},
                    {'id': 6, 'op': 'output', 'handle': 'j'},
                    {'id': 7, 'op': 'dispose', 'handle': 'j'},
                ])
                self.assertTrue(all(a['ok'] for a in answers), answers)
                self.assertEqual(answers[1]['mode'], mode)
                self.assertEqual(answers[1]['compiler']['settings'], {'dtype': 'float32', 'mode': mode, 'matmulPrecision': 'highest', 'memoryPreallocation': False})
                compiled = answers[3]
                self.assertEqual(sorted(compiled['phases']), ['compileMs', 'firstRunMs', 'lowerMs'])
                self.assertAlmostEqual(compiled['compileMs'], sum(compiled['phases'].values()), delta=0.5)
                self.assertEqual(len(answers[4]['times']), 3)
                [out] = answers[5]['outputs']
                got = np.frombuffer(base64.b64decode(out['data']), '<f4').reshape(out['shape'])
                np.testing.assert_allclose(got, np.tanh(x @ w), rtol=1e-6, atol=1e-6)
