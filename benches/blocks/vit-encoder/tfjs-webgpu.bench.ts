import { benchSpec } from '../../../src/spec.ts';

benchSpec({ model: 'vit-encoder', compiler: 'tfjs-webgpu', batches: [1, 2, 4, 8, 16], depths: [1, 2, 4, 8] });
