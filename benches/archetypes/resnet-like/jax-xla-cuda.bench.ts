import { benchSpec } from '../../../src/spec.ts';

benchSpec({ model: 'resnet-like', compiler: 'jax-xla-cuda', batches: [1, 4, 8, 16, 32] });
