import { benchSpec } from '../../../src/spec.ts';

benchSpec({ model: 'mixer-like', compiler: 'ort-cpu-extended', batches: [1, 2, 4, 8, 16] });
