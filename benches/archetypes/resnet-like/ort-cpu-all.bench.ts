import { benchSpec } from '../../../src/spec.ts';

benchSpec({ model: 'resnet-like', compiler: 'ort-cpu-all', batches: [1, 2, 4, 8, 16] });
