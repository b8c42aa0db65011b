import { benchSpec } from '../../../src/spec.ts';

// A short sweep: PyTorch on the CPU runs in the default matrix of the 2-core machine.
benchSpec({ model: 'vit-like', compiler: 'torch-inductor-cpu', batches: [1, 4, 16] });
