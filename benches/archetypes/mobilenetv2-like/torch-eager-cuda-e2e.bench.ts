import { benchSpec } from '../../../src/spec.ts';

benchSpec({ model: 'mobilenetv2-like', compiler: 'torch-eager-cuda-e2e', batches: [1, 4, 8, 16, 32] });
