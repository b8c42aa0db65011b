import { benchSpec } from '../../../src/spec.ts';

benchSpec({ model: 'mixer-like', compiler: 'torch-cudagraphs-cuda-e2e', batches: [1, 4, 8, 16, 32] });
