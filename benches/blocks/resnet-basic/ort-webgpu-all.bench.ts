import { benchSpec } from '../../../src/spec.ts';

benchSpec({ model: 'resnet-basic', compiler: 'ort-webgpu-all', batches: [1, 2, 4, 8, 16], depths: [1, 2, 4, 8] });
