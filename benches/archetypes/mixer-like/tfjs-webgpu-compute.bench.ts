import { benchSpec } from '../../../src/spec.ts';

benchSpec({ model: 'mixer-like', compiler: 'tfjs-webgpu-compute', batches: [1, 2, 4, 8, 16] });
