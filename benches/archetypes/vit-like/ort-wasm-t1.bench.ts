import { benchSpec } from '../../../src/spec.ts';

// WebAssembly code is tiered up by V8 while it runs: a longer warm-up keeps the first batch sizes from
// being measured on baseline-compiled code.
benchSpec({ model: 'vit-like', compiler: 'ort-wasm-t1', batches: [1, 2, 4, 8, 16], measure: { warmupTimeMs: 300 } });
