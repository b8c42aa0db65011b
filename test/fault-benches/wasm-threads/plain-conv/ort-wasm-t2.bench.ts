/** Test-only: plain-conv under onnxruntime-web with 2 thread(s), beside the other count (one WebAssembly runtime per process). */
import { benchSpec } from '../../../../src/spec.ts';
import { tinyMeasure } from '../../common.ts';

benchSpec({ model: 'plain-conv', compiler: 'ort-wasm-t2', batches: [1], depths: [1], measure: tinyMeasure(), sessions: 1 });
