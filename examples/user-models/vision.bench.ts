// Two public vision architectures of matched cost (convnext_tiny and swin_t, 4.5 GMACs each, exported
// by scripts/export-models.py), each under every compiler in one spec file, compared as a group.
import { benchGroup, benchSpec } from '../../src/spec.ts';
import { exportedModels, pathOf } from './models.ts';

const vision = exportedModels().filter((m) => m.kind === 'vision');

for (const model of vision) {
  benchSpec({
    model: { name: model.name, path: pathOf(model), inputName: 'pixel_values', sampleShape: [3, 224, 224] },
    compilers: [
      // CPU (the default --hardware cpu): ONNX Runtime at each optimisation level, onnxruntime-web, TF.js.
      'ort-cpu-disabled',
      'ort-cpu-basic',
      'ort-cpu-extended',
      'ort-cpu-all',
      'ort-wasm-t1',
      'tfjs-cpu', // reported unavailable, with the reason: TF.js runs the suite's own graph IR, not ONNX files
      'tfjs-wasm',
      // GPU (--hardware gpu): ONNX Runtime WebGPU and CUDA, TF.js WebGPU, PyTorch from the ONNX file.
      'ort-webgpu-disabled',
      'ort-webgpu-all',
      'ort-cuda-all',
      'tfjs-webgpu',
      'torch-eager-cuda',
      'torch-inductor-cuda',
    ],
    batches: [1, 4, 16],
  });
}

// Orderings and reversals of the pair: which of them is faster, under each compiler and batch.
benchGroup({ name: 'vision-4.5gflop', models: vision.map((m) => m.name) });
