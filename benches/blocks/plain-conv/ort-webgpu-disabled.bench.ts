import { benchSpec } from '../../../src/spec.ts';

benchSpec({ model: 'plain-conv', compiler: 'ort-webgpu-disabled', batches: [1, 2, 4, 8, 16], depths: [1, 2, 4, 8] });
