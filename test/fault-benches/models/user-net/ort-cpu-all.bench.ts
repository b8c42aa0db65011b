/**
 * Test-only: a user's ONNX file (GCB_FAULT_ONNX, written by the test) on ort-cpu-all. ONNX Runtime runs it;
 * the TF.js adapters execute the graph IR only, so tfjs-cpu fails to compile it with its own message.
 */
import { benchSpec } from '../../../../src/spec.ts';
import { tinyMeasure } from '../../common.ts';

benchSpec({
  model: { name: 'user-net', path: process.env.GCB_FAULT_ONNX ?? 'missing.onnx' },
  compiler: 'ort-cpu-all',
  batches: [1],
  measure: tinyMeasure(),
});
