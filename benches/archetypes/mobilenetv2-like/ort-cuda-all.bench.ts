import { benchSpec } from '../../../src/spec.ts';

benchSpec({ model: 'mobilenetv2-like', compiler: 'ort-cuda-all', batches: [1, 2, 4, 8, 16] });
