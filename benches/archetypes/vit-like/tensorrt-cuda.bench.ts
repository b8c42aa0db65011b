import { benchSpec } from '../../../src/spec.ts';

benchSpec({ model: 'vit-like', compiler: 'tensorrt-cuda', batches: [1, 4, 8, 16, 32] });
