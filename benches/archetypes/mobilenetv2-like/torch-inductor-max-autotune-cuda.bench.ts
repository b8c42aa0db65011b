import { benchSpec } from '../../../src/spec.ts';

benchSpec({ model: 'mobilenetv2-like', compiler: 'torch-inductor-max-autotune-cuda', batches: [1, 4, 8, 16, 32] });
