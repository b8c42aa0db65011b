import { benchSpec } from '../../../src/spec.ts';

benchSpec({ model: 'mixer-like', compiler: 'tfjs-node-gpu', batches: [1, 2, 4, 8, 16] });
