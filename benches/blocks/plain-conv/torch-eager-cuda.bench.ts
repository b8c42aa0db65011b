import { benchSpec } from '../../../src/spec.ts';

benchSpec({ model: 'plain-conv', compiler: 'torch-eager-cuda', batches: [1, 4, 8, 16, 32], depths: [1, 4, 8] });
