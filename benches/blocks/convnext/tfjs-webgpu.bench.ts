import { benchSpec } from '../../../src/spec.ts';

benchSpec({ model: 'convnext', compiler: 'tfjs-webgpu', batches: [1, 2, 4, 8, 16], depths: [1, 2, 4, 8] });
