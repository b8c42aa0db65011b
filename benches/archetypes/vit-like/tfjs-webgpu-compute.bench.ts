import { benchSpec } from '../../../src/spec.ts';

benchSpec({ model: 'vit-like', compiler: 'tfjs-webgpu-compute', batches: [1, 2, 4, 8, 16] });
