import { benchSpec } from '../../../src/spec.ts';

benchSpec({ model: 'vit-like', compiler: 'torch-inductor-cuda-e2e', batches: [1, 4, 8, 16, 32] });
