// A transformer with int64 token ids and an attention mask, its sequence length swept like the batch:
// keys such as models/bert-tiny/ort-cpu-all/b=8/seq=128.
import { benchSpec } from '../../src/spec.ts';
import { exportedModels, pathOf } from './models.ts';

const bert = exportedModels().find((m) => m.name === 'bert-tiny');
if (bert === undefined) throw new Error('bert-tiny is not in the export manifest: run python3 scripts/export-models.py');

benchSpec({
  model: {
    name: 'bert-tiny',
    path: pathOf(bert),
    inputs: [
      { name: 'input_ids', dtype: 'int64', shape: ['seq'], values: { kind: 'integers', min: 0, max: (bert.vocabSize ?? 30522) - 1 } },
      { name: 'attention_mask', dtype: 'int64', shape: ['seq'], values: { kind: 'mask' } },
    ],
    outputs: ['last_hidden_state', 'pooler_output'],
    // Fused GELU and LayerNorm kernels round differently from the unfused reference.
    tolerance: 1e-3,
  },
  compilers: ['ort-cpu-disabled', 'ort-cpu-all', 'ort-wasm-t1', 'tfjs-cpu', 'ort-webgpu-disabled', 'ort-webgpu-all', 'ort-cuda-all', 'torch-eager-cuda', 'torch-inductor-cuda'],
  batches: [1, 8],
  dims: { seq: [32, 128] },
});
