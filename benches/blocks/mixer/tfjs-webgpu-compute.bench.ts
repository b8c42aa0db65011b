import { benchSpec } from '../../../src/spec.ts';

benchSpec({ model: 'mixer', compiler: 'tfjs-webgpu-compute', batches: [1, 2, 4, 8, 16], depths: [1, 2, 4, 8] });
