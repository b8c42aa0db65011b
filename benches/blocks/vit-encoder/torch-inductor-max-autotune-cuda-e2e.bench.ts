import { benchSpec } from '../../../src/spec.ts';

benchSpec({ model: 'vit-encoder', compiler: 'torch-inductor-max-autotune-cuda-e2e', batches: [1, 4, 8, 16, 32], depths: [1, 4, 8] });
