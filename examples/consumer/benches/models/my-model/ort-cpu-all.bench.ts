// One spec file per model × compiler. This one measures models/my-model.onnx compiled by ONNX Runtime
// with every graph optimisation (ort-cpu-all), each case measured alongside the uncompiled reference
// (ort-cpu-disabled, see gate.config.json), over the batch sizes below.
//
// Your model: change the path, the input's name and the shape of one sample (the batch dimension, the
// first one, left out), and name the folder after it (the folder is what --model selects). Another
// compiler: copy this file as <compiler id>.bench.ts (`graph-compiler-bench bench --help` lists the ids).
import { benchSpec } from 'graph-compiler-bench';

benchSpec({
  model: { name: 'my-model', path: 'models/my-model.onnx', inputName: 'input', sampleShape: [8, 8, 8] },
  compiler: 'ort-cpu-all',
  batches: [1, 2, 4, 8],
});
