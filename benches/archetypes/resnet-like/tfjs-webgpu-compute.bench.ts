import { benchSpec } from '../../../src/spec.ts';

benchSpec({ model: 'resnet-like', compiler: 'tfjs-webgpu-compute', batches: [1, 2, 4, 8, 16] });
