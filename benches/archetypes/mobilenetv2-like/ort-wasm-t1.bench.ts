import { benchSpec } from '../../../src/spec.ts';

benchSpec({ model: 'mobilenetv2-like', compiler: 'ort-wasm-t1', batches: [1, 2, 4, 8, 16] });
