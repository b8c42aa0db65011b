import { benchSpec } from '../../../src/spec.ts';

benchSpec({ model: 'mobilenetv2-like', compiler: 'tfjs-node-gpu', batches: [1, 2, 4, 8, 16] });
