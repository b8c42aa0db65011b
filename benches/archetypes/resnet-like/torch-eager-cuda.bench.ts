import { benchSpec } from '../../../src/spec.ts';

benchSpec({ model: 'resnet-like', compiler: 'torch-eager-cuda', batches: [1, 4, 8, 16, 32] });
