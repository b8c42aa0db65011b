import { benchSpec } from '../../../src/spec.ts';

benchSpec({ model: 'vit-like', compiler: 'ort-webgpu-disabled', batches: [1, 2, 4, 8, 16] });
