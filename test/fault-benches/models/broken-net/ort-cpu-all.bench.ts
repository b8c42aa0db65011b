/**
 * Test-only: a user's ONNX file (GCB_FAULT_BROKEN_ONNX, written by the test) that parses as ONNX but
 * names an operator ONNX Runtime does not have: the case fails in compile with ONNX Runtime's message.
 */
import { benchSpec } from '../../../../src/spec.ts';
import { tinyMeasure } from '../../common.ts';

benchSpec({
  model: { name: 'broken-net', path: process.env.GCB_FAULT_BROKEN_ONNX ?? 'missing.onnx' },
  compiler: 'ort-cpu-all',
  batches: [1],
  measure: tinyMeasure(),
});
