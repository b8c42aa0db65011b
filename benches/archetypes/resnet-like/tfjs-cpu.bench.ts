import { benchSpec } from '../../../src/spec.ts';

// Plain-JavaScript kernels take ~0.1–2 s per inference here: a shorter sweep and fewer samples.
benchSpec({ model: 'resnet-like', compiler: 'tfjs-cpu', batches: [1, 2, 4, 8], measure: { minSamples: 5, minTimeMs: 100 } });
