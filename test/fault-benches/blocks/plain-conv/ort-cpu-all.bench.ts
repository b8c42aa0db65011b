/** Test-only: a healthy case (plain-conv, depth 1, ONNX Runtime all optimisations) that runs beside the faulty ones. */
import { benchSpec } from '../../../../src/spec.ts';
import { numbersFromEnv, tinyMeasure } from '../../common.ts';

benchSpec({ model: 'plain-conv', compiler: 'ort-cpu-all', batches: numbersFromEnv('GCB_OK_BATCHES', [1]), depths: [1], measure: tinyMeasure(), sessions: 1 });
